//! Virtual memory management: reserve address ranges, create physical
//! allocations (charged to the VM's quota), map them, set access. Mapped
//! ranges become the session's memory for pointer checks. Only the native
//! backend serves these calls.

use cuvm_abi::CUresult;
use cuvm_wire::{DecodeError, Decoder, Encoder};

use crate::backend::MemProp;
use crate::session::allocations::{Owner, Range};
use crate::session::handles::{Entry, Kind};
use crate::session::{Fail, HResult, Session, ok};

/// The most access descriptors one `cuMemSetAccess` may carry.
const MAX_ACCESS_DESCS: u32 = 64;

/// Reads a `CUmemAllocationProp`: [type u32, handle types u32, location type
/// u32, location id i32, compression u8, rdma u8, usage u32].
fn prop(a: &mut Decoder<'_>) -> Result<MemProp, DecodeError> {
    Ok(MemProp {
        kind: a.u32()?,
        handle_types: a.u32()?,
        location_type: a.u32()?,
        location_id: a.i32()?,
        compression: a.u8()?,
        rdma: a.u8()?,
        usage: a.u32().map(|v| (v & 0xffff) as u16)?,
    })
}

/// `cuMemGetAllocationGranularity`: [prop, option u32] -> [granularity u64].
pub fn granularity(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let p = prop(a)?;
    let g = s.backend.mem_granularity(p, a.u32()?)?;
    let mut e = Encoder::new();
    e.u64(g);
    ok(e)
}

/// `cuMemCreate`: [size u64, prop, flags u64] -> [handle id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let size = a.u64()?;
    let p = prop(a)?;
    let flags = a.u64()?;
    if !s.vm.charge(size) {
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    let raw = s.backend.mem_create(size, p, flags).inspect_err(|_| s.vm.release(size))?;
    let id = s.handles.insert(Entry { kind: Kind::MemHandle, raw, ctx: 0, parent: 0 });
    s.mem_handles.insert(id, (size, 1));
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// `cuMemGetAllocationPropertiesFromHandle`: [handle id u64] -> [prop].
pub fn properties(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::MemHandle)?;
    let p = s.backend.mem_properties(raw)?;
    let mut e = Encoder::new();
    e.u32(p.kind).u32(p.handle_types).u32(p.location_type).i32(p.location_id);
    e.u8(p.compression).u8(p.rdma).u32(u32::from(p.usage));
    ok(e)
}

/// `cuMemRelease`: [handle id u64] -> []. The quota comes back with the
/// last reference.
pub fn release(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::MemHandle)?;
    s.backend.mem_release(raw)?;
    let Some((size, refs)) = s.mem_handles.get(&id).copied() else {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    };
    if refs <= 1 {
        s.mem_handles.remove(&id);
        s.handles.remove(id, Kind::MemHandle)?;
        s.vm.release(size);
    } else {
        s.mem_handles.insert(id, (size, refs - 1));
    }
    ok(Encoder::new())
}

/// `cuMemAddressReserve`: [size u64, alignment u64, address hint u64,
/// flags u64] -> [start u64].
pub fn reserve(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (size, alignment, addr, flags) = (a.u64()?, a.u64()?, a.u64()?, a.u64()?);
    let ptr = s.backend.mem_address_reserve(size, alignment, addr, flags)?;
    s.reservations.insert(ptr, size);
    let mut e = Encoder::new();
    e.u64(ptr);
    ok(e)
}

/// `cuMemAddressFree`: [start u64, size u64] -> [].
pub fn address_free(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (ptr, size) = (a.u64()?, a.u64()?);
    if s.reservations.get(&ptr) != Some(&size) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    s.backend.mem_address_free(ptr, size)?;
    s.reservations.remove(&ptr);
    ok(Encoder::new())
}

/// Whether `[ptr, ptr+size)` lies inside one of the session's reservations.
fn reserved(s: &Session, ptr: u64, size: u64) -> bool {
    s.reservations
        .range(..=ptr)
        .next_back()
        .is_some_and(|(start, len)| ptr.checked_add(size).is_some_and(|end| end <= start.saturating_add(*len)) && size > 0)
}

/// `cuMemMap`: [start u64, size u64, offset u64, handle id u64, flags u64] -> [].
pub fn map(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (ptr, size, offset, handle, flags) = (a.u64()?, a.u64()?, a.u64()?, a.u64()?, a.u64()?);
    if !reserved(s, ptr, size) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let raw = s.handles.raw(handle, Kind::MemHandle)?;
    s.backend.mem_map(ptr, size, offset, raw, flags)?;
    s.allocations.insert(ptr, Range { len: size, ctx: s.current, owner: Owner::Mapping { handle } });
    ok(Encoder::new())
}

/// `cuMemUnmap`: [start u64, size u64] -> [] (one whole mapping).
pub fn unmap(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (ptr, size) = (a.u64()?, a.u64()?);
    match s.allocations.get(ptr) {
        Some(r) if matches!(r.owner, Owner::Mapping { .. }) && r.len == size => {}
        _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into()),
    }
    s.backend.mem_unmap(ptr, size)?;
    s.allocations.remove(ptr);
    ok(Encoder::new())
}

/// `cuMemSetAccess`: [start u64, size u64, count u32, (location type u32,
/// location id i32, flags u32)*] -> [].
pub fn set_access(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (ptr, size, count) = (a.u64()?, a.u64()?, a.u32()?);
    if count > MAX_ACCESS_DESCS {
        return Err(Fail::Malformed(DecodeError::TooLong { len: u64::from(count), max: u64::from(MAX_ACCESS_DESCS) }));
    }
    let mut descs = Vec::with_capacity(count as usize);
    for _ in 0..count {
        descs.push((a.u32()?, a.i32()?, a.u32()?));
    }
    s.allocations.check(ptr, size)?;
    s.backend.mem_set_access(ptr, size, &descs)?;
    ok(Encoder::new())
}

/// `cuMemGetAccess`: [location type u32, location id i32, pointer u64] -> [flags u64].
pub fn get_access(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (t, id, ptr) = (a.u32()?, a.i32()?, a.u64()?);
    s.allocations.check(ptr, 0)?;
    let f = s.backend.mem_get_access((t, id), ptr)?;
    let mut e = Encoder::new();
    e.u64(f);
    ok(e)
}

/// `cuMemRetainAllocationHandle`: [address u64] -> [handle id u64].
pub fn retain(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let addr = a.u64()?;
    let Some((_, range)) = s.allocations.containing(addr) else {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    };
    let Owner::Mapping { handle } = range.owner else {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    };
    s.backend.mem_retain_handle(addr)?;
    if let Some(entry) = s.mem_handles.get_mut(&handle) {
        entry.1 += 1;
    }
    let mut e = Encoder::new();
    e.u64(handle);
    ok(e)
}
