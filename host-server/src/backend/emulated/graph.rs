//! Stream capture and graphs on the emulated GPU. A capture turns each
//! operation posted to a capturing stream into a node of the capture's graph
//! (memsets and device copies; kernels cannot run here, so a kernel in a
//! capture invalidates it, as an unsupported operation does on the driver).
//! An instantiated graph is a snapshot of its nodes in dependency order;
//! launching it runs them at once, in that order.

use std::collections::{HashMap, HashSet};

use cuvm_abi::CUresult;

use super::Emulated;
use crate::backend::graph::{Copy3d, GraphNode, Graphs};
use crate::backend::{CaptureInfo, CuResult, Raw};

/// `CUstreamCaptureStatus`.
const CAPTURE_NONE: u32 = 0;
const CAPTURE_ACTIVE: u32 = 1;
const CAPTURE_INVALIDATED: u32 = 2;
/// Largest `CUstreamCaptureMode` (relaxed).
const MODE_RELAXED: u32 = 2;

struct Node {
    graph: Raw,
    params: GraphNode,
    /// The copy of its graph a child node holds (made when it was added).
    held: Option<Raw>,
    deps: Vec<Raw>,
}

/// A stream taking part in a capture.
struct Capture {
    id: u64,
    graph: Raw,
    deps: Vec<Raw>,
    invalidated: bool,
    /// The stream the capture began on (only it may end it).
    origin: bool,
}

/// Graphs, executable graphs and captures.
#[derive(Default)]
pub(super) struct State {
    graphs: HashMap<Raw, Vec<Raw>>,
    nodes: HashMap<Raw, Node>,
    /// Executable graphs: their work in order, each with the node it came
    /// from (a child graph's work carries the child node).
    execs: HashMap<Raw, Vec<(Raw, GraphNode)>>,
    captures: HashMap<Raw, Capture>,
    /// Events recorded in a capture: the capture and its dependencies then.
    captured_events: HashMap<Raw, (u64, Raw, Vec<Raw>)>,
    /// Copies made by `cuGraphClone`: (original node, clone graph) -> copy.
    clones: HashMap<(Raw, Raw), Raw>,
    /// Instantiation flags of executable graphs.
    exec_flags: HashMap<Raw, u64>,
    /// (executable graph, node) pairs disabled by `cuGraphNodeSetEnabled`.
    disabled: HashSet<(Raw, Raw)>,
    next_capture: u64,
    mode: u32,
}

impl Emulated {
    /// If `stream` is capturing, adds `node` to its graph after the
    /// stream's current dependencies and answers `true`.
    pub(super) fn capture(&mut self, stream: Option<Raw>, node: GraphNode) -> CuResult<bool> {
        let Some(stream) = stream else {
            return Ok(false);
        };
        let Some(c) = self.g.captures.get(&stream) else {
            return Ok(false);
        };
        if c.invalidated {
            return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_INVALIDATED);
        }
        let (graph, deps) = (c.graph, c.deps.clone());
        let raw = self.add_node(graph, &deps, node)?;
        if let Some(c) = self.g.captures.get_mut(&stream) {
            c.deps = vec![raw];
        }
        Ok(true)
    }

    /// An operation that cannot be captured: if `stream` is capturing, the
    /// capture is invalidated and the operation refused.
    pub(super) fn not_capturable(&mut self, stream: Option<Raw>) -> CuResult<()> {
        match stream.and_then(|s| self.g.captures.get_mut(&s)) {
            Some(c) => {
                c.invalidated = true;
                Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED)
            }
            None => Ok(()),
        }
    }

    /// An event recorded on `stream`: inside a capture it stands for the
    /// capture's current dependencies (answers `true`), outside for a time.
    pub(super) fn capture_event_record(&mut self, event: Raw, stream: Raw) -> CuResult<bool> {
        let Some(c) = self.g.captures.get(&stream) else {
            self.g.captured_events.remove(&event);
            return Ok(false);
        };
        if c.invalidated {
            return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_INVALIDATED);
        }
        self.g.captured_events.insert(event, (c.id, c.graph, c.deps.clone()));
        Ok(true)
    }

    /// A stream waiting for an event recorded in a capture joins it (or adds
    /// the event's dependencies to its own); answers whether it did.
    pub(super) fn capture_event_wait(&mut self, stream: Raw, event: Raw) -> CuResult<bool> {
        let Some((id, graph, deps)) = self.g.captured_events.get(&event).cloned() else {
            return Ok(false);
        };
        if !self.g.captures.values().any(|c| c.id == id) {
            // The capture has ended: the event is an ordinary one again.
            return Ok(false);
        }
        match self.g.captures.get_mut(&stream) {
            Some(c) if c.id == id => {
                for d in deps {
                    if !c.deps.contains(&d) {
                        c.deps.push(d);
                    }
                }
            }
            Some(_) => return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_ISOLATION),
            None => {
                if super::super::SPECIAL_STREAMS.contains(&stream) {
                    return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_IMPLICIT);
                }
                self.g.captures.insert(stream, Capture { id, graph, deps, invalidated: false, origin: false });
            }
        }
        Ok(true)
    }

    /// A stream's capture status (none, active, invalidated).
    pub(super) fn capture_status(&self, stream: Raw) -> u32 {
        match self.g.captures.get(&stream) {
            None => CAPTURE_NONE,
            Some(c) if c.invalidated => CAPTURE_INVALIDATED,
            Some(_) => CAPTURE_ACTIVE,
        }
    }

    /// A destroyed stream leaves its capture (an origin stream ends it).
    pub(super) fn forget_stream_capture(&mut self, stream: Raw) {
        if let Some(c) = self.g.captures.remove(&stream) {
            if c.origin {
                self.g.captures.retain(|_, k| k.id != c.id);
                let _ = self.graph_destroy(c.graph);
            }
        }
    }

    /// Synchronising a capturing stream is illegal and ends it badly.
    pub(super) fn capture_sync(&mut self, stream: Raw) -> CuResult<()> {
        self.not_capturable(Some(stream))
    }

    /// Starts a capture on `stream` into `graph` after `deps`.
    fn start_capture(&mut self, stream: Raw, graph: Raw, deps: Vec<Raw>) {
        self.g.next_capture += 1;
        let id = self.g.next_capture;
        self.g.captures.insert(stream, Capture { id, graph, deps, invalidated: false, origin: true });
    }

    fn graph_exists(&self, graph: Raw) -> CuResult<()> {
        if self.g.graphs.contains_key(&graph) { Ok(()) } else { Err(CUresult::CUDA_ERROR_INVALID_VALUE) }
    }

    fn add_node(&mut self, graph: Raw, deps: &[Raw], params: GraphNode) -> CuResult<Raw> {
        self.graph_exists(graph)?;
        let mut seen = HashSet::new();
        for d in deps {
            match self.g.nodes.get(d) {
                Some(n) if n.graph == graph && seen.insert(*d) => {}
                _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            }
        }
        let held = match &params {
            GraphNode::Child(c) => {
                // Checks the child is a graph without cycles, then copies it.
                self.ordered(*c)?;
                Some(self.graph_clone(*c)?)
            }
            GraphNode::EventRecord(e) | GraphNode::EventWait(e) => {
                if !self.events.contains_key(e) {
                    return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
                }
                None
            }
            GraphNode::Kernel(k) => {
                if !self.functions.contains_key(&k.func) {
                    return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
                }
                None
            }
            _ => None,
        };
        let raw = self.raw();
        self.g.nodes.insert(raw, Node { graph, params, held, deps: deps.to_vec() });
        if let Some(list) = self.g.graphs.get_mut(&graph) {
            list.push(raw);
        }
        Ok(raw)
    }

    /// The graph's work in dependency order, child graphs inlined; a cycle
    /// is `CUDA_ERROR_INVALID_VALUE`.
    fn ordered(&self, graph: Raw) -> CuResult<Vec<GraphNode>> {
        Ok(self.ordered_nodes(graph)?.into_iter().map(|(_, p)| p).collect())
    }

    /// As [`Self::ordered`], each with its node.
    fn ordered_nodes(&self, graph: Raw) -> CuResult<Vec<(Raw, GraphNode)>> {
        let list = self.g.graphs.get(&graph).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut done: HashSet<Raw> = HashSet::new();
        let mut out = Vec::new();
        while done.len() < list.len() {
            let before = done.len();
            for raw in list {
                if done.contains(raw) {
                    continue;
                }
                let n = &self.g.nodes[raw];
                if n.deps.iter().all(|d| done.contains(d)) {
                    done.insert(*raw);
                    match &n.params {
                        GraphNode::Child(_) => {
                            let held = n.held.ok_or(CUresult::CUDA_ERROR_UNKNOWN)?;
                            out.extend(self.ordered(held)?.into_iter().map(|p| (*raw, p)));
                        }
                        p => out.push((*raw, p.clone())),
                    }
                }
            }
            if done.len() == before {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
        }
        Ok(out)
    }

    fn copy_3d(&mut self, c: &Copy3d) -> CuResult<()> {
        let [w, h, d] = c.extent;
        for z in 0..d {
            for y in 0..h {
                let (dst, src) = (c.dst.row(y, z), c.src.row(y, z));
                let (Some(dst), Some(src)) = (dst, src) else {
                    return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
                };
                self.copy_device(dst, src, w)?;
            }
        }
        Ok(())
    }

    fn run(&mut self, work: &[GraphNode]) -> CuResult<()> {
        for node in work {
            match node {
                GraphNode::Empty | GraphNode::EventWait(_) | GraphNode::Child(_) => {}
                GraphNode::Memset(m) => self.fill(*m)?,
                GraphNode::Memcpy(c) => self.copy_3d(c)?,
                GraphNode::EventRecord(e) => self.stamp(*e)?,
                GraphNode::Kernel(_) => {
                    log::warn!("the emulated backend cannot run kernels: a graph with a kernel node answers CUDA_ERROR_NOT_SUPPORTED");
                    return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
                }
            }
        }
        Ok(())
    }

    fn node(&self, node: Raw) -> CuResult<&Node> {
        self.g.nodes.get(&node).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }
}

impl Graphs for Emulated {
    fn stream_begin_capture(&mut self, stream: Raw, mode: u32) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        if mode > MODE_RELAXED {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if super::super::SPECIAL_STREAMS.contains(&stream) && stream != 2 {
            return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
        }
        if self.g.captures.contains_key(&stream) {
            return Err(CUresult::CUDA_ERROR_ILLEGAL_STATE);
        }
        let graph = self.graph_create(0)?;
        self.start_capture(stream, graph, Vec::new());
        Ok(())
    }

    fn stream_begin_capture_to_graph(&mut self, stream: Raw, graph: Raw, deps: &[Raw], mode: u32) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        self.graph_exists(graph)?;
        if mode > MODE_RELAXED || deps.iter().any(|d| self.g.nodes.get(d).is_none_or(|n| n.graph != graph)) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if super::super::SPECIAL_STREAMS.contains(&stream) && stream != 2 {
            return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
        }
        if self.g.captures.contains_key(&stream) {
            return Err(CUresult::CUDA_ERROR_ILLEGAL_STATE);
        }
        self.start_capture(stream, graph, deps.to_vec());
        Ok(())
    }

    fn stream_update_capture_dependencies(&mut self, stream: Raw, deps: &[Raw], flags: u32) -> CuResult<()> {
        self.context()?;
        const ADD: u32 = 0;
        const SET: u32 = 1;
        let graph = self.g.captures.get(&stream).ok_or(CUresult::CUDA_ERROR_ILLEGAL_STATE)?.graph;
        if flags > SET || deps.iter().any(|d| self.g.nodes.get(d).is_none_or(|n| n.graph != graph)) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let c = self.g.captures.get_mut(&stream).ok_or(CUresult::CUDA_ERROR_ILLEGAL_STATE)?;
        if flags == ADD {
            for d in deps {
                if !c.deps.contains(d) {
                    c.deps.push(*d);
                }
            }
        } else {
            c.deps = deps.to_vec();
        }
        Ok(())
    }

    fn stream_end_capture(&mut self, stream: Raw) -> CuResult<Raw> {
        self.context()?;
        self.stream(stream)?;
        let c = match self.g.captures.get(&stream) {
            Some(c) if c.origin => (c.id, c.graph, c.invalidated),
            Some(_) => return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_UNMATCHED),
            None => return Err(CUresult::CUDA_ERROR_ILLEGAL_STATE),
        };
        let (id, graph, invalidated) = c;
        self.g.captures.retain(|_, k| k.id != id);
        self.g.captured_events.retain(|_, (k, _, _)| *k != id);
        if invalidated {
            self.graph_destroy(graph)?;
            return Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_INVALIDATED);
        }
        Ok(graph)
    }

    fn stream_is_capturing(&mut self, stream: Raw) -> CuResult<u32> {
        self.context()?;
        self.stream(stream)?;
        Ok(self.capture_status(stream))
    }

    fn exchange_capture_mode(&mut self, mode: u32) -> CuResult<u32> {
        if mode > MODE_RELAXED {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        Ok(std::mem::replace(&mut self.g.mode, mode))
    }

    fn graph_create(&mut self, flags: u32) -> CuResult<Raw> {
        self.ready()?;
        if flags != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let raw = self.raw();
        self.g.graphs.insert(raw, Vec::new());
        Ok(raw)
    }

    fn graph_destroy(&mut self, graph: Raw) -> CuResult<()> {
        self.ready()?;
        let list = self.g.graphs.remove(&graph).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        for n in list {
            // A child node's graph goes with it.
            if let Some(held) = self.g.nodes.remove(&n).and_then(|n| n.held) {
                let _ = self.graph_destroy(held);
            }
        }
        self.g.clones.retain(|(_, c), _| *c != graph);
        Ok(())
    }

    fn graph_add_node(&mut self, graph: Raw, deps: &[Raw], node: &GraphNode) -> CuResult<Raw> {
        self.ready()?;
        self.add_node(graph, deps, node.clone())
    }

    fn graph_nodes(&mut self, graph: Raw, roots: bool) -> CuResult<Vec<Raw>> {
        self.ready()?;
        let list = self.g.graphs.get(&graph).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        Ok(list.iter().filter(|n| !roots || self.g.nodes[*n].deps.is_empty()).copied().collect())
    }

    fn graph_edges(&mut self, graph: Raw) -> CuResult<Vec<(Raw, Raw)>> {
        self.ready()?;
        let list = self.g.graphs.get(&graph).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        Ok(list.iter().flat_map(|to| self.g.nodes[to].deps.iter().map(move |from| (*from, *to))).collect())
    }

    fn graph_dependencies(&mut self, graph: Raw, edges: &[(Raw, Raw)], add: bool) -> CuResult<()> {
        self.ready()?;
        self.graph_exists(graph)?;
        for (from, to) in edges {
            let ok = |n: &Raw| self.g.nodes.get(n).is_some_and(|n| n.graph == graph);
            if from == to || !ok(from) || !ok(to) {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
            let present = self.g.nodes[to].deps.contains(from);
            if present == add {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
        }
        for (from, to) in edges {
            if let Some(n) = self.g.nodes.get_mut(to) {
                if add {
                    n.deps.push(*from);
                } else {
                    n.deps.retain(|d| d != from);
                }
            }
        }
        Ok(())
    }

    fn graph_node_type(&mut self, node: Raw) -> CuResult<u32> {
        self.ready()?;
        Ok(self.node(node)?.params.node_type())
    }

    fn graph_node_neighbours(&mut self, node: Raw, dependents: bool) -> CuResult<Vec<Raw>> {
        self.ready()?;
        let n = self.node(node)?;
        if !dependents {
            return Ok(n.deps.clone());
        }
        let list = &self.g.graphs[&n.graph];
        Ok(list.iter().filter(|m| self.g.nodes[*m].deps.contains(&node)).copied().collect())
    }

    fn graph_destroy_node(&mut self, node: Raw) -> CuResult<()> {
        self.ready()?;
        let n = self.g.nodes.remove(&node).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if let Some(held) = n.held {
            let _ = self.graph_destroy(held);
        }
        if let Some(list) = self.g.graphs.get_mut(&n.graph) {
            list.retain(|m| *m != node);
            for m in list.iter() {
                if let Some(m) = self.g.nodes.get_mut(m) {
                    m.deps.retain(|d| *d != node);
                }
            }
        }
        Ok(())
    }

    fn graph_node_params(&mut self, node: Raw) -> CuResult<GraphNode> {
        self.ready()?;
        match &self.node(node)?.params {
            p @ (GraphNode::Memset(_) | GraphNode::Memcpy(_) | GraphNode::EventRecord(_) | GraphNode::EventWait(_)) => Ok(p.clone()),
            _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
        }
    }

    fn graph_node_set_params(&mut self, node: Raw, params: &GraphNode) -> CuResult<()> {
        self.ready()?;
        if let GraphNode::EventRecord(e) | GraphNode::EventWait(e) = params {
            if !self.events.contains_key(e) {
                return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
            }
        }
        let n = self.g.nodes.get_mut(&node).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if n.params.node_type() != params.node_type() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        n.params = params.clone();
        Ok(())
    }

    fn graph_instantiate(&mut self, graph: Raw, flags: u64) -> CuResult<Raw> {
        self.context()?;
        let work = self.ordered_nodes(graph)?;
        let raw = self.raw();
        self.g.execs.insert(raw, work);
        self.g.exec_flags.insert(raw, flags);
        Ok(raw)
    }

    fn graph_exec_destroy(&mut self, exec: Raw) -> CuResult<()> {
        self.ready()?;
        self.g.exec_flags.remove(&exec);
        self.g.disabled.retain(|(e, _)| *e != exec);
        self.g.execs.remove(&exec).map(|_| ()).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn graph_launch(&mut self, exec: Raw, stream: Raw) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        let disabled = &self.g.disabled;
        let work: Vec<GraphNode> = self
            .g
            .execs
            .get(&exec)
            .ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?
            .iter()
            .filter(|(n, _)| !disabled.contains(&(exec, *n)))
            .map(|(_, p)| p.clone())
            .collect();
        self.not_capturable(Some(stream))?;
        self.run(&work)
    }

    fn graph_exec_set_params(&mut self, exec: Raw, node: Raw, params: &GraphNode) -> CuResult<()> {
        self.ready()?;
        if let GraphNode::Child(c) = params {
            // The child's work replaces the node's, if it has the same shape.
            let new = self.ordered(*c)?;
            let work = self.g.execs.get_mut(&exec).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            let slots: Vec<&mut GraphNode> = work.iter_mut().filter(|(n, _)| *n == node).map(|(_, p)| p).collect();
            if slots.len() != new.len() || slots.iter().zip(&new).any(|(a, b)| a.node_type() != b.node_type()) {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
            for (slot, p) in slots.into_iter().zip(new) {
                *slot = p;
            }
            return Ok(());
        }
        let work = self.g.execs.get_mut(&exec).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let slot = work.iter_mut().find(|(n, p)| *n == node && p.node_type() == params.node_type());
        let (_, p) = slot.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        *p = params.clone();
        Ok(())
    }

    fn graph_exec_update(&mut self, exec: Raw, graph: Raw) -> CuResult<(CUresult, u32, Raw, Raw)> {
        self.ready()?;
        const TOPOLOGY_CHANGED: u32 = 2;
        const NODE_TYPE_CHANGED: u32 = 3;
        let now = self.ordered_nodes(graph)?;
        let work = self.g.execs.get_mut(&exec).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let failed = CUresult::CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE;
        if now.len() != work.len() {
            return Ok((failed, TOPOLOGY_CHANGED, 0, 0));
        }
        if let Some((n, _)) = now.iter().zip(work.iter()).find(|((_, a), (_, b))| a.node_type() != b.node_type()).map(|(a, _)| a) {
            return Ok((failed, NODE_TYPE_CHANGED, *n, 0));
        }
        // The executable keeps the nodes it was made from; only parameters change.
        for ((_, new), (_, old)) in now.into_iter().zip(work.iter_mut()) {
            *old = new;
        }
        Ok((CUresult::CUDA_SUCCESS, 0, 0, 0))
    }

    fn graph_upload(&mut self, exec: Raw, stream: Raw) -> CuResult<()> {
        self.context()?;
        self.stream(stream)?;
        self.g.execs.get(&exec).map(|_| ()).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn graph_clone(&mut self, graph: Raw) -> CuResult<Raw> {
        self.ready()?;
        let list = self.g.graphs.get(&graph).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?.clone();
        let clone = self.graph_create(0)?;
        let mut copies: HashMap<Raw, Raw> = HashMap::new();
        // Nodes were added after their dependencies, so one pass in order maps them all.
        for n in list {
            let node = self.node(n)?;
            let deps: Vec<Raw> = node.deps.iter().map(|d| copies.get(d).copied().ok_or(CUresult::CUDA_ERROR_UNKNOWN)).collect::<CuResult<_>>()?;
            let (params, held) = (node.params.clone(), node.held);
            let held = match held {
                Some(h) => Some(self.graph_clone(h)?),
                None => None,
            };
            let raw = self.raw();
            self.g.nodes.insert(raw, Node { graph: clone, params, held, deps });
            if let Some(l) = self.g.graphs.get_mut(&clone) {
                l.push(raw);
            }
            copies.insert(n, raw);
            self.g.clones.insert((n, clone), raw);
        }
        Ok(clone)
    }

    fn graph_node_find_in_clone(&mut self, node: Raw, clone: Raw) -> CuResult<Raw> {
        self.ready()?;
        self.g.clones.get(&(node, clone)).copied().filter(|c| self.g.nodes.contains_key(c)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn graph_child_graph(&mut self, node: Raw) -> CuResult<Raw> {
        self.ready()?;
        self.node(node)?.held.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn graph_exec_flags(&mut self, exec: Raw) -> CuResult<u64> {
        self.ready()?;
        self.g.exec_flags.get(&exec).copied().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn graph_node_enabled(&mut self, exec: Raw, node: Raw) -> CuResult<bool> {
        self.ready()?;
        self.enableable(exec, node)?;
        Ok(!self.g.disabled.contains(&(exec, node)))
    }

    fn graph_node_set_enabled(&mut self, exec: Raw, node: Raw, enabled: bool) -> CuResult<()> {
        self.ready()?;
        self.enableable(exec, node)?;
        if enabled {
            self.g.disabled.remove(&(exec, node));
        } else {
            self.g.disabled.insert((exec, node));
        }
        Ok(())
    }
}

impl Emulated {
    /// A node of executable graph `exec` that can be disabled (memset,
    /// memcpy or kernel, as on the driver).
    fn enableable(&self, exec: Raw, node: Raw) -> CuResult<()> {
        let work = self.g.execs.get(&exec).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        match work.iter().find(|(n, _)| *n == node) {
            Some((_, GraphNode::Memset(_) | GraphNode::Memcpy(_) | GraphNode::Kernel(_))) => Ok(()),
            _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
        }
    }
}

impl Emulated {
    /// `cuStreamGetCaptureInfo` for the emulated GPU.
    pub(super) fn capture_info(&self, stream: Raw) -> CaptureInfo {
        match self.g.captures.get(&stream) {
            None => CaptureInfo::default(),
            Some(c) => CaptureInfo {
                status: self.capture_status(stream),
                id: c.id,
                graph: c.graph,
                dependencies: c.deps.clone(),
                edges: Vec::new(),
            },
        }
    }
}
