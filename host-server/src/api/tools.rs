//! Slots of the driver's private export tables that a guest cannot answer
//! itself and the host's driver serves: slots 51 and 39 of the tools-context
//! table (21318c60), which cuBLASLt 13 calls at handle creation (CuPy,
//! cuBLAS from nvcc programs), and slot 7 of cuFFT's table (6e163fbe). Measured on driver 580 with
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
            let id = match s.handles.find(Kind::ToolsObject, out) {
                Some(id) => id,
                None => s.handles.insert(Entry { kind: Kind::ToolsObject, raw: out, ctx, parent: 0 }),
            };
            e.u64(id);
            for i in 0..4 {
                // SAFETY: the driver's new object; measured to span at least
                // these four words.
                let w = unsafe { (out as usize as *const u64).add(i).read_unaligned() };
                e.u64(if w == raw_ctx { ctx } else { w });
            }
        }
        39 => {
            let raw_object = s.handles.raw(object, Kind::ToolsObject)?;
            let mut value: u64 = 0;
            let r = s.backend.export_table_call(TOOLS_CONTEXT, 39, [raw_ctx, raw_object, (&raw mut value) as u64, 0, 0, 0])?;
            CUresult(u32::try_from(r).unwrap_or(u32::MAX)).into_result()?;
            e.u64(value);
        }
        _ => return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into()),
    }
    ok(e)
}

/// cuFFT's table.
const CUFFT: [u8; 16] = [0x6e, 0x16, 0x3f, 0xbe, 0xb9, 0x58, 0x44, 0x4d, 0x83, 0x5c, 0xe1, 0x82, 0xaf, 0xf1, 0x99, 0x1e];

/// What the driver handed the registered function in one call.
struct Found {
    function: u64,
    name: String,
    more: [u64; 2],
}

/// Stands for cuFFT's registered function on the host: records each call
/// (measured: (its out pointer, a function, the kernel's mangled name, two
/// more words, cuFFT's request)).
unsafe extern "C" fn collect(sink: *mut Vec<Found>, function: u64, name: *const core::ffi::c_char, a3: u64, a4: u64, _a5: u64) -> u64 {
    let r = std::panic::catch_unwind(|| {
        if sink.is_null() || name.is_null() {
            return;
        }
        // SAFETY: the driver passes a C string; `sink` is the Vec this
        // module passed as the function's argument.
        let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy().into_owned();
        // SAFETY: as above.
        unsafe { (*sink).push(Found { function, name, more: [a3, a4] }) };
    });
    let _ = r;
    0
}

/// cuvm's `CUVM_CUFFT_KERNEL_LOOKUP` (layout in `cuvm_wire::ops`). cuFFT's
/// request is four words, measured as (u32 1, u32 24, u32 25, 0, 0, the
/// context): only that shape is passed on, with the context as the host's.
pub fn cufft_kernel_lookup(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let ctx = a.u64()?;
    let words = [a.u64()?, a.u64()?, a.u64()?, a.u64()?];
    let raw_ctx = s.handles.raw(ctx, Kind::Context)?;
    if words[2] != 0 || words[3] != ctx || words[0] >> 48 != 0 || words[1] >> 32 != 0 {
        return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
    }
    // The request, padded: the driver reads only what cuFFT gave it.
    let request: [u64; 8] = [words[0], words[1], 0, raw_ctx, 0, 0, 0, 0];
    let mut found: Vec<Found> = Vec::new();
    let sink = (&raw mut found) as u64;
    let req = request.as_ptr() as u64;
    let r = s.backend.export_table_call(CUFFT, 7, [raw_ctx, req, collect as *const () as u64, sink, req, 0])?;
    let mut e = Encoder::new();
    e.u64(r).u32(u32::try_from(found.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for f in &found {
        super::module::function_reply(s, 0, f.function, &mut e)?;
        e.str(&f.name).u64(f.more[0]).u64(f.more[1]);
    }
    ok(e)
}
