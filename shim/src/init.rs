//! `cuInit` and `cuDriverGetVersion`.

use core::ffi::c_int;

use cuvm_abi::{CUresult, IMPLEMENTED_CUDA_VERSION};
use cuvm_wire::{Encoder, ops};

use crate::{client, remote};

/// `cuInit`: connects to cuvm-host (once per process) and initialises the
/// host side. No host: `CUDA_ERROR_NO_DEVICE`, with a log line saying why.
pub fn init(flags: u32) -> CUresult {
    crate::logging::init();
    if flags != 0 {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let client = match client::connect() {
        Ok(c) => c,
        Err(e) => return e,
    };
    let mut e = Encoder::new();
    e.u32(flags);
    remote::done(client.call(ops::cuInit, 0, &e).map(|_| ()))
}

/// `cuDriverGetVersion`: the smaller of the host driver's version and the
/// version this library implements (so libraries never ask for entry points
/// it lacks); before `cuInit`, this library's.
///
/// # Safety
/// `version` is null or valid for a write.
pub unsafe fn driver_get_version(version: *mut c_int) -> CUresult {
    let Ok(version) = remote::non_null(version) else {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    };
    let v = match client::get() {
        Ok(c) if c.host_driver_version > 0 => c.host_driver_version.min(IMPLEMENTED_CUDA_VERSION),
        _ => IMPLEMENTED_CUDA_VERSION,
    };
    // SAFETY: checked non-null; valid by the caller's contract.
    unsafe { remote::write(version, v) };
    CUresult::CUDA_SUCCESS
}
