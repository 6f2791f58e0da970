//! Devices. Immutable facts (attributes, names, UUIDs, total memory) are
//! cached in the guest after the first answer, so repeated queries cost no
//! round trip.

use core::ffi::{c_char, c_int};
use std::collections::HashMap;
use std::sync::Mutex;

use cuvm_abi::{CUdevice_attribute, CUdevprop, CUresult, CUuuid};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, protocol};

static ATTRIBUTES: Mutex<Option<HashMap<(i32, i32), i32>>> = Mutex::new(None);

/// `cuDeviceGetCount`.
///
/// # Safety
/// `count` is null or valid for a write.
pub unsafe fn count(count: *mut c_int) -> CUresult {
    remote::done((|| {
        let count = non_null(count)?;
        let r = call(ops::cuDeviceGetCount, &Encoder::new())?;
        let n = r.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(count, n) };
        Ok(())
    })())
}

/// `cuDeviceGet`.
///
/// # Safety
/// `device` is null or valid for a write.
pub unsafe fn get(device: *mut c_int, ordinal: c_int) -> CUresult {
    remote::done((|| {
        let device = non_null(device)?;
        let mut e = Encoder::new();
        e.i32(ordinal);
        let d = call(ops::cuDeviceGet, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(device, d) };
        Ok(())
    })())
}

/// `cuDeviceGetName`: the name, truncated to `len - 1` bytes and terminated.
///
/// # Safety
/// `name` is null or valid for `len` bytes.
pub unsafe fn name(name: *mut c_char, len: c_int, dev: c_int) -> CUresult {
    remote::done((|| {
        let name = non_null(name)?;
        let len = usize::try_from(len).ok().filter(|l| *l > 0).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let r = call(ops::cuDeviceGetName, &e)?;
        let text = r.decoder().str(4096).map_err(protocol)?.as_bytes().to_vec();
        let n = text.len().min(len - 1);
        // SAFETY: `name` holds `len` bytes; we write n + 1 <= len.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), name, n);
            name.add(n).write(0);
        }
        Ok(())
    })())
}

/// `cuDeviceGetUuid` / `_v2`.
///
/// # Safety
/// `uuid` is null or valid for a write.
pub unsafe fn uuid(uuid: *mut CUuuid, dev: c_int) -> CUresult {
    remote::done((|| {
        let uuid = non_null(uuid)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let r = call(ops::cuDeviceGetUuid_v2, &e)?;
        let mut d = r.decoder();
        let bytes = d.take(16).map_err(protocol)?;
        let mut u = CUuuid::default();
        for (dst, src) in u.bytes.iter_mut().zip(bytes) {
            *dst = *src as c_char;
        }
        // SAFETY: checked non-null.
        unsafe { remote::write(uuid, u) };
        Ok(())
    })())
}

/// `cuDeviceTotalMem_v2`: the VM's quota where it is below the card's memory.
///
/// # Safety
/// `bytes` is null or valid for a write.
pub unsafe fn total_mem(bytes: *mut usize, dev: c_int) -> CUresult {
    remote::done((|| {
        let bytes = non_null(bytes)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let v = call(ops::cuDeviceTotalMem_v2, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(bytes, usize::try_from(v).unwrap_or(usize::MAX)) };
        Ok(())
    })())
}

/// A device attribute, from the cache or the host.
///
/// # Errors
/// The host's answer.
pub fn attribute_value(attrib: i32, dev: c_int) -> Result<i32, CUresult> {
    if let Ok(cache) = ATTRIBUTES.lock() {
        if let Some(v) = cache.as_ref().and_then(|m| m.get(&(attrib, dev))) {
            return Ok(*v);
        }
    }
    let mut e = Encoder::new();
    e.i32(attrib).i32(dev);
    let v = call(ops::cuDeviceGetAttribute, &e)?.decoder().i32().map_err(protocol)?;
    if let Ok(mut cache) = ATTRIBUTES.lock() {
        cache.get_or_insert_with(HashMap::new).insert((attrib, dev), v);
    }
    Ok(v)
}

/// `cuDeviceGetAttribute`.
///
/// # Safety
/// `value` is null or valid for a write.
pub unsafe fn attribute(value: *mut c_int, attrib: CUdevice_attribute, dev: c_int) -> CUresult {
    remote::done((|| {
        let value = non_null(value)?;
        let attrib = i32::try_from(attrib.0).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let v = attribute_value(attrib, dev)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(value, v) };
        Ok(())
    })())
}

/// `cuDeviceComputeCapability` (deprecated): from the two attributes.
///
/// # Safety
/// `major`, `minor` are null or valid for writes.
pub unsafe fn compute_capability(major: *mut c_int, minor: *mut c_int, dev: c_int) -> CUresult {
    remote::done((|| {
        let (major, minor) = (non_null(major)?, non_null(minor)?);
        let a = attribute_value(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR.0 as i32, dev)?;
        let b = attribute_value(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR.0 as i32, dev)?;
        // SAFETY: checked non-null.
        unsafe {
            remote::write(major, a);
            remote::write(minor, b);
        }
        Ok(())
    })())
}

/// `cuDeviceGetProperties` (deprecated): from the attributes it summarises.
///
/// # Safety
/// `prop` is null or valid for a write.
pub unsafe fn properties(prop: *mut CUdevprop, dev: c_int) -> CUresult {
    remote::done((|| {
        let prop = non_null(prop)?;
        let a = |attr: CUdevice_attribute| attribute_value(attr.0 as i32, dev);
        use CUdevice_attribute as A;
        let p = CUdevprop {
            maxThreadsPerBlock: a(A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK)?,
            maxThreadsDim: [
                a(A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X)?,
                a(A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y)?,
                a(A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z)?,
            ],
            maxGridSize: [
                a(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X)?,
                a(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y)?,
                a(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z)?,
            ],
            sharedMemPerBlock: a(A::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK)?,
            totalConstantMemory: a(A::CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY)?,
            SIMDWidth: a(A::CU_DEVICE_ATTRIBUTE_WARP_SIZE)?,
            memPitch: a(A::CU_DEVICE_ATTRIBUTE_MAX_PITCH)?,
            regsPerBlock: a(A::CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK)?,
            clockRate: a(A::CU_DEVICE_ATTRIBUTE_CLOCK_RATE)?,
            textureAlign: a(A::CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT)?,
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(prop, p) };
        Ok(())
    })())
}

/// `cuDeviceGetPCIBusId`: copied into `pciBusId` (at most `len` bytes with
/// the terminator).
///
/// # Safety
/// `bus_id` is null or valid for `len` bytes.
pub unsafe fn pci_bus_id(bus_id: *mut c_char, len: c_int, dev: c_int) -> CUresult {
    remote::done((|| {
        let bus_id = non_null(bus_id)?;
        let len = usize::try_from(len).ok().filter(|l| *l > 0).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let r = call(ops::cuDeviceGetPCIBusId, &e)?;
        let text = r.decoder().str(256).map_err(protocol)?.as_bytes().to_vec();
        let n = text.len().min(len - 1);
        // SAFETY: `bus_id` holds `len` bytes; we write n + 1 <= len.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), bus_id, n);
            bus_id.add(n).write(0);
        }
        Ok(())
    })())
}

/// `cuDeviceCanAccessPeer`.
///
/// # Safety
/// `can` is null or valid for a write.
pub unsafe fn can_access_peer(can: *mut c_int, dev: c_int, peer: c_int) -> CUresult {
    remote::done((|| {
        let can = non_null(can)?;
        let mut e = Encoder::new();
        e.i32(dev).i32(peer);
        let v = call(ops::cuDeviceCanAccessPeer, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(can, v) };
        Ok(())
    })())
}

/// `cuDeviceGetP2PAttribute`.
///
/// # Safety
/// `value` is null or valid for a write.
pub unsafe fn p2p_attribute(value: *mut c_int, attrib: u32, src: c_int, dst: c_int) -> CUresult {
    remote::done((|| {
        let value = non_null(value)?;
        let mut e = Encoder::new();
        e.i32(i32::try_from(attrib).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?).i32(src).i32(dst);
        let v = call(ops::cuDeviceGetP2PAttribute, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(value, v) };
        Ok(())
    })())
}

/// A PCI bus id as (domain, bus, device): "[domain:]bus:device[.function]",
/// hexadecimal, as the driver accepts it.
fn parse_bus_id(text: &str) -> Option<(u32, u32, u32)> {
    let text = text.trim().trim_end_matches('\0');
    let main = text.split('.').next()?;
    let parts: Vec<&str> = main.split(':').collect();
    let hex = |s: &str| u32::from_str_radix(s, 16).ok();
    match parts.as_slice() {
        [d, b, v] => Some((hex(d)?, hex(b)?, hex(v)?)),
        [b, v] => Some((0, hex(b)?, hex(v)?)),
        _ => None,
    }
}

/// `cuDeviceGetByPCIBusId`: the device whose bus id (as `cuDeviceGetPCIBusId`
/// reports it) names the same domain, bus and device.
///
/// # Safety
/// `dev` null or valid; `bus_id` null or a C string.
pub unsafe fn by_pci_bus_id(dev: *mut c_int, bus_id: *const c_char) -> CUresult {
    remote::done((|| {
        let dev = non_null(dev)?;
        if bus_id.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: a C string by the caller's contract.
        let wanted = unsafe { std::ffi::CStr::from_ptr(bus_id) }.to_str().ok().and_then(parse_bus_id);
        let wanted = wanted.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut n = 0;
        // SAFETY: a local.
        let r = unsafe { count(&mut n) };
        if r != CUresult::CUDA_SUCCESS {
            return Err(r);
        }
        for d in 0..n {
            let mut e = Encoder::new();
            e.i32(d);
            let reply = call(ops::cuDeviceGetPCIBusId, &e)?;
            let text = reply.decoder().str(256).map_err(protocol)?.to_string();
            if parse_bus_id(&text) == Some(wanted) {
                // SAFETY: checked non-null.
                unsafe { remote::write(dev, d) };
                return Ok(());
            }
        }
        Err(CUresult::CUDA_ERROR_INVALID_DEVICE)
    })())
}

#[cfg(test)]
mod bus_id_tests {
    use super::parse_bus_id;

    #[test]
    fn bus_ids_parse_in_every_form_the_driver_accepts() {
        assert_eq!(parse_bus_id("0000:45:00.0"), Some((0, 0x45, 0)));
        assert_eq!(parse_bus_id("0001:C1:1f"), Some((1, 0xc1, 0x1f)));
        assert_eq!(parse_bus_id("45:00.0"), Some((0, 0x45, 0)));
        assert_eq!(parse_bus_id("bogus"), None);
        assert_eq!(parse_bus_id("1:2:3:4"), None);
    }
}

/// `cuDeviceGetGraphMemAttribute` / `cuDeviceSetGraphMemAttribute` (`set`):
/// every attribute is a `cuuint64_t`.
///
/// # Safety
/// `value` null or valid for a `u64`.
pub unsafe fn graph_mem_attribute(dev: c_int, attr: cuvm_abi::CUgraphMem_attribute, value: *mut core::ffi::c_void, set: bool) -> CUresult {
    remote::done((|| {
        let value = non_null(value.cast::<u64>())?;
        let mut e = Encoder::new();
        e.i32(dev).u32(attr.0);
        if set {
            // SAFETY: non-null, valid by contract.
            e.u64(unsafe { value.read_unaligned() });
            return call(ops::cuDeviceSetGraphMemAttribute, &e).map(|_| ());
        }
        let v = call(ops::cuDeviceGetGraphMemAttribute, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { value.write_unaligned(v) };
        Ok(())
    })())
}

/// Reads `count` atomic operations, each checked to be one the driver knows.
///
/// # Safety
/// `ops` holds `count` entries if non-null.
unsafe fn atomic_ops(caps: *mut core::ffi::c_uint, ops_in: *const cuvm_abi::CUatomicOperation, count: core::ffi::c_uint) -> Result<Vec<u32>, CUresult> {
    if caps.is_null() || ops_in.is_null() || count == 0 || count > 64 {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    let max = cuvm_abi::CUatomicOperation::CU_ATOMIC_OPERATION_MAX.0;
    (0..count as usize)
        .map(|i| {
            // SAFETY: `count` entries by contract.
            let op = unsafe { *ops_in.add(i) }.0;
            if op < max { Ok(op) } else { Err(CUresult::CUDA_ERROR_INVALID_VALUE) }
        })
        .collect()
}

/// `cuDeviceGetHostAtomicCapabilities`: no atomic operation between the
/// device and the guest's memory is supported (the guest's page-locked
/// memory reaches the device as a copy, coherent at synchronisations), so
/// every capability mask is 0 — what a client should plan for.
///
/// # Safety
/// `caps` and `ops_in` hold `count` entries.
pub unsafe fn host_atomic_capabilities(caps: *mut core::ffi::c_uint, ops_in: *const cuvm_abi::CUatomicOperation, count: core::ffi::c_uint, dev: c_int) -> CUresult {
    remote::done((|| {
        // SAFETY: forwarded contract.
        let list = unsafe { atomic_ops(caps, ops_in, count)? };
        attribute_value(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR.0 as i32, dev)?;
        for i in 0..list.len() {
            // SAFETY: `count` entries by contract.
            unsafe { caps.add(i).write(0) };
        }
        Ok(())
    })())
}

/// `cuDeviceGetP2PAtomicCapabilities`, answered by the host's driver.
///
/// # Safety
/// `caps` and `ops_in` hold `count` entries.
pub unsafe fn p2p_atomic_capabilities(
    caps: *mut core::ffi::c_uint,
    ops_in: *const cuvm_abi::CUatomicOperation,
    count: core::ffi::c_uint,
    src: c_int,
    dst: c_int,
) -> CUresult {
    remote::done((|| {
        // SAFETY: forwarded contract.
        let list = unsafe { atomic_ops(caps, ops_in, count)? };
        let mut e = Encoder::new();
        e.u32(count);
        for op in &list {
            e.u32(*op);
        }
        e.i32(src).i32(dst);
        let r = call(ops::cuDeviceGetP2PAtomicCapabilities, &e)?;
        let mut d = r.decoder();
        for i in 0..list.len() {
            let c = d.u32().map_err(protocol)?;
            // SAFETY: `count` entries by contract.
            unsafe { caps.add(i).write(c) };
        }
        Ok(())
    })())
}
