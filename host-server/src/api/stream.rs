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
            s.handles.remove_children(Kind::GraphNode, g);
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
