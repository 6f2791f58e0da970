//! Virtual memory management, forwarded: reserved ranges, physical
//! allocations, mappings and access. Mapped ranges are recorded as device
//! memory for `cuMemcpy`'s unified addressing.

use core::ffi::c_void;

use cuvm_abi::{CUdeviceptr, CUmemAccessDesc, CUmemAllocationProp, CUmemGenericAllocationHandle, CUmemLocation, CUresult};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, protocol};

fn put_prop(e: &mut Encoder, prop: *const CUmemAllocationProp) -> Result<(), CUresult> {
    if prop.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: non-null, valid by the caller's contract.
    let p = unsafe { &*prop };
    e.u32(p.type_.0).u32(p.requestedHandleTypes.0).u32(p.location.type_.0).i32(p.location.id);
    e.u8(p.allocFlags.compressionType).u8(p.allocFlags.gpuDirectRDMACapable).u32(u32::from(p.allocFlags.usage));
    Ok(())
}

/// `cuMemGetAllocationGranularity`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn granularity(out: *mut usize, prop: *const CUmemAllocationProp, option: u32) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        put_prop(&mut e, prop)?;
        e.u32(option);
        let g = call(ops::cuMemGetAllocationGranularity, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, usize::try_from(g).unwrap_or(usize::MAX)) };
        Ok(())
    })())
}

/// `cuMemCreate`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn create(handle: *mut CUmemGenericAllocationHandle, size: usize, prop: *const CUmemAllocationProp, flags: u64) -> CUresult {
    remote::done((|| {
        let handle = non_null(handle)?;
        let mut e = Encoder::new();
        e.u64(size as u64);
        put_prop(&mut e, prop)?;
        e.u64(flags);
        let id = call(ops::cuMemCreate, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(handle, id) };
        Ok(())
    })())
}

/// `cuMemGetAllocationPropertiesFromHandle`.
///
/// # Safety
/// `prop` is null or valid for a write.
pub unsafe fn properties(prop: *mut CUmemAllocationProp, handle: CUmemGenericAllocationHandle) -> CUresult {
    remote::done((|| {
        let prop = non_null(prop)?;
        let mut e = Encoder::new();
        e.u64(handle);
        let reply = call(ops::cuMemGetAllocationPropertiesFromHandle, &e)?;
        let mut d = reply.decoder();
        let mut p = CUmemAllocationProp::default();
        p.type_ = cuvm_abi::CUmemAllocationType(d.u32().map_err(protocol)?);
        p.requestedHandleTypes = cuvm_abi::CUmemAllocationHandleType(d.u32().map_err(protocol)?);
        p.location = CUmemLocation { type_: cuvm_abi::CUmemLocationType(d.u32().map_err(protocol)?), id: d.i32().map_err(protocol)? };
        p.allocFlags.compressionType = d.u8().map_err(protocol)?;
        p.allocFlags.gpuDirectRDMACapable = d.u8().map_err(protocol)?;
        p.allocFlags.usage = u16::try_from(d.u32().map_err(protocol)?).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(prop, p) };
        Ok(())
    })())
}

use remote::plain;

/// `cuMemRelease`.
pub fn release(handle: CUmemGenericAllocationHandle) -> CUresult {
    plain(ops::cuMemRelease, &[handle])
}

/// `cuMemAddressReserve`.
///
/// # Safety
/// `ptr` null or valid.
pub unsafe fn reserve(ptr: *mut CUdeviceptr, size: usize, alignment: usize, addr: CUdeviceptr, flags: u64) -> CUresult {
    remote::done((|| {
        let ptr = non_null(ptr)?;
        let mut e = Encoder::new();
        e.u64(size as u64).u64(alignment as u64).u64(addr).u64(flags);
        let p = call(ops::cuMemAddressReserve, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(ptr, p) };
        Ok(())
    })())
}

/// `cuMemAddressFree`.
pub fn address_free(ptr: CUdeviceptr, size: usize) -> CUresult {
    plain(ops::cuMemAddressFree, &[ptr, size as u64])
}

/// `cuMemMap`.
pub fn map(ptr: CUdeviceptr, size: usize, offset: usize, handle: CUmemGenericAllocationHandle, flags: u64) -> CUresult {
    let r = plain(ops::cuMemMap, &[ptr, size as u64, offset as u64, handle, flags]);
    if r.is_success() {
        crate::memory::note_device_range(ptr, size as u64);
    }
    r
}

/// `cuMemUnmap`.
pub fn unmap(ptr: CUdeviceptr, size: usize) -> CUresult {
    let r = plain(ops::cuMemUnmap, &[ptr, size as u64]);
    if r.is_success() {
        crate::memory::forget_device_range(ptr);
    }
    r
}

/// The most access descriptors one call may carry (as the host accepts).
const MAX_ACCESS_DESCS: usize = 64;

/// `cuMemSetAccess`.
///
/// # Safety
/// `desc` holds `count` entries.
pub unsafe fn set_access(ptr: CUdeviceptr, size: usize, desc: *const CUmemAccessDesc, count: usize) -> CUresult {
    remote::done((|| {
        if desc.is_null() || count == 0 || count > MAX_ACCESS_DESCS {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(ptr).u64(size as u64).u32(count as u32);
        for i in 0..count {
            // SAFETY: `desc` holds `count` entries.
            let d = unsafe { &*desc.add(i) };
            e.u32(d.location.type_.0).i32(d.location.id).u32(d.flags.0);
        }
        call(ops::cuMemSetAccess, &e).map(|_| ())
    })())
}

/// `cuMemGetAccess`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn get_access(flags: *mut u64, location: *const CUmemLocation, ptr: CUdeviceptr) -> CUresult {
    remote::done((|| {
        let flags = non_null(flags)?;
        if location.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: non-null, valid by the caller's contract.
        let l = unsafe { &*location };
        let mut e = Encoder::new();
        e.u32(l.type_.0).i32(l.id).u64(ptr);
        let f = call(ops::cuMemGetAccess, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(flags, f) };
        Ok(())
    })())
}

/// `cuMemRetainAllocationHandle`.
///
/// # Safety
/// `handle` null or valid.
pub unsafe fn retain(handle: *mut CUmemGenericAllocationHandle, addr: *mut c_void) -> CUresult {
    remote::done((|| {
        let handle = non_null(handle)?;
        let mut e = Encoder::new();
        e.u64(addr as usize as u64);
        let id = call(ops::cuMemRetainAllocationHandle, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(handle, id) };
        Ok(())
    })())
}
