//! CUDA arrays, mipmapped arrays, copies with an array side, texture and
//! surface objects, forwarded. Array handles are the host's session ids;
//! texture and surface objects are the host driver's own values (kernels
//! read them), which the host checks belong to this process.
//!
//! Every copy with an array side travels as one `ArrayCopy`
//! (`wire::array`): a 2D copy (`cuMemcpy2D*`) with an array side is sent
//! as the matching `cuMemcpy3D*` op; guest memory is packed here (rows of
//! the box's width) and travels in Data frames. The 1D forms
//! (`cuMemcpyHtoA`...) copy along the array's first row: a range that
//! crosses rows of a 2D array is refused by the host
//! (`CUDA_ERROR_NOT_SUPPORTED`, logged).

use core::ffi::{c_uint, c_void};

use cuvm_abi::{
    CUDA_ARRAY_DESCRIPTOR, CUDA_ARRAY_MEMORY_REQUIREMENTS, CUDA_ARRAY_SPARSE_PROPERTIES, CUDA_ARRAY3D_DESCRIPTOR, CUDA_MEMCPY2D,
    CUDA_MEMCPY3D, CUDA_RESOURCE_DESC, CUDA_RESOURCE_VIEW_DESC, CUDA_TEXTURE_DESC, CUarray, CUdeviceptr, CUmemorytype, CUmipmappedArray,
    CUresult,
};
use cuvm_wire::array::{ArrayCopy, ArrayDesc, MAX_PACKED, Resource, SPARSE_PROPERTIES_SIZE, Side, TEXTURE_DESC_SIZE, VIEW_DESC_SIZE, split};
use cuvm_wire::{Decoder, Encoder, ops};

use crate::remote::{self, call, call_bulk, non_null, post, protocol};

fn id<T>(h: *mut T) -> u64 {
    h as usize as u64
}

#[allow(clippy::cast_possible_truncation)] // 64-bit targets only, as the driver.
fn handle<T>(id: u64) -> *mut T {
    id as usize as *mut T
}

/// Sends a call that answers an id, and writes it as a handle.
fn create_call<T>(op: u32, e: &Encoder, out: *mut *mut T) -> Result<(), CUresult> {
    let v = call(op, e)?.decoder().u64().map_err(protocol)?;
    // SAFETY: the caller checked `out` non-null.
    unsafe { remote::write(out, handle(v)) };
    Ok(())
}

/// `cuArrayCreate_v2`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn create(out: *mut CUarray, desc: *const CUDA_ARRAY_DESCRIPTOR) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        // SAFETY: null or valid by contract.
        let d = unsafe { desc.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut e = Encoder::new();
        ArrayDesc::from(d).encode(&mut e);
        create_call(ops::cuArrayCreate_v2, &e, out)
    })())
}

/// `cuArray3DCreate_v2`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn create_3d(out: *mut CUarray, desc: *const CUDA_ARRAY3D_DESCRIPTOR) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        // SAFETY: null or valid by contract.
        let d = unsafe { desc.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut e = Encoder::new();
        ArrayDesc::from(d).encode(&mut e);
        create_call(ops::cuArray3DCreate_v2, &e, out)
    })())
}

/// `cuMipmappedArrayCreate`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn mipmapped_create(out: *mut CUmipmappedArray, desc: *const CUDA_ARRAY3D_DESCRIPTOR, levels: c_uint) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        // SAFETY: null or valid by contract.
        let d = unsafe { desc.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut e = Encoder::new();
        ArrayDesc::from(d).encode(&mut e);
        e.u32(levels);
        create_call(ops::cuMipmappedArrayCreate, &e, out)
    })())
}

/// `cuArrayDestroy`, `cuMipmappedArrayDestroy`.
pub fn destroy(op: u32, h: u64) -> CUresult {
    remote::plain(op, &[h])
}

/// `cuArrayGetDescriptor_v2`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn descriptor(out: *mut CUDA_ARRAY_DESCRIPTOR, a: CUarray) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let d = query_descriptor(ops::cuArrayGetDescriptor_v2, a)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, d.to_2d().ok_or(CUresult::CUDA_ERROR_UNKNOWN)?) };
        Ok(())
    })())
}

/// `cuArray3DGetDescriptor_v2`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn descriptor_3d(out: *mut CUDA_ARRAY3D_DESCRIPTOR, a: CUarray) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let d = query_descriptor(ops::cuArray3DGetDescriptor_v2, a)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, d.to_3d().ok_or(CUresult::CUDA_ERROR_UNKNOWN)?) };
        Ok(())
    })())
}

fn query_descriptor(op: u32, a: CUarray) -> Result<ArrayDesc, CUresult> {
    let mut e = Encoder::new();
    e.u64(id(a));
    let r = call(op, &e)?;
    ArrayDesc::decode(&mut r.decoder()).map_err(protocol)
}

/// `cuArrayGetMemoryRequirements` / `cuMipmappedArrayGetMemoryRequirements`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn memory_requirements(op: u32, out: *mut CUDA_ARRAY_MEMORY_REQUIREMENTS, h: u64, dev: i32) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(h).i32(dev);
        let r = call(op, &e)?;
        let mut d = r.decoder();
        let (size, alignment) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
        let v = CUDA_ARRAY_MEMORY_REQUIREMENTS {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            alignment: usize::try_from(alignment).unwrap_or(usize::MAX),
            reserved: [0; 4],
        };
        // SAFETY: checked non-null.
        unsafe { remote::write(out, v) };
        Ok(())
    })())
}

/// `cuArrayGetSparseProperties` / `cuMipmappedArrayGetSparseProperties`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn sparse_properties(op: u32, out: *mut CUDA_ARRAY_SPARSE_PROPERTIES, h: u64) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(h);
        let r = call(op, &e)?;
        let bytes = r.decoder().take(SPARSE_PROPERTIES_SIZE).map_err(protocol)?.to_vec();
        // SAFETY: `out` holds the structure, exactly these many plain bytes.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), SPARSE_PROPERTIES_SIZE) };
        Ok(())
    })())
}

/// `cuArrayGetPlane` / `cuMipmappedArrayGetLevel`: [owner id, index] -> [array id].
///
/// # Safety
/// `out` null or valid.
pub unsafe fn sub_array(op: u32, out: *mut CUarray, owner: u64, index: c_uint) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(owner).u32(index);
        create_call(op, &e, out)
    })())
}

/// Where guest memory of one side of a copy is: base, pitch, rows per slice.
#[derive(Clone, Copy)]
struct HostSide {
    base: usize,
    pitch: usize,
    height: usize,
    pos: [usize; 3],
}

impl HostSide {
    fn row(&self, y: usize, z: usize) -> Result<usize, CUresult> {
        let slice = self.pitch.checked_mul(self.height);
        (self.pos[2] + z)
            .checked_mul(slice.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?)
            .and_then(|v| v.checked_add((self.pos[1] + y).checked_mul(self.pitch)?))
            .and_then(|v| v.checked_add(self.pos[0]))
            .and_then(|v| v.checked_add(self.base))
            .ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }
}

/// One side as the host sees it, and its guest memory if it is guest memory.
#[allow(clippy::too_many_arguments, clippy::cast_possible_truncation)]
fn side(
    kind: CUmemorytype,
    host: usize,
    device: CUdeviceptr,
    array: CUarray,
    pitch: usize,
    height: usize,
    pos: [usize; 3],
) -> Result<(Side, Option<HostSide>), CUresult> {
    use cuvm_abi::CUmemorytype as M;
    let device_side = |ptr| Side::Device { ptr, pitch: pitch as u64, height: height as u64 };
    match kind {
        M::CU_MEMORYTYPE_HOST => Ok((Side::Host, Some(HostSide { base: host, pitch, height, pos }))),
        M::CU_MEMORYTYPE_DEVICE => Ok((device_side(device), None)),
        M::CU_MEMORYTYPE_UNIFIED if crate::memory::is_device(device) => Ok((device_side(device), None)),
        M::CU_MEMORYTYPE_UNIFIED => Ok((Side::Host, Some(HostSide { base: device as usize, pitch, height, pos }))),
        M::CU_MEMORYTYPE_ARRAY => Ok((Side::Array(id(array)), None)),
        _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
    }
}

/// The 3D op a 2D copy with an array side is sent as (same stream semantics).
fn op_3d(op: u32) -> u32 {
    match op {
        ops::cuMemcpy2DAsync_v2 => ops::cuMemcpy3DAsync_v2,
        ops::cuMemcpy2DAsync_v2_ptsz => ops::cuMemcpy3DAsync_v2_ptsz,
        ops::cuMemcpy2D_v2_ptds | ops::cuMemcpy2DUnaligned_v2_ptds => ops::cuMemcpy3D_v2_ptds,
        _ => ops::cuMemcpy3D_v2,
    }
}

/// Sends a copy with an array side: guest memory is packed (source) or
/// unpacked (destination) here, row by row of the box.
///
/// # Safety
/// Guest sides are valid for the rows the box names.
unsafe fn send(op: u32, mut c: ArrayCopy, src: Option<HostSide>, dst: Option<HostSide>, stream: Option<u64>) -> Result<(), CUresult> {
    crate::client::get()?;
    let [w, h, d] = c.extent;
    let (wu, hu, du) = (usize::try_from(w), usize::try_from(h), usize::try_from(d));
    let (Ok(wu), Ok(hu), Ok(du)) = (wu, hu, du) else { return Err(CUresult::CUDA_ERROR_INVALID_VALUE) };
    if w == 0 || h == 0 || d == 0 {
        return Ok(());
    }
    for g in [src, dst].into_iter().flatten() {
        let fits_rows = (h == 1 && d == 1) || g.pos[0].checked_add(wu).is_some_and(|end| end <= g.pitch);
        let fits_slices = d == 1 || g.pos[1].checked_add(hu).is_some_and(|end| end <= g.height);
        if !fits_rows || !fits_slices {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
    }
    if let (Some(s), Some(t)) = (src, dst) {
        // Guest to guest: done here.
        for z in 0..du {
            for y in 0..hu {
                // SAFETY: both rows valid by the caller's contract.
                unsafe { std::ptr::copy(s.row(y, z)? as *const u8, t.row(y, z)? as *mut u8, wu) };
            }
        }
        return Ok(());
    }
    let packed = wu.checked_mul(hu).and_then(|v| v.checked_mul(du)).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    if (src.is_some() || dst.is_some()) && packed as u64 > MAX_PACKED {
        // More than one message may carry: in pieces, in order.
        for (off, ext) in split(c.extent, MAX_PACKED) {
            let shift = |pos: [u64; 3]| -> Result<[u64; 3], CUresult> {
                let mut out = [0; 3];
                for i in 0..3 {
                    out[i] = pos[i].checked_add(off[i]).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
                }
                Ok(out)
            };
            let host = |g: HostSide| -> Result<HostSide, CUresult> {
                let shifted = shift(g.pos.map(|v| v as u64))?;
                let mut pos = [0usize; 3];
                for i in 0..3 {
                    pos[i] = usize::try_from(shifted[i]).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
                }
                Ok(HostSide { pos, ..g })
            };
            let piece = ArrayCopy { src_pos: shift(c.src_pos)?, dst_pos: shift(c.dst_pos)?, extent: ext, ..c };
            // SAFETY: each piece lies in the caller's box.
            unsafe { send(op, piece, src.map(host).transpose()?, dst.map(host).transpose()?, stream)? };
        }
        return Ok(());
    }
    let mut rows = if src.is_some() || dst.is_some() { vec![0u8; packed] } else { Vec::new() };
    // The host side's box is the packed rows themselves.
    if src.is_some() {
        c.src_pos = [0; 3];
    }
    if dst.is_some() {
        c.dst_pos = [0; 3];
    }
    let mut e = Encoder::new();
    c.encode(&mut e);
    e.u64(stream.unwrap_or(0));
    if let Some(s) = src {
        for z in 0..du {
            for y in 0..hu {
                let at = (z * hu + y) * wu;
                // SAFETY: the row is valid by the caller's contract.
                unsafe { std::ptr::copy_nonoverlapping(s.row(y, z)? as *const u8, rows.as_mut_ptr().add(at), wu) };
            }
        }
        return match stream {
            // The bytes are on the wire before this returns.
            Some(_) => post(op, &e, Some(&rows)),
            None => call_bulk(op, &e, Some(&rows), None).map(|_| ()),
        };
    }
    if let Some(t) = dst {
        // Asynchronous copies to guest memory complete before returning.
        call_bulk(op, &e, None, Some(&mut rows))?;
        for z in 0..du {
            for y in 0..hu {
                let at = (z * hu + y) * wu;
                // SAFETY: the row is valid by the caller's contract.
                unsafe { std::ptr::copy_nonoverlapping(rows.as_ptr().add(at), t.row(y, z)? as *mut u8, wu) };
            }
        }
        return Ok(());
    }
    match stream {
        Some(_) => post(op, &e, None),
        None => call(op, &e).map(|_| ()),
    }
}

/// A `cuMemcpy2D*` with an array side (`op` the 2D op called).
///
/// # Safety
/// `c` valid; its guest sides valid for the rows it names.
pub unsafe fn memcpy_2d(op: u32, c: &CUDA_MEMCPY2D, stream: Option<u64>) -> CUresult {
    remote::done((|| {
        let h = c.Height;
        // Rows per slice of a device side: enough for the box (one slice).
        let (src, src_host) =
            side(c.srcMemoryType, c.srcHost as usize, c.srcDevice, c.srcArray, c.srcPitch, c.srcY + h, [c.srcXInBytes, c.srcY, 0])?;
        let (dst, dst_host) =
            side(c.dstMemoryType, c.dstHost as usize, c.dstDevice, c.dstArray, c.dstPitch, c.dstY + h, [c.dstXInBytes, c.dstY, 0])?;
        let copy = ArrayCopy {
            src,
            src_pos: [c.srcXInBytes as u64, c.srcY as u64, 0],
            dst,
            dst_pos: [c.dstXInBytes as u64, c.dstY as u64, 0],
            extent: [c.WidthInBytes as u64, h as u64, 1],
        };
        // SAFETY: forwarded contract.
        unsafe { send(op_3d(op), copy, src_host, dst_host, stream) }
    })())
}

/// A `cuMemcpy3D*` with an array side (`op2d` the 2D op of the same
/// stream semantics, as `memory::memcpy_3d` takes).
///
/// # Safety
/// `c` valid; its guest sides valid for the slices it names.
pub unsafe fn memcpy_3d(op2d: u32, c: &CUDA_MEMCPY3D, stream: Option<u64>) -> CUresult {
    remote::done((|| {
        if c.srcLOD != 0 || c.dstLOD != 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let (src, src_host) =
            side(c.srcMemoryType, c.srcHost as usize, c.srcDevice, c.srcArray, c.srcPitch, c.srcHeight, [c.srcXInBytes, c.srcY, c.srcZ])?;
        let (dst, dst_host) =
            side(c.dstMemoryType, c.dstHost as usize, c.dstDevice, c.dstArray, c.dstPitch, c.dstHeight, [c.dstXInBytes, c.dstY, c.dstZ])?;
        let copy = ArrayCopy {
            src,
            src_pos: [c.srcXInBytes as u64, c.srcY as u64, c.srcZ as u64],
            dst,
            dst_pos: [c.dstXInBytes as u64, c.dstY as u64, c.dstZ as u64],
            extent: [c.WidthInBytes as u64, c.Height as u64, c.Depth as u64],
        };
        // SAFETY: forwarded contract.
        unsafe { send(op_3d(op2d), copy, src_host, dst_host, stream) }
    })())
}

/// One end of a 1D array copy (`cuMemcpyHtoA`...).
pub enum End {
    /// Guest memory.
    Host(usize),
    /// Device memory.
    Device(CUdeviceptr),
    /// An array at a byte offset.
    Array(CUarray, usize),
}

fn end(e: &End, size: usize) -> (Side, [u64; 3], Option<HostSide>) {
    match *e {
        End::Host(p) => (Side::Host, [0; 3], Some(HostSide { base: p, pitch: size, height: 1, pos: [0; 3] })),
        End::Device(p) => (Side::Device { ptr: p, pitch: size as u64, height: 1 }, [0; 3], None),
        End::Array(a, offset) => (Side::Array(id(a)), [offset as u64, 0, 0], None),
    }
}

/// `cuMemcpyHtoA`, `AtoH`, `DtoA`, `AtoD`, `AtoA` (`_v2`, `_ptds`, async):
/// `size` bytes along the array's first row.
///
/// # Safety
/// Guest memory valid for `size` bytes.
pub unsafe fn memcpy_1d(op: u32, dst: End, src: End, size: usize, stream: Option<u64>) -> CUresult {
    if size > 0 && (matches!(src, End::Host(0)) || matches!(dst, End::Host(0))) {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    let (s, src_pos, src_host) = end(&src, size);
    let (d, dst_pos, dst_host) = end(&dst, size);
    let copy = ArrayCopy { src: s, src_pos, dst: d, dst_pos, extent: [size as u64, 1, 1] };
    // SAFETY: forwarded contract.
    remote::done(unsafe { send(op, copy, src_host, dst_host, stream) })
}

fn encode_resource(res: *const CUDA_RESOURCE_DESC, e: &mut Encoder) -> Result<(), CUresult> {
    // SAFETY: null or valid by the caller's contract.
    let r = unsafe { res.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let (resource, flags) = Resource::from_desc(r).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    resource.encode(flags, e);
    Ok(())
}

/// The plain bytes of a descriptor.
///
/// # Safety
/// `p` valid.
unsafe fn bytes_of<T>(p: &T) -> &[u8] {
    // SAFETY: a plain structure, read as its bytes.
    unsafe { core::slice::from_raw_parts(core::ptr::from_ref(p).cast::<u8>(), size_of::<T>()) }
}

/// `cuTexObjectCreate`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn tex_create(
    out: *mut cuvm_abi::CUtexObject,
    res: *const CUDA_RESOURCE_DESC,
    tex: *const CUDA_TEXTURE_DESC,
    view: *const CUDA_RESOURCE_VIEW_DESC,
) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        encode_resource(res, &mut e)?;
        // SAFETY: null or valid by contract.
        let tex = unsafe { tex.as_ref() }.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        // SAFETY: plain structures.
        unsafe {
            e.bytes(bytes_of(tex));
            match view.as_ref() {
                Some(v) => e.bool(true).bytes(bytes_of(v)),
                None => e.bool(false),
            };
        }
        let v = call(ops::cuTexObjectCreate, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, v) };
        Ok(())
    })())
}

/// `cuSurfObjectCreate`.
///
/// # Safety
/// Pointers null or valid.
pub unsafe fn surf_create(out: *mut cuvm_abi::CUsurfObject, res: *const CUDA_RESOURCE_DESC) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        encode_resource(res, &mut e)?;
        let v = call(ops::cuSurfObjectCreate, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, v) };
        Ok(())
    })())
}

/// `cuTexObjectDestroy`, `cuSurfObjectDestroy`.
pub fn object_destroy(op: u32, obj: u64) -> CUresult {
    remote::plain(op, &[obj])
}

/// `cuTexObjectGetResourceDesc`, `cuSurfObjectGetResourceDesc`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn object_resource(op: u32, out: *mut CUDA_RESOURCE_DESC, obj: u64) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        let mut e = Encoder::new();
        e.u64(obj);
        let r = call(op, &e)?;
        let (res, flags) = Resource::decode(&mut r.decoder()).map_err(protocol)?.ok_or(CUresult::CUDA_ERROR_UNKNOWN)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, res.to_desc(flags)) };
        Ok(())
    })())
}

/// A descriptor the host answers as its bytes, written to `out`.
///
/// # Safety
/// `out` null or valid for `N` bytes.
unsafe fn object_bytes<const N: usize>(op: u32, out: *mut u8, obj: u64) -> Result<(), CUresult> {
    let out = non_null(out)?;
    let mut e = Encoder::new();
    e.u64(obj);
    let r = call(op, &e)?;
    let mut d: Decoder<'_> = r.decoder();
    let bytes = d.bytes(N).map_err(protocol)?;
    if bytes.len() != N {
        return Err(CUresult::CUDA_ERROR_UNKNOWN);
    }
    // SAFETY: `out` holds N bytes by the caller's contract.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), out, N) };
    Ok(())
}

/// `cuTexObjectGetTextureDesc`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn tex_texture_desc(out: *mut CUDA_TEXTURE_DESC, obj: u64) -> CUresult {
    // SAFETY: the structure is TEXTURE_DESC_SIZE plain bytes.
    remote::done(unsafe { object_bytes::<TEXTURE_DESC_SIZE>(ops::cuTexObjectGetTextureDesc, out.cast(), obj) })
}

/// `cuTexObjectGetResourceViewDesc`.
///
/// # Safety
/// `out` null or valid.
pub unsafe fn tex_view_desc(out: *mut CUDA_RESOURCE_VIEW_DESC, obj: u64) -> CUresult {
    // SAFETY: the structure is VIEW_DESC_SIZE plain bytes.
    remote::done(unsafe { object_bytes::<VIEW_DESC_SIZE>(ops::cuTexObjectGetResourceViewDesc, out.cast(), obj) })
}

/// Whether a copy names an array on either side.
#[must_use]
pub fn has_array(src: CUmemorytype, dst: CUmemorytype) -> bool {
    src == CUmemorytype::CU_MEMORYTYPE_ARRAY || dst == CUmemorytype::CU_MEMORYTYPE_ARRAY
}

/// Guest memory as an address (for [`End::Host`]).
#[must_use]
pub fn host(p: *const c_void) -> usize {
    p as usize
}
