//! CUDA arrays, mipmapped arrays, copies with an array side, texture and
//! surface objects.
//!
//! Arrays are device memory the driver lays out itself. Each is charged to
//! the VM's quota before it is created, with the bytes its elements occupy
//! (width × height × depth × element size, every dimension at least 1; a
//! mipmapped array the sum of its levels): `cuArrayGetMemoryRequirements`
//! answers only for arrays created for deferred mapping, so the driver's
//! padding of its tiled layout cannot be measured for ordinary arrays. The
//! charge is given back when the array is destroyed, with its context, or
//! at the session's end. Array ids are session handles; a mipmapped array's
//! levels and a multi-planar array's planes are handles whose `parent` is
//! their owner's id, never destroyed on their own.
//!
//! Texture and surface object values are the driver's own (kernels read
//! them as plain 64-bit values): the session registers each value it
//! created and refuses any other. Their resources are checked before the
//! driver sees them: arrays must be the session's, device memory must lie
//! in the session's allocations over its whole range.

use cuvm_abi::CUresult;
use cuvm_wire::array::{self, ArrayCopy, ArrayDesc, DEFERRED_MAPPING, Resource, SPARSE, Side, TEXTURE_DESC_SIZE, VIEW_DESC_SIZE};
use cuvm_wire::frame::CHUNK;
use cuvm_wire::{DecodeError, Decoder, Encoder, ops};

use super::stream_raw;
use crate::backend::{Host2d, Raw, Side3d};
use crate::session::handles::{Entry, Kind};
use crate::session::{Conn, Fail, HResult, Session, ok, send_bulk};

/// The largest packed host side of one copy (the guest splits larger ones).
const MAX_COPY_BYTES: u64 = cuvm_wire::array::MAX_PACKED;

/// Most mipmap levels (a 64K-wide array has 17).
const MAX_LEVELS: u32 = 32;

/// Logs `what` the first time it happens in this session's worker (each
/// session has a worker process of its own).
fn warn_once(flag: &std::sync::atomic::AtomicBool, session: u64, what: &str) {
    if !flag.swap(true, std::sync::atomic::Ordering::Relaxed) {
        log::warn!("session {session}: {what} not supported by cuvm; answering CUDA_ERROR_NOT_SUPPORTED");
    }
}

static SPARSE_ARRAYS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static UNKNOWN_FORMATS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static ROWS_1D: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn reply_id(id: u64) -> HResult {
    let mut e = Encoder::new();
    e.u64(id);
    ok(e)
}

/// The bytes to charge for `desc` (`levels` for a mipmapped array), after
/// refusing what cuvm does not serve: sparse and deferred-mapping arrays
/// (their memory is mapped by `cuMemMapArrayAsync`, not forwarded) and
/// formats whose layout cuvm does not know (block-compressed, video).
fn charge_for(s: &Session, desc: &ArrayDesc, levels: Option<u32>) -> Result<u64, Fail> {
    if desc.flags & (SPARSE | DEFERRED_MAPPING) != 0 {
        warn_once(&SPARSE_ARRAYS, s.id, "sparse and deferred-mapping CUDA arrays are");
        return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
    }
    if array::element_bytes(desc.format, 1).is_none() && array::element_bytes(desc.format, 4).is_none() {
        warn_once(&UNKNOWN_FORMATS, s.id, &format!("CUDA arrays of format {:#x} (block-compressed, video) are", desc.format));
        return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
    }
    let bytes = match levels {
        Some(n) => array::mipmapped_bytes(desc, n),
        None => desc.extent_bytes().and_then(|[row, h, d]| row.checked_next_multiple_of(ROW_ALIGN)?.checked_mul(h)?.checked_mul(d)),
    };
    // A known format with a wrong channel count, or an extent that
    // overflows: the driver's answer.
    let bytes = bytes.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    // The driver's tiled layout pads in ways cuvm cannot measure: rows are
    // counted at least ROW_ALIGN bytes wide and every array at least
    // MIN_ARRAY_CHARGE, in MIN_ARRAY_CHARGE steps, so that many small or
    // thin arrays cannot hold much more than they are charged.
    Ok(bytes.checked_next_multiple_of(MIN_ARRAY_CHARGE).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?.max(MIN_ARRAY_CHARGE))
}

/// Row width an array is charged at least (bytes).
const ROW_ALIGN: u64 = 512;
/// Least charge of an array, and its granularity (bytes).
const MIN_ARRAY_CHARGE: u64 = 64 * 1024;

/// Charges `bytes`, creates with `create` (giving the charge back if it
/// fails) and registers the object as `kind`.
fn charged_create(s: &mut Session, kind: Kind, bytes: u64, create: impl FnOnce(&mut Session) -> Result<Raw, CUresult>) -> HResult {
    if !s.vm.charge(bytes) {
        log::info!("session {}: array of {bytes} bytes refused: over the VM's quota", s.id);
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    let raw = create(s).inspect_err(|_| s.vm.release(bytes))?;
    let id = s.handles.insert(Entry { kind, raw, ctx: s.current, parent: 0 });
    s.array_charges.insert(id, bytes);
    reply_id(id)
}

/// `cuArrayCreate_v2` (`three_d` false) / `cuArray3DCreate_v2`: [descriptor
/// (see `wire::array::ArrayDesc`)] -> [array id u64].
pub fn create(s: &mut Session, a: &mut Decoder<'_>, three_d: bool) -> HResult {
    let mut desc = ArrayDesc::decode(a)?;
    if !three_d {
        (desc.depth, desc.flags) = (0, 0);
    }
    let bytes = charge_for(s, &desc, None)?;
    charged_create(s, Kind::Array, bytes, |s| s.backend.array_create(&desc, three_d))
}

/// `cuMipmappedArrayCreate`: [descriptor, levels u32] -> [id u64].
pub fn mipmapped_create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let desc = ArrayDesc::decode(a)?;
    let levels = a.u32()?;
    if levels > MAX_LEVELS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let bytes = charge_for(s, &desc, Some(levels))?;
    charged_create(s, Kind::MipmappedArray, bytes, |s| s.backend.mipmapped_array_create(&desc, levels))
}

/// Forgets a destroyed array or mipmapped array: its planes or levels, its
/// id, and its charge.
fn forget(s: &mut Session, id: u64, kind: Kind) -> Result<(), Fail> {
    s.handles.remove_children(Kind::Array, id);
    s.handles.remove(id, kind)?;
    if let Some(bytes) = s.array_charges.remove(&id) {
        s.vm.release(bytes);
    }
    Ok(())
}

/// `cuArrayDestroy`: [array id u64] -> []. A level or a plane is not
/// destroyed on its own (`CUDA_ERROR_INVALID_VALUE`).
pub fn destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let e = s.handles.get(id, Kind::Array)?;
    if e.parent != 0 {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    s.backend.array_destroy(e.raw)?;
    forget(s, id, Kind::Array)?;
    ok(Encoder::new())
}

/// `cuMipmappedArrayDestroy`: [id u64] -> [].
pub fn mipmapped_destroy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let id = a.u64()?;
    let raw = s.handles.raw(id, Kind::MipmappedArray)?;
    s.backend.mipmapped_array_destroy(raw)?;
    forget(s, id, Kind::MipmappedArray)?;
    ok(Encoder::new())
}

/// `cuArrayGetDescriptor_v2` (`three_d` false) / `cuArray3DGetDescriptor_v2`:
/// [array id u64] -> [descriptor].
pub fn descriptor(s: &mut Session, a: &mut Decoder<'_>, three_d: bool) -> HResult {
    let raw = s.handles.raw(a.u64()?, Kind::Array)?;
    let desc = s.backend.array_descriptor(raw, three_d)?;
    let mut e = Encoder::new();
    desc.encode(&mut e);
    ok(e)
}

/// The kind an id of a (mipmapped) array query names.
fn kind(mipmapped: bool) -> Kind {
    if mipmapped { Kind::MipmappedArray } else { Kind::Array }
}

/// `cuArrayGetMemoryRequirements` / `cuMipmappedArrayGetMemoryRequirements`:
/// [id u64, device i32] -> [size u64, alignment u64].
pub fn memory_requirements(s: &mut Session, a: &mut Decoder<'_>, mipmapped: bool) -> HResult {
    let (id, dev) = (a.u64()?, a.i32()?);
    let raw = s.handles.raw(id, kind(mipmapped))?;
    let (size, alignment) = s.backend.array_memory_requirements(raw, mipmapped, dev)?;
    let mut e = Encoder::new();
    e.u64(size).u64(alignment);
    ok(e)
}

/// `cuArrayGetSparseProperties` / `cuMipmappedArrayGetSparseProperties`:
/// [id u64] -> [`CUDA_ARRAY_SPARSE_PROPERTIES` bytes].
pub fn sparse_properties(s: &mut Session, a: &mut Decoder<'_>, mipmapped: bool) -> HResult {
    let raw = s.handles.raw(a.u64()?, kind(mipmapped))?;
    let props = s.backend.array_sparse_properties(raw, mipmapped)?;
    let mut e = Encoder::new();
    e.raw(&props);
    ok(e)
}

/// `cuArrayGetPlane`: [array id u64, plane u32] -> [plane array id u64].
pub fn plane(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (id, index) = (a.u64()?, a.u32()?);
    let raw = s.handles.raw(id, Kind::Array)?;
    let plane = s.backend.array_plane(raw, index)?;
    let owner = s.handles.get(id, Kind::Array)?;
    // A plane of a plane belongs to the created array.
    let parent = if owner.parent != 0 { owner.parent } else { id };
    reply_id(s.handles.id_for(Entry { kind: Kind::Array, raw: plane, ctx: s.current, parent }))
}

/// `cuMipmappedArrayGetLevel`: [id u64, level u32] -> [level array id u64].
pub fn level(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (id, index) = (a.u64()?, a.u32()?);
    let raw = s.handles.raw(id, Kind::MipmappedArray)?;
    let level = s.backend.mipmapped_array_level(raw, index)?;
    reply_id(s.handles.id_for(Entry { kind: Kind::Array, raw: level, ctx: s.current, parent: id }))
}

/// Checks one side of a copy and gives it with backend handles: device
/// memory must lie in the session's allocations, an array must be the
/// session's and hold the box.
/// `linear`: a 1D form (`cuMemcpyHtoA`...), whose range cuvm copies along
/// the array's first row; one that would continue on the next rows of a 2D
/// array is refused with `CUDA_ERROR_NOT_SUPPORTED` (logged).
fn check_side(s: &mut Session, side: Side, pos: [u64; 3], extent: [u64; 3], linear: bool) -> Result<Side, Fail> {
    match side {
        Side::Host => Ok(Side::Host),
        Side::Device { ptr, pitch, height } => {
            let (start, len) = Side3d { ptr, pitch, height, pos }.span(extent).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            if len > 0 {
                s.allocations.check(start, len)?;
            }
            Ok(side)
        }
        Side::Array(id) => {
            let raw = s.handles.raw(id, Kind::Array)?;
            let bounds = s.backend.array_descriptor(raw, true)?.extent_bytes().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            if !array::box_fits(pos, extent, bounds) {
                let total = bounds.iter().try_fold(1u64, |acc, v| acc.checked_mul(*v)).unwrap_or(0);
                if linear && pos[0].checked_add(extent[0]).is_some_and(|end| end <= total) {
                    warn_once(&ROWS_1D, s.id, "1D array copies (cuMemcpyHtoA...) across the rows of a 2D array are");
                    return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
                }
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
            }
            Ok(Side::Array(raw))
        }
    }
}

/// Every copy with an array side (`cuMemcpy2D*`/`cuMemcpy3D*` with an
/// array, `cuMemcpyHtoA`/`AtoH`/`DtoA`/`AtoD`/`AtoA` and their async
/// forms): [copy (see `wire::array::ArrayCopy`), stream u64]; a host
/// source is followed by width × height × depth packed bytes in Data
/// frames, a host destination is answered with them as `cuMemcpyDtoH` is.
pub fn memcpy(s: &mut Session, conn: &mut Conn, op: u32, seq: u64, a: &mut Decoder<'_>, asynchronous: bool) -> HResult {
    let c = ArrayCopy::decode(a)?;
    let stream = a.u64()?;
    a.finish()?;
    let (host_src, host_dst) = (c.src == Side::Host, c.dst == Side::Host);
    if host_src && host_dst {
        return Err(Fail::Malformed(DecodeError::Invalid("a copy between two host sides")));
    }
    let packed = if host_src || host_dst { c.packed().filter(|n| *n <= MAX_COPY_BYTES) } else { Some(0) };
    let Some(packed) = packed else {
        return Err(Fail::Malformed(DecodeError::TooLong { len: u64::MAX, max: MAX_COPY_BYTES }));
    };
    // Check everything before touching the data, but always drain it.
    let verdict = (|| -> Result<(ArrayCopy, Option<Raw>), Fail> {
        let linear = !matches!(op, ops::cuMemcpy3D_v2 | ops::cuMemcpy3D_v2_ptds | ops::cuMemcpy3DAsync_v2 | ops::cuMemcpy3DAsync_v2_ptsz);
        let src = check_side(s, c.src, c.src_pos, c.extent, linear)?;
        let dst = check_side(s, c.dst, c.dst_pos, c.extent, linear)?;
        let stream = if asynchronous { Some(stream_raw(s, stream)?) } else { None };
        if !asynchronous {
            s.sync_point()?;
        }
        Ok((ArrayCopy { src, dst, ..c }, stream))
    })();
    if host_src {
        let mut rows = Vec::with_capacity(usize::try_from(packed).unwrap_or(0));
        let mut buf = Vec::new();
        while (rows.len() as u64) < packed {
            let want = usize::try_from((packed - rows.len() as u64).min(CHUNK as u64)).unwrap_or(CHUNK);
            rows.extend_from_slice(super::memory::read_chunk(conn, seq, want, &mut buf)?);
        }
        let (copy, stream) = verdict?;
        s.backend.memcpy_array(&copy, Host2d::Source(&rows), stream)?;
        return ok(Encoder::new());
    }
    if host_dst {
        let (copy, stream) = verdict?;
        let mut rows = vec![0u8; usize::try_from(packed).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?];
        s.backend.memcpy_array(&copy, Host2d::Destination(&mut rows), stream)?;
        return send_bulk(conn, op, seq, &rows);
    }
    let (copy, stream) = verdict?;
    s.backend.memcpy_array(&copy, Host2d::None, stream)?;
    ok(Encoder::new())
}

/// The resource with the session's ids replaced by backend handles, after
/// checking it is the session's: arrays by id, device memory over its range.
fn resource_in(s: &Session, r: Resource) -> Result<Resource, Fail> {
    match r {
        Resource::Array(id) => Ok(Resource::Array(s.handles.raw(id, Kind::Array)?)),
        Resource::Mipmapped(id) => Ok(Resource::Mipmapped(s.handles.raw(id, Kind::MipmappedArray)?)),
        _ => {
            let (ptr, len) = r.device_range().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            if len == 0 {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
            }
            s.allocations.check(ptr, len)?;
            Ok(r)
        }
    }
}

/// The resource a driver answered, with backend handles replaced by the
/// session's ids (a handle the session does not know: 0).
fn resource_out(s: &Session, r: Resource) -> Resource {
    match r {
        Resource::Array(raw) => Resource::Array(s.handles.find(Kind::Array, raw).unwrap_or(0)),
        Resource::Mipmapped(raw) => Resource::Mipmapped(s.handles.find(Kind::MipmappedArray, raw).unwrap_or(0)),
        other => other,
    }
}

/// Reads a resource descriptor: an unknown type is the driver's
/// `CUDA_ERROR_INVALID_VALUE`.
fn decode_resource(s: &Session, a: &mut Decoder<'_>) -> Result<(Resource, u32), Fail> {
    let (r, flags) = Resource::decode(a)?.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    Ok((resource_in(s, r)?, flags))
}

fn fixed<const N: usize>(a: &mut Decoder<'_>) -> Result<[u8; N], Fail> {
    let b = a.bytes(N)?;
    b.try_into().map_err(|_| Fail::Malformed(DecodeError::Invalid("descriptor of the wrong size")))
}

/// `cuTexObjectCreate`: [resource, texture descriptor bytes, has view u8,
/// view descriptor bytes if so] -> [object u64, the driver's value].
pub fn tex_create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (res, flags) = decode_resource(s, a)?;
    let tex: [u8; TEXTURE_DESC_SIZE] = fixed(a)?;
    let view: Option<[u8; VIEW_DESC_SIZE]> = if a.bool()? { Some(fixed(a)?) } else { None };
    let obj = s.backend.tex_object_create(res, flags, &tex, view.as_ref())?;
    s.handles.insert(Entry { kind: Kind::TexObject, raw: obj, ctx: s.current, parent: 0 });
    reply_id(obj)
}

/// `cuSurfObjectCreate`: [resource] -> [object u64].
pub fn surf_create(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (res, flags) = decode_resource(s, a)?;
    let obj = s.backend.surf_object_create(res, flags)?;
    s.handles.insert(Entry { kind: Kind::SurfObject, raw: obj, ctx: s.current, parent: 0 });
    reply_id(obj)
}

/// The session's id of object value `obj`: another value is
/// `CUDA_ERROR_INVALID_VALUE`, as the driver answers for a bad object.
fn object(s: &Session, kind: Kind, obj: u64) -> Result<u64, Fail> {
    s.handles.find(kind, obj).ok_or_else(|| CUresult::CUDA_ERROR_INVALID_VALUE.into())
}

/// `cuTexObjectDestroy` / `cuSurfObjectDestroy`: [object u64] -> [].
pub fn object_destroy(s: &mut Session, a: &mut Decoder<'_>, kind: Kind) -> HResult {
    let obj = a.u64()?;
    let id = object(s, kind, obj)?;
    if kind == Kind::TexObject {
        s.backend.tex_object_destroy(obj)?;
    } else {
        s.backend.surf_object_destroy(obj)?;
    }
    s.handles.remove(id, kind)?;
    ok(Encoder::new())
}

/// `cuTexObjectGetResourceDesc` / `cuSurfObjectGetResourceDesc`: [object
/// u64] -> [resource].
pub fn object_resource(s: &mut Session, a: &mut Decoder<'_>, kind: Kind) -> HResult {
    let obj = a.u64()?;
    object(s, kind, obj)?;
    let (r, flags) = if kind == Kind::TexObject { s.backend.tex_object_resource(obj)? } else { s.backend.surf_object_resource(obj)? };
    let mut e = Encoder::new();
    resource_out(s, r).encode(flags, &mut e);
    ok(e)
}

/// `cuTexObjectGetTextureDesc`: [object u64] -> [texture descriptor bytes].
pub fn tex_texture_desc(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let obj = a.u64()?;
    object(s, Kind::TexObject, obj)?;
    let d = s.backend.tex_object_texture_desc(obj)?;
    let mut e = Encoder::new();
    e.bytes(&d);
    ok(e)
}

/// `cuTexObjectGetResourceViewDesc`: [object u64] -> [view descriptor bytes].
pub fn tex_view_desc(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let obj = a.u64()?;
    object(s, Kind::TexObject, obj)?;
    let d = s.backend.tex_object_view_desc(obj)?;
    let mut e = Encoder::new();
    e.bytes(&d);
    ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::emulated::Emulated;
    use crate::session::Reply;

    /// A session over the emulated GPU with a context current and a quota.
    fn session(quota: u64) -> Session {
        let vm = std::sync::Arc::new(crate::vm::Vm::new("test".into(), Some(quota)).unwrap());
        let mut s = Session::new(1, "test".into(), Box::new(Emulated::new(1 << 30)), vm);
        s.backend.init(0).unwrap();
        let raw = s.backend.ctx_create(0, 0).unwrap();
        s.backend.ctx_set_current(raw).unwrap();
        s.current = s.handles.insert(Entry { kind: Kind::Context, raw, ctx: 0, parent: 0 });
        s.initialized = true;
        s
    }

    fn body(f: impl FnOnce(&mut Encoder)) -> Vec<u8> {
        let mut e = Encoder::new();
        f(&mut e);
        e.finish()
    }

    /// Runs a handler on `bytes`; the id it answers, or its error.
    fn run(s: &mut Session, bytes: &[u8], h: impl FnOnce(&mut Session, &mut Decoder<'_>) -> HResult) -> Result<u64, CUresult> {
        match h(s, &mut Decoder::new(bytes)) {
            Ok(Reply::Body(e)) => Ok(Decoder::new(e.as_slice()).u64().unwrap_or(0)),
            Ok(Reply::Sent) => Ok(0),
            Err(Fail::Cuda(e)) => Err(e),
            Err(other) => panic!("{other:?}"),
        }
    }

    fn desc(width: u64, height: u64, depth: u64, format: u32, channels: u32, flags: u32) -> Vec<u8> {
        body(|e| ArrayDesc { width, height, depth, format, channels, flags }.encode(e))
    }

    #[test]
    fn thin_arrays_are_charged_for_padded_rows() {
        let mut s = session(1 << 30);
        // 1 x 1 x 4096 one-byte elements: 4096 slices of a padded row.
        run(&mut s, &desc(1, 1, 4096, 0x01, 1, 0), |s, d| create(s, d, true)).unwrap();
        assert_eq!(s.vm.used(), 4096 * ROW_ALIGN);
    }

    #[test]
    fn arrays_are_charged_until_destroyed() {
        let mut s = session(1 << 20);
        let a = run(&mut s, &desc(64, 16, 4, 0x20, 2, 0), |s, d| create(s, d, true)).unwrap();
        // 16 x 4 rows of 512 bytes, charged at the least array charge.
        assert_eq!(s.vm.used(), MIN_ARRAY_CHARGE);
        // Over the quota: refused, nothing more charged.
        assert_eq!(run(&mut s, &desc(1024, 1024, 0, 0x20, 1, 0), |s, d| create(s, d, false)), Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY));
        assert_eq!(s.vm.used(), MIN_ARRAY_CHARGE);
        let id = body(|e| {
            e.u64(a);
        });
        run(&mut s, &id, destroy).unwrap();
        assert_eq!(s.vm.used(), 0);
        assert_eq!(run(&mut s, &id, destroy), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
    }

    #[test]
    fn what_cuvm_does_not_serve_is_refused_explicitly() {
        let mut s = session(1 << 20);
        // Block-compressed format, sparse and deferred-mapping arrays.
        assert_eq!(run(&mut s, &desc(64, 64, 0, 0x91, 1, 0), |s, d| create(s, d, false)), Err(CUresult::CUDA_ERROR_NOT_SUPPORTED));
        assert_eq!(run(&mut s, &desc(64, 64, 1, 0x20, 1, SPARSE), |s, d| create(s, d, true)), Err(CUresult::CUDA_ERROR_NOT_SUPPORTED));
        assert_eq!(
            run(&mut s, &desc(64, 64, 1, 0x20, 1, DEFERRED_MAPPING), |s, d| create(s, d, true)),
            Err(CUresult::CUDA_ERROR_NOT_SUPPORTED)
        );
        // A known format with a bad channel count is the driver's error.
        assert_eq!(run(&mut s, &desc(64, 64, 0, 0x20, 3, 0), |s, d| create(s, d, false)), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(s.vm.used(), 0);
    }

    #[test]
    fn bad_ids_and_foreign_memory_are_refused() {
        let mut s = session(1 << 20);
        // A context id is no array.
        let ctx = body(|e| {
            e.u64(s.current);
        });
        assert_eq!(run(&mut s, &ctx, destroy), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
        assert_eq!(run(&mut s, &ctx, |s, d| descriptor(s, d, true)), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
        // A texture over pitched memory the session does not own.
        let foreign = Resource::Pitch2d { ptr: 0x7f00_0000_0000, format: 0x20, channels: 1, width: 16, height: 4, pitch: 64 };
        let tex = body(|e| {
            foreign.encode(0, e);
            e.bytes(&[0; TEXTURE_DESC_SIZE]).bool(false);
        });
        assert_eq!(run(&mut s, &tex, tex_create), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        // The same memory, allocated: accepted; one byte short: refused.
        let ptr = run(
            &mut s,
            &body(|e| {
                e.u64(256);
            }),
            super::super::memory::alloc,
        )
        .unwrap();
        let fits = Resource::Pitch2d { ptr, format: 0x20, channels: 1, width: 16, height: 4, pitch: 64 };
        let tex = body(|e| {
            fits.encode(0, e);
            e.bytes(&[0; TEXTURE_DESC_SIZE]).bool(false);
        });
        let obj = run(&mut s, &tex, tex_create).unwrap();
        let past = Resource::Linear { ptr: ptr + 1, format: 0x20, channels: 1, size: 256 };
        let tex = body(|e| {
            past.encode(0, e);
            e.bytes(&[0; TEXTURE_DESC_SIZE]).bool(false);
        });
        assert_eq!(run(&mut s, &tex, tex_create), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        // Objects are destroyed once, and only the session's own.
        let value = |v: u64| {
            body(|e| {
                e.u64(v);
            })
        };
        assert_eq!(run(&mut s, &value(obj), |s, d| object_destroy(s, d, Kind::SurfObject)), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(run(&mut s, &value(obj + 1), |s, d| object_destroy(s, d, Kind::TexObject)), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        run(&mut s, &value(obj), |s, d| object_destroy(s, d, Kind::TexObject)).unwrap();
        assert_eq!(run(&mut s, &value(obj), |s, d| object_resource(s, d, Kind::TexObject)), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
    }

    #[test]
    fn levels_belong_to_their_mipmapped_array() {
        let mut s = session(1 << 20);
        let mut b = desc(32, 32, 0, 0x20, 1, 0);
        b.extend_from_slice(&3u32.to_le_bytes());
        let m = run(&mut s, &b, mipmapped_create).unwrap();
        // (32 * 32 + 16 * 16 + 8 * 8) * 4 bytes, charged at the least array charge.
        assert_eq!(s.vm.used(), MIN_ARRAY_CHARGE);
        let level = run(
            &mut s,
            &body(|e| {
                e.u64(m).u32(1);
            }),
            level,
        )
        .unwrap();
        let id = |v: u64| {
            body(|e| {
                e.u64(v);
            })
        };
        assert_eq!(run(&mut s, &id(level), destroy), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        run(&mut s, &id(m), mipmapped_destroy).unwrap();
        assert_eq!(s.vm.used(), 0);
        assert_eq!(run(&mut s, &id(level), |s, d| descriptor(s, d, true)), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
    }

    #[test]
    fn cleanup_gives_the_charge_back() {
        let mut s = session(1 << 20);
        let a = run(&mut s, &desc(64, 64, 0, 0x01, 4, 0), |s, d| create(s, d, false)).unwrap();
        let r = Resource::Array(a);
        let tex = body(|e| {
            r.encode(0, e);
            e.bytes(&[0; TEXTURE_DESC_SIZE]).bool(false);
        });
        let obj = run(&mut s, &tex, tex_create).unwrap();
        assert_eq!(s.vm.used(), MIN_ARRAY_CHARGE);
        let raw = s.handles.raw(a, Kind::Array).unwrap();
        s.cleanup();
        assert_eq!(s.vm.used(), 0);
        // The backend destroyed both.
        assert!(s.backend.tex_object_resource(obj).is_err());
        assert_eq!(s.backend.array_descriptor(raw, true), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
    }
}
