//! Slots of the driver's private export tables that a guest cannot answer
//! itself and the host's driver serves: slots 51 and 39 of the tools-context
//! table (21318c60), which cuBLASLt 13 calls at handle creation (CuPy,
//! cuBLAS from nvcc programs). Measured on driver 580 with
//! `scripts/probes/table-trace.c`: slot 51 (context, 0, out pointer, 0)
//! writes a new driver object bound to the context; slot 39 (context, that
//! object, out pointer) writes a small integer (7 on the H100). Only these
//! slots, with these argument shapes, are called; anything else is refused,
//! and the objects are session ids like every handle.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

/// The tools-context table.
const TOOLS_CONTEXT: [u8; 16] = [0x21, 0x31, 0x8c, 0x60, 0x97, 0x14, 0x32, 0x48, 0x8c, 0xa6, 0x41, 0xff, 0x73, 0x24, 0xc8, 0xf2];

/// cuvm's `CUVM_TOOLS_CONTEXT_SLOT` (layout in `cuvm_wire::ops`).
pub fn tools_context_slot(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (slot, ctx, object) = (a.u32()?, a.u64()?, a.u64()?);
    let raw_ctx = s.handles.raw(ctx, Kind::Context)?;
    let mut e = Encoder::new();
    match slot {
        51 => {
            let mut out: u64 = 0;
            let r = s.backend.export_table_call(TOOLS_CONTEXT, 51, [raw_ctx, 0, (&raw mut out) as u64, 0, 0, 0])?;
            CUresult(u32::try_from(r).unwrap_or(u32::MAX)).into_result()?;
            if out == 0 {
                return Err(CUresult::CUDA_ERROR_UNKNOWN.into());
            }
            let id = s.handles.id_for(Entry { kind: Kind::ToolsObject, raw: out, ctx, parent: 0 });
            e.u64(id);
            for i in 0..4 {
                // SAFETY: the driver's new object; measured to span at least
                // these four words.
                let w = unsafe { (out as usize as *const u64).add(i).read_unaligned() };
                // The context as the guest's id; other words as measured
                // (small integers): anything else, a host address, is not
                // sent (0).
                e.u64(if w == raw_ctx {
                    ctx
                } else if w >> 32 == 0 {
                    w
                } else {
                    0
                });
            }
        }
        39 => {
            let entry = s.handles.get(object, Kind::ToolsObject)?;
            if entry.ctx != ctx {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
            }
            let raw_object = entry.raw;
            let mut value: u64 = 0;
            let r = s.backend.export_table_call(TOOLS_CONTEXT, 39, [raw_ctx, raw_object, (&raw mut value) as u64, 0, 0, 0])?;
            CUresult(u32::try_from(r).unwrap_or(u32::MAX)).into_result()?;
            e.u64(value);
        }
        _ => return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into()),
    }
    ok(e)
}
