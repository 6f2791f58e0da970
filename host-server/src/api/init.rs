//! cuInit and versions.

use cuvm_wire::{Decoder, Encoder};

use crate::session::{HResult, Session, ok};

/// `cuInit`: [flags u32] -> [].
pub fn init(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let flags = a.u32()?;
    s.backend.init(flags)?;
    s.initialized = true;
    ok(Encoder::new())
}

/// `cuDriverGetVersion`: [] -> [version i32] (the host driver's).
pub fn driver_version(s: &mut Session) -> HResult {
    let v = s.backend.driver_version()?;
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}
