//! Streams and events. Records and waits are posted; synchronisations and
//! queries wait for the host (and report pending asynchronous errors).

use core::ffi::{c_int, c_uint};

use cuvm_abi::{CUevent, CUresult, CUstream};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, post, protocol, stream_id};

/// `cuStreamCreate` / `cuStreamCreateWithPriority`.
///
/// # Safety
/// `stream` is null or valid for a write.
pub unsafe fn create(stream: *mut CUstream, flags: c_uint, priority: c_int) -> CUresult {
    remote::done((|| {
        let stream = non_null(stream)?;
        let mut e = Encoder::new();
        e.u32(flags).i32(priority);
        let id = call(ops::cuStreamCreateWithPriority, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(stream, id as usize as CUstream) };
        Ok(())
    })())
}

/// A call whose only argument is a stream handle.
fn on_stream(op: u32, stream: CUstream, per_thread: bool) -> Result<cuvm_wire::Encoder, CUresult> {
    let _ = op;
    let mut e = Encoder::new();
    e.u64(stream_id(stream, per_thread));
    Ok(e)
}

/// `cuStreamDestroy(_v2)`.
pub fn destroy(stream: CUstream) -> CUresult {
    let mut e = Encoder::new();
    e.u64(stream as usize as u64);
    remote::done(call(ops::cuStreamDestroy_v2, &e).map(|_| ()))
}

/// `cuStreamSynchronize(_ptsz)`, `cuStreamQuery(_ptsz)`.
pub fn wait(op: u32, stream: CUstream, per_thread: bool) -> CUresult {
    remote::done(on_stream(op, stream, per_thread).and_then(|e| call(op, &e).map(|_| ())))
}

/// `cuStreamWaitEvent(_ptsz)`.
pub fn wait_event(stream: CUstream, event: CUevent, flags: c_uint, per_thread: bool) -> CUresult {
    if event.is_null() {
        return CUresult::CUDA_ERROR_INVALID_HANDLE;
    }
    let mut e = Encoder::new();
    e.u64(stream_id(stream, per_thread)).u64(event as usize as u64).u32(flags);
    let op = if per_thread { ops::cuStreamWaitEvent_ptsz } else { ops::cuStreamWaitEvent };
    remote::done(post(op, &e, None))
}

/// `cuStreamGetPriority(_ptsz)`.
///
/// # Safety
/// `priority` is null or valid for a write.
pub unsafe fn get_priority(stream: CUstream, priority: *mut c_int, per_thread: bool) -> CUresult {
    remote::done((|| {
        let priority = non_null(priority)?;
        let e = on_stream(0, stream, per_thread)?;
        let v = call(ops::cuStreamGetPriority, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(priority, v) };
        Ok(())
    })())
}

/// `cuStreamGetFlags(_ptsz)`.
///
/// # Safety
/// `flags` is null or valid for a write.
pub unsafe fn get_flags(stream: CUstream, flags: *mut c_uint, per_thread: bool) -> CUresult {
    remote::done((|| {
        let flags = non_null(flags)?;
        let e = on_stream(0, stream, per_thread)?;
        let v = call(ops::cuStreamGetFlags, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(flags, v) };
        Ok(())
    })())
}

/// `cuEventCreate`.
///
/// # Safety
/// `event` is null or valid for a write.
pub unsafe fn event_create(event: *mut CUevent, flags: c_uint) -> CUresult {
    remote::done((|| {
        let event = non_null(event)?;
        let mut e = Encoder::new();
        e.u32(flags);
        let id = call(ops::cuEventCreate, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(event, id as usize as CUevent) };
        Ok(())
    })())
}

/// `cuEventDestroy(_v2)`, `cuEventSynchronize`, `cuEventQuery`.
pub fn event_call(op: u32, event: CUevent) -> CUresult {
    if event.is_null() {
        return CUresult::CUDA_ERROR_INVALID_HANDLE;
    }
    let mut e = Encoder::new();
    e.u64(event as usize as u64);
    remote::done(call(op, &e).map(|_| ()))
}

/// `cuEventRecord(_ptsz)`.
pub fn event_record(event: CUevent, stream: CUstream, per_thread: bool) -> CUresult {
    if event.is_null() {
        return CUresult::CUDA_ERROR_INVALID_HANDLE;
    }
    let mut e = Encoder::new();
    e.u64(event as usize as u64).u64(stream_id(stream, per_thread));
    let op = if per_thread { ops::cuEventRecord_ptsz } else { ops::cuEventRecord };
    remote::done(post(op, &e, None))
}

/// `cuEventElapsedTime(_v2)`.
///
/// # Safety
/// `ms` is null or valid for a write.
pub unsafe fn elapsed(ms: *mut f32, start: CUevent, end: CUevent) -> CUresult {
    remote::done((|| {
        // As measured on driver 580: a null out-pointer is an invalid handle.
        let ms = non_null(ms).map_err(|_| CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        if start.is_null() || end.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        let mut e = Encoder::new();
        e.u64(start as usize as u64).u64(end as usize as u64);
        let v = call(ops::cuEventElapsedTime_v2, &e)?.decoder().f32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(ms, v) };
        Ok(())
    })())
}

/// Runs a host function in stream order, in the guest. This version waits
/// for the stream's earlier work and then calls the function before
/// returning, so everything submitted after it runs after it (the order the
/// driver guarantees), at the price of making the submission synchronous.
/// The design's asynchronous version (the host holds the stream until the
/// guest reports the function done) needs host-to-guest messages.
pub(crate) fn run_in_order(stream: CUstream, per_thread: bool, body: impl FnOnce(CUresult)) -> CUresult {
    let op = if per_thread { ops::cuStreamSynchronize_ptsz } else { ops::cuStreamSynchronize };
    let status = wait(op, stream, per_thread);
    match status {
        // Argument and connection errors are the caller's, as on the driver.
        CUresult::CUDA_ERROR_INVALID_HANDLE
        | CUresult::CUDA_ERROR_INVALID_CONTEXT
        | CUresult::CUDA_ERROR_NOT_INITIALIZED
        | crate::client::LOST => status,
        _ => {
            body(status);
            CUresult::CUDA_SUCCESS
        }
    }
}

/// `cuLaunchHostFunc(_ptsz)`.
///
/// # Safety
/// `f` must be safe to call once with `data`, as the driver's contract says.
pub unsafe fn launch_host_func(stream: CUstream, f: cuvm_abi::CUhostFn, data: *mut core::ffi::c_void, per_thread: bool) -> CUresult {
    let Some(f) = f else {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    };
    run_in_order(stream, per_thread, |status| {
        if status.is_success() {
            // SAFETY: the caller's function with the caller's argument, called
            // once, as the driver would call it.
            unsafe { f(data) };
        }
    })
}

/// `cuStreamAddCallback(_ptsz)`: the callback also receives the stream's
/// status.
///
/// # Safety
/// `cb` must be safe to call once with `data`, as the driver's contract says.
pub unsafe fn add_callback(
    stream: CUstream,
    cb: cuvm_abi::CUstreamCallback,
    data: *mut core::ffi::c_void,
    flags: c_uint,
    per_thread: bool,
) -> CUresult {
    let Some(cb) = cb else {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    };
    if flags != 0 {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: the caller's callback, called once with its arguments.
    run_in_order(stream, per_thread, |status| unsafe { cb(stream, status, data) })
}

/// The dependency arrays `cuStreamGetCaptureInfo` last gave per stream: the
/// driver's arrays stay valid until the next call on the stream, and so do
/// these.
/// Node handles are kept as u64 words (a handle's size on the 64-bit targets
/// cuvm builds for).
static CAPTURE_DEPENDENCIES: std::sync::Mutex<Vec<(u64, Vec<u64>, Vec<cuvm_abi::CUgraphEdgeData>)>> = std::sync::Mutex::new(Vec::new());

/// `cuStreamGetCaptureInfo` (every version: outs it lacks are null).
///
/// # Safety
/// Out-pointers null or valid.
#[allow(clippy::too_many_arguments)]
pub unsafe fn capture_info(
    stream: cuvm_abi::CUstream,
    per_thread: bool,
    status: *mut cuvm_abi::CUstreamCaptureStatus,
    id: *mut u64,
    graph: *mut cuvm_abi::CUgraph,
    dependencies: *mut *const cuvm_abi::CUgraphNode,
    edges: *mut *const cuvm_abi::CUgraphEdgeData,
    count: *mut usize,
) -> CUresult {
    remote::done((|| {
        let status = non_null(status)?;
        let key = crate::remote::stream_id(stream, per_thread);
        let mut e = Encoder::new();
        e.u64(key);
        let r = call(ops::cuStreamGetCaptureInfo_v3, &e)?;
        let mut d = r.decoder();
        let (st, capture, g, n) =
            (d.u32().map_err(protocol)?, d.u64().map_err(protocol)?, d.u64().map_err(protocol)?, d.u32().map_err(protocol)?);
        let nodes = (0..n).map(|_| d.u64()).collect::<Result<Vec<u64>, _>>().map_err(protocol)?;
        let mut edge_data = Vec::new();
        if d.bool().map_err(protocol)? {
            for _ in 0..n {
                let b = d.take(8).map_err(protocol)?;
                // SAFETY: an edge datum is 8 plain bytes.
                edge_data.push(unsafe { core::ptr::read_unaligned(b.as_ptr().cast::<cuvm_abi::CUgraphEdgeData>()) });
            }
        }
        // SAFETY: checked non-null; the others are null or valid by contract.
        unsafe {
            remote::write(status, cuvm_abi::CUstreamCaptureStatus(st));
            if !id.is_null() {
                remote::write(id, capture);
            }
            if !graph.is_null() {
                remote::write(graph, g as usize as cuvm_abi::CUgraph);
            }
            if !count.is_null() {
                remote::write(count, nodes.len());
            }
        }
        let mut saved = CAPTURE_DEPENDENCIES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        saved.retain(|(k, _, _)| *k != key);
        saved.push((key, nodes, edge_data));
        let (_, nodes, edge_data) = saved.last().ok_or(CUresult::CUDA_ERROR_UNKNOWN)?;
        // SAFETY: null or valid by contract; the arrays live until the next call for this stream.
        unsafe {
            if !dependencies.is_null() {
                remote::write(
                    dependencies,
                    if nodes.is_empty() { core::ptr::null() } else { nodes.as_ptr().cast::<cuvm_abi::CUgraphNode>() },
                );
            }
            if !edges.is_null() {
                remote::write(edges, if edge_data.is_empty() { core::ptr::null() } else { edge_data.as_ptr() });
            }
        }
        Ok(())
    })())
}

/// `cuStreamGetAttribute(_ptsz)`: attributes with plain values (and access
/// policy windows); those holding handles answer `CUDA_ERROR_NOT_SUPPORTED`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn attribute(stream: CUstream, attr: cuvm_abi::CUstreamAttrID, out: *mut cuvm_abi::CUstreamAttrValue, per_thread: bool) -> CUresult {
    remote::done((|| {
        let out = remote::non_null(out)?;
        let mut e = Encoder::new();
        e.u64(stream_id(stream, per_thread)).u32(attr.0);
        let op = if per_thread { ops::cuStreamGetAttribute_ptsz } else { ops::cuStreamGetAttribute };
        let r = remote::call(op, &e)?;
        let bytes = r.decoder().take(64).map_err(remote::protocol)?;
        let mut pad = [0 as core::ffi::c_char; 64];
        for (d, s) in pad.iter_mut().zip(bytes) {
            *d = s.cast_signed();
        }
        // SAFETY: checked non-null.
        unsafe { remote::write(out, cuvm_abi::CUstreamAttrValue { pad }) };
        Ok(())
    })())
}

/// `cuStreamSetAttribute(_ptsz)`.
///
/// # Safety
/// `value` null or valid.
pub unsafe fn set_attribute(stream: CUstream, attr: cuvm_abi::CUstreamAttrID, value: *const cuvm_abi::CUstreamAttrValue, per_thread: bool) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(v) = (unsafe { value.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: every value is 64 plain bytes.
    let bytes = unsafe { v.pad }.map(core::ffi::c_char::cast_unsigned);
    let mut e = Encoder::new();
    e.u64(stream_id(stream, per_thread)).u32(attr.0).raw(&bytes);
    let op = if per_thread { ops::cuStreamSetAttribute_ptsz } else { ops::cuStreamSetAttribute };
    remote::done(remote::call(op, &e).map(|_| ()))
}

/// One stream memory operation: (operation, address, value, flags).
pub type MemOp = (u32, u64, u64, u32);

/// `cuStreamWaitValue*`, `cuStreamWriteValue*`, `cuStreamBatchMemOp`:
/// posted in stream order; the host checks each word is the session's.
pub fn mem_ops(op: u32, stream: CUstream, per_thread: bool, list: &[MemOp], flags: u32) -> CUresult {
    if list.is_empty() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let Ok(n) = u32::try_from(list.len()) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    let mut e = Encoder::new();
    e.u64(stream_id(stream, per_thread)).u32(flags).u32(n);
    for (kind, addr, value, f) in list {
        e.u32(*kind).u64(*addr).u64(*value).u32(*f);
    }
    remote::done(remote::post(op, &e, None))
}

/// `cuStreamBatchMemOp_v2(_ptsz)`.
///
/// # Safety
/// `params` holds `count` entries.
pub unsafe fn batch_mem_op(
    stream: CUstream,
    count: core::ffi::c_uint,
    params: *mut cuvm_abi::CUstreamBatchMemOpParams,
    flags: core::ffi::c_uint,
    per_thread: bool,
) -> CUresult {
    use cuvm_abi::CUstreamBatchMemOpType as T;
    // No operation is nothing to do (the driver answers success).
    if count == 0 {
        return CUresult::CUDA_SUCCESS;
    }
    if params.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut list = Vec::with_capacity(count.min(256) as usize);
    for i in 0..count as usize {
        // SAFETY: `count` entries by contract; every member is plain data.
        let p = unsafe { &*params.add(i) };
        // SAFETY: the operation word leads every member.
        let kind = unsafe { p.operation };
        if kind == T::CU_STREAM_MEM_OP_BARRIER || kind == T::CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES {
            // SAFETY: the member this operation uses.
            list.push((kind.0, 0, 0, unsafe { p.memoryBarrier.flags }));
        } else {
            // SAFETY: waits and writes share this layout.
            let w = unsafe { p.writeValue };
            // SAFETY: the 64-bit view of the value (a 32-bit value is its low word).
            let value = unsafe { w.__bindgen_anon_1.value64 };
            let value = if kind == T::CU_STREAM_MEM_OP_WAIT_VALUE_32 || kind == T::CU_STREAM_MEM_OP_WRITE_VALUE_32 { value & 0xffff_ffff } else { value };
            list.push((kind.0, w.address, value, w.flags));
        }
    }
    let op = if per_thread { ops::cuStreamBatchMemOp_v2_ptsz } else { ops::cuStreamBatchMemOp_v2 };
    mem_ops(op, stream, per_thread, &list, flags)
}

/// `cuStreamGetCtx_v2(_ptsz)`: the stream's context through
/// `cuStreamGetCtx`; cuvm offers no green contexts, so `*green` is NULL.
///
/// # Safety
/// `ctx` and `green` null or valid.
pub unsafe fn get_ctx_v2(stream: CUstream, ctx: *mut cuvm_abi::CUcontext, green: *mut cuvm_abi::CUgreenCtx, per_thread: bool) -> CUresult {
    use crate::driver::Driver;
    if ctx.is_null() && green.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut c: cuvm_abi::CUcontext = core::ptr::null_mut();
    // SAFETY: `c` is local; the stream is forwarded as given.
    let r = unsafe {
        if per_thread { crate::Shim::cuStreamGetCtx_ptsz(stream, &mut c) } else { crate::Shim::cuStreamGetCtx(stream, &mut c) }
    };
    if r != CUresult::CUDA_SUCCESS {
        return r;
    }
    if !ctx.is_null() {
        // SAFETY: non-null, valid by contract.
        unsafe { ctx.write(c) };
    }
    if !green.is_null() {
        // SAFETY: non-null, valid by contract.
        unsafe { green.write(core::ptr::null_mut()) };
    }
    CUresult::CUDA_SUCCESS
}
