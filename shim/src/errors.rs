//! `cuGetErrorName` and `cuGetErrorString`, answered in the guest with the
//! real driver's strings. As measured on driver 580: a value the driver does
//! not name gives `CUDA_ERROR_INVALID_VALUE` and a null string. (Where the real
//! driver crashes on a null out-pointer, cuvm answers `CUDA_ERROR_INVALID_VALUE`.)

use core::ffi::{CStr, c_char};

use cuvm_abi::CUresult;

unsafe fn answer(found: Option<&'static CStr>, out: *mut *const c_char) -> CUresult {
    if out.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let (ptr, result) = match found {
        Some(s) => (s.as_ptr(), CUresult::CUDA_SUCCESS),
        None => (core::ptr::null(), CUresult::CUDA_ERROR_INVALID_VALUE),
    };
    // SAFETY: non-null, valid for a write by the caller's contract.
    unsafe { out.write(ptr) };
    result
}

/// `cuGetErrorName`.
///
/// # Safety
/// `out` is null or valid for a write.
pub unsafe fn get_error_name(error: CUresult, out: *mut *const c_char) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { answer(cuvm_abi::errors::error_name(error), out) }
}

/// `cuGetErrorString`.
///
/// # Safety
/// `out` is null or valid for a write.
pub unsafe fn get_error_string(error: CUresult, out: *mut *const c_char) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { answer(cuvm_abi::errors::error_string(error), out) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(e: u32) -> (CUresult, Option<String>) {
        let mut p: *const c_char = core::ptr::dangling();
        // SAFETY: a valid local out-pointer.
        let r = unsafe { get_error_name(CUresult(e), &mut p) };
        // SAFETY: on return p is null or a static C string.
        (r, (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()))
    }

    #[test]
    fn known_error_gets_its_name_and_string() {
        assert_eq!(name(700), (CUresult::CUDA_SUCCESS, Some("CUDA_ERROR_ILLEGAL_ADDRESS".into())));
        let mut p: *const c_char = core::ptr::null();
        // SAFETY: a valid local out-pointer.
        assert_eq!(unsafe { get_error_string(CUresult(2), &mut p) }, CUresult::CUDA_SUCCESS);
        // SAFETY: a static C string.
        assert_eq!(unsafe { CStr::from_ptr(p) }, c"out of memory");
    }

    #[test]
    fn unknown_error_is_invalid_value_with_null_string() {
        assert_eq!(name(1099), (CUresult::CUDA_ERROR_INVALID_VALUE, None));
    }

    #[test]
    fn null_out_pointer_is_invalid_value() {
        // SAFETY: null is checked.
        assert_eq!(unsafe { get_error_name(CUresult(0), core::ptr::null_mut()) }, CUresult::CUDA_ERROR_INVALID_VALUE);
    }
}
