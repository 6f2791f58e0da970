//! Libraries and kernels (context-independent modules and functions).
//! Kernel parameter layouts are cached like functions', so a kernel can be
//! launched directly (the driver accepts a CUkernel as a CUfunction).

use core::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::collections::HashMap;
use std::ffi::CString;
use std::sync::Mutex;

use cuvm_abi::{CUdeviceptr, CUfunction, CUfunction_attribute, CUkernel, CUlibrary, CUmodule, CUresult};
use cuvm_wire::{Encoder, ops};

use crate::module::{self, cache_function, function, image_bytes, load_image, read_image_file};
use crate::remote::{self, call, non_null, protocol};

/// Kernel names, kept alive for `cuKernelGetName`.
static NAMES: Mutex<Option<HashMap<u64, CString>>> = Mutex::new(None);

fn finish_load(library: *mut CUlibrary, bytes: &[u8]) -> Result<(), CUresult> {
    let id = load_image(ops::cuLibraryLoadData, bytes)?;
    // SAFETY: checked non-null by the callers.
    unsafe { remote::write(library, id as usize as CUlibrary) };
    Ok(())
}

/// `cuLibraryLoadData` (JIT and library options are not forwarded).
///
/// # Safety
/// `library` is null or valid; `code` points at an image.
pub unsafe fn load_data(library: *mut CUlibrary, code: *const c_void) -> CUresult {
    remote::done((|| {
        let library = non_null(library)?;
        crate::client::get()?;
        // SAFETY: the caller passes an image.
        finish_load(library, unsafe { image_bytes(code)? })
    })())
}

/// `cuLibraryLoadFromFile`: read in the guest, loaded as data.
///
/// # Safety
/// `library` is null or valid; `fname` is null or a C string.
pub unsafe fn load_file(library: *mut CUlibrary, fname: *const c_char) -> CUresult {
    remote::done((|| {
        let library = non_null(library)?;
        crate::client::get()?;
        finish_load(library, &read_image_file(fname)?)
    })())
}

/// `cuLibraryUnload`.
pub fn unload(library: CUlibrary) -> CUresult {
    let mut e = Encoder::new();
    e.u64(library as usize as u64);
    remote::done(call(ops::cuLibraryUnload, &e).map(|_| ()))
}

/// `cuLibraryGetKernel`.
///
/// # Safety
/// `kernel` null or valid; `name` null or a C string.
pub unsafe fn get_kernel(kernel: *mut CUkernel, library: CUlibrary, name: *const c_char) -> CUresult {
    remote::done((|| {
        let kernel = non_null(kernel)?;
        if name.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: a C string by the caller's contract.
        let name = unsafe { CStr::from_ptr(name) }.to_str().map_err(|_| CUresult::CUDA_ERROR_NOT_FOUND)?;
        let lib = library as usize as u64;
        let mut e = Encoder::new();
        e.u64(lib).str(name);
        let r = call(ops::cuLibraryGetKernel, &e)?;
        let id = cache_function(lib, &mut r.decoder())?;
        // SAFETY: checked non-null.
        unsafe { remote::write(kernel, id as usize as CUkernel) };
        Ok(())
    })())
}

/// `cuLibraryGetKernelCount`.
///
/// # Safety
/// `count` null or valid.
pub unsafe fn kernel_count(count: *mut c_uint, library: CUlibrary) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { module::count_of(ops::cuLibraryGetKernelCount, library as usize as u64, count) }
}

/// `cuLibraryEnumerateKernels`.
///
/// # Safety
/// `out` holds `n` entries.
pub unsafe fn enumerate_kernels(out: *mut CUkernel, n: c_uint, library: CUlibrary) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { module::enumerate(ops::cuLibraryEnumerateKernels, library as usize as u64, n, out) }
}

/// `cuLibraryGetModule`.
///
/// # Safety
/// `module` null or valid.
pub unsafe fn get_module(module: *mut CUmodule, library: CUlibrary) -> CUresult {
    remote::done((|| {
        let module = non_null(module)?;
        let mut e = Encoder::new();
        e.u64(library as usize as u64);
        let id = call(ops::cuLibraryGetModule, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(module, id as usize as CUmodule) };
        Ok(())
    })())
}

/// `cuLibraryGetGlobal`: either out-pointer may be null.
///
/// # Safety
/// Out-pointers null or valid; `name` null or a C string.
pub unsafe fn get_global(dptr: *mut CUdeviceptr, bytes: *mut usize, library: CUlibrary, name: *const c_char) -> CUresult {
    // SAFETY: forwarded contract.
    remote::done(unsafe { crate::module::fetch_global(ops::cuLibraryGetGlobal, library as usize as u64, dptr, bytes, name) })
}

fn known(kernel: CUkernel) -> Result<u64, CUresult> {
    let id = kernel as usize as u64;
    if function(id).is_some() { Ok(id) } else { Err(CUresult::CUDA_ERROR_INVALID_HANDLE) }
}

/// `cuKernelGetFunction`.
///
/// # Safety
/// `func` null or valid.
pub unsafe fn get_function(func: *mut CUfunction, kernel: CUkernel) -> CUresult {
    remote::done((|| {
        let func = non_null(func)?;
        let id = known(kernel)?;
        let module = function(id).map_or(0, |f| f.module);
        let mut e = Encoder::new();
        e.u64(id);
        let r = call(ops::cuKernelGetFunction, &e)?;
        let fid = cache_function(module, &mut r.decoder())?;
        // SAFETY: checked non-null.
        unsafe { remote::write(func, fid as usize as CUfunction) };
        Ok(())
    })())
}

/// `cuKernelGetLibrary`, from the guest's cache.
///
/// # Safety
/// `library` null or valid.
pub unsafe fn get_library(library: *mut CUlibrary, kernel: CUkernel) -> CUresult {
    remote::done((|| {
        let library = non_null(library)?;
        let f = function(known(kernel)?).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(library, f.module as usize as CUlibrary) };
        Ok(())
    })())
}

/// `cuKernelGetAttribute`.
///
/// # Safety
/// `value` null or valid.
pub unsafe fn get_attribute(value: *mut c_int, attrib: CUfunction_attribute, kernel: CUkernel, dev: c_int) -> CUresult {
    remote::done((|| {
        let value = non_null(value)?;
        let mut e = Encoder::new();
        e.i32(attrib.0 as i32).u64(known(kernel)?).i32(dev);
        let v = call(ops::cuKernelGetAttribute, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(value, v) };
        Ok(())
    })())
}

/// `cuKernelSetAttribute`.
pub fn set_attribute(attrib: CUfunction_attribute, value: c_int, kernel: CUkernel, dev: c_int) -> CUresult {
    remote::done((|| {
        let mut e = Encoder::new();
        e.i32(attrib.0 as i32).i32(value).u64(known(kernel)?).i32(dev);
        call(ops::cuKernelSetAttribute, &e).map(|_| ())
    })())
}

/// `cuKernelGetParamInfo`, from the layout cached at lookup.
///
/// # Safety
/// Out-pointers null or valid.
pub unsafe fn param_info(kernel: CUkernel, index: usize, offset: *mut usize, size: *mut usize) -> CUresult {
    // The driver answers for a kernel only with a context current (measured).
    if crate::client::get().is_ok() && crate::context::current() == 0 {
        return CUresult::CUDA_ERROR_INVALID_CONTEXT;
    }
    // SAFETY: forwarded contract; kernels and functions share the cache.
    unsafe { crate::module::param_info(kernel as usize as CUfunction, index, offset, size) }
}

/// `cuKernelGetName`: kept alive as long as the process.
///
/// # Safety
/// `name` null or valid.
pub unsafe fn get_name(name: *mut *const c_char, kernel: CUkernel) -> CUresult {
    remote::done((|| {
        let name = non_null(name)?;
        let id = known(kernel)?;
        let mut names = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let names = names.get_or_insert_with(HashMap::new);
        if !names.contains_key(&id) {
            let mut e = Encoder::new();
            e.u64(id);
            let r = call(ops::cuKernelGetName, &e)?;
            let text = r.decoder().str(4096).map_err(protocol)?.to_string();
            names.insert(id, CString::new(text).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
        }
        let ptr = names.get(&id).map_or(std::ptr::null(), |c| c.as_ptr());
        // SAFETY: checked non-null; the CString lives in NAMES.
        unsafe { remote::write(name, ptr) };
        Ok(())
    })())
}

/// `cuKernelSetCacheConfig`.
pub fn set_cache_config(kernel: CUkernel, config: cuvm_abi::CUfunc_cache, dev: c_int) -> CUresult {
    if kernel.is_null() {
        return CUresult::CUDA_ERROR_INVALID_HANDLE;
    }
    let mut e = Encoder::new();
    e.u64(kernel as usize as u64).u32(config.0).i32(dev);
    remote::done(call(ops::cuKernelSetCacheConfig, &e).map(|_| ()))
}
