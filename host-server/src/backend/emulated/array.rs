//! CUDA arrays, texture and surface objects of the emulated GPU. An array
//! is host memory laid out linearly: rows of width × element size bytes,
//! slices of `height` rows (at least 1 of each), so copies in and out
//! round-trip. A mipmapped array is its levels, each an array. Texture and
//! surface objects are opaque values (small integers, as the driver's look)
//! that remember their descriptors.

use std::collections::HashMap;

use cuvm_abi::CUresult;

use super::Emulated;
use crate::backend::{ArrayCopy, ArrayDesc, ArraySide, CuResult, Host2d, Raw, Resource, TEXTURE_DESC_SIZE, VIEW_DESC_SIZE};

/// `CUDA_ARRAY3D_SURFACE_LDST`.
const SURFACE_LDST: u32 = 0x02;
/// The flags an emulated array accepts (layered, surface load/store,
/// cubemap, texture gather).
const KNOWN_FLAGS: u32 = 0x01 | 0x02 | 0x04 | 0x08;

pub(super) struct Array {
    pub desc: ArrayDesc,
    pub data: Vec<u8>,
    /// The mipmapped array it is a level of (0: none).
    pub owner: Raw,
}

pub(super) struct Mipmapped {
    pub levels: Vec<Raw>,
}

pub(super) struct Object {
    pub res: Resource,
    pub flags: u32,
    pub tex: Option<([u8; TEXTURE_DESC_SIZE], Option<[u8; VIEW_DESC_SIZE]>)>,
}

/// The arrays and objects of one emulated GPU.
#[derive(Default)]
pub(super) struct State {
    pub arrays: HashMap<Raw, Array>,
    pub mipmapped: HashMap<Raw, Mipmapped>,
    pub objects: HashMap<u64, Object>,
    pub next_object: u64,
}

/// Checks a descriptor as the driver does: a known format and channel
/// count, a width, a height where there is a depth (except layered 1D),
/// square cubemaps of 6 faces (per layer), no other flags.
fn check(d: &ArrayDesc) -> CuResult<u64> {
    let invalid = Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    let Some(bytes) = d.bytes() else { return invalid };
    if d.width == 0 || d.flags & !KNOWN_FLAGS != 0 {
        return invalid;
    }
    let layered = d.flags & cuvm_wire::array::LAYERED != 0;
    if d.depth > 0 && d.height == 0 && !layered {
        return invalid;
    }
    if layered && d.depth == 0 {
        return invalid;
    }
    if d.flags & cuvm_wire::array::CUBEMAP != 0
        && (d.width != d.height || d.depth == 0 || !d.depth.is_multiple_of(6) || (!layered && d.depth != 6))
    {
        return invalid;
    }
    Ok(bytes)
}

impl Emulated {
    fn new_array(&mut self, desc: ArrayDesc, owner: Raw) -> CuResult<Raw> {
        let bytes = check(&desc)?;
        if self.used.saturating_add(bytes) > self.total_memory {
            return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY);
        }
        let len = usize::try_from(bytes).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        let mut data = Vec::new();
        data.try_reserve_exact(len).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        data.resize(len, 0);
        self.used += bytes;
        let raw = self.raw();
        self.a.arrays.insert(raw, Array { desc, data, owner });
        Ok(raw)
    }

    fn drop_array(&mut self, raw: Raw) {
        if let Some(a) = self.a.arrays.remove(&raw) {
            self.used = self.used.saturating_sub(a.data.len() as u64);
        }
    }

    pub(super) fn array_create_impl(&mut self, desc: &ArrayDesc, three_d: bool) -> CuResult<Raw> {
        self.context()?;
        let mut d = *desc;
        if !three_d {
            (d.depth, d.flags) = (0, 0);
        }
        self.new_array(d, 0)
    }

    pub(super) fn array_destroy_impl(&mut self, raw: Raw) -> CuResult<()> {
        self.ready()?;
        match self.a.arrays.get(&raw) {
            Some(a) if a.owner == 0 => {
                self.drop_array(raw);
                Ok(())
            }
            Some(_) => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            None => Err(CUresult::CUDA_ERROR_INVALID_HANDLE),
        }
    }

    pub(super) fn array_descriptor_impl(&mut self, raw: Raw, three_d: bool) -> CuResult<ArrayDesc> {
        self.ready()?;
        let d = self.a.arrays.get(&raw).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?.desc;
        if three_d { Ok(d) } else { Ok(ArrayDesc { depth: 0, flags: 0, ..d }) }
    }

    pub(super) fn mipmapped_create_impl(&mut self, desc: &ArrayDesc, levels: u32) -> CuResult<Raw> {
        self.context()?;
        check(desc)?;
        let largest = desc.width.max(desc.height).max(if desc.flags & cuvm_wire::array::LAYERED != 0 { 1 } else { desc.depth });
        // At most floor(log2(largest)) + 1 levels.
        if levels == 0 || levels > 64 - largest.leading_zeros() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let raw = self.raw();
        let mut list = Vec::new();
        let mut level = *desc;
        for _ in 0..levels {
            match self.new_array(level, raw) {
                Ok(l) => list.push(l),
                Err(e) => {
                    list.into_iter().for_each(|l| self.drop_array(l));
                    return Err(e);
                }
            }
            level.width = (level.width / 2).max(1);
            if level.height > 0 {
                level.height = (level.height / 2).max(1);
            }
            if level.depth > 0 && desc.flags & (cuvm_wire::array::LAYERED | cuvm_wire::array::CUBEMAP) == 0 {
                level.depth = (level.depth / 2).max(1);
            }
        }
        self.a.mipmapped.insert(raw, Mipmapped { levels: list });
        Ok(raw)
    }

    pub(super) fn mipmapped_destroy_impl(&mut self, raw: Raw) -> CuResult<()> {
        self.ready()?;
        let m = self.a.mipmapped.remove(&raw).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        m.levels.into_iter().for_each(|l| self.drop_array(l));
        Ok(())
    }

    pub(super) fn mipmapped_level_impl(&mut self, raw: Raw, level: u32) -> CuResult<Raw> {
        self.ready()?;
        let m = self.a.mipmapped.get(&raw).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        m.levels.get(level as usize).copied().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    /// The array's bytes, its extent (bytes per row, rows, slices).
    fn array_mut(&mut self, raw: Raw) -> CuResult<(&mut Vec<u8>, [u64; 3])> {
        let a = self.a.arrays.get_mut(&raw).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let extent = a.desc.extent_bytes().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        Ok((&mut a.data, extent))
    }

    /// The byte offset of row `y`, slice `z` of a side's box (`None` for host).
    fn row_address(side: ArraySide, pos: [u64; 3], bounds: [u64; 3], y: u64, z: u64) -> CuResult<u64> {
        let (pitch, height) = match side {
            ArraySide::Device { pitch, height, .. } => (pitch, height),
            _ => (bounds[0], bounds[1]),
        };
        let base = if let ArraySide::Device { ptr, .. } = side { ptr } else { 0 };
        let at = (pos[2] + z)
            .checked_mul(pitch.checked_mul(height).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?)
            .and_then(|v| v.checked_add((pos[1] + y).checked_mul(pitch)?))
            .and_then(|v| v.checked_add(pos[0]))
            .and_then(|v| v.checked_add(base));
        at.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)
    }

    fn bounds(&mut self, side: ArraySide) -> CuResult<[u64; 3]> {
        match side {
            ArraySide::Array(raw) => Ok(self.array_mut(raw)?.1),
            _ => Ok([0; 3]),
        }
    }

    /// A copy with an array side, now: the box is read into packed rows,
    /// then written.
    pub(super) fn memcpy_array_impl(&mut self, c: &ArrayCopy, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        self.context()?;
        if let Some(s) = stream {
            self.stream(s)?;
        }
        self.not_capturable(stream)?;
        let [w, h, d] = c.extent;
        if w == 0 || h == 0 || d == 0 {
            return Ok(());
        }
        let wl = Self::to_usize(w)?;
        let (src_bounds, dst_bounds) = (self.bounds(c.src)?, self.bounds(c.dst)?);
        for (side, pos, bounds) in [(c.src, c.src_pos, src_bounds), (c.dst, c.dst_pos, dst_bounds)] {
            if matches!(side, ArraySide::Array(_)) && !cuvm_wire::array::box_fits(pos, c.extent, bounds) {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
        }
        let packed_len = Self::to_usize(c.packed().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?)?;
        let mut packed = match (&host, c.src) {
            (Host2d::Source(rows), ArraySide::Host) => {
                if rows.len() != packed_len {
                    return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
                }
                rows.to_vec()
            }
            (_, ArraySide::Host) => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            _ => {
                let mut out = Vec::with_capacity(packed_len);
                for z in 0..d {
                    for y in 0..h {
                        let at = Self::row_address(c.src, c.src_pos, src_bounds, y, z)?;
                        match c.src {
                            ArraySide::Array(raw) => {
                                let (data, _) = self.array_mut(raw)?;
                                let at = Self::to_usize(at)?;
                                out.extend_from_slice(data.get(at..at + wl).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?);
                            }
                            _ => {
                                let (buf, off) = self.region(at, w)?;
                                out.extend_from_slice(&buf[off..off + wl]);
                            }
                        }
                    }
                }
                out
            }
        };
        if let (Host2d::Destination(rows), ArraySide::Host) = (host, c.dst) {
            if rows.len() != packed.len() {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
            rows.copy_from_slice(&packed);
            return Ok(());
        }
        let mut rows = packed.chunks_exact_mut(wl);
        for z in 0..d {
            for y in 0..h {
                let row = rows.next().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
                let at = Self::row_address(c.dst, c.dst_pos, dst_bounds, y, z)?;
                match c.dst {
                    ArraySide::Array(raw) => {
                        let (data, _) = self.array_mut(raw)?;
                        let at = Self::to_usize(at)?;
                        data.get_mut(at..at + wl).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?.copy_from_slice(row);
                    }
                    ArraySide::Device { .. } => {
                        let (buf, off) = self.region(at, w)?;
                        buf[off..off + wl].copy_from_slice(row);
                    }
                    ArraySide::Host => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
                }
            }
        }
        Ok(())
    }

    /// A resource must name a live array or device memory; a surface reads
    /// only arrays made for surface load/store.
    fn check_resource(&mut self, res: Resource, surface: bool) -> CuResult<()> {
        let invalid = Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        match res {
            Resource::Array(raw) => match self.a.arrays.get(&raw) {
                Some(a) if !surface || a.desc.flags & SURFACE_LDST != 0 => Ok(()),
                _ => invalid,
            },
            _ if surface => invalid,
            Resource::Mipmapped(raw) => {
                if self.a.mipmapped.contains_key(&raw) {
                    Ok(())
                } else {
                    invalid
                }
            }
            Resource::Linear { ptr, format, channels, size } => {
                if cuvm_wire::array::element_bytes(format, channels).is_none() || size == 0 {
                    return invalid;
                }
                self.region(ptr, size).map(|_| ())
            }
            Resource::Pitch2d { ptr, format, channels, .. } => {
                if cuvm_wire::array::element_bytes(format, channels).is_none() {
                    return invalid;
                }
                let (start, len) = res.device_range().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
                let _ = ptr;
                self.region(start, len).map(|_| ())
            }
        }
    }

    pub(super) fn object_create(
        &mut self,
        res: Resource,
        flags: u32,
        tex: Option<([u8; TEXTURE_DESC_SIZE], Option<[u8; VIEW_DESC_SIZE]>)>,
    ) -> CuResult<u64> {
        self.context()?;
        self.check_resource(res, tex.is_none())?;
        self.a.next_object += 1;
        let v = self.a.next_object;
        self.a.objects.insert(v, Object { res, flags, tex });
        Ok(v)
    }

    pub(super) fn object(&self, v: u64, texture: bool) -> CuResult<&Object> {
        self.ready()?;
        match self.a.objects.get(&v) {
            Some(o) if o.tex.is_some() == texture => Ok(o),
            _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
        }
    }

    pub(super) fn object_destroy(&mut self, v: u64, texture: bool) -> CuResult<()> {
        self.object(v, texture)?;
        self.a.objects.remove(&v);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Backend;

    fn gpu() -> Emulated {
        let mut g = Emulated::new(1 << 30);
        g.init(0).unwrap();
        let ctx = g.ctx_create(0, 0).unwrap();
        g.ctx_set_current(ctx).unwrap();
        g
    }

    fn desc(width: u64, height: u64, depth: u64) -> ArrayDesc {
        ArrayDesc { width, height, depth, format: 0x20, channels: 1, flags: 0 }
    }

    #[test]
    fn descriptors_are_checked_as_the_driver_does() {
        let mut g = gpu();
        assert_eq!(g.array_create(&desc(0, 4, 0), false), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(g.array_create(&ArrayDesc { channels: 3, ..desc(4, 4, 0) }, false), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(g.array_create(&desc(4, 0, 2), true), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let a = g.array_create(&desc(4, 0, 2), false).unwrap();
        assert_eq!(g.array_descriptor(a, true).unwrap(), desc(4, 0, 0));
        assert_eq!(g.array_destroy(a), Ok(()));
        assert_eq!(g.array_destroy(a), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
    }

    #[test]
    fn copies_round_trip_through_arrays() {
        let mut g = gpu();
        // 4 x 3 x 2 floats.
        let a = g.array_create(&desc(4, 3, 2), true).unwrap();
        let b = g.array_create(&desc(4, 3, 2), true).unwrap();
        let data: Vec<u8> = (0..96).collect();
        let whole = |src, dst| ArrayCopy { src, src_pos: [0; 3], dst, dst_pos: [0; 3], extent: [16, 3, 2] };
        g.memcpy_array(&whole(ArraySide::Host, ArraySide::Array(a)), Host2d::Source(&data), None).unwrap();
        g.memcpy_array(&whole(ArraySide::Array(a), ArraySide::Array(b)), Host2d::None, None).unwrap();
        let dev = g.mem_alloc(256).unwrap();
        let d = ArraySide::Device { ptr: dev, pitch: 32, height: 4 };
        g.memcpy_array(&whole(ArraySide::Array(b), d), Host2d::None, None).unwrap();
        let mut back = vec![0u8; 96];
        g.memcpy_array(&whole(d, ArraySide::Host), Host2d::Destination(&mut back), None).unwrap();
        assert_eq!(back, data);
        // Row 1 of slice 1 lies at 1 * 32 * 4 + 32 on the device.
        let mut row = [0u8; 16];
        g.memcpy_dtoh(&mut row, dev + 160, None).unwrap();
        assert_eq!(row[..], data[64..80]);
        // A box past the array's end.
        let past = ArrayCopy { dst_pos: [4, 0, 0], ..whole(ArraySide::Host, ArraySide::Array(a)) };
        assert_eq!(g.memcpy_array(&past, Host2d::Source(&data), None), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
    }

    #[test]
    fn mipmaps_have_their_levels() {
        let mut g = gpu();
        assert_eq!(g.mipmapped_array_create(&desc(8, 4, 0), 5), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let m = g.mipmapped_array_create(&desc(8, 4, 0), 4).unwrap();
        let l2 = g.mipmapped_array_level(m, 2).unwrap();
        assert_eq!(g.array_descriptor(l2, true).unwrap(), desc(2, 1, 0));
        assert_eq!(g.mipmapped_array_level(m, 4), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(g.array_destroy(l2), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        g.mipmapped_array_destroy(m).unwrap();
        assert_eq!(g.array_descriptor(l2, true), Err(CUresult::CUDA_ERROR_INVALID_HANDLE));
    }

    #[test]
    fn objects_keep_their_descriptors() {
        let mut g = gpu();
        let a = g.array_create(&desc(4, 4, 0), false).unwrap();
        let tex = [7u8; TEXTURE_DESC_SIZE];
        let t = g.tex_object_create(Resource::Array(a), 0, &tex, None).unwrap();
        assert_eq!(g.tex_object_resource(t).unwrap(), (Resource::Array(a), 0));
        assert_eq!(g.tex_object_texture_desc(t).unwrap(), tex);
        // A surface needs an array made for load/store.
        assert_eq!(g.surf_object_create(Resource::Array(a), 0), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let s = g.array_create(&ArrayDesc { flags: SURFACE_LDST, ..desc(4, 4, 1) }, true).unwrap();
        let so = g.surf_object_create(Resource::Array(s), 0).unwrap();
        assert_eq!(g.surf_object_destroy(t), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        g.surf_object_destroy(so).unwrap();
        g.tex_object_destroy(t).unwrap();
        assert_eq!(g.tex_object_destroy(t), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
    }
}
