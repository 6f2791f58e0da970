//! Contexts. The per-thread context stack lives in the guest, as in the real
//! driver; each call carries the calling thread's current context id so the
//! host runs it there. The guest also remembers which device each context
//! belongs to and which contexts are alive, so that stack operations cost no
//! round trip.

use core::ffi::{c_int, c_uint};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

use cuvm_abi::{CUcontext, CUfunc_cache, CUlimit, CUresult};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, protocol};

thread_local! {
    static STACK: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on the calling thread's context stack. While the thread is
/// exiting (its thread-locals already destroyed: libcudart unloads its
/// libraries and releases primary contexts from an exit handler) the thread
/// has no stack any more: `f` sees an empty one and what it changes is
/// forgotten, as the thread is going away.
fn with_stack<R>(f: impl FnOnce(&mut Vec<u64>) -> R) -> R {
    let mut f = Some(f);
    match STACK.try_with(|s| f.take().map(|f| f(&mut s.borrow_mut()))) {
        Ok(Some(r)) => r,
        _ => match f.take() {
            Some(f) => f(&mut Vec::new()),
            None => unreachable!("the closure ran but gave no result"),
        },
    }
}

/// Live contexts: id -> device.
static CONTEXTS: Mutex<Option<HashMap<u64, i32>>> = Mutex::new(None);

/// Primary contexts: device -> id, once the host has named one.
static PRIMARY: Mutex<Option<HashMap<i32, u64>>> = Mutex::new(None);

fn note_primary(dev: i32, id: u64) {
    contexts(|m| m.insert(id, dev));
    PRIMARY.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert_with(HashMap::new).insert(dev, id);
}

fn primary_of(dev: i32) -> Option<u64> {
    PRIMARY.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().and_then(|m| m.get(&dev).copied())
}

fn contexts<R>(f: impl FnOnce(&mut HashMap<u64, i32>) -> R) -> R {
    let mut guard = CONTEXTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

/// The calling thread's current context id (0: none).
#[must_use]
pub fn current() -> u64 {
    with_stack(|s| s.last().copied().unwrap_or(0))
}

fn handle(id: u64) -> CUcontext {
    id as usize as CUcontext
}

fn id_of(ctx: CUcontext) -> u64 {
    ctx as usize as u64
}

/// The device of context `id`.
#[must_use]
pub fn device_of(id: u64) -> Option<i32> {
    contexts(|m| m.get(&id).copied())
}

fn initialized() -> Result<(), CUresult> {
    crate::client::get().map(|_| ())
}

/// `cuCtxCreate_v2`: creates a context and pushes it on this thread's stack.
///
/// # Safety
/// `pctx` is null or valid for a write.
pub unsafe fn create(pctx: *mut CUcontext, flags: c_uint, dev: c_int) -> CUresult {
    remote::done((|| {
        let pctx = non_null(pctx)?;
        let mut e = Encoder::new();
        e.u32(flags).i32(dev);
        let id = call(ops::cuCtxCreate_v2, &e)?.decoder().u64().map_err(protocol)?;
        contexts(|m| m.insert(id, dev));
        with_stack(|s| s.push(id));
        // SAFETY: checked non-null.
        unsafe { remote::write(pctx, handle(id)) };
        Ok(())
    })())
}

/// `cuCtxDestroy_v2`: destroys it, popping it from this thread's stack.
pub fn destroy(ctx: CUcontext) -> CUresult {
    remote::done((|| {
        let id = id_of(ctx);
        if id == 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id);
        call(ops::cuCtxDestroy_v2, &e)?;
        contexts(|m| m.remove(&id));
        crate::export_tables::context_gone(id);
        with_stack(|s| s.retain(|c| *c != id));
        Ok(())
    })())
}

/// `cuCtxPushCurrent_v2`.
pub fn push(ctx: CUcontext) -> CUresult {
    remote::done((|| {
        initialized()?;
        let id = id_of(ctx);
        if id == 0 || device_of(id).is_none() {
            return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT);
        }
        with_stack(|s| s.push(id));
        Ok(())
    })())
}

/// `cuCtxPopCurrent_v2`.
///
/// # Safety
/// `pctx` is null or valid for a write.
pub unsafe fn pop(pctx: *mut CUcontext) -> CUresult {
    remote::done((|| {
        initialized()?;
        let id = with_stack(Vec::pop).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
        if !pctx.is_null() {
            // SAFETY: non-null, valid by the caller's contract.
            unsafe { remote::write(pctx, handle(id)) };
        }
        Ok(())
    })())
}

/// `cuCtxSetCurrent`: replaces the top of the stack (NULL pops it).
pub fn set_current(ctx: CUcontext) -> CUresult {
    remote::done((|| {
        initialized()?;
        let id = id_of(ctx);
        if id != 0 && device_of(id).is_none() {
            return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT);
        }
        with_stack(|s| {
            s.pop();
            if id != 0 {
                s.push(id);
            }
        });
        Ok(())
    })())
}

/// `cuCtxGetCurrent`.
///
/// # Safety
/// `pctx` is null or valid for a write.
pub unsafe fn get_current(pctx: *mut CUcontext) -> CUresult {
    remote::done((|| {
        let pctx = non_null(pctx)?;
        initialized()?;
        // SAFETY: checked non-null.
        unsafe { remote::write(pctx, handle(current())) };
        Ok(())
    })())
}

/// `cuCtxGetDevice`.
///
/// # Safety
/// `device` is null or valid for a write.
pub unsafe fn get_device(device: *mut c_int) -> CUresult {
    remote::done((|| {
        let device = non_null(device)?;
        initialized()?;
        let dev = device_of(current()).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(device, dev) };
        Ok(())
    })())
}

/// `cuCtxSynchronize`: waits for the current context; reports a pending
/// asynchronous error.
pub fn synchronize() -> CUresult {
    remote::done(call(ops::cuCtxSynchronize, &Encoder::new()).map(|_| ()))
}

/// `cuDevicePrimaryCtxRetain`.
///
/// # Safety
/// `pctx` is null or valid for a write.
pub unsafe fn primary_retain(pctx: *mut CUcontext, dev: c_int) -> CUresult {
    remote::done((|| {
        let pctx = non_null(pctx)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let id = call(ops::cuDevicePrimaryCtxRetain, &e)?.decoder().u64().map_err(protocol)?;
        note_primary(dev, id);
        // SAFETY: checked non-null.
        unsafe { remote::write(pctx, handle(id)) };
        Ok(())
    })())
}

/// The primary context of `dev`, neither retained nor made current (the
/// runtime's export-table slot; the same handle `cuDevicePrimaryCtxRetain`
/// returns later).
///
/// # Safety
/// `pctx` is null or valid for a write.
pub unsafe fn primary_handle(pctx: *mut CUcontext, dev: c_int) -> CUresult {
    remote::done((|| {
        let pctx = non_null(pctx)?;
        let id = match primary_of(dev) {
            Some(id) => id,
            None => {
                let mut e = Encoder::new();
                e.i32(dev);
                let id = call(ops::CUVM_PRIMARY_CONTEXT_HANDLE, &e)?.decoder().u64().map_err(protocol)?;
                note_primary(dev, id);
                id
            }
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(pctx, handle(id)) };
        Ok(())
    })())
}

/// `cuDevicePrimaryCtxRelease_v2`, `_Reset_v2`: [device]. A reset also
/// runs the context-local storage destructors of the primary context.
pub fn primary_by_device(op: u32, dev: c_int) -> CUresult {
    let mut e = Encoder::new();
    e.i32(dev);
    let r = call(op, &e).map(|_| ());
    if r.is_ok() && op == ops::cuDevicePrimaryCtxReset_v2 {
        if let Some(id) = primary_of(dev) {
            crate::export_tables::context_gone(id);
        }
    }
    remote::done(r)
}

/// `cuDevicePrimaryCtxSetFlags_v2`.
pub fn primary_set_flags(dev: c_int, flags: c_uint) -> CUresult {
    let mut e = Encoder::new();
    e.i32(dev).u32(flags);
    remote::done(call(ops::cuDevicePrimaryCtxSetFlags_v2, &e).map(|_| ()))
}

/// `cuDevicePrimaryCtxGetState`.
///
/// # Safety
/// `flags` and `active` are null or valid for writes.
pub unsafe fn primary_state(dev: c_int, flags: *mut c_uint, active: *mut c_int) -> CUresult {
    remote::done((|| {
        let (flags, active) = (non_null(flags)?, non_null(active)?);
        let mut e = Encoder::new();
        e.i32(dev);
        let r = call(ops::cuDevicePrimaryCtxGetState, &e)?;
        let mut d = r.decoder();
        let (f, a) = (d.u32().map_err(protocol)?, d.bool().map_err(protocol)?);
        // SAFETY: checked non-null.
        unsafe {
            remote::write(flags, f);
            remote::write(active, c_int::from(a));
        }
        Ok(())
    })())
}

/// `cuCtxGetLimit`.
///
/// # Safety
/// `value` is null or valid for a write.
pub unsafe fn get_limit(value: *mut usize, limit: CUlimit) -> CUresult {
    remote::done((|| {
        let value = non_null(value)?;
        let mut e = Encoder::new();
        e.i32(i32::try_from(limit.0).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?);
        let v = call(ops::cuCtxGetLimit, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(value, usize::try_from(v).unwrap_or(usize::MAX)) };
        Ok(())
    })())
}

/// `cuCtxSetLimit`.
pub fn set_limit(limit: CUlimit, value: usize) -> CUresult {
    let Ok(limit) = i32::try_from(limit.0) else {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    };
    let mut e = Encoder::new();
    e.i32(limit).u64(value as u64);
    remote::done(call(ops::cuCtxSetLimit, &e).map(|_| ()))
}

/// `cuCtxGetCacheConfig`.
///
/// # Safety
/// `config` is null or valid for a write.
pub unsafe fn get_cache_config(config: *mut CUfunc_cache) -> CUresult {
    remote::done((|| {
        let config = non_null(config)?;
        let v = call(ops::cuCtxGetCacheConfig, &Encoder::new())?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(config, CUfunc_cache(v as u32)) };
        Ok(())
    })())
}

/// `cuCtxSetCacheConfig`.
pub fn set_cache_config(config: CUfunc_cache) -> CUresult {
    let mut e = Encoder::new();
    e.i32(config.0 as i32);
    remote::done(call(ops::cuCtxSetCacheConfig, &e).map(|_| ()))
}

/// `cuCtxGetStreamPriorityRange`: either pointer may be null.
///
/// # Safety
/// Each pointer is null or valid for a write.
pub unsafe fn priority_range(least: *mut c_int, greatest: *mut c_int) -> CUresult {
    remote::done((|| {
        let r = call(ops::cuCtxGetStreamPriorityRange, &Encoder::new())?;
        let mut d = r.decoder();
        let (l, g) = (d.i32().map_err(protocol)?, d.i32().map_err(protocol)?);
        // SAFETY: each written only when non-null.
        unsafe {
            if !least.is_null() {
                remote::write(least, l);
            }
            if !greatest.is_null() {
                remote::write(greatest, g);
            }
        }
        Ok(())
    })())
}

/// `cuCtxGetFlags`.
///
/// # Safety
/// `flags` is null or valid for a write.
pub unsafe fn get_flags(flags: *mut c_uint) -> CUresult {
    remote::done((|| {
        let flags = non_null(flags)?;
        let v = call(ops::cuCtxGetFlags, &Encoder::new())?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(flags, v) };
        Ok(())
    })())
}

/// `cuCtxGetApiVersion`.
///
/// # Safety
/// `version` is null or valid for a write.
pub unsafe fn api_version(ctx: CUcontext, version: *mut c_uint) -> CUresult {
    remote::done((|| {
        let version = non_null(version)?;
        let mut e = Encoder::new();
        e.u64(id_of(ctx));
        let v = call(ops::cuCtxGetApiVersion, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(version, v) };
        Ok(())
    })())
}

/// `cuCtxGetId`: the id cuvm gave the context (unique in the process).
///
/// # Safety
/// `id` is null or valid for a write.
pub unsafe fn get_id(ctx: CUcontext, id: *mut u64) -> CUresult {
    remote::done((|| {
        let id = non_null(id)?;
        initialized()?;
        let c = if ctx.is_null() { current() } else { id_of(ctx) };
        if device_of(c).is_none() {
            return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT);
        }
        // SAFETY: checked non-null.
        unsafe { remote::write(id, c) };
        Ok(())
    })())
}

/// `cuCtxSynchronize_v2`: waits for `ctx` (NULL: the current context).
pub fn synchronize_context(ctx: CUcontext) -> CUresult {
    let id = if ctx.is_null() { current() } else { id_of(ctx) };
    if id != 0 && device_of(id).is_none() {
        return CUresult::CUDA_ERROR_INVALID_CONTEXT;
    }
    remote::done(remote::call_in(id, ops::cuCtxSynchronize, &Encoder::new()).map(|_| ()))
}

/// `cuCtxGetDevice_v2`: the device of `ctx` (NULL: the current context).
///
/// # Safety
/// `device` is null or valid for a write.
pub unsafe fn get_device_of(device: *mut c_int, ctx: CUcontext) -> CUresult {
    remote::done((|| {
        let device = non_null(device)?;
        initialized()?;
        let id = if ctx.is_null() { current() } else { id_of(ctx) };
        let dev = device_of(id).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(device, dev) };
        Ok(())
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `current()` and a push from a thread-local destructor that runs
    /// after the stack's own (as libcudart's exit handler does).
    struct LateCaller(std::sync::mpsc::Sender<u64>);
    impl Drop for LateCaller {
        fn drop(&mut self) {
            with_stack(|s| s.push(9));
            let _ = self.0.send(current());
        }
    }
    thread_local! {
        static LATE: RefCell<Option<LateCaller>> = const { RefCell::new(None) };
    }

    #[test]
    fn the_stack_is_empty_not_a_panic_once_the_thread_is_exiting() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Registered first, so destroyed after the stack.
            LATE.with(|l| *l.borrow_mut() = Some(LateCaller(tx)));
            with_stack(|s| s.push(5));
            assert_eq!(current(), 5);
        })
        .join()
        .expect("the thread exits cleanly");
        assert_eq!(rx.recv().expect("the late caller ran"), 0);
    }
}
