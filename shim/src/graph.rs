//! Stream capture and graphs. Graphs, executable graphs and nodes are host
//! ids, as every handle is; node parameters travel by value (device
//! addresses, which the host checks; kernel arguments packed as a launch
//! packs them). Node lists follow the driver's two-call convention: a null
//! array asks for the count; otherwise up to `*count` entries are written,
//! the rest of the array set to null and `*count` set to what exists.
//! Memcpy nodes copy between device memory only: a node with host or array
//! memory answers `CUDA_ERROR_NOT_SUPPORTED` (logged once).

use core::ffi::c_uint;

use cuvm_abi::{
    CUDA_GRAPH_INSTANTIATE_PARAMS, CUDA_KERNEL_NODE_PARAMS, CUDA_KERNEL_NODE_PARAMS_v1, CUDA_MEMCPY3D, CUDA_MEMSET_NODE_PARAMS, CUevent,
    CUgraph, CUgraphEdgeData, CUgraphExec, CUgraphInstantiateResult, CUgraphNode, CUgraphNodeType, CUmemorytype, CUresult, CUstream,
    CUstreamCaptureMode, CUstreamCaptureStatus,
};
use cuvm_wire::{Decoder, Encoder, ops};

use crate::remote::{self, call, non_null, plain, post, protocol, stream_id};

fn destroy(op: u32, id: u64) -> CUresult {
    if id == 0 {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    plain(op, &[id])
}

/// `cuGraphDestroy`.
pub fn graph_destroy(graph: CUgraph) -> CUresult {
    let r = destroy(ops::cuGraphDestroy, graph as usize as u64);
    if r == CUresult::CUDA_SUCCESS {
        forget_graph_kernel_args(graph as usize as u64);
    }
    r
}

/// `cuGraphExecDestroy`.
pub fn exec_destroy(exec: CUgraphExec) -> CUresult {
    destroy(ops::cuGraphExecDestroy, exec as usize as u64)
}

fn id<T>(p: *mut T) -> u64 {
    p as usize as u64
}

fn handle<T>(id: u64) -> *mut T {
    id as usize as *mut T
}

fn read_u64(d: &mut Decoder<'_>) -> Result<u64, CUresult> {
    d.u64().map_err(protocol)
}

/// A call answering one id, written through `out`.
///
/// # Safety
/// `out` null or valid.
unsafe fn call_for_id<T>(op: u32, e: &Encoder, out: *mut *mut T) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let v = read_u64(&mut call(op, e)?.decoder())?;
        // SAFETY: checked non-null, valid by contract.
        unsafe { remote::write(out, handle(v)) };
        Ok(())
    })())
}

// ---- Stream capture ----------------------------------------------------

/// `cuStreamBeginCapture(_v2)(_ptsz)`; the unversioned entry point captures
/// in global mode.
pub fn begin_capture(stream: CUstream, mode: CUstreamCaptureMode, per_thread: bool) -> CUresult {
    let mut e = Encoder::new();
    e.u64(stream_id(stream, per_thread)).u32(mode.0);
    let op = if per_thread { ops::cuStreamBeginCapture_v2_ptsz } else { ops::cuStreamBeginCapture_v2 };
    remote::done(call(op, &e).map(|_| ()))
}

/// `cuStreamEndCapture(_ptsz)`.
///
/// # Safety
/// `graph` null or valid.
pub unsafe fn end_capture(stream: CUstream, graph: *mut CUgraph, per_thread: bool) -> CUresult {
    let mut e = Encoder::new();
    e.u64(stream_id(stream, per_thread));
    let op = if per_thread { ops::cuStreamEndCapture_ptsz } else { ops::cuStreamEndCapture };
    // SAFETY: forwarded contract.
    unsafe { call_for_id(op, &e, graph) }
}

/// `cuStreamIsCapturing(_ptsz)`.
///
/// # Safety
/// `status` null or valid.
pub unsafe fn is_capturing(stream: CUstream, status: *mut CUstreamCaptureStatus, per_thread: bool) -> CUresult {
    remote::done((|| {
        let status = non_null(status)?;
        let mut e = Encoder::new();
        e.u64(stream_id(stream, per_thread));
        let op = if per_thread { ops::cuStreamIsCapturing_ptsz } else { ops::cuStreamIsCapturing };
        let v = call(op, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(status, CUstreamCaptureStatus(v)) };
        Ok(())
    })())
}

/// `cuThreadExchangeStreamCaptureMode`: set on the host thread that serves
/// this process (all guest threads share it).
///
/// # Safety
/// `mode` null or valid.
pub unsafe fn exchange_mode(mode: *mut CUstreamCaptureMode) -> CUresult {
    remote::done((|| {
        let mode = non_null(mode)?;
        let mut e = Encoder::new();
        // SAFETY: checked non-null.
        e.u32(unsafe { *mode }.0);
        let old = call(ops::cuThreadExchangeStreamCaptureMode, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(mode, CUstreamCaptureMode(old)) };
        Ok(())
    })())
}

// ---- Graphs and nodes ----------------------------------------------------

/// `cuGraphCreate`.
///
/// # Safety
/// `graph` null or valid.
pub unsafe fn create(graph: *mut CUgraph, flags: c_uint) -> CUresult {
    let mut e = Encoder::new();
    e.u32(flags);
    // SAFETY: forwarded contract.
    unsafe { call_for_id(ops::cuGraphCreate, &e, graph) }
}

/// Encodes a node list of `n` entries.
///
/// # Safety
/// `nodes` holds `n` handles (or `n` is 0).
unsafe fn put_list(e: &mut Encoder, nodes: *const CUgraphNode, n: usize) -> Result<(), CUresult> {
    if n > 0 && nodes.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    e.u32(u32::try_from(n).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?);
    for i in 0..n {
        // SAFETY: `n` entries by contract.
        e.u64(id(unsafe { *nodes.add(i) }));
    }
    Ok(())
}

/// The start of an add-node call: graph, dependencies.
///
/// # Safety
/// `deps` holds `n` handles.
unsafe fn add_header(graph: CUgraph, deps: *const CUgraphNode, n: usize) -> Result<Encoder, CUresult> {
    if graph.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    let mut e = Encoder::new();
    e.u64(id(graph));
    // SAFETY: forwarded contract.
    unsafe { put_list(&mut e, deps, n)? };
    Ok(e)
}

/// Adds a node whose parameters `body` encodes after the header.
///
/// # Safety
/// Pointers valid by the driver's contract.
unsafe fn add(
    op: u32,
    out: *mut CUgraphNode,
    graph: CUgraph,
    deps: *const CUgraphNode,
    n: usize,
    body: impl FnOnce(&mut Encoder) -> Result<(), CUresult>,
) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        // SAFETY: forwarded contract.
        let mut e = unsafe { add_header(graph, deps, n)? };
        body(&mut e)?;
        let v = read_u64(&mut call(op, &e)?.decoder())?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, handle(v)) };
        Ok(())
    })())
}

/// `cuGraphAddEmptyNode`.
///
/// # Safety
/// As the driver's.
pub unsafe fn add_empty(out: *mut CUgraphNode, graph: CUgraph, deps: *const CUgraphNode, n: usize) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { add(ops::cuGraphAddEmptyNode, out, graph, deps, n, |_| Ok(())) }
}

fn put_memset(e: &mut Encoder, p: &CUDA_MEMSET_NODE_PARAMS) -> Result<(), CUresult> {
    let elem = u8::try_from(p.elementSize).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
    e.u64(p.dst).u64(p.pitch as u64).u32(p.value).u8(elem).u64(p.width as u64).u64(p.height as u64);
    Ok(())
}

/// `cuGraphAddMemsetNode` (in the current context).
///
/// # Safety
/// As the driver's.
pub unsafe fn add_memset(
    out: *mut CUgraphNode,
    graph: CUgraph,
    deps: *const CUgraphNode,
    n: usize,
    params: *const CUDA_MEMSET_NODE_PARAMS,
) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { params.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: forwarded contract.
    unsafe { add(ops::cuGraphAddMemsetNode, out, graph, deps, n, |e| put_memset(e, p)) }
}

/// One side of a 3D copy, if it is in device memory.
fn device_side(kind: CUmemorytype, device: u64) -> Result<u64, CUresult> {
    match kind {
        CUmemorytype::CU_MEMORYTYPE_DEVICE => Ok(device),
        CUmemorytype::CU_MEMORYTYPE_UNIFIED if crate::memory::is_device(device) => Ok(device),
        _ => Err(crate::driver::not_supported("cuGraphAddMemcpyNode with host or array memory")),
    }
}

fn put_copy(e: &mut Encoder, p: &CUDA_MEMCPY3D) -> Result<(), CUresult> {
    let src = device_side(p.srcMemoryType, p.srcDevice)?;
    let dst = device_side(p.dstMemoryType, p.dstDevice)?;
    e.u64(src).u64(p.srcPitch as u64).u64(p.srcHeight as u64);
    e.u64(p.srcXInBytes as u64).u64(p.srcY as u64).u64(p.srcZ as u64);
    e.u64(dst).u64(p.dstPitch as u64).u64(p.dstHeight as u64);
    e.u64(p.dstXInBytes as u64).u64(p.dstY as u64).u64(p.dstZ as u64);
    e.u64(p.WidthInBytes as u64).u64(p.Height as u64).u64(p.Depth as u64);
    Ok(())
}

/// `cuGraphAddMemcpyNode` (in the current context).
///
/// # Safety
/// As the driver's.
pub unsafe fn add_memcpy(
    out: *mut CUgraphNode,
    graph: CUgraph,
    deps: *const CUgraphNode,
    n: usize,
    params: *const CUDA_MEMCPY3D,
) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { params.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: forwarded contract.
    unsafe { add(ops::cuGraphAddMemcpyNode, out, graph, deps, n, |e| put_copy(e, p)) }
}

/// A kernel node's launch, as the v2 structure holds it (v1 is its prefix).
///
/// # Safety
/// `kernelParams`/`extra` valid as for a launch.
unsafe fn put_kernel(e: &mut Encoder, p: &CUDA_KERNEL_NODE_PARAMS) -> Result<(), CUresult> {
    let f = if p.func.is_null() { id(p.kern) } else { id(p.func) };
    if f == 0 {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: forwarded contract.
    let args = unsafe { crate::launch::pack(f, p.kernelParams, p.extra)? };
    e.u64(f);
    for v in [p.gridDimX, p.gridDimY, p.gridDimZ, p.blockDimX, p.blockDimY, p.blockDimZ, p.sharedMemBytes] {
        e.u32(v);
    }
    e.bytes(&args);
    Ok(())
}

/// The v2 form of v1 kernel node parameters.
fn kernel_v2(p: &CUDA_KERNEL_NODE_PARAMS_v1) -> CUDA_KERNEL_NODE_PARAMS {
    CUDA_KERNEL_NODE_PARAMS {
        func: p.func,
        gridDimX: p.gridDimX,
        gridDimY: p.gridDimY,
        gridDimZ: p.gridDimZ,
        blockDimX: p.blockDimX,
        blockDimY: p.blockDimY,
        blockDimZ: p.blockDimZ,
        sharedMemBytes: p.sharedMemBytes,
        kernelParams: p.kernelParams,
        extra: p.extra,
        kern: core::ptr::null_mut(),
        ctx: core::ptr::null_mut(),
    }
}

/// `cuGraphAddKernelNode(_v2)`.
///
/// # Safety
/// As the driver's.
pub unsafe fn add_kernel(
    out: *mut CUgraphNode,
    graph: CUgraph,
    deps: *const CUgraphNode,
    n: usize,
    params: *const CUDA_KERNEL_NODE_PARAMS,
) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { params.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: forwarded contract.
    unsafe { add(ops::cuGraphAddKernelNode_v2, out, graph, deps, n, |e| put_kernel(e, p)) }
}

/// `cuGraphAddKernelNode` (v1 parameters).
///
/// # Safety
/// As the driver's.
pub unsafe fn add_kernel_v1(
    out: *mut CUgraphNode,
    graph: CUgraph,
    deps: *const CUgraphNode,
    n: usize,
    params: *const CUDA_KERNEL_NODE_PARAMS_v1,
) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { params.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    let p = kernel_v2(p);
    // SAFETY: forwarded contract.
    unsafe { add_kernel(out, graph, deps, n, &p) }
}

/// `cuGraphAddEventRecordNode` / `cuGraphAddEventWaitNode`.
///
/// # Safety
/// As the driver's.
pub unsafe fn add_event(op: u32, out: *mut CUgraphNode, graph: CUgraph, deps: *const CUgraphNode, n: usize, event: CUevent) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe {
        add(op, out, graph, deps, n, |e| {
            e.u64(id(event));
            Ok(())
        })
    }
}

/// `cuGraphAddChildGraphNode`.
///
/// # Safety
/// As the driver's.
pub unsafe fn add_child(out: *mut CUgraphNode, graph: CUgraph, deps: *const CUgraphNode, n: usize, child: CUgraph) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe {
        add(ops::cuGraphAddChildGraphNode, out, graph, deps, n, |e| {
            e.u64(id(child));
            Ok(())
        })
    }
}

/// Reads [count u32, ids] from a reply.
fn read_list(d: &mut Decoder<'_>) -> Result<Vec<u64>, CUresult> {
    let n = d.u32().map_err(protocol)?;
    (0..n).map(|_| read_u64(d)).collect()
}

/// Writes a node list the driver's way; `edges`, if non-null, receives
/// default edge data for each entry written.
///
/// # Safety
/// `out` null or holding `*count` entries; `edges` likewise; `count` valid.
unsafe fn write_list(list: &[u64], out: *mut CUgraphNode, edges: *mut CUgraphEdgeData, count: *mut usize) -> Result<(), CUresult> {
    let count = non_null(count)?;
    if out.is_null() {
        // SAFETY: checked non-null.
        unsafe { remote::write(count, list.len()) };
        return Ok(());
    }
    // SAFETY: valid by contract.
    let room = unsafe { *count };
    for i in 0..room {
        let v = list.get(i).copied().unwrap_or(0);
        // SAFETY: `out` holds `room` entries.
        unsafe { out.add(i).write(handle(v)) };
        if !edges.is_null() {
            // SAFETY: `edges` holds `room` entries.
            unsafe { edges.add(i).write(CUgraphEdgeData::default()) };
        }
    }
    // SAFETY: checked non-null.
    unsafe { remote::write(count, room.min(list.len())) };
    Ok(())
}

/// `cuGraphGetNodes` / `cuGraphGetRootNodes`.
///
/// # Safety
/// As the driver's.
pub unsafe fn nodes(op: u32, graph: CUgraph, out: *mut CUgraphNode, count: *mut usize) -> CUresult {
    remote::done((|| {
        non_null(count)?;
        let mut e = Encoder::new();
        e.u64(id(graph));
        let list = read_list(&mut call(op, &e)?.decoder())?;
        // SAFETY: forwarded contract.
        unsafe { write_list(&list, out, core::ptr::null_mut(), count) }
    })())
}

/// `cuGraphNodeGetDependencies(_v2)` / `cuGraphNodeGetDependentNodes(_v2)`.
///
/// # Safety
/// As the driver's.
pub unsafe fn neighbours(op: u32, node: CUgraphNode, out: *mut CUgraphNode, edges: *mut CUgraphEdgeData, count: *mut usize) -> CUresult {
    remote::done((|| {
        non_null(count)?;
        let mut e = Encoder::new();
        e.u64(id(node));
        let list = read_list(&mut call(op, &e)?.decoder())?;
        // SAFETY: forwarded contract.
        unsafe { write_list(&list, out, edges, count) }
    })())
}

/// `cuGraphGetEdges(_v2)`.
///
/// # Safety
/// As the driver's.
pub unsafe fn edges(
    graph: CUgraph,
    from: *mut CUgraphNode,
    to: *mut CUgraphNode,
    data: *mut CUgraphEdgeData,
    count: *mut usize,
) -> CUresult {
    remote::done((|| {
        let count = non_null(count)?;
        if from.is_null() != to.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id(graph));
        let r = call(ops::cuGraphGetEdges_v2, &e)?;
        let mut d = r.decoder();
        let n = d.u32().map_err(protocol)?;
        let pairs = (0..n).map(|_| Ok((read_u64(&mut d)?, read_u64(&mut d)?))).collect::<Result<Vec<_>, CUresult>>()?;
        let froms: Vec<u64> = pairs.iter().map(|p| p.0).collect();
        let tos: Vec<u64> = pairs.iter().map(|p| p.1).collect();
        // SAFETY: forwarded contract; `count` is restored for the second list.
        unsafe {
            let room = *count;
            write_list(&froms, from, data, count)?;
            if !to.is_null() {
                *count = room;
                write_list(&tos, to, core::ptr::null_mut(), count)?;
            }
        }
        Ok(())
    })())
}

/// `cuGraphAddDependencies(_v2)` / `cuGraphRemoveDependencies(_v2)`: only
/// default edges (null or all-zero edge data).
///
/// # Safety
/// As the driver's.
pub unsafe fn dependencies(
    op: u32,
    graph: CUgraph,
    from: *const CUgraphNode,
    to: *const CUgraphNode,
    data: *const CUgraphEdgeData,
    n: usize,
) -> CUresult {
    remote::done((|| {
        if n > 0 && (from.is_null() || to.is_null()) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if !data.is_null() {
            for i in 0..n {
                // SAFETY: `n` entries by contract.
                let d = unsafe { *data.add(i) };
                if d.from_port != 0 || d.to_port != 0 || d.type_ != 0 {
                    return Err(crate::driver::not_supported("graph edges with edge data (ports, programmatic edges)"));
                }
            }
        }
        let mut e = Encoder::new();
        e.u64(id(graph)).u32(u32::try_from(n).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?);
        for i in 0..n {
            // SAFETY: `n` entries by contract.
            unsafe { e.u64(id(*from.add(i))).u64(id(*to.add(i))) };
        }
        call(op, &e).map(|_| ())
    })())
}

/// `cuGraphNodeGetType`.
///
/// # Safety
/// As the driver's.
pub unsafe fn node_type(node: CUgraphNode, out: *mut CUgraphNodeType) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(id(node));
        let t = call(ops::cuGraphNodeGetType, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, CUgraphNodeType(t)) };
        Ok(())
    })())
}

/// `cuGraphDestroyNode`.
pub fn destroy_node(node: CUgraphNode) -> CUresult {
    let r = destroy(ops::cuGraphDestroyNode, id(node));
    if r == CUresult::CUDA_SUCCESS {
        forget_kernel_args(id(node));
    }
    r
}

/// `cuGraphMemsetNodeGetParams`.
///
/// # Safety
/// As the driver's.
pub unsafe fn memset_params(node: CUgraphNode, out: *mut CUDA_MEMSET_NODE_PARAMS) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(id(node));
        let r = call(ops::cuGraphMemsetNodeGetParams, &e)?;
        let mut d = r.decoder();
        let p = CUDA_MEMSET_NODE_PARAMS {
            dst: read_u64(&mut d)?,
            pitch: read_u64(&mut d)? as usize,
            value: d.u32().map_err(protocol)?,
            elementSize: u32::from(d.u8().map_err(protocol)?),
            width: read_u64(&mut d)? as usize,
            height: read_u64(&mut d)? as usize,
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(out, p) };
        Ok(())
    })())
}

/// `cuGraphMemcpyNodeGetParams`: device memory on both sides.
///
/// # Safety
/// As the driver's.
pub unsafe fn memcpy_params(node: CUgraphNode, out: *mut CUDA_MEMCPY3D) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(id(node));
        let r = call(ops::cuGraphMemcpyNodeGetParams, &e)?;
        let mut d = r.decoder();
        let mut v = [0u64; 15];
        for x in &mut v {
            *x = read_u64(&mut d)?;
        }
        let mut p = CUDA_MEMCPY3D::default();
        p.srcMemoryType = CUmemorytype::CU_MEMORYTYPE_DEVICE;
        (p.srcDevice, p.srcPitch, p.srcHeight) = (v[0], v[1] as usize, v[2] as usize);
        (p.srcXInBytes, p.srcY, p.srcZ) = (v[3] as usize, v[4] as usize, v[5] as usize);
        p.dstMemoryType = CUmemorytype::CU_MEMORYTYPE_DEVICE;
        (p.dstDevice, p.dstPitch, p.dstHeight) = (v[6], v[7] as usize, v[8] as usize);
        (p.dstXInBytes, p.dstY, p.dstZ) = (v[9] as usize, v[10] as usize, v[11] as usize);
        (p.WidthInBytes, p.Height, p.Depth) = (v[12] as usize, v[13] as usize, v[14] as usize);
        // SAFETY: checked non-null.
        unsafe { remote::write(out, p) };
        Ok(())
    })())
}

/// `cuGraph{Memset,Memcpy,Kernel}NodeSetParams`: [node id, parameters].
fn set_params(op: u32, node: CUgraphNode, body: impl FnOnce(&mut Encoder) -> Result<(), CUresult>) -> CUresult {
    remote::done((|| {
        let mut e = Encoder::new();
        e.u64(id(node));
        body(&mut e)?;
        call(op, &e).map(|_| ())
    })())
}

/// `cuGraphMemsetNodeSetParams`.
///
/// # Safety
/// As the driver's.
pub unsafe fn set_memset_params(node: CUgraphNode, p: *const CUDA_MEMSET_NODE_PARAMS) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    set_params(ops::cuGraphMemsetNodeSetParams, node, |e| put_memset(e, p))
}

/// `cuGraphMemcpyNodeSetParams`.
///
/// # Safety
/// As the driver's.
pub unsafe fn set_memcpy_params(node: CUgraphNode, p: *const CUDA_MEMCPY3D) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    set_params(ops::cuGraphMemcpyNodeSetParams, node, |e| put_copy(e, p))
}

/// `cuGraphKernelNodeSetParams(_v2)`.
///
/// # Safety
/// As the driver's.
pub unsafe fn set_kernel_params(node: CUgraphNode, p: *const CUDA_KERNEL_NODE_PARAMS) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: forwarded contract.
    set_params(ops::cuGraphKernelNodeSetParams_v2, node, |e| unsafe { put_kernel(e, p) })
}

/// `cuGraphKernelNodeSetParams` (v1 parameters).
///
/// # Safety
/// As the driver's.
pub unsafe fn set_kernel_params_v1(node: CUgraphNode, p: *const CUDA_KERNEL_NODE_PARAMS_v1) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    let p = kernel_v2(p);
    // SAFETY: forwarded contract.
    unsafe { set_kernel_params(node, &p) }
}

// ---- Executable graphs -----------------------------------------------------

/// `cuGraphExec{Memset,Memcpy,Kernel}NodeSetParams`: [exec id, node id, parameters].
fn exec_set(op: u32, exec: CUgraphExec, node: CUgraphNode, body: impl FnOnce(&mut Encoder) -> Result<(), CUresult>) -> CUresult {
    remote::done((|| {
        if exec.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id(exec)).u64(id(node));
        body(&mut e)?;
        call(op, &e).map(|_| ())
    })())
}

/// `cuGraphExecMemsetNodeSetParams`.
///
/// # Safety
/// As the driver's.
pub unsafe fn exec_set_memset(exec: CUgraphExec, node: CUgraphNode, p: *const CUDA_MEMSET_NODE_PARAMS) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    exec_set(ops::cuGraphExecMemsetNodeSetParams, exec, node, |e| put_memset(e, p))
}

/// `cuGraphExecMemcpyNodeSetParams`.
///
/// # Safety
/// As the driver's.
pub unsafe fn exec_set_memcpy(exec: CUgraphExec, node: CUgraphNode, p: *const CUDA_MEMCPY3D) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    exec_set(ops::cuGraphExecMemcpyNodeSetParams, exec, node, |e| put_copy(e, p))
}

/// `cuGraphExecKernelNodeSetParams(_v2)`.
///
/// # Safety
/// As the driver's.
pub unsafe fn exec_set_kernel(exec: CUgraphExec, node: CUgraphNode, p: *const CUDA_KERNEL_NODE_PARAMS) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: forwarded contract.
    exec_set(ops::cuGraphExecKernelNodeSetParams_v2, exec, node, |e| unsafe { put_kernel(e, p) })
}

/// `cuGraphExecKernelNodeSetParams` (v1 parameters).
///
/// # Safety
/// As the driver's.
pub unsafe fn exec_set_kernel_v1(exec: CUgraphExec, node: CUgraphNode, p: *const CUDA_KERNEL_NODE_PARAMS_v1) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    let p = kernel_v2(p);
    // SAFETY: forwarded contract.
    unsafe { exec_set_kernel(exec, node, &p) }
}

/// `cuGraphExecUpdate_v2`: the result info is written even when the update
/// fails, as the driver does.
///
/// # Safety
/// `info` null or valid.
pub unsafe fn exec_update(exec: CUgraphExec, graph: CUgraph, info: *mut cuvm_abi::CUgraphExecUpdateResultInfo) -> CUresult {
    remote::done((|| {
        let info = non_null(info)?;
        if exec.is_null() || graph.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id(exec)).u64(id(graph));
        let r = call(ops::cuGraphExecUpdate_v2, &e)?;
        let mut d = r.decoder();
        let (code, result) = (d.u32().map_err(protocol)?, d.u32().map_err(protocol)?);
        let (n1, n2) = (read_u64(&mut d)?, read_u64(&mut d)?);
        // SAFETY: checked non-null.
        unsafe {
            remote::write(
                info,
                cuvm_abi::CUgraphExecUpdateResultInfo {
                    result: cuvm_abi::CUgraphExecUpdateResult(result),
                    errorNode: handle(n1),
                    errorFromNode: handle(n2),
                },
            );
        }
        CUresult(code).into_result()
    })())
}

/// `CUDA_GRAPH_INSTANTIATE_FLAG_UPLOAD`.
const INSTANTIATE_UPLOAD: u64 = 2;

fn instantiate_id(graph: CUgraph, flags: u64) -> Result<u64, CUresult> {
    let mut e = Encoder::new();
    e.u64(id(graph)).u64(flags & !INSTANTIATE_UPLOAD);
    read_u64(&mut call(ops::cuGraphInstantiateWithFlags, &e)?.decoder())
}

/// `cuGraphInstantiateWithFlags`.
///
/// # Safety
/// As the driver's.
pub unsafe fn instantiate(exec: *mut CUgraphExec, graph: CUgraph, flags: u64) -> CUresult {
    remote::done((|| {
        let exec = non_null(exec)?;
        let v = instantiate_id(graph, flags)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(exec, handle(v)) };
        Ok(())
    })())
}

/// `cuGraphInstantiate(_v2)` (the CUDA 11 form: error node and log buffer,
/// which cuvm leaves null and empty).
///
/// # Safety
/// As the driver's.
pub unsafe fn instantiate_with_log(
    exec: *mut CUgraphExec,
    graph: CUgraph,
    error_node: *mut CUgraphNode,
    log: *mut core::ffi::c_char,
    log_size: usize,
) -> CUresult {
    // SAFETY: null or valid by contract.
    unsafe {
        if !error_node.is_null() {
            error_node.write(core::ptr::null_mut());
        }
        if !log.is_null() && log_size > 0 {
            log.write(0);
        }
        instantiate(exec, graph, 0)
    }
}

/// `cuGraphInstantiateWithParams(_ptsz)`: the upload flag uploads on the
/// given stream; the result code is reported in the parameters.
///
/// # Safety
/// As the driver's.
pub unsafe fn instantiate_with_params(
    exec: *mut CUgraphExec,
    graph: CUgraph,
    params: *mut CUDA_GRAPH_INSTANTIATE_PARAMS,
    per_thread: bool,
) -> CUresult {
    if params.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: non-null, valid by contract.
    let p = unsafe { &mut *params };
    p.hErrNode_out = core::ptr::null_mut();
    // SAFETY: forwarded contract.
    let mut r = unsafe { instantiate(exec, graph, p.flags) };
    if r == CUresult::CUDA_SUCCESS && p.flags & INSTANTIATE_UPLOAD != 0 {
        // SAFETY: `exec` was just written.
        let made = unsafe { *exec };
        r = upload(made, p.hUploadStream, per_thread);
        if r != CUresult::CUDA_SUCCESS {
            // Not handed out: the caller sees the failure only.
            let _ = exec_destroy(made);
            // SAFETY: as above.
            unsafe { exec.write(core::ptr::null_mut()) };
        }
    }
    p.result_out = if r == CUresult::CUDA_SUCCESS {
        CUgraphInstantiateResult::CUDA_GRAPH_INSTANTIATE_SUCCESS
    } else {
        CUgraphInstantiateResult::CUDA_GRAPH_INSTANTIATE_ERROR
    };
    r
}

/// `cuGraphLaunch(_ptsz)`: posted like a kernel launch; a failure comes
/// back from the next synchronising call.
pub fn launch(exec: CUgraphExec, stream: CUstream, per_thread: bool) -> CUresult {
    if exec.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut e = Encoder::new();
    e.u64(id(exec)).u64(stream_id(stream, per_thread));
    let op = if per_thread { ops::cuGraphLaunch_ptsz } else { ops::cuGraphLaunch };
    remote::done(post(op, &e, None))
}

/// `cuGraphUpload(_ptsz)`.
pub fn upload(exec: CUgraphExec, stream: CUstream, per_thread: bool) -> CUresult {
    if exec.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut e = Encoder::new();
    e.u64(id(exec)).u64(stream_id(stream, per_thread));
    let op = if per_thread { ops::cuGraphUpload_ptsz } else { ops::cuGraphUpload };
    remote::done(call(op, &e).map(|_| ()))
}

// ---- Node queries and changes added later ----------------------------------

/// `cuGraphEvent{Record,Wait}NodeGetEvent`: the node's event.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn node_event(op: u32, node: CUgraphNode, out: *mut CUevent) -> CUresult {
    let mut e = Encoder::new();
    e.u64(id(node));
    // SAFETY: forwarded contract.
    unsafe { call_for_id(op, &e, out) }
}

/// `cuGraphEvent{Record,Wait}NodeSetEvent`.
pub fn set_node_event(op: u32, node: CUgraphNode, event: CUevent) -> CUresult {
    set_params(op, node, |e| {
        e.u64(id(event));
        Ok(())
    })
}

/// `cuGraphExecEvent{Record,Wait}NodeSetEvent`, `cuGraphExecChildGraphNodeSetParams`:
/// [exec id, node id, event or graph id].
pub fn exec_set_handle(op: u32, exec: CUgraphExec, node: CUgraphNode, handle: u64) -> CUresult {
    exec_set(op, exec, node, |e| {
        e.u64(handle);
        Ok(())
    })
}

/// `cuGraphClone`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn clone(out: *mut CUgraph, graph: CUgraph) -> CUresult {
    let mut e = Encoder::new();
    e.u64(id(graph));
    // SAFETY: forwarded contract.
    unsafe { call_for_id(ops::cuGraphClone, &e, out) }
}

/// `cuGraphNodeFindInClone`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn find_in_clone(out: *mut CUgraphNode, original: CUgraphNode, clone: CUgraph) -> CUresult {
    let mut e = Encoder::new();
    e.u64(id(original)).u64(id(clone));
    // SAFETY: forwarded contract.
    unsafe { call_for_id(ops::cuGraphNodeFindInClone, &e, out) }
}

/// `cuGraphChildGraphNodeGetGraph`: the graph stays the node's.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn child_graph(node: CUgraphNode, out: *mut CUgraph) -> CUresult {
    let mut e = Encoder::new();
    e.u64(id(node));
    // SAFETY: forwarded contract.
    unsafe { call_for_id(ops::cuGraphChildGraphNodeGetGraph, &e, out) }
}

/// `cuGraphExecGetFlags`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn exec_flags(exec: CUgraphExec, out: *mut u64) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        if exec.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id(exec));
        let v = read_u64(&mut call(ops::cuGraphExecGetFlags, &e)?.decoder())?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, v) };
        Ok(())
    })())
}

/// `cuGraphNodeGetEnabled`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn node_enabled(exec: CUgraphExec, node: CUgraphNode, out: *mut c_uint) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        if exec.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id(exec)).u64(id(node));
        let v = call(ops::cuGraphNodeGetEnabled, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, v) };
        Ok(())
    })())
}

/// `cuGraphNodeSetEnabled`.
pub fn set_node_enabled(exec: CUgraphExec, node: CUgraphNode, enabled: c_uint) -> CUresult {
    exec_set(ops::cuGraphNodeSetEnabled, exec, node, |e| {
        e.u32(enabled);
        Ok(())
    })
}

/// `cuGraphKernelNodeGetAttribute`: attributes with plain values only.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn kernel_attribute(node: CUgraphNode, attr: cuvm_abi::CUlaunchAttributeID, out: *mut cuvm_abi::CUlaunchAttributeValue) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(id(node)).u32(attr.0);
        let r = call(ops::cuGraphKernelNodeGetAttribute, &e)?;
        let bytes = r.decoder().take(64).map_err(protocol)?;
        let mut pad = [0 as core::ffi::c_char; 64];
        for (d, s) in pad.iter_mut().zip(bytes) {
            *d = s.cast_signed();
        }
        // SAFETY: checked non-null.
        unsafe { remote::write(out, cuvm_abi::CUlaunchAttributeValue { pad }) };
        Ok(())
    })())
}

/// `cuGraphKernelNodeSetAttribute`.
///
/// # Safety
/// `value` null or valid.
pub unsafe fn set_kernel_attribute(
    node: CUgraphNode,
    attr: cuvm_abi::CUlaunchAttributeID,
    value: *const cuvm_abi::CUlaunchAttributeValue,
) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(v) = (unsafe { value.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: every value is 64 plain bytes.
    let bytes = unsafe { v.pad }.map(core::ffi::c_char::cast_unsigned);
    set_params(ops::cuGraphKernelNodeSetAttribute, node, |e| {
        e.u32(attr.0).raw(&bytes);
        Ok(())
    })
}

/// `cuGraphKernelNodeCopyAttributes`.
pub fn copy_kernel_attributes(dst: CUgraphNode, src: CUgraphNode) -> CUresult {
    set_params(ops::cuGraphKernelNodeCopyAttributes, dst, |e| {
        e.u64(id(src));
        Ok(())
    })
}

/// Arguments of kernel nodes as `cuGraphKernelNodeGetParams` gave them:
/// the driver's `kernelParams` points into memory the node owns, valid
/// while the node lives. cuvm keeps each answer (node, each parameter's
/// bytes, the pointer array), oldest used first: asking again for the same
/// arguments gives the same pointers; changed arguments are a new entry and
/// the earlier ones stay valid (up to [`KEPT_PER_NODE`] per node). They go
/// with `cuGraphDestroyNode` and with their graph's `cuGraphDestroy` (nodes
/// of child graphs only beyond [`KEPT_KERNEL_ARGS`] entries).
static KERNEL_ARGS: std::sync::Mutex<Vec<KeptArgs>> = std::sync::Mutex::new(Vec::new());

/// One kept answer: node, its graph, each parameter's bytes, the pointer array.
type KeptArgs = (u64, u64, Vec<Vec<u8>>, Vec<usize>);

/// Most answers kept in all (the least recently asked are dropped beyond it).
const KEPT_KERNEL_ARGS: usize = 1 << 16;

/// Most distinct answers kept for one node.
const KEPT_PER_NODE: usize = 8;

/// Keeps `params` for `node` and returns the pointer array to give out.
fn keep_kernel_args(node: u64, graph: u64, params: Vec<Vec<u8>>) -> *mut *mut core::ffi::c_void {
    let mut kept = KERNEL_ARGS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(i) = kept.iter().position(|(n, _, p, _)| *n == node && *p == params) {
        let entry = kept.remove(i);
        kept.push(entry);
    } else {
        if kept.iter().filter(|(n, _, _, _)| *n == node).count() >= KEPT_PER_NODE {
            if let Some(i) = kept.iter().position(|(n, _, _, _)| *n == node) {
                kept.remove(i);
            }
        }
        if kept.len() >= KEPT_KERNEL_ARGS {
            kept.remove(0);
        }
        // The pointer array and each parameter's bytes live in the kept
        // entry; moving the Vecs into it does not move their buffers.
        let pointers: Vec<usize> = params.iter().map(|p| p.as_ptr() as usize).collect();
        kept.push((node, graph, params, pointers));
    }
    match kept.last_mut() {
        Some((_, _, _, pointers)) if !pointers.is_empty() => pointers.as_mut_ptr().cast(),
        _ => core::ptr::null_mut(),
    }
}

/// Forgets the arguments kept for a destroyed node.
fn forget_kernel_args(node: u64) {
    KERNEL_ARGS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|(n, _, _, _)| *n != node);
}

/// Forgets the arguments kept for the nodes of a destroyed graph.
fn forget_graph_kernel_args(graph: u64) {
    KERNEL_ARGS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|(_, g, _, _)| *g != graph);
}

/// `cuGraphKernelNodeGetParams(_v2)`: the function, shape and arguments
/// (each parameter's bytes, kept by cuvm for the node).
///
/// # Safety
/// `out` null or valid.
pub unsafe fn kernel_params(node: CUgraphNode, out: *mut CUDA_KERNEL_NODE_PARAMS) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(id(node));
        let r = call(ops::cuGraphKernelNodeGetParams_v2, &e)?;
        let mut d = r.decoder();
        let func = read_u64(&mut d)?;
        let mut dims = [0u32; 6];
        for v in &mut dims {
            *v = d.u32().map_err(protocol)?;
        }
        let shared = d.u32().map_err(protocol)?;
        let args = d.bytes(usize::MAX).map_err(protocol)?.to_vec();
        let n = d.u32().map_err(protocol)? as usize;
        let mut params = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let (off, size) = (d.u32().map_err(protocol)? as usize, d.u32().map_err(protocol)? as usize);
            params.push(args.get(off..off + size).ok_or(CUresult::CUDA_ERROR_UNKNOWN)?.to_vec());
        }
        let graph = d.u64().map_err(protocol)?;
        let kernel_params = keep_kernel_args(id(node), graph, params);
        let p = CUDA_KERNEL_NODE_PARAMS {
            func: handle(func),
            gridDimX: dims[0],
            gridDimY: dims[1],
            gridDimZ: dims[2],
            blockDimX: dims[3],
            blockDimY: dims[4],
            blockDimZ: dims[5],
            sharedMemBytes: shared,
            kernelParams: kernel_params,
            extra: core::ptr::null_mut(),
            kern: core::ptr::null_mut(),
            ctx: core::ptr::null_mut(),
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(out, p) };
        Ok(())
    })())
}

/// `cuGraphKernelNodeGetParams` (v1 parameters).
///
/// # Safety
/// `out` null or valid.
pub unsafe fn kernel_params_v1(node: CUgraphNode, out: *mut CUDA_KERNEL_NODE_PARAMS_v1) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut p = CUDA_KERNEL_NODE_PARAMS::default();
        // SAFETY: `p` is local.
        let r = unsafe { kernel_params(node, &mut p) };
        if r != CUresult::CUDA_SUCCESS {
            return Err(r);
        }
        let v1 = CUDA_KERNEL_NODE_PARAMS_v1 {
            func: p.func,
            gridDimX: p.gridDimX,
            gridDimY: p.gridDimY,
            gridDimZ: p.gridDimZ,
            blockDimX: p.blockDimX,
            blockDimY: p.blockDimY,
            blockDimZ: p.blockDimZ,
            sharedMemBytes: p.sharedMemBytes,
            kernelParams: p.kernelParams,
            extra: p.extra,
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(out, v1) };
        Ok(())
    })())
}

/// Checks edge data given with dependencies: only the default edge (all
/// zero) is carried.
///
/// # Safety
/// `data` null or holding `n` entries.
unsafe fn default_edges(data: *const CUgraphEdgeData, n: usize) -> Result<(), CUresult> {
    if data.is_null() {
        return Ok(());
    }
    for i in 0..n {
        // SAFETY: `n` entries by contract.
        let d = unsafe { &*data.add(i) };
        if d.from_port != 0 || d.to_port != 0 || d.type_ != 0 {
            log::warn!("graph edges with ports or types are not supported by cuvm yet");
            return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
        }
    }
    Ok(())
}

/// `cuStreamBeginCaptureToGraph(_ptsz)`.
///
/// # Safety
/// `deps` (and `data` if non-null) hold `n` entries.
pub unsafe fn begin_capture_to_graph(
    stream: CUstream,
    graph: CUgraph,
    deps: *const CUgraphNode,
    data: *const CUgraphEdgeData,
    n: usize,
    mode: CUstreamCaptureMode,
    per_thread: bool,
) -> CUresult {
    remote::done((|| {
        // SAFETY: forwarded contract.
        unsafe { default_edges(data, n)? };
        let mut e = Encoder::new();
        e.u64(stream_id(stream, per_thread)).u64(id(graph));
        // SAFETY: forwarded contract.
        unsafe { put_list(&mut e, deps, n)? };
        e.u32(mode.0);
        let op = if per_thread { ops::cuStreamBeginCaptureToGraph_ptsz } else { ops::cuStreamBeginCaptureToGraph };
        call(op, &e).map(|_| ())
    })())
}

/// `cuStreamUpdateCaptureDependencies(_v2)(_ptsz)`.
///
/// # Safety
/// `deps` (and `data` if non-null) hold `n` entries.
pub unsafe fn update_capture_dependencies(
    stream: CUstream,
    deps: *mut CUgraphNode,
    data: *const CUgraphEdgeData,
    n: usize,
    flags: c_uint,
    per_thread: bool,
) -> CUresult {
    remote::done((|| {
        // SAFETY: forwarded contract.
        unsafe { default_edges(data, n)? };
        let mut e = Encoder::new();
        e.u64(stream_id(stream, per_thread));
        // SAFETY: forwarded contract.
        unsafe { put_list(&mut e, deps, n)? };
        e.u32(flags);
        let op = if per_thread { ops::cuStreamUpdateCaptureDependencies_v2_ptsz } else { ops::cuStreamUpdateCaptureDependencies_v2 };
        call(op, &e).map(|_| ())
    })())
}

// ---- The generic node API (cuGraphAddNode and friends) -----------------------

/// The CUDA 12 kernel parameters as the (same-shaped) CUDA 11.x ones.
fn kernel_from_v3(k: &cuvm_abi::CUDA_KERNEL_NODE_PARAMS_v3) -> CUDA_KERNEL_NODE_PARAMS {
    CUDA_KERNEL_NODE_PARAMS {
        func: k.func,
        gridDimX: k.gridDimX,
        gridDimY: k.gridDimY,
        gridDimZ: k.gridDimZ,
        blockDimX: k.blockDimX,
        blockDimY: k.blockDimY,
        blockDimZ: k.blockDimZ,
        sharedMemBytes: k.sharedMemBytes,
        kernelParams: k.kernelParams,
        extra: k.extra,
        kern: k.kern,
        ctx: k.ctx,
    }
}

fn memset_from_v2(m: &cuvm_abi::CUDA_MEMSET_NODE_PARAMS_v2) -> CUDA_MEMSET_NODE_PARAMS {
    CUDA_MEMSET_NODE_PARAMS { dst: m.dst, pitch: m.pitch, value: m.value, elementSize: m.elementSize, width: m.width, height: m.height }
}

/// A node type the generic API carries only for the typed entry points cuvm
/// has: logged once, `CUDA_ERROR_NOT_SUPPORTED`.
fn generic_refused(t: CUgraphNodeType) -> CUresult {
    crate::driver::log_unsupported_once(
        "cuGraphAddNode/cuGraphNodeSetParams",
        &format!("node type {} (host, memory allocation, external semaphore, batch memory operation or conditional nodes) is not supported by cuvm", t.0),
    );
    CUresult::CUDA_ERROR_NOT_SUPPORTED
}

/// `cuGraphAddNode(_v2)`: the typed add of the node's kind.
///
/// # Safety
/// As the driver's.
pub unsafe fn add_node_generic(
    out: *mut CUgraphNode,
    graph: CUgraph,
    deps: *const CUgraphNode,
    data: *const CUgraphEdgeData,
    n: usize,
    params: *mut cuvm_abi::CUgraphNodeParams,
) -> CUresult {
    use CUgraphNodeType as T;
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { params.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    // SAFETY: forwarded contract.
    if let Err(e) = unsafe { default_edges(data, n) } {
        return e;
    }
    let u = &p.__bindgen_anon_1;
    // SAFETY: each arm reads the member its type names; forwarded contract.
    unsafe {
        match p.type_ {
            T::CU_GRAPH_NODE_TYPE_KERNEL => add_kernel(out, graph, deps, n, &kernel_from_v3(&u.kernel)),
            T::CU_GRAPH_NODE_TYPE_MEMCPY => add_memcpy(out, graph, deps, n, &u.memcpy.copyParams),
            T::CU_GRAPH_NODE_TYPE_MEMSET => add_memset(out, graph, deps, n, &memset_from_v2(&u.memset)),
            T::CU_GRAPH_NODE_TYPE_EMPTY => add_empty(out, graph, deps, n),
            T::CU_GRAPH_NODE_TYPE_EVENT_RECORD => add_event(ops::cuGraphAddEventRecordNode, out, graph, deps, n, u.eventRecord.event),
            T::CU_GRAPH_NODE_TYPE_WAIT_EVENT => add_event(ops::cuGraphAddEventWaitNode, out, graph, deps, n, u.eventWait.event),
            T::CU_GRAPH_NODE_TYPE_GRAPH if u.graph.ownership == cuvm_abi::CUgraphChildGraphNodeOwnership::CU_GRAPH_CHILD_GRAPH_OWNERSHIP_CLONE => {
                add_child(out, graph, deps, n, u.graph.graph)
            }
            T::CU_GRAPH_NODE_TYPE_GRAPH => {
                crate::driver::log_unsupported_once("cuGraphAddNode", "moving a graph into a child node is not supported by cuvm (clone it)");
                CUresult::CUDA_ERROR_NOT_SUPPORTED
            }
            t => generic_refused(t),
        }
    }
}

/// `cuGraphNodeSetParams` (`exec` null) / `cuGraphExecNodeSetParams`: the
/// typed change of the node's kind.
///
/// # Safety
/// As the driver's.
pub unsafe fn set_node_generic(exec: CUgraphExec, node: CUgraphNode, params: *mut cuvm_abi::CUgraphNodeParams) -> CUresult {
    use CUgraphNodeType as T;
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { params.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    let u = &p.__bindgen_anon_1;
    let in_exec = !exec.is_null();
    // SAFETY: each arm reads the member its type names; forwarded contract.
    unsafe {
        match p.type_ {
            T::CU_GRAPH_NODE_TYPE_KERNEL if in_exec => exec_set_kernel(exec, node, &kernel_from_v3(&u.kernel)),
            T::CU_GRAPH_NODE_TYPE_KERNEL => set_kernel_params(node, &kernel_from_v3(&u.kernel)),
            T::CU_GRAPH_NODE_TYPE_MEMCPY if in_exec => exec_set_memcpy(exec, node, &u.memcpy.copyParams),
            T::CU_GRAPH_NODE_TYPE_MEMCPY => set_memcpy_params(node, &u.memcpy.copyParams),
            T::CU_GRAPH_NODE_TYPE_MEMSET if in_exec => exec_set_memset(exec, node, &memset_from_v2(&u.memset)),
            T::CU_GRAPH_NODE_TYPE_MEMSET => set_memset_params(node, &memset_from_v2(&u.memset)),
            T::CU_GRAPH_NODE_TYPE_EVENT_RECORD if in_exec => {
                exec_set_handle(ops::cuGraphExecEventRecordNodeSetEvent, exec, node, id(u.eventRecord.event))
            }
            T::CU_GRAPH_NODE_TYPE_EVENT_RECORD => set_node_event(ops::cuGraphEventRecordNodeSetEvent, node, u.eventRecord.event),
            T::CU_GRAPH_NODE_TYPE_WAIT_EVENT if in_exec => exec_set_handle(ops::cuGraphExecEventWaitNodeSetEvent, exec, node, id(u.eventWait.event)),
            T::CU_GRAPH_NODE_TYPE_WAIT_EVENT => set_node_event(ops::cuGraphEventWaitNodeSetEvent, node, u.eventWait.event),
            T::CU_GRAPH_NODE_TYPE_GRAPH if in_exec => exec_set_handle(ops::cuGraphExecChildGraphNodeSetParams, exec, node, id(u.graph.graph)),
            t => generic_refused(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept_for(node: u64) -> usize {
        KERNEL_ARGS.lock().unwrap().iter().filter(|(n, _, _, _)| *n == node).count()
    }

    #[test]
    fn kernel_node_arguments_stay_valid_while_the_node_lives() {
        let node = 0x7e57_0001;
        let first = keep_kernel_args(node, 9, vec![vec![1, 2, 3, 4], vec![9; 8]]);
        // Asked again with the same arguments: the same pointers.
        assert_eq!(keep_kernel_args(node, 9, vec![vec![1, 2, 3, 4], vec![9; 8]]), first);
        // Changed arguments: new pointers, and the first ones still hold theirs.
        let second = keep_kernel_args(node, 9, vec![vec![5, 6, 7, 8], vec![9; 8]]);
        assert_ne!(second, first);
        // SAFETY: both pointer arrays are kept while the node lives.
        unsafe {
            assert_eq!(*(*first).cast::<[u8; 4]>(), [1, 2, 3, 4]);
            assert_eq!(*(*second).cast::<[u8; 4]>(), [5, 6, 7, 8]);
        }
        assert_eq!(kept_for(node), 2);
        // Only the last few distinct answers are kept per node.
        for i in 0..20u8 {
            keep_kernel_args(node, 9, vec![vec![i]]);
        }
        assert_eq!(kept_for(node), KEPT_PER_NODE);
        // No parameters: a null array.
        assert!(keep_kernel_args(0x7e57_0002, 9, Vec::new()).is_null());
        forget_kernel_args(node);
        assert_eq!(kept_for(node), 0);
        // The graph's destruction forgets its nodes' arguments.
        keep_kernel_args(0x7e57_0003, 0x6a, vec![vec![1]]);
        forget_graph_kernel_args(0x6a);
        assert_eq!(kept_for(0x7e57_0003), 0);
        assert_eq!(kept_for(0x7e57_0002), 1, "another graph's node keeps its arguments");
        forget_kernel_args(0x7e57_0002);
    }
}
