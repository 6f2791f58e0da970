//! What graphs are made of, as the backends see them: node parameters with
//! backend handles, checked by the session before they arrive here.

use super::{CuResult, Memset, NOT_SUPPORTED, ParamInfo, Raw};

/// `CUgraphNodeType` values cuvm serves.
pub mod node_type {
    /// `CU_GRAPH_NODE_TYPE_KERNEL`.
    pub const KERNEL: u32 = 0;
    /// `CU_GRAPH_NODE_TYPE_MEMCPY`.
    pub const MEMCPY: u32 = 1;
    /// `CU_GRAPH_NODE_TYPE_MEMSET`.
    pub const MEMSET: u32 = 2;
    /// `CU_GRAPH_NODE_TYPE_GRAPH` (a child graph).
    pub const GRAPH: u32 = 4;
    /// `CU_GRAPH_NODE_TYPE_EMPTY`.
    pub const EMPTY: u32 = 5;
    /// `CU_GRAPH_NODE_TYPE_WAIT_EVENT`.
    pub const WAIT_EVENT: u32 = 6;
    /// `CU_GRAPH_NODE_TYPE_EVENT_RECORD`.
    pub const EVENT_RECORD: u32 = 7;
}

/// One side of a 3D copy in device memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Side3d {
    /// Base device address.
    pub ptr: u64,
    /// Bytes per row.
    pub pitch: u64,
    /// Rows per slice.
    pub height: u64,
    /// Offset of the copied box: x in bytes, y in rows, z in slices.
    pub pos: [u64; 3],
}

impl Side3d {
    /// The first byte the copy touches and how many bytes up to its last,
    /// for a box of `extent` (width in bytes, height, depth); `None` on
    /// overflow or a pitch narrower than the rows it must hold.
    #[must_use]
    pub fn span(&self, extent: [u64; 3]) -> Option<(u64, u64)> {
        let [w, h, d] = extent;
        if w == 0 || h == 0 || d == 0 {
            return Some((self.ptr, 0));
        }
        if (h > 1 || d > 1) && self.pitch < self.pos[0].checked_add(w)? {
            return None;
        }
        if d > 1 && self.height < self.pos[1].checked_add(h)? {
            return None;
        }
        let slice = self.pitch.checked_mul(self.height)?;
        let offset = |x: u64, y: u64, z: u64| z.checked_mul(slice)?.checked_add(y.checked_mul(self.pitch)?)?.checked_add(x);
        let first = offset(self.pos[0], self.pos[1], self.pos[2])?;
        let last = offset(self.pos[0].checked_add(w)?, self.pos[1].checked_add(h - 1)?, self.pos[2].checked_add(d - 1)?)?;
        self.ptr.checked_add(last)?;
        Some((self.ptr.checked_add(first)?, last.checked_sub(first)?))
    }

    /// The address of row `y`, slice `z` of the box.
    #[must_use]
    pub fn row(&self, y: u64, z: u64) -> Option<u64> {
        let slice = self.pitch.checked_mul(self.height)?;
        self.pos[2]
            .checked_add(z)?
            .checked_mul(slice)?
            .checked_add(self.pos[1].checked_add(y)?.checked_mul(self.pitch)?)?
            .checked_add(self.pos[0])?
            .checked_add(self.ptr)
    }
}

/// A copy between device memory, as a memcpy node holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Copy3d {
    /// Where from.
    pub src: Side3d,
    /// Where to.
    pub dst: Side3d,
    /// Width in bytes, height in rows, depth in slices.
    pub extent: [u64; 3],
}

/// A kernel node's launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelNode {
    /// The function (backend handle).
    pub func: Raw,
    /// Grid size.
    pub grid: [u32; 3],
    /// Block size.
    pub block: [u32; 3],
    /// Dynamic shared memory in bytes.
    pub shared_mem: u32,
    /// The parameter layout.
    pub params: Vec<ParamInfo>,
    /// The packed arguments.
    pub args: Vec<u8>,
}

/// A node's kind and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphNode {
    /// An empty node (a join point).
    Empty,
    /// A memset.
    Memset(Memset),
    /// A device-to-device copy.
    Memcpy(Copy3d),
    /// A kernel launch.
    Kernel(KernelNode),
    /// Records an event.
    EventRecord(Raw),
    /// Waits for an event.
    EventWait(Raw),
    /// A child graph (cloned into the node).
    Child(Raw),
}

impl GraphNode {
    /// The node's `CUgraphNodeType`.
    #[must_use]
    pub fn node_type(&self) -> u32 {
        match self {
            GraphNode::Empty => node_type::EMPTY,
            GraphNode::Memset(_) => node_type::MEMSET,
            GraphNode::Memcpy(_) => node_type::MEMCPY,
            GraphNode::Kernel(_) => node_type::KERNEL,
            GraphNode::EventRecord(_) => node_type::EVENT_RECORD,
            GraphNode::EventWait(_) => node_type::WAIT_EVENT,
            GraphNode::Child(_) => node_type::GRAPH,
        }
    }
}

/// Stream capture and graphs, part of every [`super::Backend`]; each
/// method defaults to `CUDA_ERROR_NOT_SUPPORTED`.
#[allow(unused_variables, missing_docs, clippy::missing_errors_doc)]
pub trait Graphs {
    // Stream capture. Modes and statuses are the driver's enum values.
    fn stream_begin_capture(&mut self, stream: Raw, mode: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn stream_end_capture(&mut self, stream: Raw) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn stream_is_capturing(&mut self, stream: Raw) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    /// `cuStreamBeginCaptureToGraph`: captures into an existing graph after `deps`.
    fn stream_begin_capture_to_graph(&mut self, stream: Raw, graph: Raw, deps: &[Raw], mode: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuStreamUpdateCaptureDependencies_v2`: `flags` 0 adds, 1 sets.
    fn stream_update_capture_dependencies(&mut self, stream: Raw, deps: &[Raw], flags: u32) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuThreadExchangeStreamCaptureMode` on the thread serving the session.
    fn exchange_capture_mode(&mut self, mode: u32) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }

    // Graphs.
    fn graph_create(&mut self, flags: u32) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn graph_destroy(&mut self, graph: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Adds a node depending on `deps` (nodes of the same graph).
    fn graph_add_node(&mut self, graph: Raw, deps: &[Raw], node: &GraphNode) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// The graph's nodes (only those without dependencies if `roots`).
    fn graph_nodes(&mut self, graph: Raw, roots: bool) -> CuResult<Vec<Raw>> {
        Err(NOT_SUPPORTED)
    }
    /// The graph's edges, (from, to).
    fn graph_edges(&mut self, graph: Raw) -> CuResult<Vec<(Raw, Raw)>> {
        Err(NOT_SUPPORTED)
    }
    /// Adds (`add`) or removes edges (from, to).
    fn graph_dependencies(&mut self, graph: Raw, edges: &[(Raw, Raw)], add: bool) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn graph_node_type(&mut self, node: Raw) -> CuResult<u32> {
        Err(NOT_SUPPORTED)
    }
    /// The nodes `node` depends on, or (`dependents`) those depending on it.
    fn graph_node_neighbours(&mut self, node: Raw, dependents: bool) -> CuResult<Vec<Raw>> {
        Err(NOT_SUPPORTED)
    }
    fn graph_destroy_node(&mut self, node: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// A memset or memcpy node's parameters.
    fn graph_node_params(&mut self, node: Raw) -> CuResult<GraphNode> {
        Err(NOT_SUPPORTED)
    }
    /// Sets a memset, memcpy or kernel node's parameters (same kind).
    fn graph_node_set_params(&mut self, node: Raw, params: &GraphNode) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn graph_instantiate(&mut self, graph: Raw, flags: u64) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    fn graph_exec_destroy(&mut self, exec: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// Changes a memset, memcpy or kernel node's parameters in an executable
    /// graph (the graph's node `node`).
    fn graph_exec_set_params(&mut self, exec: Raw, node: Raw, params: &GraphNode) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphExecUpdate`: the call's result, and the update result with
    /// the nodes it names (0: none), which are reported even on failure.
    fn graph_exec_update(&mut self, exec: Raw, graph: Raw) -> CuResult<(cuvm_abi::CUresult, u32, Raw, Raw)> {
        Err(NOT_SUPPORTED)
    }
    fn graph_launch(&mut self, exec: Raw, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    fn graph_upload(&mut self, exec: Raw, stream: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `cuGraphClone`: a copy of the graph (the session owns it).
    fn graph_clone(&mut self, graph: Raw) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphNodeFindInClone`: the copy of `node` in `clone`.
    fn graph_node_find_in_clone(&mut self, node: Raw, clone: Raw) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphChildGraphNodeGetGraph`: the graph a child node holds.
    fn graph_child_graph(&mut self, node: Raw) -> CuResult<Raw> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphExecGetFlags`.
    fn graph_exec_flags(&mut self, exec: Raw) -> CuResult<u64> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphNodeGetEnabled`.
    fn graph_node_enabled(&mut self, exec: Raw, node: Raw) -> CuResult<bool> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphNodeSetEnabled`.
    fn graph_node_set_enabled(&mut self, exec: Raw, node: Raw, enabled: bool) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphKernelNodeGetAttribute`: the attribute's 64-byte value.
    fn graph_kernel_node_attribute(&mut self, node: Raw, id: u32) -> CuResult<[u8; 64]> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphKernelNodeSetAttribute` with a 64-byte value.
    fn graph_kernel_node_set_attribute(&mut self, node: Raw, id: u32, value: &[u8; 64]) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// `cuGraphKernelNodeCopyAttributes`.
    fn graph_kernel_node_copy_attributes(&mut self, dst: Raw, src: Raw) -> CuResult<()> {
        Err(NOT_SUPPORTED)
    }
    /// A kernel node's function, shape and the driver's copies of its
    /// arguments, packed by `params` (the function's layout) as a launch's.
    fn graph_kernel_node_params(&mut self, node: Raw, params: &dyn Fn(Raw) -> Option<Vec<ParamInfo>>) -> CuResult<KernelNode> {
        Err(NOT_SUPPORTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_dimensional_span_is_its_width() {
        let s = Side3d { ptr: 0x1000, ..Default::default() };
        assert_eq!(s.span([256, 1, 1]), Some((0x1000, 256)));
        let s = Side3d { ptr: 0x1000, pos: [16, 0, 0], ..Default::default() };
        assert_eq!(s.span([256, 1, 1]), Some((0x1010, 256)));
    }

    #[test]
    fn a_box_spans_from_its_first_to_its_last_byte() {
        let s = Side3d { ptr: 0, pitch: 512, height: 8, pos: [8, 1, 1] };
        // first: 1*4096 + 1*512 + 8; last: (1+2-1)*4096 + (1+3-1)*512 + 8 + 100
        assert_eq!(s.span([100, 3, 2]), Some((4096 + 512 + 8, 2 * 4096 + 3 * 512 + 108 - (4096 + 512 + 8))));
        assert_eq!(s.row(0, 0), Some(4096 + 512 + 8));
        assert_eq!(s.row(2, 1), Some(2 * 4096 + 3 * 512 + 8));
    }

    #[test]
    fn positions_at_the_end_of_the_address_space_are_refused_not_wrapped() {
        let s = Side3d { ptr: 0, pitch: 0, height: 0, pos: [u64::MAX, 0, 0] };
        assert_eq!(s.span([1, 1, 1]), None);
        let s = Side3d { ptr: 0, pitch: 64, height: 4, pos: [0, u64::MAX, 0] };
        assert_eq!(s.row(1, 0), None);
    }

    #[test]
    fn pitches_too_narrow_and_overflows_are_refused() {
        let s = Side3d { ptr: 0, pitch: 64, height: 4, pos: [0; 3] };
        assert_eq!(s.span([65, 2, 1]), None);
        assert_eq!(s.span([64, 5, 2]), None);
        let s = Side3d { ptr: u64::MAX - 10, pitch: 64, height: 4, pos: [0; 3] };
        assert_eq!(s.span([64, 2, 1]), None);
        assert_eq!(s.span([0, 2, 1]), Some((u64::MAX - 10, 0)));
    }
}
