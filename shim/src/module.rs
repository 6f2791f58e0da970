//! Modules and functions. Images are sized in the guest ([`crate::image`])
//! and streamed to the host; function lookups bring back each kernel's
//! parameter layout, cached here for packing launches and for
//! `cuFuncGetParamInfo`.

use core::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::collections::HashMap;
use std::ffi::CString;
use std::sync::Mutex;

use cuvm_abi::{CUdeviceptr, CUfunc_cache, CUfunction, CUfunction_attribute, CUmodule, CUresult};
use cuvm_wire::{Decoder, Encoder, ops};

use crate::remote::{self, call, call_bulk, non_null, protocol};

/// What the guest knows about a function.
#[derive(Debug, Clone, Default)]
pub struct Function {
    /// Its module.
    pub module: u64,
    /// (offset, size) of each parameter.
    pub params: Vec<(u32, u32)>,
    /// Whether `params` is known (a kernel looked up with no context
    /// current learns it later).
    pub params_known: bool,
    /// Its name, once asked for (kept alive for `cuFuncGetName`).
    pub name: Option<CString>,
}

static FUNCTIONS: Mutex<Option<HashMap<u64, Function>>> = Mutex::new(None);

fn functions<R>(f: impl FnOnce(&mut HashMap<u64, Function>) -> R) -> R {
    let mut g = FUNCTIONS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(g.get_or_insert_with(HashMap::new))
}

/// The cached facts of function `id`.
#[must_use]
pub fn function(id: u64) -> Option<Function> {
    functions(|m| m.get(&id).cloned())
}

fn load_bytes(image: &[u8]) -> Result<u64, CUresult> {
    load_image(ops::cuModuleLoadData, image)
}

/// Sends an image for `op` (a module or library load); returns the new id.
pub(crate) fn load_image(op: u32, image: &[u8]) -> Result<u64, CUresult> {
    let mut e = Encoder::new();
    e.u64(image.len() as u64);
    call_bulk(op, &e, Some(image), None)?.decoder().u64().map_err(protocol)
}

/// Reads a module file in the guest: its bytes, NUL-terminated if PTX.
pub(crate) fn read_image_file(fname: *const c_char) -> Result<Vec<u8>, CUresult> {
    if fname.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: a C string by the caller's contract.
    let path = unsafe { CStr::from_ptr(fname) }.to_string_lossy().into_owned();
    let mut bytes = std::fs::read(&path).map_err(|_| CUresult::CUDA_ERROR_FILE_NOT_FOUND)?;
    if bytes.is_empty() {
        return Err(CUresult::CUDA_ERROR_INVALID_IMAGE);
    }
    if !bytes.starts_with(b"\x7fELF") && bytes[..4.min(bytes.len())] != crate::image::FATBIN_MAGIC.to_le_bytes() && bytes.last() != Some(&0)
    {
        bytes.push(0); // PTX read from a file has no terminator
    }
    Ok(bytes)
}

/// Sizes an in-memory image.
///
/// # Safety
/// `image` points at an image, as the driver API requires.
pub(crate) unsafe fn image_bytes<'a>(image: *const c_void) -> Result<&'a [u8], CUresult> {
    if image.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller passes an image.
    let (start, kind, len) = unsafe { crate::image::size(image) }.ok_or(CUresult::CUDA_ERROR_INVALID_IMAGE)?;
    log::debug!("module image: {kind:?}, {len} bytes");
    // SAFETY: `size` established that `len` bytes at `start` are mapped.
    Ok(unsafe { std::slice::from_raw_parts(start, len) })
}

/// `cuModuleLoadData` (also `LoadDataEx`, whose JIT options are not
/// forwarded, and `LoadFatBinary`).
///
/// # Safety
/// `module` is null or valid for a write; `image` points at an image.
pub unsafe fn load_data(module: *mut CUmodule, image: *const c_void) -> CUresult {
    remote::done((|| {
        let module = non_null(module)?;
        if image.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        crate::client::get()?;
        // SAFETY: the caller passes an image, as the driver API requires.
        let id = load_bytes(unsafe { image_bytes(image)? })?;
        // SAFETY: checked non-null.
        unsafe { remote::write(module, id as usize as CUmodule) };
        Ok(())
    })())
}

/// `cuModuleLoad`: reads the file in the guest and loads its bytes.
///
/// # Safety
/// `module` is null or valid for a write; `fname` is null or a C string.
pub unsafe fn load_file(module: *mut CUmodule, fname: *const c_char) -> CUresult {
    remote::done((|| {
        let module = non_null(module)?;
        crate::client::get()?;
        let id = load_bytes(&read_image_file(fname)?)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(module, id as usize as CUmodule) };
        Ok(())
    })())
}

/// `cuModuleUnload`.
pub fn unload(module: CUmodule) -> CUresult {
    let id = module as usize as u64;
    let mut e = Encoder::new();
    e.u64(id);
    let r = call(ops::cuModuleUnload, &e).map(|_| ());
    if r.is_ok() {
        functions(|m| m.retain(|_, f| f.module != id));
    }
    remote::done(r)
}

/// Decodes one function of a lookup reply and caches it.
pub(crate) fn cache_function(module: u64, d: &mut Decoder<'_>) -> Result<u64, CUresult> {
    let id = d.u64().map_err(protocol)?;
    let known = cache_params(id, d)?;
    functions(|m| m.entry(id).or_default().module = module);
    let _ = known;
    Ok(id)
}

/// Reads [count u32, (offset, size)*] (count u32::MAX: not known yet) into
/// the cache entry of `id`; returns whether the layout is known.
pub(crate) fn cache_params(id: u64, d: &mut Decoder<'_>) -> Result<bool, CUresult> {
    let n = d.u32().map_err(protocol)?;
    if n == u32::MAX {
        functions(|m| m.entry(id).or_default().params_known = false);
        return Ok(false);
    }
    if n > 4096 {
        return Err(protocol(cuvm_wire::DecodeError::Invalid("parameter count")));
    }
    let mut params = Vec::with_capacity(n as usize);
    for _ in 0..n {
        params.push((d.u32().map_err(protocol)?, d.u32().map_err(protocol)?));
    }
    functions(|m| {
        let f = m.entry(id).or_default();
        f.params = params;
        f.params_known = true;
    });
    Ok(true)
}

/// Makes sure the parameter layout of kernel or function `id` is known,
/// asking the host (which needs a context current) if not.
///
/// # Errors
/// The host's answer.
pub(crate) fn ensure_params(id: u64) -> Result<(), CUresult> {
    if function(id).is_none_or(|f| f.params_known) {
        return Ok(());
    }
    let mut e = Encoder::new();
    e.u64(id);
    let r = call(ops::cuKernelGetParamInfo, &e)?;
    cache_params(id, &mut r.decoder())?;
    Ok(())
}

/// `cuModuleGetFunction`.
///
/// # Safety
/// `hfunc` is null or valid for a write; `name` is null or a C string.
pub unsafe fn get_function(hfunc: *mut CUfunction, module: CUmodule, name: *const c_char) -> CUresult {
    remote::done((|| {
        let hfunc = non_null(hfunc)?;
        if name.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: a C string by the caller's contract.
        let name = unsafe { CStr::from_ptr(name) }.to_str().map_err(|_| CUresult::CUDA_ERROR_NOT_FOUND)?;
        let mid = module as usize as u64;
        let mut e = Encoder::new();
        e.u64(mid).str(name);
        let r = call(ops::cuModuleGetFunction, &e)?;
        let id = cache_function(mid, &mut r.decoder())?;
        // SAFETY: checked non-null.
        unsafe { remote::write(hfunc, id as usize as CUfunction) };
        Ok(())
    })())
}

/// Asks the host for global `name` of a module or library (`op`, `owner`
/// id) and writes whichever out-pointers are non-null.
///
/// # Safety
/// Out-pointers null or valid; `name` null or a C string.
pub(crate) unsafe fn fetch_global(
    op: u32,
    owner: u64,
    dptr: *mut CUdeviceptr,
    bytes: *mut usize,
    name: *const c_char,
) -> Result<(), CUresult> {
    if name.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: a C string by the caller's contract.
    let name = unsafe { CStr::from_ptr(name) }.to_str().map_err(|_| CUresult::CUDA_ERROR_NOT_FOUND)?;
    let mut e = Encoder::new();
    e.u64(owner).str(name);
    let r = call(op, &e)?;
    let mut d = r.decoder();
    let (p, s) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
    // SAFETY: written only when non-null.
    unsafe {
        if !dptr.is_null() {
            remote::write(dptr, p);
        }
        if !bytes.is_null() {
            remote::write(bytes, usize::try_from(s).unwrap_or(usize::MAX));
        }
    }
    Ok(())
}

/// `cuModuleGetGlobal_v2`: either out-pointer may be null.
///
/// # Safety
/// Out-pointers null or valid; `name` null or a C string.
pub unsafe fn get_global(dptr: *mut CUdeviceptr, bytes: *mut usize, module: CUmodule, name: *const c_char) -> CUresult {
    // SAFETY: forwarded contract.
    remote::done(unsafe { fetch_global(ops::cuModuleGetGlobal_v2, module as usize as u64, dptr, bytes, name) })
}

/// A `...GetFunctionCount`/`...GetKernelCount` call: [parent id] -> [u32].
///
/// # Safety
/// `count` is null or valid for a write.
pub(crate) unsafe fn count_of(op: u32, parent: u64, count: *mut c_uint) -> CUresult {
    remote::done((|| {
        let count = non_null(count)?;
        let mut e = Encoder::new();
        e.u64(parent);
        let n = call(op, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(count, n) };
        Ok(())
    })())
}

/// A `...EnumerateFunctions`/`...EnumerateKernels` call: [parent id, n] ->
/// [count u32, then each function as [`cache_function`] reads it].
///
/// # Safety
/// `out` is null or valid for `n` writes.
pub(crate) unsafe fn enumerate<T>(op: u32, parent: u64, n: c_uint, out: *mut *mut T) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(parent).u32(n);
        let r = call(op, &e)?;
        let mut d = r.decoder();
        let count = d.u32().map_err(protocol)?;
        if count > n {
            return Err(protocol(cuvm_wire::DecodeError::Invalid("function count")));
        }
        for i in 0..count as usize {
            let id = cache_function(parent, &mut d)?;
            // SAFETY: i < count <= n, and `out` holds n entries.
            unsafe { out.add(i).write(id as usize as *mut T) };
        }
        Ok(())
    })())
}

/// `cuModuleGetFunctionCount`.
///
/// # Safety
/// `count` is null or valid for a write.
pub unsafe fn function_count(count: *mut c_uint, module: CUmodule) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { count_of(ops::cuModuleGetFunctionCount, module as usize as u64, count) }
}

/// `cuModuleGetLoadingMode`: the host driver's mode for this session (the
/// guest's `CUDA_MODULE_LOADING` travels in the handshake); asked once.
///
/// # Safety
/// `mode` is null or valid for a write.
pub unsafe fn loading_mode(mode: *mut cuvm_abi::CUmoduleLoadingMode) -> CUresult {
    static MODE: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    remote::done((|| {
        let mode = non_null(mode)?;
        let value = match MODE.get() {
            Some(v) => *v,
            None => {
                let v = call(ops::cuModuleGetLoadingMode, &Encoder::new())?.decoder().u32().map_err(protocol)?;
                *MODE.get_or_init(|| v)
            }
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(mode, cuvm_abi::CUmoduleLoadingMode(value)) };
        Ok(())
    })())
}

/// `cuModuleEnumerateFunctions`.
///
/// # Safety
/// `out` is null or valid for `n` writes.
pub unsafe fn enumerate_functions(out: *mut CUfunction, n: c_uint, module: CUmodule) -> CUresult {
    // SAFETY: forwarded contract.
    unsafe { enumerate(ops::cuModuleEnumerateFunctions, module as usize as u64, n, out) }
}

fn known(f: CUfunction) -> Result<u64, CUresult> {
    let id = f as usize as u64;
    if function(id).is_some() { Ok(id) } else { Err(CUresult::CUDA_ERROR_INVALID_HANDLE) }
}

/// `cuFuncGetAttribute`.
///
/// # Safety
/// `value` is null or valid for a write.
pub unsafe fn get_attribute(value: *mut c_int, attrib: CUfunction_attribute, f: CUfunction) -> CUresult {
    remote::done((|| {
        let value = non_null(value)?;
        let mut e = Encoder::new();
        e.i32(attrib.0 as i32).u64(known(f)?);
        let v = call(ops::cuFuncGetAttribute, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(value, v) };
        Ok(())
    })())
}

/// `cuFuncSetAttribute`.
pub fn set_attribute(f: CUfunction, attrib: CUfunction_attribute, value: c_int) -> CUresult {
    remote::done((|| {
        let mut e = Encoder::new();
        e.u64(known(f)?).i32(attrib.0 as i32).i32(value);
        call(ops::cuFuncSetAttribute, &e).map(|_| ())
    })())
}

/// `cuFuncSetCacheConfig`.
pub fn set_cache_config(f: CUfunction, config: CUfunc_cache) -> CUresult {
    remote::done((|| {
        let mut e = Encoder::new();
        e.u64(known(f)?).i32(config.0 as i32);
        call(ops::cuFuncSetCacheConfig, &e).map(|_| ())
    })())
}

/// `cuFuncGetParamInfo`, from the layout cached at lookup.
///
/// # Safety
/// Out-pointers are null or valid for writes.
pub unsafe fn param_info(f: CUfunction, index: usize, offset: *mut usize, size: *mut usize) -> CUresult {
    remote::done((|| {
        let id = known(f)?;
        ensure_params(id)?;
        let func = function(id).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        let (o, s) = *func.params.get(index).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        // SAFETY: written only when non-null.
        unsafe {
            if !offset.is_null() {
                remote::write(offset, o as usize);
            }
            if !size.is_null() {
                remote::write(size, s as usize);
            }
        }
        Ok(())
    })())
}

/// `cuFuncGetName`: the name stays valid as long as the function.
///
/// # Safety
/// `name` is null or valid for a write.
pub unsafe fn get_name(name: *mut *const c_char, f: CUfunction) -> CUresult {
    remote::done((|| {
        let name = non_null(name)?;
        let id = known(f)?;
        let cached = functions(|m| m.get(&id).and_then(|x| x.name.as_ref().map(|n| n.as_ptr())));
        let ptr = match cached {
            Some(p) => p,
            None => {
                let mut e = Encoder::new();
                e.u64(id);
                let r = call(ops::cuFuncGetName, &e)?;
                let text = r.decoder().str(4096).map_err(protocol)?.to_string();
                let c = CString::new(text).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?;
                functions(|m| {
                    let entry = m.entry(id).or_default();
                    entry.name.get_or_insert(c).as_ptr()
                })
            }
        };
        // SAFETY: checked non-null; the CString lives in the cache.
        unsafe { remote::write(name, ptr) };
        Ok(())
    })())
}

/// `cuFuncGetModule`.
///
/// # Safety
/// `module` is null or valid for a write.
pub unsafe fn get_module(module: *mut CUmodule, f: CUfunction) -> CUresult {
    remote::done((|| {
        let module = non_null(module)?;
        let func = function(known(f)?).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(module, func.module as usize as CUmodule) };
        Ok(())
    })())
}
