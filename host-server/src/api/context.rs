//! Contexts. A guest's primary context is a context of the session's own on
//! the backend (created at the first retain, destroyed at the last release,
//! keeping its id as the driver keeps its handle), so that one VM's sticky
//! error, reset or teardown never touches another VM's work.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

/// `cuDevicePrimaryCtxRetain`: [device i32] -> [context id u64].
pub fn primary_retain(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let dev = a.i32()?;
    let (id, count, flags) = s.primary.get(&dev).copied().unwrap_or((0, 0, 0));
    let id = if count == 0 {
        let raw = s.backend.ctx_create(flags, dev)?;
        let id = if id == 0 {
            s.handles.insert(Entry { kind: Kind::Context, raw, ctx: 0, parent: u64::from(dev.unsigned_abs()) + 1 })
        } else {
            s.handles.set_raw(id, raw);
            id
        };
        s.current = id;
        id
    } else {
        id
    };
    s.primary.insert(dev, (id, count + 1, flags));
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// cuvm's `CUVM_PRIMARY_CONTEXT_HANDLE`: [device i32] -> [context id u64].
/// The id `cuDevicePrimaryCtxRetain` will return, without retaining or
/// creating the context (the runtime's export-table slot does this).
pub fn primary_handle(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let dev = a.i32()?;
    s.backend.device_get(dev)?;
    let (id, count, flags) = s.primary.get(&dev).copied().unwrap_or((0, 0, 0));
    let id = if id == 0 {
        let id = s.handles.insert(Entry { kind: Kind::Context, raw: 0, ctx: 0, parent: u64::from(dev.unsigned_abs()) + 1 });
        s.primary.insert(dev, (id, count, flags));
        id
    } else {
        id
    };
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuDevicePrimaryCtxRelease_v2`: [device i32] -> [].
pub fn primary_release(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let dev = a.i32()?;
    s.backend.device_get(dev)?;
    let Some((id, count, flags)) = s.primary.get(&dev).copied().filter(|p| p.1 > 0) else {
        return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT.into());
    };
    if count == 1 {
        let raw = s.handles.raw(id, Kind::Context)?;
        s.backend.ctx_destroy(raw)?;
        s.handles.set_raw(id, 0);
        s.forget_context(id);
    }
    s.primary.insert(dev, (id, count - 1, flags));
    ok(Encoder::new())
}

/// `cuDevicePrimaryCtxSetFlags_v2`: [device i32, flags u32] -> [].
pub fn primary_set_flags(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (dev, flags) = (a.i32()?, a.u32()?);
    s.backend.device_get(dev)?;
    // CU_CTX_SCHED_MASK | CU_CTX_LMEM_RESIZE_TO_MAX | CU_CTX_COREDUMP/SYNC_MEMOPS
    if flags & !0x3f != 0 {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let entry = s.primary.entry(dev).or_insert((0, 0, 0));
    entry.2 = flags;
    ok(Encoder::new())
}

/// `cuDevicePrimaryCtxGetState`: [device i32] -> [flags u32, active u8].
pub fn primary_state(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let dev = a.i32()?;
    s.backend.device_get(dev)?;
    let (_, count, flags) = s.primary.get(&dev).copied().unwrap_or((0, 0, 0));
    let mut e = Encoder::new();
    e.u32(flags).bool(count > 0);
    ok(e)
}

/// `cuDevicePrimaryCtxReset_v2`: [device i32] -> []. Destroys the primary
/// context's resources; the context stays retained and usable.
pub fn primary_reset(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let dev = a.i32()?;
    s.backend.device_get(dev)?;
    if let Some((id, count, flags)) = s.primary.get(&dev).copied().filter(|p| p.1 > 0) {
        let raw = s.handles.raw(id, Kind::Context)?;
        s.backend.ctx_destroy(raw)?;
        s.forget_context(id);
        let fresh = s.backend.ctx_create(flags, dev)?;
        s.handles.set_raw(id, fresh);
        s.current = id;
        s.primary.insert(dev, (id, count, flags));
    }
    ok(Encoder::new())
}

/// `cuCtxCreate_v2`: [flags u32, device i32] -> [context id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (flags, dev) = (a.u32()?, a.i32()?);
    let raw = s.backend.ctx_create(flags, dev)?;
    let id = s.handles.insert(Entry { kind: Kind::Context, raw, ctx: 0, parent: 0 });
    s.current = id;
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuCtxDestroy_v2`: [context id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let entry = s.handles.get(id, Kind::Context)?;
    if entry.parent != 0 {
        // A primary context is released, not destroyed.
        return Err(CUresult::CUDA_ERROR_INVALID_CONTEXT.into());
    }
    s.backend.ctx_destroy(entry.raw)?;
    s.forget_context(id);
    s.handles.remove(id, Kind::Context)?;
    ok(Encoder::new())
}

/// `cuCtxSynchronize`: [] -> []; a synchronising call.
pub fn synchronize(s: &mut Session) -> HResult {
    s.sync_point()?;
    s.backend.ctx_synchronize()?;
    s.settle_pools();
    ok(Encoder::new())
}

/// `cuCtxGetLimit`: [limit i32] -> [value u64].
pub fn get_limit(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let v = s.backend.ctx_get_limit(a.i32()?)?;
    let mut e = Encoder::new();
    e.u64(v);
    ok(e)
}

/// `cuCtxSetLimit`: [limit i32, value u64] -> [].
pub fn set_limit(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (limit, value) = (a.i32()?, a.u64()?);
    s.backend.ctx_set_limit(limit, value)?;
    ok(Encoder::new())
}

/// `cuCtxGetCacheConfig`: [] -> [config i32].
pub fn get_cache_config(s: &mut Session) -> HResult {
    let v = s.backend.ctx_get_cache_config()?;
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}

/// `cuCtxSetCacheConfig`: [config i32] -> [].
pub fn set_cache_config(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    s.backend.ctx_set_cache_config(a.i32()?)?;
    ok(Encoder::new())
}

/// `cuCtxGetStreamPriorityRange`: [] -> [least i32, greatest i32].
pub fn priority_range(s: &mut Session) -> HResult {
    let (least, greatest) = s.backend.ctx_stream_priority_range()?;
    let mut e = Encoder::new();
    e.i32(least).i32(greatest);
    ok(e)
}

/// `cuCtxGetFlags`: [] -> [flags u32].
pub fn flags(s: &mut Session) -> HResult {
    let f = s.backend.ctx_get_flags()?;
    let mut e = Encoder::new();
    e.u32(f);
    ok(e)
}

/// `cuCtxGetApiVersion`: [context id u64 (0: current)] -> [version u32].
pub fn api_version(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = if id == 0 { 0 } else { s.handles.raw(id, Kind::Context)? };
    let v = s.backend.ctx_api_version(raw)?;
    let mut e = Encoder::new();
    e.u32(v);
    ok(e)
}
