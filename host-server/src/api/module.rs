//! Modules and functions. Images arrive sized by the guest (from their
//! headers) in Data frames; the function lookup answers with the parameter
//! layout, which the guest caches to pack launches.

use cuvm_abi::CUresult;
use cuvm_wire::frame::CHUNK;
use cuvm_wire::{DecodeError, Decoder, Encoder};

use crate::session::allocations::{Owner, Range};
use crate::session::handles::{Entry, Kind};
use crate::session::{Conn, Fail, FunctionInfo, HResult, MAX_MODULE_IMAGE, MAX_NAME, Session, ok};

/// Receives a module or library image: `[size u64]` was read by the
/// caller; the image follows in Data frames of call `seq`.
///
/// # Errors
/// A malformed size or frame ends the session.
pub fn receive_image(conn: &mut Conn, seq: u64, size: u64) -> Result<Vec<u8>, Fail> {
    if size == 0 || size > MAX_MODULE_IMAGE {
        return Err(Fail::Malformed(DecodeError::TooLong { len: size, max: MAX_MODULE_IMAGE }));
    }
    let mut image = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut buf = Vec::new();
    while (image.len() as u64) < size {
        let want = usize::try_from((size - image.len() as u64).min(CHUNK as u64)).unwrap_or(CHUNK);
        let h = cuvm_wire::frame::read_frame(&mut conn.reader, &mut buf)?;
        if h.kind != cuvm_wire::FrameKind::Data || h.seq != seq || buf.is_empty() || buf.len() > want {
            return Err(Fail::Malformed(DecodeError::Invalid("bad image data frame")));
        }
        image.extend_from_slice(&buf);
    }
    Ok(image)
}

/// `cuModuleLoadData` (and the other loads, which the guest turns into it):
/// [size u64], then the image in Data frames -> [module id u64].
pub fn load(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let size = a.u64()?;
    a.finish()?;
    let image = receive_image(conn, seq, size)?;
    let raw = s.backend.module_load_data(&image)?;
    let id = s.handles.insert(Entry { kind: Kind::Module, raw, ctx: s.current, parent: 0 });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuModuleUnload`: [module id u64] -> [].
pub fn unload(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let entry = s.handles.get(id, Kind::Module)?;
    if entry.parent != 0 {
        // A library's module: the library owns it.
        return Err(CUresult::CUDA_ERROR_INVALID_HANDLE.into());
    }
    let raw = entry.raw;
    s.backend.module_unload(raw)?;
    s.handles.remove(id, Kind::Module)?;
    s.allocations.remove_module(id);
    let functions: Vec<u64> =
        s.handles.newest_first().into_iter().filter(|(_, e)| e.kind == Kind::Function && e.parent == id).map(|(f, _)| f).collect();
    for f in functions {
        let _ = s.handles.remove(f, Kind::Function);
        s.functions.remove(&f);
    }
    ok(Encoder::new())
}

/// Registers a backend function (once per raw handle) and encodes
/// [function id u64, parameter count u32, (offset u32, size u32)*].
fn function_reply(s: &mut Session, module: u64, raw: u64, e: &mut Encoder) -> Result<(), Fail> {
    let id = match s.handles.find(Kind::Function, raw) {
        Some(id) => id,
        None => {
            let params = s.backend.func_params(raw).unwrap_or_default();
            let id = s.handles.insert(Entry { kind: Kind::Function, raw, ctx: s.current, parent: module });
            s.functions.insert(id, FunctionInfo { params, known: true });
            id
        }
    };
    let params = &s.functions.get(&id).ok_or(CUresult::CUDA_ERROR_UNKNOWN)?.params;
    e.u64(id).u32(u32::try_from(params.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for p in params {
        e.u32(p.offset).u32(p.size);
    }
    Ok(())
}

/// `cuModuleGetFunction`: [module id u64, name str] -> [function id u64,
/// parameter count u32, (offset u32, size u32)*].
pub fn get_function(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (module, name) = (a.u64()?, a.str(MAX_NAME)?);
    let raw_module = s.handles.raw(module, Kind::Module)?;
    let raw = s.backend.module_get_function(raw_module, name)?;
    let mut e = Encoder::new();
    function_reply(s, module, raw, &mut e)?;
    ok(e)
}

/// `cuModuleGetGlobal_v2`: [module id u64, name str] -> [pointer u64, size u64].
pub fn get_global(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (module, name) = (a.u64()?, a.str(MAX_NAME)?);
    let raw_module = s.handles.raw(module, Kind::Module)?;
    let (ptr, size) = s.backend.module_get_global(raw_module, name)?;
    if s.allocations.get(ptr).is_none() {
        s.allocations.insert(ptr, Range { len: size, ctx: s.current, owner: Owner::ModuleGlobal { module } });
    }
    let mut e = Encoder::new();
    e.u64(ptr).u64(size);
    ok(e)
}

/// `cuModuleGetFunctionCount`: [module id u64] -> [count u32].
pub fn loading_mode(s: &mut Session) -> HResult {
    let mode = s.backend.module_loading_mode()?;
    let mut e = Encoder::new();
    e.u32(mode);
    ok(e)
}

/// `cuModuleGetFunctionCount`: [module id u64] -> [count u32].
pub fn function_count(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::Module)?;
    let n = s.backend.module_function_count(raw)?;
    let mut e = Encoder::new();
    e.u32(n);
    ok(e)
}

/// `cuModuleEnumerateFunctions`: [module id u64, capacity u32] -> [count u32,
/// then per function as `cuModuleGetFunction` answers].
pub fn enumerate_functions(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (module, capacity) = (a.u64()?, a.u32()?);
    let raw_module = s.handles.raw(module, Kind::Module)?;
    let raws = s.backend.module_functions(raw_module)?;
    if raws.len() > capacity as usize {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let mut e = Encoder::new();
    e.u32(u32::try_from(raws.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for raw in raws {
        function_reply(s, module, raw, &mut e)?;
    }
    ok(e)
}

/// `cuFuncGetAttribute`: [attribute i32, function id u64] -> [value i32].
pub fn func_get_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (attrib, f) = (a.i32()?, a.u64()?);
    let raw = super::function_raw(s, f)?;
    let v = s.backend.func_get_attribute(attrib, raw)?;
    let mut e = Encoder::new();
    e.i32(v);
    ok(e)
}

/// `cuFuncSetAttribute`: [function id u64, attribute i32, value i32] -> [].
pub fn func_set_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, attrib, value) = (a.u64()?, a.i32()?, a.i32()?);
    let raw = super::function_raw(s, f)?;
    s.backend.func_set_attribute(raw, attrib, value)?;
    ok(Encoder::new())
}

/// `cuFuncSetCacheConfig`: [function id u64, config i32] -> [].
pub fn func_set_cache_config(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, config) = (a.u64()?, a.i32()?);
    let raw = super::function_raw(s, f)?;
    s.backend.func_set_cache_config(raw, config)?;
    ok(Encoder::new())
}

/// `cuFuncGetName`: [function id u64] -> [name str].
pub fn func_name(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = super::function_raw(s, a.u64()?)?;
    let name = s.backend.func_name(raw)?;
    let mut e = Encoder::new();
    e.str(&name);
    ok(e)
}
