//! Versions, answered in the guest.

use core::ffi::c_int;

use cuvm_abi::{CUresult, IMPLEMENTED_CUDA_VERSION};

/// `cuDriverGetVersion`: the CUDA version the guest library implements. (It
/// will report min(host driver, this) once the host is connected; never more
/// than this, so that libraries do not ask for entry points it lacks.)
///
/// # Safety
/// `version` is null or valid for a write.
pub unsafe fn driver_get_version(version: *mut c_int) -> CUresult {
    if version.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: non-null, and valid for a write by the caller's contract.
    unsafe { version.write(IMPLEMENTED_CUDA_VERSION) };
    CUresult::CUDA_SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_cuda_13_0() {
        let mut v = 0;
        // SAFETY: a valid local.
        assert_eq!(unsafe { driver_get_version(&mut v) }, CUresult::CUDA_SUCCESS);
        assert_eq!(v, 13000);
    }

    #[test]
    fn null_pointer_is_invalid_value() {
        // SAFETY: null is allowed and checked.
        assert_eq!(unsafe { driver_get_version(core::ptr::null_mut()) }, CUresult::CUDA_ERROR_INVALID_VALUE);
    }
}
