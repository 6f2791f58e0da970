//! Memory pools: each device's default pool, which stream-ordered
//! allocations come from, and pools the guest creates (pinned device
//! memory without shareable handles), charged to the VM's quota as their
//! allocations are made. A created pool's id has `parent` 1, so only those
//! are destroyed (by the guest or at the session's end).

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::handles::{Entry, Kind};
use crate::session::{HResult, Session, ok};

/// `parent` of a created pool's handle entry.
pub const CREATED: u64 = 1;

/// A pool's id; a default pool the driver owns is registered (parent 0) and
/// never destroyed.
fn pool_id(s: &mut Session, raw: crate::backend::Raw) -> u64 {
    s.handles.id_for(Entry { kind: Kind::Pool, raw, ctx: 0, parent: 0 })
}

/// `cuMemPoolCreate`: [allocation type u32, handle types u32, location type
/// u32, location id i32, maximum size u64] -> [pool id u64]. Pinned device
/// memory without shareable handles only.
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (kind, handles, location_type, dev, max_size) = (a.u32()?, a.u32()?, a.u32()?, a.i32()?, a.u64()?);
    const PINNED: u32 = 1;
    const DEVICE: u32 = 1;
    if kind != PINNED || location_type != DEVICE {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    if handles != 0 {
        return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
    }
    let raw = s.backend.mem_pool_create(dev, max_size)?;
    let id = s.handles.insert(Entry { kind: Kind::Pool, raw, ctx: s.current, parent: CREATED });
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuMemPoolDestroy`: [pool id u64] -> []; default pools are refused.
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let entry = s.handles.get(id, Kind::Pool)?;
    if entry.parent != CREATED {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    // With allocations from it still live the driver keeps the pool until
    // they are freed: trimmed first, what it still reserves stays charged.
    let kept = if s.pooled.values().any(|(_, pool)| *pool == entry.raw) {
        let _ = s.backend.mem_pool_trim(entry.raw, 0);
        s.backend.mem_pool_get_attribute(entry.raw, crate::session::POOL_RESERVED_MEM_CURRENT).ok()
    } else {
        None
    };
    s.backend.mem_pool_destroy(entry.raw)?;
    s.handles.remove(id, Kind::Pool)?;
    if let Some(reserved) = kept {
        s.destroyed_pools.insert(entry.raw, reserved);
    }
    s.settle_pools();
    ok(Encoder::new())
}

/// `cuMemAllocFromPoolAsync`: [size u64, pool id u64, stream u64] ->
/// [pointer u64]; charged to the VM like any allocation.
pub fn alloc_from_pool(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (size, pool, stream) = (a.u64()?, a.u64()?, a.u64()?);
    let pool = s.handles.raw(pool, Kind::Pool)?;
    let stream = super::stream_raw(s, stream)?;
    super::memory::refuse_capture(s, stream)?;
    super::memory::pooled_alloc(s, size, Some(pool), |b| b.mem_alloc_from_pool(size, pool, stream))
}

/// `cuDeviceGetMemPool`: [device i32] -> [pool id u64].
pub fn device_pool(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.backend.device_mem_pool(a.i32()?)?;
    let id = pool_id(s, raw);
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuDeviceSetMemPool`: [device i32, pool id u64] -> [].
pub fn set_device_pool(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (dev, pool) = (a.i32()?, a.u64()?);
    let raw = s.handles.raw(pool, Kind::Pool)?;
    s.backend.device_set_mem_pool(dev, raw)?;
    ok(Encoder::new())
}

/// `cuDeviceGetDefaultMemPool`: [device i32] -> [pool id u64].
pub fn default_pool(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.backend.default_mem_pool(a.i32()?)?;
    let id = pool_id(s, raw);
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuMemPoolTrimTo`: [pool id u64, bytes to keep u64] -> [].
pub fn trim(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (pool, keep) = (a.u64()?, a.u64()?);
    s.backend.mem_pool_trim(s.handles.raw(pool, Kind::Pool)?, keep)?;
    s.settle_pools();
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

/// Most access descriptors in one `cuMemPoolSetAccess`.
const MAX_ACCESS_DESCS: u32 = 64;

/// `cuMemPoolSetAccess`: [pool id u64, count u32, (location type u32,
/// location id i32, flags u32)*] -> [].
pub fn set_access(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let pool = s.handles.raw(a.u64()?, Kind::Pool)?;
    let n = a.u32()?;
    if n > MAX_ACCESS_DESCS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let mut descs = Vec::with_capacity(n as usize);
    for _ in 0..n {
        descs.push((a.u32()?, a.i32()?, a.u32()?));
    }
    s.backend.mem_pool_set_access(pool, &descs)?;
    ok(Encoder::new())
}

/// `cuMemPoolGetAccess`: [pool id u64, location type u32, location id i32] -> [flags u32].
pub fn get_access(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let pool = s.handles.raw(a.u64()?, Kind::Pool)?;
    let location = (a.u32()?, a.i32()?);
    let f = s.backend.mem_pool_get_access(pool, location)?;
    let mut e = Encoder::new();
    e.u32(f);
    ok(e)
}
