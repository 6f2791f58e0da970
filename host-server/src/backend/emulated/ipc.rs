//! Interprocess handles on the emulated GPU: memory and events can be
//! exported (the driver's rules are checked: the base of a live allocation;
//! an event created with `CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING`),
//! but opening answers `CUDA_ERROR_NOT_SUPPORTED`: emulated memory lives in
//! the worker process of the session that allocated it, out of reach of
//! the others.

use cuvm_abi::CUresult;

use crate::backend::CuResult;

/// `CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS`.
const INTERPROCESS_EVENT: u32 = 0x2 | 0x4;

/// The emulated driver's handle for memory at `ptr` or event `raw`.
pub fn handle(tag: &[u8; 16], value: u64) -> [u8; 64] {
    let mut h = [0u8; 64];
    h[..16].copy_from_slice(tag);
    h[16..24].copy_from_slice(&value.to_le_bytes());
    h
}

/// Tag of an emulated memory handle.
pub const MEM_TAG: &[u8; 16] = b"cuvm-emulated-mm";
/// Tag of an emulated event handle.
pub const EVENT_TAG: &[u8; 16] = b"cuvm-emulated-ev";

/// Whether an event with `flags` may be exported.
///
/// # Errors
/// `CUDA_ERROR_INVALID_VALUE` unless it is interprocess and untimed.
pub fn check_exportable_event(flags: u32) -> CuResult<()> {
    if flags & INTERPROCESS_EVENT == INTERPROCESS_EVENT { Ok(()) } else { Err(CUresult::CUDA_ERROR_INVALID_VALUE) }
}

/// Opening: not possible here (logged once).
///
/// # Errors
/// Always `CUDA_ERROR_NOT_SUPPORTED`.
pub fn refuse_open<T>(what: &str) -> CuResult<T> {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        log::warn!(
            "emulated backend: {what}: interprocess handles can be exported but not opened (emulated memory and events live in \
             the exporting session's worker process); returning CUDA_ERROR_NOT_SUPPORTED"
        );
    });
    Err(CUresult::CUDA_ERROR_NOT_SUPPORTED)
}

