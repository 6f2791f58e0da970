//! Streams.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use super::stream_raw;
use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

/// `cuStreamCreate(WithPriority)`: [flags u32, priority i32] -> [stream id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (flags, priority) = (a.u32()?, a.i32()?);
    let raw = s.backend.stream_create(flags, priority)?;
    let id = s.handles.insert(Entry { kind: Kind::Stream, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuStreamDestroy_v2`: [stream id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::Stream)?;
    // A capture in progress on the stream dies with it, and its graph.
    let building = s.backend.stream_capture_info(raw).ok().map(|i| i.graph).filter(|g| *g != 0);
    s.backend.stream_destroy(raw)?;
    if let Some(g) = building.and_then(|raw| s.handles.find(Kind::Graph, raw)) {
        if s.handles.get(g, Kind::Graph).is_ok_and(|e| e.parent == super::CAPTURE_GRAPH) {
            let _ = s.handles.remove(g, Kind::Graph);
            super::graph::forget_nodes(s, g);
        }
    }
    s.handles.remove(id, Kind::Stream)?;
    ok(Encoder::new())
}

/// `cuStreamSynchronize`: [stream u64] -> []; a synchronising call.
pub fn synchronize(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = stream_raw(s, a.u64()?)?;
    s.sync_point()?;
    s.backend.stream_synchronize(raw)?;
    s.settle_pools();
    ok(Encoder::new())
}

/// `cuStreamQuery`: [stream u64] -> [].
pub fn query(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = stream_raw(s, a.u64()?)?;
    s.sync_point()?;
    s.backend.stream_query(raw)?;
    ok(Encoder::new())
}

/// `cuStreamWaitEvent`: [stream u64, event id u64, flags u32] -> [] (posted).
pub fn wait_event(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (stream, event, flags) = (a.u64()?, a.u64()?, a.u32()?);
    let stream = stream_raw(s, stream)?;
    let event = s.handles.raw(event, Kind::Event)?;
    s.backend.stream_wait_event(stream, event, flags)?;
    ok(Encoder::new())
}

/// `cuStreamGetPriority`: [stream u64] -> [priority i32].
pub fn priority(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = stream_raw(s, a.u64()?)?;
    let p = s.backend.stream_get_priority(raw)?;
    let mut e = Encoder::new();
    e.i32(p);
    ok(e)
}

/// `cuStreamGetFlags`: [stream u64] -> [flags u32].
pub fn flags(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = stream_raw(s, a.u64()?)?;
    let f = s.backend.stream_get_flags(raw)?;
    let mut e = Encoder::new();
    e.u32(f);
    ok(e)
}

/// `cuStreamGetCaptureInfo` (every version): [stream u64] -> [status u32,
/// capture id u64, graph id u64 (0: none), count u32, node ids count×u64,
/// has edge data u8, edge data count×8 bytes if so]. The graph and its nodes
/// get ids as any handle does.
pub fn capture_info(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = stream_raw(s, a.u64()?)?;
    let info = s.backend.stream_capture_info(raw)?;
    let mut e = Encoder::new();
    e.u32(info.status).u64(info.id);
    let (graph, deps) = super::graph::capture_ids(s, info.graph, &info.dependencies);
    e.u64(graph);
    e.u32(u32::try_from(deps.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for id in deps {
        e.u64(id);
    }
    e.bool(!info.edges.is_empty());
    for edge in &info.edges {
        e.raw(edge);
    }
    ok(e)
}

/// `cuStreamGetAttribute` / `cuStreamSetAttribute` (`set`): [stream u64,
/// attribute u32, (set) value 64 bytes] -> [(get) value 64 bytes]. Values
/// holding handles are refused; an access policy window must lie in the
/// session's memory.
pub fn attribute(s: &mut Session, a: &mut Decoder<'_>, set: bool) -> HResult {
    let (stream, id) = (a.u64()?, a.u32()?);
    let raw = stream_raw(s, stream)?;
    let mut e = Encoder::new();
    if set {
        let mut value = [0u8; 64];
        value.copy_from_slice(a.take(64)?);
        super::launch::check_attribute(s, id, &value)?;
        s.backend.stream_set_attribute(raw, id, &value)?;
    } else {
        super::launch::check_attribute_id(id)?;
        let v = s.backend.stream_attribute(raw, id)?;
        e.raw(&v);
    }
    ok(e)
}

/// Most operations in one `cuStreamBatchMemOp` (the driver's own limit).
const MAX_MEM_OPS: u32 = 256;

/// `cuStreamWaitValue{32,64}`, `cuStreamWriteValue{32,64}`,
/// `cuStreamBatchMemOp` (posted): [stream u64, batch flags u32, count u32,
/// (operation u32, address u64, value u64, flags u32)*] -> []. Each waited
/// or written word must lie in the session's memory.
pub fn mem_ops(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    use cuvm_abi::CUstreamBatchMemOpType as T;
    let (stream, flags, count) = (a.u64()?, a.u32()?, a.u32()?);
    if count == 0 || count > MAX_MEM_OPS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let raw = stream_raw(s, stream)?;
    let mut ops = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let op = crate::backend::StreamMemOp { kind: a.u32()?, addr: a.u64()?, value: a.u64()?, flags: a.u32()? };
        let width = match T(op.kind) {
            T::CU_STREAM_MEM_OP_WAIT_VALUE_32 | T::CU_STREAM_MEM_OP_WRITE_VALUE_32 => 4,
            T::CU_STREAM_MEM_OP_WAIT_VALUE_64 | T::CU_STREAM_MEM_OP_WRITE_VALUE_64 => 8,
            T::CU_STREAM_MEM_OP_BARRIER | T::CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES => 0,
            _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into()),
        };
        if width > 0 {
            s.allocations.check(op.addr, width)?;
        }
        ops.push(op);
    }
    s.backend.stream_mem_ops(raw, &ops, flags)?;
    ok(Encoder::new())
}
