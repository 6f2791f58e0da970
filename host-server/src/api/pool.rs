//! Memory pools: each device's default pool, which stream-ordered
//! allocations come from.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

/// `cuDeviceGetDefaultMemPool`: [device i32] -> [pool id u64].
pub fn default_pool(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.backend.default_mem_pool(a.i32()?)?;
    let id = match s.handles.find(Kind::Pool, raw) {
        Some(id) => id,
        // The driver owns default pools: registered, never destroyed.
        None => s.handles.insert(Entry { kind: Kind::Pool, raw, ctx: 0, parent: 0 }),
    };
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuMemPoolTrimTo`: [pool id u64, bytes to keep u64] -> [].
pub fn trim(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (pool, keep) = (a.u64()?, a.u64()?);
    s.backend.mem_pool_trim(s.handles.raw(pool, Kind::Pool)?, keep)?;
    ok(Encoder::new())
}

/// `cuMemPoolGetAttribute`: [pool id u64, attribute u32] -> [value u64].
pub fn get_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (pool, attr) = (a.u64()?, a.u32()?);
    cuvm_wire::pointer::pool_attribute_size(attr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let v = s.backend.mem_pool_get_attribute(s.handles.raw(pool, Kind::Pool)?, attr)?;
    let mut e = Encoder::new();
    e.u64(v);
    ok(e)
}

/// `cuMemPoolSetAttribute`: [pool id u64, attribute u32, value u64] -> [].
pub fn set_attribute(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (pool, attr, value) = (a.u64()?, a.u32()?, a.u64()?);
    cuvm_wire::pointer::pool_attribute_size(attr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    s.backend.mem_pool_set_attribute(s.handles.raw(pool, Kind::Pool)?, attr, value)?;
    ok(Encoder::new())
}
