#![allow(non_snake_case)]

//! What the guest library implements: one line per entry point, routing to
//! the module of its API area. Every entry point not listed here keeps the
//! `Driver` default (`CUDA_ERROR_NOT_SUPPORTED`, logged once); the annotation
//! table (`abi/annotations.tsv`) must agree, which the tests check.

use core::ffi::{c_char, c_int, c_void};

use cuvm_abi::{CUdriverProcAddressQueryResult, CUresult, cuuint64_t};

use crate::driver::Driver;
use crate::{Shim, errors, procaddress, version};

impl Driver for Shim {
    unsafe fn cuDriverGetVersion(driverVersion: *mut c_int) -> CUresult {
        // SAFETY: forwarded contract.
        unsafe { version::driver_get_version(driverVersion) }
    }

    unsafe fn cuGetErrorName(error: CUresult, pStr: *mut *const c_char) -> CUresult {
        // SAFETY: forwarded contract.
        unsafe { errors::get_error_name(error, pStr) }
    }

    unsafe fn cuGetErrorString(error: CUresult, pStr: *mut *const c_char) -> CUresult {
        // SAFETY: forwarded contract.
        unsafe { errors::get_error_string(error, pStr) }
    }

    unsafe fn cuGetProcAddress(
        symbol: *const c_char,
        pfn: *mut *mut c_void,
        cudaVersion: c_int,
        flags: cuuint64_t,
    ) -> CUresult {
        // SAFETY: forwarded contract.
        unsafe { procaddress::get_proc_address(symbol, pfn, cudaVersion, flags, core::ptr::null_mut(), true) }
    }

    unsafe fn cuGetProcAddress_v2(
        symbol: *const c_char,
        pfn: *mut *mut c_void,
        cudaVersion: c_int,
        flags: cuuint64_t,
        symbolStatus: *mut CUdriverProcAddressQueryResult,
    ) -> CUresult {
        // SAFETY: forwarded contract.
        unsafe { procaddress::get_proc_address(symbol, pfn, cudaVersion, flags, symbolStatus, false) }
    }
}
