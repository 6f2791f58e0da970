//! `cuGetProcAddress` and `cuGetProcAddress_v2`, answered in the guest from
//! the generated table (`cuvm_abi::procaddress`), always with the guest
//! library's own exports. Return conventions, as measured on driver 580:
//!
//! | outcome | `_v2` | legacy |
//! |---|---|---|
//! | found | `*pfn` = address, status SUCCESS | `*pfn` = address |
//! | not found / version too old | `CUDA_SUCCESS`, `*pfn` = NULL, status says which | `CUDA_ERROR_NOT_FOUND`, `*pfn` untouched |
//! | bad flags or future version | `CUDA_ERROR_INVALID_VALUE`, nothing written | same |
//!
//! A null symbol or `pfn` (on which the real driver crashes) gives
//! `CUDA_ERROR_INVALID_VALUE`.

use core::ffi::{CStr, c_char, c_int, c_void};

use cuvm_abi::procaddress::{Resolution, resolve};
use cuvm_abi::{CUdriverProcAddressQueryResult, CUresult, cuuint64_t};

/// What to do with a query, before any pointer is written.
fn answer(symbol: &CStr, version: c_int, flags: cuuint64_t) -> Resolution {
    match symbol.to_str() {
        Ok(name) => match resolve(name, version, flags) {
            // The table only names declared functions, all of which are exported.
            Resolution::Found(sym) if crate::exports::export_address(sym).is_none() => Resolution::SymbolNotFound,
            other => other,
        },
        Err(_) => match resolve("", version, flags) {
            Resolution::InvalidValue => Resolution::InvalidValue,
            _ => Resolution::SymbolNotFound,
        },
    }
}

/// `cuGetProcAddress_v2` (and, with `legacy`, `cuGetProcAddress`).
///
/// # Safety
/// `symbol` is null or a NUL-terminated string; `pfn` is null or valid for a
/// write; `status` is null or valid for a write.
pub unsafe fn get_proc_address(
    symbol: *const c_char,
    pfn: *mut *mut c_void,
    version: c_int,
    flags: cuuint64_t,
    status: *mut CUdriverProcAddressQueryResult,
    legacy: bool,
) -> CUresult {
    if symbol.is_null() || pfn.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: non-null and NUL-terminated by the caller's contract.
    let symbol = unsafe { CStr::from_ptr(symbol) };
    let (address, query) = match answer(symbol, version, flags) {
        Resolution::InvalidValue => return CUresult::CUDA_ERROR_INVALID_VALUE,
        Resolution::Found(sym) => (
            crate::exports::export_address(sym).unwrap_or(core::ptr::null_mut()),
            CUdriverProcAddressQueryResult::CU_GET_PROC_ADDRESS_SUCCESS,
        ),
        Resolution::SymbolNotFound => (core::ptr::null_mut(), CUdriverProcAddressQueryResult::CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND),
        Resolution::VersionNotSufficient => {
            (core::ptr::null_mut(), CUdriverProcAddressQueryResult::CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT)
        }
    };
    let found = query == CUdriverProcAddressQueryResult::CU_GET_PROC_ADDRESS_SUCCESS;
    if legacy && !found {
        return CUresult::CUDA_ERROR_NOT_FOUND;
    }
    // SAFETY: non-null, valid for a write by the caller's contract.
    unsafe { pfn.write(address) };
    if !status.is_null() {
        // SAFETY: non-null, valid for a write by the caller's contract.
        unsafe { status.write(query) };
    }
    CUresult::CUDA_SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &CStr, version: c_int, flags: u64, legacy: bool) -> (CUresult, *mut c_void, u32) {
        let mut pfn: *mut c_void = 1 as *mut c_void;
        let mut status = CUdriverProcAddressQueryResult(77);
        // SAFETY: valid locals and a C string.
        let r = unsafe { get_proc_address(name.as_ptr(), &mut pfn, version, flags, &mut status, legacy) };
        (r, pfn, status.0)
    }

    #[test]
    fn found_returns_own_export() {
        let (r, pfn, st) = query(c"cuMemAlloc", 13000, 0, false);
        assert_eq!((r, st), (CUresult::CUDA_SUCCESS, 0));
        assert_eq!(pfn, crate::exports::cuMemAlloc_v2 as *mut c_void);
    }

    #[test]
    fn v2_reports_not_found_as_success_with_status() {
        let (r, pfn, st) = query(c"cuNoSuchFunction", 13000, 0, false);
        assert_eq!((r, pfn.is_null(), st), (CUresult::CUDA_SUCCESS, true, 1));
        let (r, pfn, st) = query(c"cuGetProcAddress", 11000, 0, false);
        assert_eq!((r, pfn.is_null(), st), (CUresult::CUDA_SUCCESS, true, 2));
    }

    #[test]
    fn legacy_reports_not_found_and_leaves_pfn() {
        let (r, pfn, _) = query(c"cuNoSuchFunction", 13000, 0, true);
        assert_eq!((r, pfn as usize), (CUresult::CUDA_ERROR_NOT_FOUND, 1));
        let (r, pfn, _) = query(c"cuMemAlloc", 1000, 0, true);
        assert_eq!((r, pfn as usize), (CUresult::CUDA_ERROR_NOT_FOUND, 1));
    }

    #[test]
    fn invalid_arguments_write_nothing() {
        let (r, pfn, st) = query(c"cuMemAlloc", 13000, 4, false);
        assert_eq!((r, pfn as usize, st), (CUresult::CUDA_ERROR_INVALID_VALUE, 1, 77));
        let (r, _, _) = query(c"cuMemAlloc", 99999, 0, false);
        assert_eq!(r, CUresult::CUDA_ERROR_INVALID_VALUE);
        let mut pfn = core::ptr::null_mut();
        // SAFETY: null symbol is checked before use.
        let r = unsafe { get_proc_address(core::ptr::null(), &mut pfn, 13000, 0, core::ptr::null_mut(), false) };
        assert_eq!(r, CUresult::CUDA_ERROR_INVALID_VALUE);
        // SAFETY: null pfn is checked before use.
        let r = unsafe { get_proc_address(c"cuInit".as_ptr(), core::ptr::null_mut(), 13000, 0, core::ptr::null_mut(), false) };
        assert_eq!(r, CUresult::CUDA_ERROR_INVALID_VALUE);
    }

    #[test]
    fn non_utf8_name_is_not_found() {
        let (r, pfn, st) = query(c"cu\xffInit", 13000, 0, false);
        assert_eq!((r, pfn.is_null(), st), (CUresult::CUDA_SUCCESS, true, 1));
    }
}
