//! Graphs. Creation, capture, instantiation and launch are forwarded by
//! generated code (`auto`); destruction is written here so that the guest's
//! id dies with the object and can never reach the driver again.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::backend::NOT_SUPPORTED;
use crate::session::handles::Kind;
use crate::session::{HResult, Session, ok};

/// [id u64] -> []: destroys a live object of `kind` with the driver's entry
/// point `destroy`, then forgets its id.
fn destroy_as<T>(s: &mut Session, a: &mut Decoder<'_>, kind: Kind, destroy: Option<unsafe extern "C" fn(*mut T) -> CUresult>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, kind)?;
    let f = destroy.ok_or(NOT_SUPPORTED)?;
    // SAFETY: a live object of this kind in this session.
    unsafe { f(raw as usize as *mut T) }.into_result()?;
    s.handles.remove(id, kind)?;
    ok(Encoder::new())
}

/// `cuGraphDestroy`: [graph id u64] -> [].
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let f = s.backend.table().and_then(|t| t.cuGraphDestroy);
    destroy_as(s, a, Kind::Graph, f)
}

/// `cuGraphExecDestroy`: [executable graph id u64] -> [].
pub fn exec_destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let f = s.backend.table().and_then(|t| t.cuGraphExecDestroy);
    destroy_as(s, a, Kind::GraphExec, f)
}
