//! Memory: device allocations, copies and memsets, forwarded; page-locked
//! host memory, answered in the guest.
//!
//! Page-locked host memory cannot be page-locked for a GPU the guest does
//! not see: `cuMemAllocHost`/`cuMemHostAlloc` return ordinary page-aligned
//! guest memory and `cuMemHostRegister` only records the range, so programs
//! that use pinned buffers work (copies from them go over the transport like
//! any other). Small page-locked buffers are mirrored on the host at the
//! same address (see `mirror`), so kernels can reach them as unified
//! addressing promises; larger ones cannot be mapped into the device
//! (`cuMemHostGetDevicePointer` refuses them), and the host reports
//! `CAN_MAP_HOST_MEMORY` = 0 so that clients do not rely on it. With
//! unified addressing, clients also hand page-locked host addresses to
//! memsets and copies (XLA does, on small host buffers): those are done
//! here, in the guest, in stream order (as host functions are), which is
//! what the driver does to such memory. Kernels cannot reach it.

use core::ffi::{c_uint, c_void};
use std::collections::BTreeMap;
use std::sync::Mutex;

use cuvm_abi::{CUdeviceptr, CUresult, CUstream};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, call_bulk, non_null, post, protocol, stream_id};

/// Device ranges this process allocated: start -> length. Lets `cuMemcpy`
/// tell device pointers from host pointers without a round trip.
static DEVICE: Mutex<BTreeMap<u64, u64>> = Mutex::new(BTreeMap::new());

/// Host ranges allocated or registered as page-locked: start -> (length, flags, owned).
static PINNED: Mutex<BTreeMap<usize, (usize, u32, bool)>> = Mutex::new(BTreeMap::new());

/// Whether `[ptr, ptr + len)` lies inside one page-locked host range.
fn is_pinned_span(ptr: u64, len: usize) -> bool {
    let Ok(start) = usize::try_from(ptr) else { return false };
    let inside = {
        let map = PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.range(..=start).next_back().is_some_and(|(s, (l, _, _))| start - s < *l && len <= *l - (start - s))
    };
    // Mirrored buffers are device memory to the host: their work goes there;
    // a range the host gave as device memory is device memory.
    inside && !crate::mirror::contains(ptr, len) && !is_device(ptr)
}

/// A copy whose device-side address is page-locked host memory (given so
/// under unified addressing): done here after the stream's earlier work.
fn local_copy(dst: usize, src: usize, size: usize, stream: Option<u64>) -> CUresult {
    let s = stream.unwrap_or(0) as usize as CUstream;
    let seen = std::cell::Cell::new(CUresult::CUDA_SUCCESS);
    let r = crate::stream::run_in_order(s, false, |status| {
        seen.set(status);
        if status.is_success() {
            // SAFETY: both sides hold `size` bytes: the page-locked side was
            // checked, the other is the caller's by the driver's contract.
            unsafe { std::ptr::copy(src as *const u8, dst as *mut u8, size) };
        }
    });
    // Not done because the stream had failed: say so.
    if r.is_success() { seen.get() } else { r }
}

/// A memset of host memory: `height` rows of `width` elements of `elem`
/// bytes, `pitch` bytes apart.
///
/// # Safety
/// The rows lie in writable memory.
unsafe fn fill_host(dst: usize, pitch: usize, value: u32, elem: u8, width: usize, height: usize) {
    let bytes = value.to_le_bytes();
    let elem = usize::from(elem);
    for r in 0..height {
        let row = (dst + r * pitch) as *mut u8;
        for i in 0..width {
            // SAFETY: inside the row, by the caller's contract.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), row.add(i * elem), elem) };
        }
    }
}

pub(crate) fn is_device(ptr: u64) -> bool {
    let map = DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    map.range(..=ptr).next_back().is_some_and(|(start, len)| ptr - start < *len)
}

/// `cuMemAlloc_v2`.
///
/// # Safety
/// `dptr` is null or valid for a write.
pub unsafe fn alloc(dptr: *mut CUdeviceptr, size: usize) -> CUresult {
    remote::done((|| {
        let dptr = non_null(dptr)?;
        let mut e = Encoder::new();
        e.u64(size as u64);
        let p = call(ops::cuMemAlloc_v2, &e)?.decoder().u64().map_err(protocol)?;
        DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(p, size as u64);
        // SAFETY: checked non-null.
        unsafe { remote::write(dptr, p) };
        Ok(())
    })())
}

/// `cuMemAllocPitch_v2`.
///
/// # Safety
/// `dptr`, `pitch` are null or valid for writes.
pub unsafe fn alloc_pitch(dptr: *mut CUdeviceptr, pitch: *mut usize, width: usize, height: usize, elem: c_uint) -> CUresult {
    remote::done((|| {
        let (dptr, pitch) = (non_null(dptr)?, non_null(pitch)?);
        let mut e = Encoder::new();
        e.u64(width as u64).u64(height as u64).u32(elem);
        let r = call(ops::cuMemAllocPitch_v2, &e)?;
        let mut d = r.decoder();
        let (p, pt) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
        DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(p, pt.saturating_mul(height as u64));
        // SAFETY: checked non-null.
        unsafe {
            remote::write(dptr, p);
            remote::write(pitch, usize::try_from(pt).unwrap_or(usize::MAX));
        }
        Ok(())
    })())
}

/// `cuMemFree_v2`.
pub fn free(dptr: CUdeviceptr) -> CUresult {
    if crate::managed::is_managed(dptr) {
        return crate::managed::free(dptr);
    }
    let mut e = Encoder::new();
    e.u64(dptr);
    let r = call(ops::cuMemFree_v2, &e).map(|_| ());
    if r.is_ok() {
        DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&dptr);
    }
    remote::done(r)
}

/// `cuMemGetInfo_v2`: within the VM's quota.
///
/// # Safety
/// `free`, `total` are null or valid for writes.
pub unsafe fn get_info(free: *mut usize, total: *mut usize) -> CUresult {
    remote::done((|| {
        let (free, total) = (non_null(free)?, non_null(total)?);
        let r = call(ops::cuMemGetInfo_v2, &Encoder::new())?;
        let mut d = r.decoder();
        let (f, t) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
        // SAFETY: checked non-null.
        unsafe {
            remote::write(free, usize::try_from(f).unwrap_or(usize::MAX));
            remote::write(total, usize::try_from(t).unwrap_or(usize::MAX));
        }
        Ok(())
    })())
}

/// `cuMemGetAddressRange_v2`: either out-pointer may be null.
///
/// # Safety
/// Each pointer is null or valid for a write.
pub unsafe fn address_range(base: *mut CUdeviceptr, size: *mut usize, dptr: CUdeviceptr) -> CUresult {
    remote::done((|| {
        let mut e = Encoder::new();
        e.u64(dptr);
        let r = call(ops::cuMemGetAddressRange_v2, &e)?;
        let mut d = r.decoder();
        let (b, s) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
        // SAFETY: each written only when non-null.
        unsafe {
            if !base.is_null() {
                remote::write(base, b);
            }
            if !size.is_null() {
                remote::write(size, usize::try_from(s).unwrap_or(usize::MAX));
            }
        }
        Ok(())
    })())
}

/// Host to device, synchronous (`op` is the called variant).
///
/// # Safety
/// `src` is valid for `size` bytes (or `size` is 0).
pub unsafe fn htod(op: u32, dst: CUdeviceptr, src: *const c_void, size: usize, stream: Option<u64>) -> CUresult {
    if size > 0 && src.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    if size > 0 && is_pinned_span(dst, size) {
        return local_copy(dst as usize, src as usize, size, stream);
    }
    let data: &[u8] = if size == 0 {
        &[]
    } else {
        // SAFETY: valid for `size` bytes by the caller's contract.
        unsafe { std::slice::from_raw_parts(src.cast::<u8>(), size) }
    };
    let mut e = Encoder::new();
    e.u64(dst).u64(size as u64).u64(stream.unwrap_or(0));
    let data = (size > 0).then_some(data);
    match stream {
        // The bytes are on the wire before this returns: the caller may
        // reuse its buffer at once, as with pageable memory on the driver.
        Some(_) => remote::done(post(op, &e, data)),
        None => remote::done(call_bulk(op, &e, data, None).map(|_| ())),
    }
}

/// Device to host (`stream` for the async variants, which complete before
/// returning: the bytes have to cross the transport anyway).
///
/// # Safety
/// `dst` is valid for `size` bytes (or `size` is 0).
pub unsafe fn dtoh(op: u32, dst: *mut c_void, src: CUdeviceptr, size: usize, stream: Option<u64>) -> CUresult {
    if size > 0 && dst.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    if size > 0 && is_pinned_span(src, size) {
        return local_copy(dst as usize, src as usize, size, stream);
    }
    let mut e = Encoder::new();
    e.u64(src).u64(size as u64).u64(stream.unwrap_or(0));
    let sink: Option<&mut [u8]> = if size == 0 {
        None
    } else {
        // SAFETY: valid for `size` bytes by the caller's contract.
        Some(unsafe { std::slice::from_raw_parts_mut(dst.cast::<u8>(), size) })
    };
    remote::done(call_bulk(op, &e, None, sink).map(|_| ()))
}

/// Device to device.
pub fn dtod(op: u32, dst: CUdeviceptr, src: CUdeviceptr, size: usize, stream: Option<u64>) -> CUresult {
    if size > 0 {
        let (src_pinned, dst_pinned) = (is_pinned_span(src, size), is_pinned_span(dst, size));
        let (htod_op, dtoh_op) = if stream.is_some() {
            (ops::cuMemcpyHtoDAsync_v2, ops::cuMemcpyDtoHAsync_v2)
        } else {
            (ops::cuMemcpyHtoD_v2, ops::cuMemcpyDtoH_v2)
        };
        match (src_pinned, dst_pinned) {
            (true, true) => return local_copy(dst as usize, src as usize, size, stream),
            // SAFETY: the host side lies in page-locked memory of `size` bytes.
            (true, false) => return unsafe { htod(htod_op, dst, src as usize as *const c_void, size, stream) },
            // SAFETY: as above.
            (false, true) => return unsafe { dtoh(dtoh_op, dst as usize as *mut c_void, src, size, stream) },
            (false, false) => {}
        }
    }
    let mut e = Encoder::new();
    e.u64(dst).u64(src).u64(size as u64).u64(stream.unwrap_or(0));
    match stream {
        Some(_) => remote::done(post(op, &e, None)),
        None => remote::done(call(op, &e).map(|_| ())),
    }
}

/// `cuMemcpy` / `cuMemcpyAsync` with unified addressing: each side is a
/// device pointer if this process allocated it, else host memory.
///
/// # Safety
/// Host sides are valid for `size` bytes.
pub unsafe fn unified(dst: CUdeviceptr, src: CUdeviceptr, size: usize, stream: Option<u64>, per_thread: bool) -> CUresult {
    let (d, s) = (is_device(dst), is_device(src));
    let async_op = |a: u32, b: u32| if per_thread { b } else { a };
    // SAFETY: forwarded contract; host pointers are the caller's.
    unsafe {
        match (d, s, stream.is_some()) {
            (true, true, false) => dtod(async_op(ops::cuMemcpyDtoD_v2, ops::cuMemcpyDtoD_v2_ptds), dst, src, size, None),
            (true, true, true) => dtod(async_op(ops::cuMemcpyDtoDAsync_v2, ops::cuMemcpyDtoDAsync_v2_ptsz), dst, src, size, stream),
            (true, false, false) => {
                htod(async_op(ops::cuMemcpyHtoD_v2, ops::cuMemcpyHtoD_v2_ptds), dst, src as usize as *const c_void, size, None)
            }
            (true, false, true) => {
                htod(async_op(ops::cuMemcpyHtoDAsync_v2, ops::cuMemcpyHtoDAsync_v2_ptsz), dst, src as usize as *const c_void, size, stream)
            }
            (false, true, false) => {
                dtoh(async_op(ops::cuMemcpyDtoH_v2, ops::cuMemcpyDtoH_v2_ptds), dst as usize as *mut c_void, src, size, None)
            }
            (false, true, true) => {
                dtoh(async_op(ops::cuMemcpyDtoHAsync_v2, ops::cuMemcpyDtoHAsync_v2_ptsz), dst as usize as *mut c_void, src, size, stream)
            }
            (false, false, _) => {
                if size > 0 && (dst == 0 || src == 0) {
                    return CUresult::CUDA_ERROR_INVALID_VALUE;
                }
                if size > 0 {
                    std::ptr::copy(src as usize as *const u8, dst as usize as *mut u8, size);
                }
                CUresult::CUDA_SUCCESS
            }
        }
    }
}

/// Every `cuMemsetD*`: [dst, pitch, value, element size, width, height, stream].
#[allow(clippy::too_many_arguments)]
pub fn memset(
    op: u32,
    dst: CUdeviceptr,
    pitch: usize,
    value: u32,
    elem: u8,
    width: usize,
    height: usize,
    stream: Option<CUstream>,
    per_thread: bool,
) -> CUresult {
    let mut e = Encoder::new();
    let pitch = if height <= 1 { width * usize::from(elem) } else { pitch };
    let row = width.saturating_mul(usize::from(elem));
    let extent = if height == 0 || row == 0 { 0 } else { pitch.saturating_mul(height - 1).saturating_add(row) };
    if extent > 0 && is_pinned_span(dst, extent) {
        let seen = std::cell::Cell::new(CUresult::CUDA_SUCCESS);
        let fill = |status: CUresult| {
            seen.set(status);
            if status.is_success() {
                // SAFETY: the range lies inside page-locked memory this
                // process allocated or registered, checked just above.
                unsafe { fill_host(dst as usize, pitch, value, elem, width, height) };
            }
        };
        let r = crate::stream::run_in_order(stream.unwrap_or(core::ptr::null_mut()), per_thread, fill);
        // Not done because the stream had failed: say so.
        return if r.is_success() { seen.get() } else { r };
    }
    e.u64(dst).u64(pitch as u64).u32(value).u8(elem).u64(width as u64).u64(height as u64);
    e.u64(stream.map_or(0, |s| stream_id(s, per_thread)));
    match stream {
        Some(_) => remote::done(post(op, &e, None)),
        None => remote::done(call(op, &e).map(|_| ())),
    }
}

const PAGE: usize = 4096;
/// `CU_MEMHOSTALLOC_DEVICEMAP`.
const DEVICEMAP: u32 = 2;

/// `cuMemAllocHost_v2` / `cuMemHostAlloc`: page-aligned guest memory.
///
/// # Safety
/// `pp` is null or valid for a write.
pub unsafe fn host_alloc(pp: *mut *mut c_void, size: usize, flags: u32) -> CUresult {
    remote::done((|| {
        let pp = non_null(pp)?;
        crate::client::get()?;
        if flags & !0xf != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if size == 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let layout = std::alloc::Layout::from_size_align(size, PAGE).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        // SAFETY: non-zero size.
        let p = unsafe { std::alloc::alloc_zeroed(layout) };
        if p.is_null() {
            return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY);
        }
        PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(p as usize, (size, flags, true));
        crate::mirror::try_mirror(p as usize, size);
        // SAFETY: checked non-null.
        unsafe { remote::write(pp, p.cast()) };
        Ok(())
    })())
}

/// `cuMemFreeHost`.
pub fn host_free(p: *mut c_void) -> CUresult {
    let entry = PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&(p as usize));
    match entry {
        Some((size, _, true)) => {
            crate::mirror::forget(p as usize);
            if let Ok(layout) = std::alloc::Layout::from_size_align(size, PAGE) {
                // SAFETY: allocated by host_alloc with this layout.
                unsafe { std::alloc::dealloc(p.cast(), layout) };
            }
            CUresult::CUDA_SUCCESS
        }
        Some(other) => {
            PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(p as usize, other);
            CUresult::CUDA_ERROR_INVALID_VALUE
        }
        None => CUresult::CUDA_ERROR_INVALID_VALUE,
    }
}

/// `cuMemHostRegister_v2`: records the range (see the module docs).
pub fn host_register(p: *mut c_void, size: usize, flags: u32) -> CUresult {
    remote::done((|| {
        crate::client::get()?;
        if p.is_null() || size == 0 || flags & !0xf != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut map = PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = p as usize;
        let overlaps = map.range(..start.saturating_add(size)).next_back().is_some_and(|(s, (l, _, _))| s + l > start);
        if overlaps {
            return Err(CUresult::CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
        }
        map.insert(start, (size, flags, false));
        Ok(())
    })())
}

/// `cuMemHostUnregister`.
pub fn host_unregister(p: *mut c_void) -> CUresult {
    let mut map = PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match map.get(&(p as usize)) {
        Some((_, _, false)) => {
            map.remove(&(p as usize));
            CUresult::CUDA_SUCCESS
        }
        _ => CUresult::CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED,
    }
}

/// `cuMemHostGetFlags`.
///
/// # Safety
/// `flags` is null or valid for a write.
pub unsafe fn host_get_flags(flags: *mut c_uint, p: *mut c_void) -> CUresult {
    remote::done((|| {
        let flags = non_null(flags)?;
        let map = PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let addr = p as usize;
        let (_, (_, f, _)) =
            map.range(..=addr).next_back().filter(|(s, (l, _, _))| addr - **s < *l).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(flags, *f) };
        Ok(())
    })())
}

/// `cuMemHostGetDevicePointer_v2`: a mirrored buffer's device address is
/// its own (see `mirror`); other guest memory cannot be mapped into a remote
/// device.
///
/// # Safety
/// `pdptr` null or valid for a write.
pub unsafe fn host_get_device_pointer(pdptr: *mut CUdeviceptr, p: *mut c_void, flags: u32) -> CUresult {
    let _ = DEVICEMAP;
    if flags != 0 || pdptr.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    if crate::mirror::contains(p as u64, 1) {
        // Mirrored: the host maps it at the same address (unified addressing).
        // SAFETY: checked non-null; the caller's storage.
        unsafe { pdptr.write(p as CUdeviceptr) };
        return CUresult::CUDA_SUCCESS;
    }
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        log::warn!(
            "cuMemHostGetDevicePointer: this page-locked buffer is not mirrored on the host (only buffers up to {} KiB, {} KiB in all, are); use device memory and copies",
            crate::mirror::MAX_ONE >> 10,
            crate::mirror::MAX_TOTAL >> 10
        );
    });
    CUresult::CUDA_ERROR_NOT_SUPPORTED
}

/// `CU_MEMORYTYPE_HOST`.
const MEMORYTYPE_HOST: u32 = 1;

/// The attribute of a page-locked guest range, answered locally.
fn pinned_attribute(attrib: cuvm_abi::CUpointer_attribute, ptr: u64) -> Option<Result<Vec<u8>, CUresult>> {
    use cuvm_abi::CUpointer_attribute as P;
    let map = PINNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let addr = usize::try_from(ptr).ok()?;
    let (&start, &(len, _, _)) = map.range(..=addr).next_back().filter(|(s, (l, _, _))| addr - **s < *l)?;
    let v: u64 = match attrib {
        P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE => u64::from(MEMORYTYPE_HOST),
        P::CU_POINTER_ATTRIBUTE_HOST_POINTER => ptr,
        P::CU_POINTER_ATTRIBUTE_CONTEXT => crate::context::current(),
        P::CU_POINTER_ATTRIBUTE_RANGE_START_ADDR => start as u64,
        P::CU_POINTER_ATTRIBUTE_RANGE_SIZE => len as u64,
        P::CU_POINTER_ATTRIBUTE_IS_MANAGED | P::CU_POINTER_ATTRIBUTE_MAPPED => 0,
        // Not mapped into the device: see the module docs.
        _ => return Some(Err(CUresult::CUDA_ERROR_INVALID_VALUE)),
    };
    let size = cuvm_wire::pointer::value_size(attrib.0)?;
    let mut out = v.to_le_bytes().to_vec();
    out.resize(size, 0);
    Some(Ok(out))
}

fn pointer_value(attrib: cuvm_abi::CUpointer_attribute, ptr: u64) -> Result<Vec<u8>, CUresult> {
    let size = cuvm_wire::pointer::value_size(attrib.0).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    if let Some(local) = pinned_attribute(attrib, ptr) {
        return local;
    }
    let mut e = Encoder::new();
    e.u32(attrib.0).u64(ptr);
    let r = call(ops::cuPointerGetAttribute, &e)?;
    let bytes = r.decoder().bytes(16).map_err(protocol)?.to_vec();
    if bytes.len() != size {
        return Err(protocol(cuvm_wire::DecodeError::Invalid("pointer attribute size")));
    }
    Ok(bytes)
}

/// `cuPointerGetAttribute`.
///
/// # Safety
/// `data` is null or valid for the attribute's value.
pub unsafe fn pointer_attribute(data: *mut c_void, attrib: cuvm_abi::CUpointer_attribute, ptr: CUdeviceptr) -> CUresult {
    remote::done((|| {
        let data = non_null(data)?;
        let value = pointer_value(attrib, ptr)?;
        // SAFETY: `data` holds the attribute's value, value.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), data.cast::<u8>(), value.len()) };
        Ok(())
    })())
}

/// `cuPointerGetAttributes`: unlike the single query, a pointer cuvm does not
/// know yields zeroed values and success, as the driver documents.
///
/// # Safety
/// `attributes` and `data` hold `n` entries; each data pointer is null or
/// valid for its attribute's value.
pub unsafe fn pointer_attributes(
    n: c_uint,
    attributes: *mut cuvm_abi::CUpointer_attribute,
    data: *mut *mut c_void,
    ptr: CUdeviceptr,
) -> CUresult {
    remote::done((|| {
        if n == 0 || attributes.is_null() || data.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        for i in 0..n as usize {
            // SAFETY: both arrays hold n entries.
            let (attrib, out) = unsafe { (*attributes.add(i), *data.add(i)) };
            let size = cuvm_wire::pointer::value_size(attrib.0).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            if out.is_null() {
                continue;
            }
            let value = match pointer_value(attrib, ptr) {
                Ok(v) => v,
                Err(CUresult::CUDA_ERROR_INVALID_VALUE) => vec![0; size],
                Err(e) => return Err(e),
            };
            // SAFETY: `out` holds the attribute's value.
            unsafe { std::ptr::copy_nonoverlapping(value.as_ptr(), out.cast::<u8>(), value.len()) };
        }
        Ok(())
    })())
}

/// `cuMemcpyPeer(Async)`: one host GPU per VM today, so both contexts are
/// on the same device and the copy is device to device.
pub fn peer(
    op: u32,
    dst: CUdeviceptr,
    dst_ctx: cuvm_abi::CUcontext,
    src: CUdeviceptr,
    src_ctx: cuvm_abi::CUcontext,
    size: usize,
    stream: Option<u64>,
) -> CUresult {
    // NULL means the current context, as on the driver (measured).
    for ctx in [dst_ctx, src_ctx] {
        let id = if ctx.is_null() { crate::context::current() } else { ctx as usize as u64 };
        if crate::context::device_of(id).is_none() {
            return CUresult::CUDA_ERROR_INVALID_CONTEXT;
        }
    }
    dtod(op, dst, src, size, stream)
}

/// Where one side of a 2D copy is.
enum Side {
    Host(usize),
    Device(u64),
}

fn side(kind: cuvm_abi::CUmemorytype, host: usize, device: u64) -> Result<Side, CUresult> {
    use cuvm_abi::CUmemorytype as M;
    match kind {
        M::CU_MEMORYTYPE_HOST => Ok(Side::Host(host)),
        M::CU_MEMORYTYPE_DEVICE => Ok(Side::Device(device)),
        M::CU_MEMORYTYPE_UNIFIED => Ok(if is_device(device) { Side::Device(device) } else { Side::Host(device as usize) }),
        _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
    }
}

/// `cuMemcpy3D_v2` and its async/per-thread variants: one 2D copy (`op2d`)
/// per slice, in order on the same stream, so the host checks each slice's
/// device range as any 2D copy's. A copy with an array side is one
/// forwarded 3D copy (`array::memcpy_3d`).
///
/// # Safety
/// `copy` null or valid, its host sides valid for the slices it names.
pub unsafe fn memcpy_3d(op2d: u32, copy: *const cuvm_abi::CUDA_MEMCPY3D, stream: Option<u64>) -> CUresult {
    if copy.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: non-null, valid by the caller's contract.
    let c = unsafe { &*copy };
    if crate::array::has_array(c.srcMemoryType, c.dstMemoryType) {
        // SAFETY: forwarded contract.
        return unsafe { crate::array::memcpy_3d(op2d, c, stream) };
    }
    if c.Depth > 1 && (c.Height > c.srcHeight || c.Height > c.dstHeight) {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let slice = |pitch: usize, height: usize, z: usize| pitch.checked_mul(height).and_then(|s| s.checked_mul(z));
    for z in 0..c.Depth {
        let (Some(so), Some(dof)) = (slice(c.srcPitch, c.srcHeight, c.srcZ + z), slice(c.dstPitch, c.dstHeight, c.dstZ + z)) else {
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        };
        let mut p = cuvm_abi::CUDA_MEMCPY2D::default();
        (p.srcXInBytes, p.srcY, p.srcMemoryType, p.srcPitch) = (c.srcXInBytes, c.srcY, c.srcMemoryType, c.srcPitch);
        (p.dstXInBytes, p.dstY, p.dstMemoryType, p.dstPitch) = (c.dstXInBytes, c.dstY, c.dstMemoryType, c.dstPitch);
        (p.WidthInBytes, p.Height) = (c.WidthInBytes, c.Height);
        p.srcHost = c.srcHost.cast::<u8>().wrapping_add(so).cast();
        p.srcDevice = c.srcDevice.wrapping_add(so as u64);
        p.dstHost = c.dstHost.cast::<u8>().wrapping_add(dof).cast();
        p.dstDevice = c.dstDevice.wrapping_add(dof as u64);
        // SAFETY: the slice lies in the caller's 3D region.
        let r = unsafe { memcpy_2d(op2d, &p, stream) };
        if r != CUresult::CUDA_SUCCESS {
            return r;
        }
    }
    CUresult::CUDA_SUCCESS
}

/// `cuMemcpy2D(_Async/Unaligned)_v2`: host rows are packed in the guest and
/// unpacked there; the device sides keep their pitches.
///
/// # Safety
/// `copy` is null or valid; its host sides are valid for the rows it names.
pub unsafe fn memcpy_2d(op: u32, copy: *const cuvm_abi::CUDA_MEMCPY2D, stream: Option<u64>) -> CUresult {
    // SAFETY: null or valid by the caller's contract.
    if let Some(c) = unsafe { copy.as_ref() } {
        if crate::array::has_array(c.srcMemoryType, c.dstMemoryType) {
            // SAFETY: forwarded contract.
            return unsafe { crate::array::memcpy_2d(op, c, stream) };
        }
    }
    remote::done((|| {
        if copy.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        crate::client::get()?;
        // SAFETY: non-null, valid by the caller's contract.
        let c = unsafe { &*copy };
        let (w, h) = (c.WidthInBytes, c.Height);
        let src = side(c.srcMemoryType, c.srcHost as usize, c.srcDevice)?;
        let dst = side(c.dstMemoryType, c.dstHost as usize, c.dstDevice)?;
        let offset = |x: usize, y: usize, pitch: usize| {
            y.checked_mul(pitch).and_then(|v| v.checked_add(x)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
        };
        let src_off = offset(c.srcXInBytes, c.srcY, c.srcPitch)?;
        let dst_off = offset(c.dstXInBytes, c.dstY, c.dstPitch)?;
        if w == 0 || h == 0 {
            return Ok(());
        }
        if (w > c.srcPitch && h > 1) || (w > c.dstPitch && h > 1) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let packed = w.checked_mul(h).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let host_side = matches!(src, Side::Host(_)) || matches!(dst, Side::Host(_));
        if host_side && packed as u64 > cuvm_wire::array::MAX_PACKED && !matches!((&src, &dst), (Side::Host(_), Side::Host(_))) {
            // More than one message may carry: in pieces, in order.
            for (off, ext) in cuvm_wire::array::split([w as u64, h as u64, 1], cuvm_wire::array::MAX_PACKED) {
                let mut p = *c;
                let add = |a: usize, b: u64| usize::try_from(b).ok().and_then(|b| a.checked_add(b)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE);
                (p.srcXInBytes, p.srcY) = (add(c.srcXInBytes, off[0])?, add(c.srcY, off[1])?);
                (p.dstXInBytes, p.dstY) = (add(c.dstXInBytes, off[0])?, add(c.dstY, off[1])?);
                (p.WidthInBytes, p.Height) = (ext[0] as usize, ext[1] as usize);
                // SAFETY: each piece lies in the caller's rows.
                let r = unsafe { memcpy_2d(op, &p, stream) };
                if r != CUresult::CUDA_SUCCESS {
                    return Err(r);
                }
            }
            return Ok(());
        }
        let mut e = Encoder::new();
        let header = |e: &mut Encoder, dir: u8, d: u64, dp: usize, s: u64, sp: usize| {
            e.u8(dir).u64(d).u64(dp as u64).u64(s).u64(sp as u64).u64(w as u64).u64(h as u64).u64(stream.unwrap_or(0));
        };
        match (src, dst) {
            (Side::Host(s), Side::Host(d)) => {
                for r in 0..h {
                    // SAFETY: host rows valid by the caller's contract.
                    unsafe { std::ptr::copy((s + src_off + r * c.srcPitch) as *const u8, (d + dst_off + r * c.dstPitch) as *mut u8, w) };
                }
                Ok(())
            }
            (Side::Host(s), Side::Device(d)) => {
                let mut rows = vec![0u8; packed];
                for r in 0..h {
                    // SAFETY: host rows valid by the caller's contract.
                    unsafe { std::ptr::copy_nonoverlapping((s + src_off + r * c.srcPitch) as *const u8, rows.as_mut_ptr().add(r * w), w) };
                }
                header(&mut e, 1, d + dst_off as u64, c.dstPitch, 0, w);
                match stream {
                    Some(_) => post(op, &e, Some(&rows)),
                    None => call_bulk(op, &e, Some(&rows), None).map(|_| ()),
                }
            }
            (Side::Device(s), Side::Host(d)) => {
                let mut rows = vec![0u8; packed];
                header(&mut e, 2, 0, w, s + src_off as u64, c.srcPitch);
                call_bulk(op, &e, None, Some(&mut rows))?;
                for r in 0..h {
                    // SAFETY: host rows valid by the caller's contract.
                    unsafe { std::ptr::copy_nonoverlapping(rows.as_ptr().add(r * w), (d + dst_off + r * c.dstPitch) as *mut u8, w) };
                }
                Ok(())
            }
            (Side::Device(s), Side::Device(d)) => {
                header(&mut e, 3, d + dst_off as u64, c.dstPitch, s + src_off as u64, c.srcPitch);
                match stream {
                    Some(_) => post(op, &e, None),
                    None => call(op, &e).map(|_| ()),
                }
            }
        }
    })())
}

/// `cuMemAllocAsync(_ptsz)`: the pointer is needed at once, so this waits
/// for the host (the allocation itself is stream-ordered there).
///
/// # Safety
/// `dptr` is null or valid for a write.
pub unsafe fn alloc_async(op: u32, dptr: *mut CUdeviceptr, size: usize, stream: u64) -> CUresult {
    remote::done((|| {
        let dptr = non_null(dptr)?;
        let mut e = Encoder::new();
        e.u64(size as u64).u64(stream);
        let p = call(op, &e)?.decoder().u64().map_err(protocol)?;
        DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(p, size as u64);
        // SAFETY: checked non-null.
        unsafe { remote::write(dptr, p) };
        Ok(())
    })())
}

/// `cuMemFreeAsync(_ptsz)`: checked against this process's allocations
/// here, then posted.
pub fn free_async(op: u32, dptr: CUdeviceptr, stream: u64) -> CUresult {
    if DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&dptr).is_none() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut e = Encoder::new();
    e.u64(dptr).u64(stream);
    remote::done(post(op, &e, None))
}

/// `cuMemPoolCreate`: pinned device memory without shareable handles (the
/// host refuses other kinds).
///
/// # Safety
/// `pool` null or valid; `props` null or valid.
pub unsafe fn pool_create(pool: *mut cuvm_abi::CUmemoryPool, props: *const cuvm_abi::CUmemPoolProps) -> CUresult {
    remote::done((|| {
        let pool = non_null(pool)?;
        if props.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: non-null, valid by contract.
        let p = unsafe { &*props };
        let mut e = Encoder::new();
        e.u32(p.allocType.0).u32(p.handleTypes.0).u32(p.location.type_.0).i32(p.location.id).u64(p.maxSize as u64);
        let id = call(ops::cuMemPoolCreate, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(pool, id as usize as cuvm_abi::CUmemoryPool) };
        Ok(())
    })())
}

/// `cuMemPoolDestroy`.
pub fn pool_destroy(pool: cuvm_abi::CUmemoryPool) -> CUresult {
    if pool.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    remote::plain(ops::cuMemPoolDestroy, &[pool as usize as u64])
}

/// `cuMemAllocFromPoolAsync(_ptsz)`.
///
/// # Safety
/// `dptr` null or valid.
pub unsafe fn alloc_from_pool(op: u32, dptr: *mut CUdeviceptr, size: usize, pool: cuvm_abi::CUmemoryPool, stream: u64) -> CUresult {
    remote::done((|| {
        let dptr = non_null(dptr)?;
        if pool.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(size as u64).u64(pool as usize as u64).u64(stream);
        let p = call(op, &e)?.decoder().u64().map_err(protocol)?;
        DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(p, size as u64);
        // SAFETY: checked non-null.
        unsafe { remote::write(dptr, p) };
        Ok(())
    })())
}

/// `cuDeviceGetMemPool`: the device's current pool.
///
/// # Safety
/// `pool` null or valid.
pub unsafe fn device_pool(pool: *mut cuvm_abi::CUmemoryPool, dev: core::ffi::c_int) -> CUresult {
    remote::done((|| {
        let pool = non_null(pool)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let id = call(ops::cuDeviceGetMemPool, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(pool, id as usize as cuvm_abi::CUmemoryPool) };
        Ok(())
    })())
}

/// `cuDeviceSetMemPool`.
pub fn set_device_pool(dev: core::ffi::c_int, pool: cuvm_abi::CUmemoryPool) -> CUresult {
    if pool.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut e = Encoder::new();
    e.i32(dev).u64(pool as usize as u64);
    remote::done(call(ops::cuDeviceSetMemPool, &e).map(|_| ()))
}

/// `cuDeviceGetDefaultMemPool`.
///
/// # Safety
/// `pool` is null or valid for a write.
pub unsafe fn default_pool(pool: *mut cuvm_abi::CUmemoryPool, dev: core::ffi::c_int) -> CUresult {
    remote::done((|| {
        let pool = non_null(pool)?;
        let mut e = Encoder::new();
        e.i32(dev);
        let id = call(ops::cuDeviceGetDefaultMemPool, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(pool, id as usize as cuvm_abi::CUmemoryPool) };
        Ok(())
    })())
}

/// `cuMemPoolTrimTo`.
pub fn pool_trim(pool: cuvm_abi::CUmemoryPool, keep: usize) -> CUresult {
    let mut e = Encoder::new();
    e.u64(pool as usize as u64).u64(keep as u64);
    remote::done(call(ops::cuMemPoolTrimTo, &e).map(|_| ()))
}

/// `cuMemPoolGetAttribute` / `SetAttribute`: the value is an int or a
/// 64-bit count, by attribute.
///
/// # Safety
/// `value` is null or valid for the attribute's value.
pub unsafe fn pool_attribute(set: bool, pool: cuvm_abi::CUmemoryPool, attr: cuvm_abi::CUmemPool_attribute, value: *mut c_void) -> CUresult {
    remote::done((|| {
        let value = non_null(value)?;
        let size = cuvm_wire::pointer::pool_attribute_size(attr.0).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut e = Encoder::new();
        e.u64(pool as usize as u64).u32(attr.0);
        if set {
            // SAFETY: `value` holds the attribute's value.
            let v =
                unsafe { if size == 4 { u64::from(value.cast::<u32>().read_unaligned()) } else { value.cast::<u64>().read_unaligned() } };
            e.u64(v);
            return call(ops::cuMemPoolSetAttribute, &e).map(|_| ());
        }
        let v = call(ops::cuMemPoolGetAttribute, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: `value` holds the attribute's value.
        unsafe {
            if size == 4 {
                value.cast::<u32>().write_unaligned(v as u32);
            } else {
                value.cast::<u64>().write_unaligned(v);
            }
        }
        Ok(())
    })())
}

/// Records `[ptr, ptr+len)` as device memory (a VMM mapping).
pub fn note_device_range(ptr: u64, len: u64) {
    DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(ptr, len);
}

/// Forgets the device range starting at `ptr`.
pub fn forget_device_range(ptr: u64) {
    DEVICE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&ptr);
}

/// The device a pool location names (`cuMemGetDefaultMemPool` and friends):
/// device locations of pinned pools only; host locations would be memory
/// of the host machine, which a guest cannot reach.
///
/// # Safety
/// `location` null or valid.
unsafe fn pool_device(location: *const cuvm_abi::CUmemLocation, kind: cuvm_abi::CUmemAllocationType, what: &'static str) -> Result<core::ffi::c_int, CUresult> {
    // SAFETY: null or valid, by contract.
    let loc = unsafe { location.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    if kind != cuvm_abi::CUmemAllocationType::CU_MEM_ALLOCATION_TYPE_PINNED {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    if loc.type_ != cuvm_abi::CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE {
        crate::driver::log_unsupported_once(what, "memory pools located on the host are not offered through cuvm (device locations only)");
        return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
    }
    Ok(loc.id)
}

/// `cuMemGetDefaultMemPool` (`default`) / `cuMemGetMemPool`: a device
/// location's pool, as `cuDeviceGetDefaultMemPool` / `cuDeviceGetMemPool`.
///
/// # Safety
/// `pool` and `location` null or valid.
pub unsafe fn location_pool(
    pool: *mut cuvm_abi::CUmemoryPool,
    location: *mut cuvm_abi::CUmemLocation,
    kind: cuvm_abi::CUmemAllocationType,
    default: bool,
) -> CUresult {
    let what = if default { "cuMemGetDefaultMemPool" } else { "cuMemGetMemPool" };
    // SAFETY: forwarded contract.
    match unsafe { pool_device(location, kind, what) } {
        // SAFETY: forwarded contract.
        Ok(dev) => unsafe {
            if default { default_pool(pool, dev) } else { device_pool(pool, dev) }
        },
        Err(e) => e,
    }
}

/// `cuMemSetMemPool`, as `cuDeviceSetMemPool` for a device location.
///
/// # Safety
/// `location` null or valid.
pub unsafe fn set_location_pool(location: *mut cuvm_abi::CUmemLocation, kind: cuvm_abi::CUmemAllocationType, pool: cuvm_abi::CUmemoryPool) -> CUresult {
    // SAFETY: forwarded contract.
    match unsafe { pool_device(location, kind, "cuMemSetMemPool") } {
        Ok(dev) => set_device_pool(dev, pool),
        Err(e) => e,
    }
}

/// Most access descriptors in one `cuMemPoolSetAccess` (as the host).
const MAX_ACCESS_DESCS: usize = 64;

/// `cuMemPoolSetAccess`.
///
/// # Safety
/// `map` holds `count` descriptors.
pub unsafe fn pool_set_access(pool: cuvm_abi::CUmemoryPool, map: *const cuvm_abi::CUmemAccessDesc, count: usize) -> CUresult {
    if pool.is_null() || (count > 0 && map.is_null()) || count > MAX_ACCESS_DESCS {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let mut e = Encoder::new();
    e.u64(pool as usize as u64).u32(count as u32);
    for i in 0..count {
        // SAFETY: `count` descriptors by contract.
        let d = unsafe { &*map.add(i) };
        e.u32(d.location.type_.0).i32(d.location.id).u32(d.flags.0);
    }
    remote::done(call(ops::cuMemPoolSetAccess, &e).map(|_| ()))
}

/// `cuMemPoolGetAccess`.
///
/// # Safety
/// `flags` and `location` null or valid.
pub unsafe fn pool_get_access(flags: *mut cuvm_abi::CUmemAccess_flags, pool: cuvm_abi::CUmemoryPool, location: *mut cuvm_abi::CUmemLocation) -> CUresult {
    remote::done((|| {
        let flags = non_null(flags)?;
        // SAFETY: null or valid, by contract.
        let loc = unsafe { location.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if pool.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(pool as usize as u64).u32(loc.type_.0).i32(loc.id);
        let f = call(ops::cuMemPoolGetAccess, &e)?.decoder().u32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(flags, cuvm_abi::CUmemAccess_flags(f)) };
        Ok(())
    })())
}

/// `cuMemcpy3DPeer(_ptds)` / `cuMemcpy3DPeerAsync(_ptsz)`: cuvm's guest
/// sees one device, whose contexts share its memory, so this is the
/// cuMemcpy3D of the same sides (each context must be valid).
///
/// # Safety
/// As `cuMemcpy3D`.
pub unsafe fn memcpy_3d_peer(op2d: u32, p: *const cuvm_abi::CUDA_MEMCPY3D_PEER, stream: Option<u64>) -> CUresult {
    // SAFETY: null or valid, by contract.
    let Some(p) = (unsafe { p.as_ref() }) else { return CUresult::CUDA_ERROR_INVALID_VALUE };
    for ctx in [p.srcContext, p.dstContext] {
        let id = if ctx.is_null() { crate::context::current() } else { ctx as usize as u64 };
        if crate::context::device_of(id).is_none() {
            return CUresult::CUDA_ERROR_INVALID_CONTEXT;
        }
    }
    let mut c = cuvm_abi::CUDA_MEMCPY3D::default();
    (c.srcXInBytes, c.srcY, c.srcZ, c.srcLOD, c.srcMemoryType) = (p.srcXInBytes, p.srcY, p.srcZ, p.srcLOD, p.srcMemoryType);
    (c.srcHost, c.srcDevice, c.srcArray, c.srcPitch, c.srcHeight) = (p.srcHost, p.srcDevice, p.srcArray, p.srcPitch, p.srcHeight);
    (c.dstXInBytes, c.dstY, c.dstZ, c.dstLOD, c.dstMemoryType) = (p.dstXInBytes, p.dstY, p.dstZ, p.dstLOD, p.dstMemoryType);
    (c.dstHost, c.dstDevice, c.dstArray, c.dstPitch, c.dstHeight) = (p.dstHost, p.dstDevice, p.dstArray, p.dstPitch, p.dstHeight);
    (c.WidthInBytes, c.Height, c.Depth) = (p.WidthInBytes, p.Height, p.Depth);
    // SAFETY: forwarded contract.
    unsafe { memcpy_3d(op2d, &c, stream) }
}

/// Checks a batch's attributes (`attrs[k]` applies from index `idxs[k]`
/// on; the first from 0, indices increasing, access orders valid).
///
/// # Safety
/// `attrs` and `idxs` hold `n` entries when non-null.
unsafe fn check_batch_attrs(attrs: *const cuvm_abi::CUmemcpyAttributes, idxs: *const usize, n: usize, count: usize) -> Result<(), CUresult> {
    if n == 0 || n > count || attrs.is_null() || idxs.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    let mut last = None;
    for k in 0..n {
        // SAFETY: `n` entries by contract.
        let (a, i) = unsafe { (&*attrs.add(k), *idxs.add(k)) };
        let ok_order = a.srcAccessOrder != cuvm_abi::CUmemcpySrcAccessOrder::CU_MEMCPY_SRC_ACCESS_ORDER_INVALID && a.srcAccessOrder.0 <= 3;
        if !ok_order || (k == 0 && i != 0) || last.is_some_and(|l| i <= l) || i >= count {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        last = Some(i);
    }
    Ok(())
}

/// `cuMemcpyBatchAsync_v2(_ptsz)`: each copy in order on the stream, as
/// `cuMemcpyAsync` with unified addressing (the attributes are hints and
/// orderings that copying in stream order satisfies).
///
/// # Safety
/// The arrays hold `count` (`n`) entries; host sides valid.
#[allow(clippy::too_many_arguments)]
pub unsafe fn memcpy_batch(
    dsts: *mut CUdeviceptr,
    srcs: *mut CUdeviceptr,
    sizes: *mut usize,
    count: usize,
    attrs: *mut cuvm_abi::CUmemcpyAttributes,
    idxs: *mut usize,
    n: usize,
    stream: u64,
    per_thread: bool,
) -> CUresult {
    remote::done((|| {
        if count == 0 || dsts.is_null() || srcs.is_null() || sizes.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: forwarded contract.
        unsafe { check_batch_attrs(attrs, idxs, n, count)? };
        for i in 0..count {
            // SAFETY: `count` entries by contract.
            let (d, s, size) = unsafe { (*dsts.add(i), *srcs.add(i), *sizes.add(i)) };
            if size == 0 {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
            // SAFETY: forwarded contract.
            let r = unsafe { unified(d, s, size, Some(stream), per_thread) };
            if r != CUresult::CUDA_SUCCESS {
                return Err(r);
            }
        }
        Ok(())
    })())
}

/// An array's element size in bytes (from its descriptor).
fn array_element(a: cuvm_abi::CUarray) -> Result<usize, CUresult> {
    let mut d = cuvm_abi::CUDA_ARRAY3D_DESCRIPTOR::default();
    // SAFETY: `d` is local.
    let r = unsafe { crate::array::descriptor_3d(&mut d, a) };
    if r != CUresult::CUDA_SUCCESS {
        return Err(r);
    }
    cuvm_wire::array::element_bytes(d.Format.0, d.NumChannels).map(|n| n as usize).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
}

/// `cuMemcpy3DBatchAsync_v2(_ptsz)`: each operation in order on the stream
/// as a `cuMemcpy3D`. Extents, row lengths and array offsets count
/// elements: the array's when a side is an array, bytes otherwise; pointer
/// sides are host or device memory by unified addressing.
///
/// # Safety
/// `list` holds `n` operations; host sides valid.
pub unsafe fn memcpy_3d_batch(n: usize, list: *mut cuvm_abi::CUDA_MEMCPY3D_BATCH_OP, flags: u64, stream: u64, per_thread: bool) -> CUresult {
    use cuvm_abi::CUmemcpy3DOperandType as T;
    if n == 0 || list.is_null() || flags != 0 {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let op2d = if per_thread { ops::cuMemcpy2DAsync_v2_ptsz } else { ops::cuMemcpy2DAsync_v2 };
    for i in 0..n {
        // SAFETY: `n` entries by contract.
        let o = unsafe { &*list.add(i) };
        let (w, h, d) = (o.extent.width, o.extent.height, o.extent.depth);
        if w == 0 || h == 0 || d == 0 || o.srcAccessOrder.0 == 0 || o.srcAccessOrder.0 > 3 {
            return CUresult::CUDA_ERROR_INVALID_VALUE;
        }
        let array_of = |op: &cuvm_abi::CUmemcpy3DOperand| match op.type_ {
            // SAFETY: the member the type names.
            T::CU_MEMCPY_OPERAND_TYPE_ARRAY => Ok(Some(unsafe { op.op.array }.array)),
            T::CU_MEMCPY_OPERAND_TYPE_POINTER => Ok(None),
            _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
        };
        let (sa, da) = match (array_of(&o.src), array_of(&o.dst)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        let elem = match sa.or(da).map(array_element) {
            None => 1,
            Some(Ok(e)) => e,
            Some(Err(e)) => return e,
        };
        let mut c = cuvm_abi::CUDA_MEMCPY3D::default();
        let side = |op: &cuvm_abi::CUmemcpy3DOperand, array: Option<cuvm_abi::CUarray>| {
            let mut s = (cuvm_abi::CUmemorytype::CU_MEMORYTYPE_UNIFIED, 0u64, core::ptr::null_mut(), 0usize, 0usize, [0usize; 3]);
            if let Some(a) = array {
                // SAFETY: the member the type names.
                let off = unsafe { op.op.array }.offset;
                s = (cuvm_abi::CUmemorytype::CU_MEMORYTYPE_ARRAY, 0, a, 0, 0, [off.x * elem, off.y, off.z]);
            } else {
                // SAFETY: the member the type names.
                let p = unsafe { op.op.ptr };
                let pitch = if p.rowLength == 0 { w } else { p.rowLength } * elem;
                s.1 = p.ptr;
                s.3 = pitch;
                s.4 = if p.layerHeight == 0 { h } else { p.layerHeight };
            }
            s
        };
        let (st, sp, sarr, spitch, sheight, spos) = side(&o.src, sa);
        let (dt, dp, darr, dpitch, dheight, dpos) = side(&o.dst, da);
        (c.srcMemoryType, c.srcDevice, c.srcArray, c.srcPitch, c.srcHeight) = (st, sp, sarr, spitch, sheight);
        [c.srcXInBytes, c.srcY, c.srcZ] = spos;
        (c.dstMemoryType, c.dstDevice, c.dstArray, c.dstPitch, c.dstHeight) = (dt, dp, darr, dpitch, dheight);
        [c.dstXInBytes, c.dstY, c.dstZ] = dpos;
        (c.WidthInBytes, c.Height, c.Depth) = (w * elem, h, d);
        // SAFETY: forwarded contract.
        let r = unsafe { memcpy_3d(op2d, &c, Some(stream)) };
        if r != CUresult::CUDA_SUCCESS {
            return r;
        }
    }
    CUresult::CUDA_SUCCESS
}
