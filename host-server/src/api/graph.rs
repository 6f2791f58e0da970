//! Graphs. Creation, capture, instantiation and launch are forwarded by
//! generated code (`auto`); destruction is written here so that the guest's
//! id dies with the object and can never reach the driver again.

use cuvm_wire::{Decoder, Encoder};

use crate::backend::NOT_SUPPORTED;
use crate::session::handles::Kind;
use crate::session::{HResult, Session, ok};

/// `cuGraphDestroy`: [graph id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::Graph)?;
    let f = s.backend.table().and_then(|t| t.cuGraphDestroy).ok_or(NOT_SUPPORTED)?;
    // SAFETY: a live graph of this session.
    unsafe { f(raw as usize as cuvm_abi::CUgraph) }.into_result()?;
    s.handles.remove(id, Kind::Graph)?;
    ok(Encoder::new())
}

/// `cuGraphExecDestroy`: [executable graph id u64] -> [].
pub fn exec_destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::GraphExec)?;
    let f = s.backend.table().and_then(|t| t.cuGraphExecDestroy).ok_or(NOT_SUPPORTED)?;
    // SAFETY: a live executable graph of this session.
    unsafe { f(raw as usize as cuvm_abi::CUgraphExec) }.into_result()?;
    s.handles.remove(id, Kind::GraphExec)?;
    ok(Encoder::new())
}
