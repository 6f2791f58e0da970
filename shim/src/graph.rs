//! Graphs: creation, stream capture, instantiation and launch are forwarded
//! by generated code (`auto`); destruction is here, so that the host forgets
//! the id with the object.

use cuvm_abi::{CUgraph, CUgraphExec, CUresult};
use cuvm_wire::ops;

use crate::remote::plain;

fn destroy(op: u32, id: u64) -> CUresult {
    if id == 0 {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    plain(op, &[id])
}

/// `cuGraphDestroy`.
pub fn graph_destroy(graph: CUgraph) -> CUresult {
    destroy(ops::cuGraphDestroy, graph as usize as u64)
}

/// `cuGraphExecDestroy`.
pub fn exec_destroy(exec: CUgraphExec) -> CUresult {
    destroy(ops::cuGraphExecDestroy, exec as usize as u64)
}
