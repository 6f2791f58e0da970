//! Libraries and kernels: context-independent modules and functions (CUDA
//! 12+; cudart 13 loads its kernels this way). Kernels are registered with
//! their parameter layout, like functions, and a kernel id may be launched
//! where a function is expected (the driver allows a CUkernel there).

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::allocations::{Owner, Range};
use crate::session::handles::{Entry, Kind};
use crate::session::{Conn, Fail, FunctionInfo, HResult, MAX_NAME, Session, ok};

/// `cuLibraryLoadData` (and `LoadFromFile`, which the guest turns into it):
/// [size u64], then the image in Data frames -> [library id u64].
pub fn load(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let size = a.u64()?;
    a.finish()?;
    let image = super::module::receive_image(conn, seq, size)?;
    let raw = s.backend.library_load_data(&image)?;
    let id = s.handles.insert(Entry { kind: Kind::Library, raw, ctx: 0, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuLibraryUnload`: [library id u64] -> [].
pub fn unload(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::Library)?;
    s.backend.library_unload(raw)?;
    s.handles.remove(id, Kind::Library)?;
    s.allocations.remove_module(id);
    let kernels: Vec<u64> =
        s.handles.newest_first().into_iter().filter(|(_, e)| e.kind == Kind::Kernel && e.parent == id).map(|(k, _)| k).collect();
    for k in kernels {
        let _ = s.handles.remove(k, Kind::Kernel);
        s.functions.remove(&k);
    }
    ok(Encoder::new())
}

/// Registers a kernel (once per raw handle) and encodes [kernel id u64,
/// parameter count u32, (offset u32, size u32)*].
fn kernel_reply(s: &mut Session, library: u64, raw: u64, e: &mut Encoder) -> Result<(), Fail> {
    let id = match s.handles.find(Kind::Kernel, raw) {
        Some(id) => id,
        None => {
            let (params, known) = match s.backend.kernel_params(raw) {
                Ok(p) => (p, true),
                Err(_) => (Vec::new(), false),
            };
            let id = s.handles.insert(Entry { kind: Kind::Kernel, raw, ctx: 0, parent: library });
            s.functions.insert(id, FunctionInfo { params, known });
            id
        }
    };
    let info = s.functions.get(&id).ok_or(CUresult::CUDA_ERROR_UNKNOWN)?;
    e.u64(id);
    encode_params(info, e)
}

/// [count u32, (offset u32, size u32)*]; a count of `u32::MAX` means "not
/// known yet" (ask again with a context current).
fn encode_params(info: &FunctionInfo, e: &mut Encoder) -> Result<(), Fail> {
    if !info.known {
        e.u32(u32::MAX);
        return Ok(());
    }
    e.u32(u32::try_from(info.params.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for p in &info.params {
        e.u32(p.offset).u32(p.size);
    }
    Ok(())
}

/// Learns a kernel's parameter layout, if not known yet.
///
/// # Errors
/// The driver's answer (a context must be current).
pub fn refresh_params(s: &mut Session, kernel: u64) -> Result<(), Fail> {
    if s.functions.get(&kernel).is_some_and(|f| f.known) {
        return Ok(());
    }
    let raw = s.handles.raw(kernel, Kind::Kernel)?;
    let params = s.backend.kernel_params(raw)?;
    s.functions.insert(kernel, FunctionInfo { params, known: true });
    Ok(())
}

/// `cuKernelGetParamInfo`: [kernel id u64] -> [count u32, (offset u32, size
/// u32)*], the whole layout (the guest picks the index).
pub fn param_info(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let kernel = a.u64()?;
    refresh_params(s, kernel)?;
    let mut e = Encoder::new();
    encode_params(s.functions.get(&kernel).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?, &mut e)?;
    ok(e)
}

/// `cuLibraryGetKernel`: [library id u64, name str] -> as `kernel_reply`.
pub fn get_kernel(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (library, name) = (a.u64()?, a.str(MAX_NAME)?);
    let raw_library = s.handles.raw(library, Kind::Library)?;
    let raw = s.backend.library_get_kernel(raw_library, name)?;
    let mut e = Encoder::new();
    kernel_reply(s, library, raw, &mut e)?;
    ok(e)
}

/// `cuLibraryEnumerateKernels`: [library id u64, capacity u32] -> [count u32,
/// then per kernel as `kernel_reply`].
pub fn enumerate_kernels(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (library, capacity) = (a.u64()?, a.u32()?);
    let raw_library = s.handles.raw(library, Kind::Library)?;
    let raws = s.backend.library_kernels(raw_library)?;
    if raws.len() > capacity as usize {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let mut e = Encoder::new();
    e.u32(u32::try_from(raws.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for raw in raws {
        kernel_reply(s, library, raw, &mut e)?;
    }
    ok(e)
}

/// `cuLibraryGetKernelCount`: [library id u64] -> [count u32].
pub fn kernel_count(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::Library)?;
    let n = s.backend.library_kernels(raw)?.len();
    let mut e = Encoder::new();
    e.u32(u32::try_from(n).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    ok(e)
}

/// `cuLibraryGetModule`: [library id u64] -> [module id u64] (the library's
/// module in the current context).
pub fn get_module(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let library = a.u64()?;
    let raw = s.backend.library_get_module(s.handles.raw(library, Kind::Library)?)?;
    // The driver owns this module (the library unloads it): registered so
    // the guest can name it, never unloaded by the session itself.
    let id = match s.handles.find(Kind::Module, raw) {
        Some(id) => id,
        None => s.handles.insert(Entry { kind: Kind::Module, raw, ctx: s.current, parent: library }),
    };
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuLibraryGetGlobal`: [library id u64, name str] -> [pointer u64, size u64].
pub fn get_global(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (library, name) = (a.u64()?, a.str(MAX_NAME)?);
    let raw = s.handles.raw(library, Kind::Library)?;
    let (ptr, size) = s.backend.library_get_global(raw, name)?;
    if s.allocations.get(ptr).is_none() {
        s.allocations.insert(ptr, Range { len: size, ctx: s.current, owner: Owner::ModuleGlobal { module: library } });
    }
    let mut e = Encoder::new();
    e.u64(ptr).u64(size);
    ok(e)
}

/// `cuKernelGetFunction`: [kernel id u64] -> as `cuModuleGetFunction`.
pub fn get_function(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let kernel = a.u64()?;
    let raw = s.backend.kernel_get_function(s.handles.raw(kernel, Kind::Kernel)?)?;
    refresh_params(s, kernel)?;
    let params = s.functions.get(&kernel).map(|f| f.params.clone()).unwrap_or_default();
    let id = match s.handles.find(Kind::Function, raw) {
        Some(id) => id,
        None => {
            let id = s.handles.insert(Entry { kind: Kind::Function, raw, ctx: s.current, parent: 0 });
            s.functions.insert(id, FunctionInfo { params: params.clone(), known: true });
            id
        }
    };
    let mut e = Encoder::new();
    e.u64(id).u32(u32::try_from(params.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for p in &params {
        e.u32(p.offset).u32(p.size);
    }
    ok(e)
}

/// `cuKernelGetAttribute`: [attribute i32, kernel id u64, device i32] -> [value i32].
pub fn get_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (attrib, kernel, dev) = (a.i32()?, a.u64()?, a.i32()?);
    let v = s.backend.kernel_get_attribute(attrib, s.handles.raw(kernel, Kind::Kernel)?, dev)?;
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}

/// `cuKernelSetAttribute`: [attribute i32, value i32, kernel id u64, device i32] -> [].
pub fn set_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (attrib, value, kernel, dev) = (a.i32()?, a.i32()?, a.u64()?, a.i32()?);
    s.backend.kernel_set_attribute(attrib, value, s.handles.raw(kernel, Kind::Kernel)?, dev)?;
    ok(Encoder::new())
}

/// `cuKernelGetName`: [kernel id u64] -> [name str].
pub fn get_name(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let name = s.backend.kernel_name(s.handles.raw(a.u64()?, Kind::Kernel)?)?;
    let mut e = Encoder::new();
    e.str(&name);
    ok(e)
}

/// `cuKernelSetCacheConfig`: [kernel id u64, config u32, device i32] -> [].
pub fn set_cache_config(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (kernel, config, dev) = (a.u64()?, a.u32()?, a.i32()?);
    s.backend.kernel_set_cache_config(s.handles.raw(kernel, Kind::Kernel)?, config, dev)?;
    ok(Encoder::new())
}
