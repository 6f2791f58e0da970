//! Stream capture and graphs. Graphs, executable graphs and nodes become
//! session ids like every handle; a node's id remembers its graph (`parent`),
//! so a node of another graph is refused where the driver would refuse it,
//! and the ids of a graph's nodes die with it. Every device range a memset or
//! memcpy node names is checked against the session's memory when the node
//! is added or changed, as the same operation on a stream is; a kernel
//! node's arguments are packed by the guest as a launch's are.

use cuvm_abi::CUresult;
use cuvm_wire::{DecodeError, Decoder, Encoder};

use super::stream_raw;
use crate::backend::{Copy3d, GraphNode, KernelNode, Memset, Raw, Side3d};
use crate::session::handles::{Entry, Kind};
use crate::session::{Fail, HResult, MAX_KERNEL_ARGS, Session, ok};

/// Most nodes or edges in one call (a captured PyTorch graph holds
/// thousands; the driver's own limit is memory).
const MAX_LIST: u32 = 1 << 20;

/// What an add-node call carries after the graph and its dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// Nothing.
    Empty,
    /// [dst u64, pitch u64, value u32, element size u8, width u64, height u64].
    Memset,
    /// [src side, dst side, extent 3×u64]; a side is [address u64, pitch
    /// u64, height u64, x/y/z 3×u64].
    Memcpy,
    /// [function id u64, grid 3×u32, block 3×u32, shared memory u32,
    /// arguments bytes].
    Kernel,
    /// [event id u64].
    EventRecord,
    /// [event id u64].
    EventWait,
    /// [graph id u64].
    Child,
}

/// The id of a graph node, registering it as a node of `graph` if new.
fn node_id(s: &mut Session, graph: u64, raw: Raw) -> u64 {
    s.handles.id_for(Entry { kind: Kind::GraphNode, raw, ctx: s.current, parent: graph })
}

/// `parent` of the id of a graph a capture in progress builds: the driver
/// owns it until the capture ends, so the guest may add to it and query it
/// but not destroy it or its nodes (nor does the session at its end).
pub const CAPTURE_GRAPH: u64 = u64::MAX;

/// The id of a graph, registering it if new with `parent` (0: owned by the
/// session; [`CAPTURE_GRAPH`]: owned by a capture).
fn graph_id(s: &mut Session, raw: Raw, parent: u64) -> u64 {
    s.handles.id_for(Entry { kind: Kind::Graph, raw, ctx: s.current, parent })
}

/// Whether graph id `g` is a capture's graph.
fn captured(s: &Session, g: u64) -> bool {
    s.handles.get(g, Kind::Graph).is_ok_and(|e| e.parent == CAPTURE_GRAPH)
}

/// Whether graph id `g` belongs to the guest (not to a capture, nor to the
/// child-graph node that holds it).
fn owned(s: &Session, g: u64) -> bool {
    s.handles.get(g, Kind::Graph).is_ok_and(|e| e.parent == 0)
}

/// Forgets the ids of graph `g`'s nodes and of the graphs its child nodes
/// hold (whose `parent` is their node's id), at any depth (a work list, so
/// that deep nesting cannot exhaust the stack).
pub(crate) fn forget_nodes(s: &mut Session, g: u64) {
    forget_graphs(s, vec![g], false);
}

/// Forgets the id of the graph child node `node` holds, if the guest has
/// one, with everything inside it.
fn forget_child(s: &mut Session, node: u64) {
    let held = held_graphs(s, &[node]);
    forget_graphs(s, held, true);
}

/// The ids of the graphs the child nodes `nodes` hold.
fn held_graphs(s: &Session, nodes: &[u64]) -> Vec<u64> {
    s.handles.newest_first().into_iter().filter(|(_, e)| e.kind == Kind::Graph && nodes.contains(&e.parent)).map(|(id, _)| id).collect()
}

/// Forgets the nodes of every graph in `work` and, through their child
/// nodes, of the graphs they hold; the graph ids themselves too if `ids`
/// (held graphs are always forgotten).
fn forget_graphs(s: &mut Session, mut work: Vec<u64>, ids: bool) {
    let top: Vec<u64> = work.clone();
    while let Some(g) = work.pop() {
        let nodes: Vec<u64> =
            s.handles.newest_first().into_iter().filter(|(_, e)| e.kind == Kind::GraphNode && e.parent == g).map(|(id, _)| id).collect();
        work.extend(held_graphs(s, &nodes));
        s.handles.remove_children(Kind::GraphNode, g);
        if ids || !top.contains(&g) {
            let _ = s.handles.remove(g, Kind::Graph);
        }
    }
}

/// A node id: its backend handle and its graph's id.
fn node(s: &Session, id: u64) -> Result<(Raw, u64), Fail> {
    let e = s.handles.get(id, Kind::GraphNode).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
    Ok((e.raw, e.parent))
}

/// A graph id's backend handle (the driver answers INVALID_VALUE for a bad graph).
fn graph(s: &Session, id: u64) -> Result<Raw, Fail> {
    Ok(s.handles.raw(id, Kind::Graph).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?)
}

fn count(a: &mut Decoder<'_>) -> Result<usize, Fail> {
    let n = a.u32()?;
    if n > MAX_LIST {
        return Err(Fail::Malformed(DecodeError::Invalid("graph list too long")));
    }
    Ok(n as usize)
}

/// [count u32, node ids] of nodes of graph `g`.
fn nodes_of(s: &Session, a: &mut Decoder<'_>, g: u64) -> Result<Vec<Raw>, Fail> {
    let n = count(a)?;
    let mut v = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let (raw, parent) = node(s, a.u64()?)?;
        if parent != g {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
        }
        v.push(raw);
    }
    Ok(v)
}

fn put_nodes(s: &mut Session, e: &mut Encoder, g: u64, raws: &[Raw]) -> Result<(), Fail> {
    e.u32(u32::try_from(raws.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for r in raws {
        let id = node_id(s, g, *r);
        e.u64(id);
    }
    Ok(())
}

fn memset_params(s: &Session, a: &mut Decoder<'_>) -> Result<Memset, Fail> {
    let m = Memset { dst: a.u64()?, pitch: a.u64()?, value: a.u32()?, elem_size: a.u8()?, width: a.u64()?, height: a.u64()? };
    if !matches!(m.elem_size, 1 | 2 | 4) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    super::memory::check_memset(s, &m)?;
    Ok(m)
}

fn side(a: &mut Decoder<'_>) -> Result<Side3d, Fail> {
    Ok(Side3d { ptr: a.u64()?, pitch: a.u64()?, height: a.u64()?, pos: [a.u64()?, a.u64()?, a.u64()?] })
}

fn copy_params(s: &Session, a: &mut Decoder<'_>) -> Result<Copy3d, Fail> {
    let (src, dst) = (side(a)?, side(a)?);
    let extent = [a.u64()?, a.u64()?, a.u64()?];
    for sd in [&src, &dst] {
        let (start, len) = sd.span(extent).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if len > 0 {
            s.allocations.check(start, len)?;
        }
    }
    Ok(Copy3d { src, dst, extent })
}

fn kernel_params(s: &mut Session, a: &mut Decoder<'_>) -> Result<KernelNode, Fail> {
    let f = a.u64()?;
    let grid = [a.u32()?, a.u32()?, a.u32()?];
    let block = [a.u32()?, a.u32()?, a.u32()?];
    let shared_mem = a.u32()?;
    let args = a.bytes(MAX_KERNEL_ARGS)?.to_vec();
    let func = super::function_raw(s, f)?;
    let info = s.functions.get(&f).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
    let needed = info.params.iter().map(|p| p.offset as usize + p.size as usize).max().unwrap_or(0);
    if args.len() < needed {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    Ok(KernelNode { func, grid, block, shared_mem, params: info.params.clone(), args })
}

fn params(s: &mut Session, a: &mut Decoder<'_>, kind: NodeKind) -> Result<GraphNode, Fail> {
    Ok(match kind {
        NodeKind::Empty => GraphNode::Empty,
        NodeKind::Memset => GraphNode::Memset(memset_params(s, a)?),
        NodeKind::Memcpy => GraphNode::Memcpy(copy_params(s, a)?),
        NodeKind::Kernel => GraphNode::Kernel(kernel_params(s, a)?),
        NodeKind::EventRecord => GraphNode::EventRecord(s.handles.raw(a.u64()?, Kind::Event)?),
        NodeKind::EventWait => GraphNode::EventWait(s.handles.raw(a.u64()?, Kind::Event)?),
        NodeKind::Child => GraphNode::Child(graph(s, a.u64()?)?),
    })
}

/// `cuGraphCreate`: [flags u32] -> [graph id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.backend.graph_create(a.u32()?)?;
    let id = s.handles.insert(Entry { kind: Kind::Graph, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuGraphDestroy`: [graph id u64] -> []; its nodes' ids die with it.
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = graph(s, id)?;
    if !owned(s, id) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    s.backend.graph_destroy(raw)?;
    s.handles.remove(id, Kind::Graph)?;
    forget_nodes(s, id);
    ok(Encoder::new())
}

/// `cuGraphAdd*Node`: [graph id u64, count u32, dependency ids, the node's
/// parameters ([`NodeKind`])] -> [node id u64].
pub fn add_node(s: &mut Session, a: &mut Decoder<'_>, kind: NodeKind) -> HResult {
    let g = a.u64()?;
    let raw = graph(s, g)?;
    let deps = nodes_of(s, a, g)?;
    let p = params(s, a, kind)?;
    let n = s.backend.graph_add_node(raw, &deps, &p)?;
    let id = node_id(s, g, n);
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuGraphGetNodes` / `cuGraphGetRootNodes`: [graph id u64] -> [count u32, node ids].
pub fn nodes(s: &mut Session, a: &mut Decoder<'_>, roots: bool) -> HResult {
    let g = a.u64()?;
    let raws = s.backend.graph_nodes(graph(s, g)?, roots)?;
    let mut e = Encoder::new();
    put_nodes(s, &mut e, g, &raws)?;
    ok(e)
}

/// `cuGraphGetEdges`: [graph id u64] -> [count u32, (from id u64, to id u64)*].
pub fn edges(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let g = a.u64()?;
    let edges = s.backend.graph_edges(graph(s, g)?)?;
    let mut e = Encoder::new();
    e.u32(u32::try_from(edges.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for (from, to) in edges {
        let (f, t) = (node_id(s, g, from), node_id(s, g, to));
        e.u64(f).u64(t);
    }
    ok(e)
}

/// `cuGraphAddDependencies` / `cuGraphRemoveDependencies`: [graph id u64,
/// count u32, (from id u64, to id u64)*] -> [].
pub fn dependencies(s: &mut Session, a: &mut Decoder<'_>, add: bool) -> HResult {
    let g = a.u64()?;
    let raw = graph(s, g)?;
    let n = count(a)?;
    let mut edges = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let (from, fg) = node(s, a.u64()?)?;
        let (to, tg) = node(s, a.u64()?)?;
        if fg != g || tg != g {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
        }
        edges.push((from, to));
    }
    s.backend.graph_dependencies(raw, &edges, add)?;
    ok(Encoder::new())
}

/// `cuGraphNodeGetType`: [node id u64] -> [type u32].
pub fn node_type(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (raw, _) = node(s, a.u64()?)?;
    let t = s.backend.graph_node_type(raw)?;
    let mut e = Encoder::new();
    e.u32(t);
    ok(e)
}

/// `cuGraphNodeGetDependencies` / `GetDependentNodes`: [node id u64] ->
/// [count u32, node ids].
pub fn neighbours(s: &mut Session, a: &mut Decoder<'_>, dependents: bool) -> HResult {
    let (raw, g) = node(s, a.u64()?)?;
    let raws = s.backend.graph_node_neighbours(raw, dependents)?;
    let mut e = Encoder::new();
    put_nodes(s, &mut e, g, &raws)?;
    ok(e)
}

/// `cuGraphDestroyNode`: [node id u64] -> [].
pub fn destroy_node(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let (raw, g) = node(s, id)?;
    if captured(s, g) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    s.backend.graph_destroy_node(raw)?;
    forget_child(s, id);
    s.handles.remove(id, Kind::GraphNode)?;
    ok(Encoder::new())
}

/// `cuGraphMemsetNodeGetParams` / `cuGraphMemcpyNodeGetParams` /
/// `cuGraphEvent{Record,Wait}NodeGetEvent`: [node id u64] -> the node's
/// parameters as [`NodeKind`] lays them out.
pub fn node_params(s: &mut Session, a: &mut Decoder<'_>, kind: NodeKind) -> HResult {
    let (raw, _) = node(s, a.u64()?)?;
    let p = s.backend.graph_node_params(raw)?;
    let mut e = Encoder::new();
    match (kind, p) {
        (NodeKind::Memset, GraphNode::Memset(m)) => {
            e.u64(m.dst).u64(m.pitch).u32(m.value).u8(m.elem_size).u64(m.width).u64(m.height);
        }
        (NodeKind::Memcpy, GraphNode::Memcpy(c)) => {
            for sd in [c.src, c.dst] {
                e.u64(sd.ptr).u64(sd.pitch).u64(sd.height).u64(sd.pos[0]).u64(sd.pos[1]).u64(sd.pos[2]);
            }
            e.u64(c.extent[0]).u64(c.extent[1]).u64(c.extent[2]);
        }
        (NodeKind::EventRecord, GraphNode::EventRecord(ev)) | (NodeKind::EventWait, GraphNode::EventWait(ev)) => {
            // The event was the session's when it was put in the node.
            e.u64(s.handles.find(Kind::Event, ev).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?);
        }
        _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into()),
    }
    ok(e)
}

/// `cuGraphMemsetNodeSetParams`, `cuGraphMemcpyNodeSetParams`,
/// `cuGraphKernelNodeSetParams`: [node id u64, parameters as [`NodeKind`]] -> [].
pub fn set_node_params(s: &mut Session, a: &mut Decoder<'_>, kind: NodeKind) -> HResult {
    let (raw, _) = node(s, a.u64()?)?;
    let p = params(s, a, kind)?;
    s.backend.graph_node_set_params(raw, &p)?;
    ok(Encoder::new())
}

/// `cuGraphInstantiateWithFlags` (every instantiate): [graph id u64, flags
/// u64] -> [executable graph id u64].
pub fn instantiate(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (g, flags) = (a.u64()?, a.u64()?);
    let raw = s.backend.graph_instantiate(graph(s, g)?, flags)?;
    let id = s.handles.insert(Entry { kind: Kind::GraphExec, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuGraphExec{Memset,Memcpy,Kernel}NodeSetParams`: [executable graph id
/// u64, node id u64, parameters as [`NodeKind`]] -> [].
pub fn exec_set_node_params(s: &mut Session, a: &mut Decoder<'_>, kind: NodeKind) -> HResult {
    let exec = s.handles.raw(a.u64()?, Kind::GraphExec)?;
    let (raw, _) = node(s, a.u64()?)?;
    let p = params(s, a, kind)?;
    s.backend.graph_exec_set_params(exec, raw, &p)?;
    ok(Encoder::new())
}

/// `cuGraphExecUpdate_v2`: [executable graph id u64, graph id u64] ->
/// [the call's result u32, update result u32, error node id u64, error-from
/// node id u64] (the call itself answers success so that the result info
/// travels even when the update fails).
pub fn exec_update(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let exec = s.handles.raw(a.u64()?, Kind::GraphExec)?;
    let g = a.u64()?;
    let (code, result, error_node, error_from) = s.backend.graph_exec_update(exec, graph(s, g)?)?;
    let id = |s: &mut Session, raw: Raw| if raw == 0 { 0 } else { node_id(s, g, raw) };
    let (n1, n2) = (id(s, error_node), id(s, error_from));
    let mut e = Encoder::new();
    e.u32(code.0).u32(result).u64(n1).u64(n2);
    ok(e)
}

/// `cuGraphExecDestroy`: [executable graph id u64] -> [].
pub fn exec_destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::GraphExec)?;
    s.backend.graph_exec_destroy(raw)?;
    s.handles.remove(id, Kind::GraphExec)?;
    ok(Encoder::new())
}

/// `cuGraphLaunch` / `cuGraphUpload` (`upload`): [executable graph id u64,
/// stream u64] -> [] (a launch is usually posted).
pub fn launch(s: &mut Session, a: &mut Decoder<'_>, upload: bool) -> HResult {
    let (id, stream) = (a.u64()?, a.u64()?);
    let raw = s.handles.raw(id, Kind::GraphExec)?;
    let stream = stream_raw(s, stream)?;
    if upload {
        s.backend.graph_upload(raw, stream)?;
    } else {
        s.backend.graph_launch(raw, stream)?;
    }
    ok(Encoder::new())
}

/// `cuStreamBeginCapture_v2`: [stream u64, mode u32] -> [].
pub fn begin_capture(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (stream, mode) = (a.u64()?, a.u32()?);
    let stream = stream_raw(s, stream)?;
    s.backend.stream_begin_capture(stream, mode)?;
    ok(Encoder::new())
}

/// `cuStreamEndCapture`: [stream u64] -> [graph id u64].
pub fn end_capture(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let stream = stream_raw(s, a.u64()?)?;
    // The capture's graph, if the guest was given its id.
    let building = s.backend.stream_capture_info(stream).ok().map(|i| i.graph).filter(|g| *g != 0);
    let known = building.and_then(|raw| s.handles.find(Kind::Graph, raw)).filter(|id| captured(s, *id));
    match s.backend.stream_end_capture(stream) {
        Ok(raw) => {
            let id = graph_id(s, raw, 0);
            // The graph is the guest's now.
            s.handles.set_parent(id, 0);
            let mut e = Encoder::new();
            e.u64(id);
            ok(e)
        }
        Err(err) => {
            // A failed capture's graph is gone with it.
            if let Some(id) = known {
                let _ = s.handles.remove(id, Kind::Graph);
                forget_nodes(s, id);
            }
            Err(err.into())
        }
    }
}

/// `cuStreamIsCapturing`: [stream u64] -> [status u32].
pub fn is_capturing(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let stream = stream_raw(s, a.u64()?)?;
    let status = s.backend.stream_is_capturing(stream)?;
    let mut e = Encoder::new();
    e.u32(status);
    ok(e)
}

/// `cuThreadExchangeStreamCaptureMode`: [mode u32] -> [previous mode u32],
/// on the thread that serves the session.
pub fn exchange_mode(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let old = s.backend.exchange_capture_mode(a.u32()?)?;
    let mut e = Encoder::new();
    e.u32(old);
    ok(e)
}

/// The session's ids for a capture's graph and dependency nodes.
pub(crate) fn capture_ids(s: &mut Session, graph: Raw, deps: &[Raw]) -> (u64, Vec<u64>) {
    if graph == 0 {
        return (0, Vec::new());
    }
    let g = graph_id(s, graph, CAPTURE_GRAPH);
    (g, deps.iter().map(|d| node_id(s, g, *d)).collect())
}

/// `cuGraphClone`: [graph id u64] -> [clone's graph id u64] (the guest's).
pub fn clone(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = graph(s, a.u64()?)?;
    let c = s.backend.graph_clone(raw)?;
    let id = s.handles.insert(Entry { kind: Kind::Graph, raw: c, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuGraphNodeFindInClone`: [node id u64, clone's graph id u64] -> [the
/// copy's node id u64].
pub fn find_in_clone(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (original, _) = node(s, a.u64()?)?;
    let g = a.u64()?;
    let n = s.backend.graph_node_find_in_clone(original, graph(s, g)?)?;
    let id = node_id(s, g, n);
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuGraphChildGraphNodeGetGraph`: [node id u64] -> [graph id u64]; the
/// graph stays the node's (its id has the node's id as parent: the guest
/// may change it but not destroy it, and it is forgotten with the node).
pub fn child_graph(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let n = a.u64()?;
    let (raw, _) = node(s, n)?;
    let g = s.backend.graph_child_graph(raw)?;
    let id = graph_id(s, g, n);
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuGraphExecGetFlags`: [executable graph id u64] -> [flags u64].
pub fn exec_flags(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let exec = s.handles.raw(a.u64()?, Kind::GraphExec)?;
    let f = s.backend.graph_exec_flags(exec)?;
    let mut e = Encoder::new();
    e.u64(f);
    ok(e)
}

/// `cuGraphNodeGetEnabled` / `cuGraphNodeSetEnabled` (`set`): [executable
/// graph id u64, node id u64, (set) enabled u32] -> [(get) enabled u32].
pub fn enabled(s: &mut Session, a: &mut Decoder<'_>, set: bool) -> HResult {
    let exec = s.handles.raw(a.u64()?, Kind::GraphExec)?;
    let (raw, _) = node(s, a.u64()?)?;
    let mut e = Encoder::new();
    if set {
        let on = a.u32()?;
        s.backend.graph_node_set_enabled(exec, raw, on != 0)?;
    } else {
        let on = s.backend.graph_node_enabled(exec, raw)?;
        e.u32(u32::from(on));
    }
    ok(e)
}

/// `cuGraphKernelNodeGetAttribute` / `SetAttribute` (`set`): [node id u64,
/// attribute u32, (set) value 64 bytes] -> [(get) value 64 bytes]. Only
/// attributes whose values hold no handle are carried; an access policy
/// window's range must be the session's memory.
pub fn kernel_attribute(s: &mut Session, a: &mut Decoder<'_>, set: bool) -> HResult {
    let (raw, _) = node(s, a.u64()?)?;
    let id = a.u32()?;
    let mut e = Encoder::new();
    if set {
        let mut value = [0u8; 64];
        value.copy_from_slice(a.take(64)?);
        super::launch::check_attribute(s, id, &value)?;
        s.backend.graph_kernel_node_set_attribute(raw, id, &value)?;
    } else {
        super::launch::check_attribute_id(id)?;
        let v = s.backend.graph_kernel_node_attribute(raw, id)?;
        e.raw(&v);
    }
    ok(e)
}

/// `cuGraphKernelNodeCopyAttributes`: [destination node id u64, source node id u64] -> [].
pub fn kernel_copy_attributes(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (dst, _) = node(s, a.u64()?)?;
    let (src, _) = node(s, a.u64()?)?;
    s.backend.graph_kernel_node_copy_attributes(dst, src)?;
    ok(Encoder::new())
}

/// `cuGraphKernelNodeGetParams_v2`: [node id u64] -> [function id u64, grid
/// 3×u32, block 3×u32, shared memory u32, arguments bytes, count u32,
/// (offset u32, size u32)*, graph id u64 (the node's)]: the arguments
/// packed by the function's layout.
pub fn kernel_params_get(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (raw, graph_id) = node(s, a.u64()?)?;
    let layouts: Vec<(Raw, Vec<crate::backend::ParamInfo>)> = s
        .functions
        .iter()
        .filter_map(|(id, info)| s.handles.raw(*id, Kind::Function).ok().map(|r| (r, info.params.clone())))
        .collect();
    let k = s.backend.graph_kernel_node_params(raw, &|f| layouts.iter().find(|(r, _)| *r == f).map(|(_, p)| p.clone()))?;
    let f = s.handles.find(Kind::Function, k.func).ok_or(CUresult::CUDA_ERROR_NOT_SUPPORTED)?;
    let mut e = Encoder::new();
    e.u64(f);
    for v in k.grid.iter().chain(k.block.iter()) {
        e.u32(*v);
    }
    e.u32(k.shared_mem).bytes(&k.args);
    e.u32(u32::try_from(k.params.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for p in &k.params {
        e.u32(p.offset).u32(p.size);
    }
    e.u64(graph_id);
    ok(e)
}

/// `cuStreamBeginCaptureToGraph`: [stream u64, graph id u64, count u32,
/// dependency node ids (of that graph), mode u32] -> []. The graph stays
/// the guest's; the capture adds to it.
pub fn begin_capture_to_graph(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let stream = stream_raw(s, a.u64()?)?;
    let g = a.u64()?;
    let raw = graph(s, g)?;
    if !owned(s, g) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let deps = nodes_of(s, a, g)?;
    let mode = a.u32()?;
    s.backend.stream_begin_capture_to_graph(stream, raw, &deps, mode)?;
    ok(Encoder::new())
}

/// `cuStreamUpdateCaptureDependencies_v2`: [stream u64, count u32, node ids
/// (of the capture's graph), flags u32] -> [].
pub fn update_capture_dependencies(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let stream = stream_raw(s, a.u64()?)?;
    let building = s.backend.stream_capture_info(stream)?.graph;
    let g = s.handles.find(Kind::Graph, building).ok_or(CUresult::CUDA_ERROR_ILLEGAL_STATE)?;
    let deps = nodes_of(s, a, g)?;
    let flags = a.u32()?;
    s.backend.stream_update_capture_dependencies(stream, &deps, flags)?;
    ok(Encoder::new())
}
