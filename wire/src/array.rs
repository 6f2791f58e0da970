//! CUDA arrays, texture and surface objects on the wire: array descriptors,
//! resource descriptors (which name arrays by their session ids and device
//! memory by address) and copies with an array side. Both the guest library
//! and cuvm-host use these encodings (see `wire/PROTOCOL.md`).

use crate::{DecodeError, Decoder, Encoder};

/// `CUDA_TEXTURE_DESC`, `CUDA_RESOURCE_VIEW_DESC` and
/// `CUDA_ARRAY_SPARSE_PROPERTIES` travel as their plain bytes (no pointers
/// or handles inside).
pub const TEXTURE_DESC_SIZE: usize = size_of::<cuvm_abi::CUDA_TEXTURE_DESC>();
/// See [`TEXTURE_DESC_SIZE`].
pub const VIEW_DESC_SIZE: usize = size_of::<cuvm_abi::CUDA_RESOURCE_VIEW_DESC>();
/// See [`TEXTURE_DESC_SIZE`].
pub const SPARSE_PROPERTIES_SIZE: usize = size_of::<cuvm_abi::CUDA_ARRAY_SPARSE_PROPERTIES>();

/// `CUDA_ARRAY3D_DESCRIPTOR` (a 2D descriptor has depth 0 and no flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArrayDesc {
    /// Width in elements.
    pub width: u64,
    /// Height in elements (0 for 1D).
    pub height: u64,
    /// Depth in elements or layers (0 for 1D/2D).
    pub depth: u64,
    /// `CUarray_format`.
    pub format: u32,
    /// Channels per element (1, 2 or 4).
    pub channels: u32,
    /// `CUDA_ARRAY3D_*` flags.
    pub flags: u32,
}

impl ArrayDesc {
    /// [width, height, depth u64, format, channels, flags u32].
    pub fn encode(&self, e: &mut Encoder) {
        e.u64(self.width).u64(self.height).u64(self.depth).u32(self.format).u32(self.channels).u32(self.flags);
    }

    /// # Errors
    /// A truncated body.
    pub fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok(ArrayDesc { width: d.u64()?, height: d.u64()?, depth: d.u64()?, format: d.u32()?, channels: d.u32()?, flags: d.u32()? })
    }

    /// Bytes per element, for the formats cuvm knows the size of.
    #[must_use]
    pub fn element_bytes(&self) -> Option<u64> {
        element_bytes(self.format, self.channels)
    }

    /// The array's extent as a copy sees it: bytes per row, rows, slices.
    #[must_use]
    pub fn extent_bytes(&self) -> Option<[u64; 3]> {
        Some([self.width.checked_mul(self.element_bytes()?)?, self.height.max(1), self.depth.max(1)])
    }

    /// The bytes the elements occupy (every dimension at least 1).
    #[must_use]
    pub fn bytes(&self) -> Option<u64> {
        let [row, h, d] = self.extent_bytes()?;
        row.checked_mul(h)?.checked_mul(d)
    }
}

impl From<&cuvm_abi::CUDA_ARRAY3D_DESCRIPTOR> for ArrayDesc {
    fn from(d: &cuvm_abi::CUDA_ARRAY3D_DESCRIPTOR) -> Self {
        ArrayDesc {
            width: d.Width as u64,
            height: d.Height as u64,
            depth: d.Depth as u64,
            format: d.Format.0,
            channels: d.NumChannels,
            flags: d.Flags,
        }
    }
}

impl From<&cuvm_abi::CUDA_ARRAY_DESCRIPTOR> for ArrayDesc {
    fn from(d: &cuvm_abi::CUDA_ARRAY_DESCRIPTOR) -> Self {
        ArrayDesc { width: d.Width as u64, height: d.Height as u64, depth: 0, format: d.Format.0, channels: d.NumChannels, flags: 0 }
    }
}

impl ArrayDesc {
    /// As the driver's 3D descriptor (`None` if a dimension does not fit).
    #[must_use]
    pub fn to_3d(&self) -> Option<cuvm_abi::CUDA_ARRAY3D_DESCRIPTOR> {
        Some(cuvm_abi::CUDA_ARRAY3D_DESCRIPTOR {
            Width: usize::try_from(self.width).ok()?,
            Height: usize::try_from(self.height).ok()?,
            Depth: usize::try_from(self.depth).ok()?,
            Format: cuvm_abi::CUarray_format(self.format),
            NumChannels: self.channels,
            Flags: self.flags,
        })
    }

    /// As the driver's 2D descriptor.
    #[must_use]
    pub fn to_2d(&self) -> Option<cuvm_abi::CUDA_ARRAY_DESCRIPTOR> {
        Some(cuvm_abi::CUDA_ARRAY_DESCRIPTOR {
            Width: usize::try_from(self.width).ok()?,
            Height: usize::try_from(self.height).ok()?,
            Format: cuvm_abi::CUarray_format(self.format),
            NumChannels: self.channels,
        })
    }
}

/// `CUDA_ARRAY3D_LAYERED`.
pub const LAYERED: u32 = 0x01;
/// `CUDA_ARRAY3D_CUBEMAP`.
pub const CUBEMAP: u32 = 0x04;
/// `CUDA_ARRAY3D_SPARSE`.
pub const SPARSE: u32 = 0x40;
/// `CUDA_ARRAY3D_DEFERRED_MAPPING`.
pub const DEFERRED_MAPPING: u32 = 0x80;

/// Bytes per element of `format` with `channels` channels: the classic
/// formats take 1, 2 or 4 channels; the packed normalized ones
/// (`UNORM_INT8X4`...) and `UNORM_INT_101010_2` carry their channels in the
/// format and take 1. Block-compressed and video (planar) formats are
/// `None`: cuvm does not know their layout.
#[must_use]
pub fn element_bytes(format: u32, channels: u32) -> Option<u64> {
    let classic = match format {
        0x01 | 0x08 => Some(1), // (UN)SIGNED_INT8
        0x02 | 0x09 | 0x10 => Some(2),
        0x03 | 0x0a | 0x20 => Some(4),
        _ => None,
    };
    if let Some(b) = classic {
        return matches!(channels, 1 | 2 | 4).then_some(b * u64::from(channels));
    }
    let packed = match format {
        0xc0 | 0xc6 => 1, // UNORM/SNORM_INT8X1
        0xc1 | 0xc7 => 2, // INT8X2
        0xc2 | 0xc8 => 4, // INT8X4
        0xc3 | 0xc9 => 2, // INT16X1
        0xc4 | 0xca => 4, // INT16X2
        0xc5 | 0xcb => 8, // INT16X4
        0x50 => 4,        // UNORM_INT_101010_2
        _ => return None,
    };
    (channels == 1).then_some(packed)
}

/// The bytes a mipmapped array's levels occupy: each level halves every
/// dimension the array has (down to 1); layers (and a cubemap's faces) are
/// not halved.
#[must_use]
pub fn mipmapped_bytes(desc: &ArrayDesc, levels: u32) -> Option<u64> {
    let layered = desc.flags & (LAYERED | CUBEMAP) != 0;
    let mut level = *desc;
    let mut total = 0u64;
    for _ in 0..levels.max(1) {
        total = total.checked_add(level.bytes()?)?;
        level.width = (level.width / 2).max(1);
        if level.height > 0 {
            level.height = (level.height / 2).max(1);
        }
        if level.depth > 0 && !layered {
            level.depth = (level.depth / 2).max(1);
        }
    }
    Some(total)
}

/// What a texture or surface object reads: `CUDA_RESOURCE_DESC` with arrays
/// named by id (guest) or backend handle (host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `CU_RESOURCE_TYPE_ARRAY`.
    Array(u64),
    /// `CU_RESOURCE_TYPE_MIPMAPPED_ARRAY`.
    Mipmapped(u64),
    /// `CU_RESOURCE_TYPE_LINEAR`: device memory.
    Linear {
        /// Device address.
        ptr: u64,
        /// `CUarray_format`.
        format: u32,
        /// Channels.
        channels: u32,
        /// Bytes.
        size: u64,
    },
    /// `CU_RESOURCE_TYPE_PITCH2D`: pitched device memory.
    Pitch2d {
        /// Device address.
        ptr: u64,
        /// `CUarray_format`.
        format: u32,
        /// Channels.
        channels: u32,
        /// Width in elements.
        width: u64,
        /// Rows.
        height: u64,
        /// Bytes between rows.
        pitch: u64,
    },
}

impl Resource {
    /// [type u32, then array: id u64; mipmapped: id u64; linear: address
    /// u64, format u32, channels u32, size u64; pitch 2D: address u64,
    /// format u32, channels u32, width u64, height u64, pitch u64], flags u32.
    pub fn encode(&self, flags: u32, e: &mut Encoder) {
        match *self {
            Resource::Array(h) => e.u32(0).u64(h),
            Resource::Mipmapped(h) => e.u32(1).u64(h),
            Resource::Linear { ptr, format, channels, size } => e.u32(2).u64(ptr).u32(format).u32(channels).u64(size),
            Resource::Pitch2d { ptr, format, channels, width, height, pitch } => {
                e.u32(3).u64(ptr).u32(format).u32(channels).u64(width).u64(height).u64(pitch)
            }
        };
        e.u32(flags);
    }

    /// The resource and its flags.
    ///
    /// # Errors
    /// A truncated body; an unknown type is `Ok(None)` (the driver's
    /// `CUDA_ERROR_INVALID_VALUE`, for the caller to give).
    pub fn decode(d: &mut Decoder<'_>) -> Result<Option<(Resource, u32)>, DecodeError> {
        let r = match d.u32()? {
            0 => Resource::Array(d.u64()?),
            1 => Resource::Mipmapped(d.u64()?),
            2 => Resource::Linear { ptr: d.u64()?, format: d.u32()?, channels: d.u32()?, size: d.u64()? },
            3 => Resource::Pitch2d {
                ptr: d.u64()?,
                format: d.u32()?,
                channels: d.u32()?,
                width: d.u64()?,
                height: d.u64()?,
                pitch: d.u64()?,
            },
            _ => return Ok(None),
        };
        Ok(Some((r, d.u32()?)))
    }

    /// The device range `(address, bytes)` a linear or pitched resource
    /// reads: the linear size; for pitched memory up to the last row's last
    /// element (every row of the pitch when the element size is unknown).
    /// `None` for arrays, or when the range overflows.
    #[must_use]
    pub fn device_range(&self) -> Option<(u64, u64)> {
        match *self {
            Resource::Linear { ptr, size, .. } => Some((ptr, size)),
            Resource::Pitch2d { ptr, format, channels, width, height, pitch } => {
                if height == 0 || width == 0 {
                    return Some((ptr, 0));
                }
                let row = match element_bytes(format, channels) {
                    Some(b) => width.checked_mul(b)?,
                    None => pitch,
                };
                Some((ptr, pitch.checked_mul(height - 1)?.checked_add(row)?))
            }
            _ => None,
        }
    }
}

impl Resource {
    /// From the driver's descriptor, array handles taken as their integer
    /// values; `None` for an unknown type.
    #[must_use]
    pub fn from_desc(d: &cuvm_abi::CUDA_RESOURCE_DESC) -> Option<(Resource, u32)> {
        use cuvm_abi::CUresourcetype as T;
        // SAFETY: the member read is the one `resType` selects; every member
        // is plain data (handles as pointers, read as integers).
        let r = unsafe {
            match d.resType {
                T::CU_RESOURCE_TYPE_ARRAY => Resource::Array(d.res.array.hArray as usize as u64),
                T::CU_RESOURCE_TYPE_MIPMAPPED_ARRAY => Resource::Mipmapped(d.res.mipmap.hMipmappedArray as usize as u64),
                T::CU_RESOURCE_TYPE_LINEAR => {
                    let l = d.res.linear;
                    Resource::Linear { ptr: l.devPtr, format: l.format.0, channels: l.numChannels, size: l.sizeInBytes as u64 }
                }
                T::CU_RESOURCE_TYPE_PITCH2D => {
                    let p = d.res.pitch2D;
                    Resource::Pitch2d {
                        ptr: p.devPtr,
                        format: p.format.0,
                        channels: p.numChannels,
                        width: p.width as u64,
                        height: p.height as u64,
                        pitch: p.pitchInBytes as u64,
                    }
                }
                _ => return None,
            }
        };
        Some((r, d.flags))
    }

    /// As the driver's descriptor, array handles from their integer values
    /// (64-bit targets only, as the driver).
    #[must_use]
    #[allow(clippy::cast_possible_truncation)]
    pub fn to_desc(&self, flags: u32) -> cuvm_abi::CUDA_RESOURCE_DESC {
        use cuvm_abi::CUresourcetype as T;
        let mut d = cuvm_abi::CUDA_RESOURCE_DESC { flags, ..Default::default() };
        let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        match *self {
            Resource::Array(h) => {
                d.resType = T::CU_RESOURCE_TYPE_ARRAY;
                d.res.array.hArray = h as usize as cuvm_abi::CUarray;
            }
            Resource::Mipmapped(h) => {
                d.resType = T::CU_RESOURCE_TYPE_MIPMAPPED_ARRAY;
                d.res.mipmap.hMipmappedArray = h as usize as cuvm_abi::CUmipmappedArray;
            }
            Resource::Linear { ptr, format, channels, size: n } => {
                d.resType = T::CU_RESOURCE_TYPE_LINEAR;
                d.res.linear.devPtr = ptr;
                d.res.linear.format = cuvm_abi::CUarray_format(format);
                d.res.linear.numChannels = channels;
                d.res.linear.sizeInBytes = size(n);
            }
            Resource::Pitch2d { ptr, format, channels, width, height, pitch } => {
                d.resType = T::CU_RESOURCE_TYPE_PITCH2D;
                d.res.pitch2D.devPtr = ptr;
                d.res.pitch2D.format = cuvm_abi::CUarray_format(format);
                d.res.pitch2D.numChannels = channels;
                d.res.pitch2D.width = size(width);
                d.res.pitch2D.height = size(height);
                d.res.pitch2D.pitchInBytes = size(pitch);
            }
        }
        d
    }
}

/// One side of a copy with an array side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Guest memory: packed rows travel in Data frames.
    Host,
    /// Device memory: base address, bytes per row, rows per slice.
    Device {
        /// Base address.
        ptr: u64,
        /// Bytes per row.
        pitch: u64,
        /// Rows per slice.
        height: u64,
    },
    /// A CUDA array (id on the wire, backend handle on the host).
    Array(u64),
}

/// A copy between host, device and array memory: sides with the box's
/// offset (x in bytes, y in rows, z in slices) and the box (width in bytes,
/// rows, slices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrayCopy {
    /// Where from.
    pub src: Side,
    /// Offset in the source.
    pub src_pos: [u64; 3],
    /// Where to.
    pub dst: Side,
    /// Offset in the destination.
    pub dst_pos: [u64; 3],
    /// Width in bytes, height in rows, depth in slices.
    pub extent: [u64; 3],
}

impl ArrayCopy {
    /// [src side, src x/y/z 3×u64, dst side, dst x/y/z 3×u64, extent
    /// 3×u64] with a side [kind u8 (0 host, 1 device, 2 array), device:
    /// address u64, pitch u64, height u64; array: id u64].
    pub fn encode(&self, e: &mut Encoder) {
        for (side, pos) in [(self.src, self.src_pos), (self.dst, self.dst_pos)] {
            match side {
                Side::Host => e.u8(0),
                Side::Device { ptr, pitch, height } => e.u8(1).u64(ptr).u64(pitch).u64(height),
                Side::Array(h) => e.u8(2).u64(h),
            };
            pos.iter().for_each(|v| {
                e.u64(*v);
            });
        }
        self.extent.iter().for_each(|v| {
            e.u64(*v);
        });
    }

    /// # Errors
    /// A truncated body or an unknown side kind.
    pub fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let side = |d: &mut Decoder<'_>| -> Result<(Side, [u64; 3]), DecodeError> {
            let s = match d.u8()? {
                0 => Side::Host,
                1 => Side::Device { ptr: d.u64()?, pitch: d.u64()?, height: d.u64()? },
                2 => Side::Array(d.u64()?),
                _ => return Err(DecodeError::Invalid("copy side kind")),
            };
            Ok((s, [d.u64()?, d.u64()?, d.u64()?]))
        };
        let (src, src_pos) = side(d)?;
        let (dst, dst_pos) = side(d)?;
        Ok(ArrayCopy { src, src_pos, dst, dst_pos, extent: [d.u64()?, d.u64()?, d.u64()?] })
    }

    /// The packed bytes of the host side (width × height × depth).
    #[must_use]
    pub fn packed(&self) -> Option<u64> {
        let [w, h, d] = self.extent;
        w.checked_mul(h)?.checked_mul(d)
    }
}

/// Whether a box at `pos` of `extent` (x in bytes) fits inside an array of
/// `bounds` (bytes per row, rows, slices).
#[must_use]
pub fn box_fits(pos: [u64; 3], extent: [u64; 3], bounds: [u64; 3]) -> bool {
    pos.iter().zip(extent).zip(bounds).all(|((p, e), b)| p.checked_add(e).is_some_and(|end| end <= b))
}

/// The most bytes a copy's host side may pack into one message (the host
/// refuses more): larger copies are sent as several, see [`split`].
pub const MAX_PACKED: u64 = 1 << 30;

/// The sub-boxes a box of `extent` (width in bytes, rows, slices) is sent
/// as so that none packs more than `max` bytes: (offset, extent) pairs in
/// order (x fastest), covering the box exactly once. Whole slices are
/// grouped where they fit, else whole rows, else a row is cut in pieces of
/// `max` bytes (a multiple of every element size where `max` is a power of
/// two of at least 16). An empty box or a `max` of 0 gives nothing.
pub fn split(extent: [u64; 3], max: u64) -> impl Iterator<Item = ([u64; 3], [u64; 3])> {
    let [w, h, d] = extent;
    let mut done = w == 0 || h == 0 || d == 0 || max == 0;
    let step = if done {
        [1, 1, 1]
    } else if w > max {
        [max, 1, 1]
    } else if w.checked_mul(h).is_none_or(|n| n > max) {
        [w, max / w, 1]
    } else {
        [w, h, max / (w * h)]
    };
    let mut at = [0u64; 3];
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let off = at;
        let ext = [(w - at[0]).min(step[0]), (h - at[1]).min(step[1]), (d - at[2]).min(step[2])];
        at[0] += ext[0];
        if at[0] == w {
            at[0] = 0;
            at[1] += ext[1];
            if at[1] == h {
                at[1] = 0;
                at[2] += ext[2];
                done = at[2] == d;
            }
        }
        Some((off, ext))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte of the box once, in order, and no piece over `max`.
    fn covers(extent: [u64; 3], max: u64) -> usize {
        let [w, h, d] = extent;
        let mut seen = vec![0u8; (w * h * d) as usize];
        let mut n = 0;
        for (off, ext) in split(extent, max) {
            assert!(ext.iter().product::<u64>() <= max, "{ext:?} over {max}");
            assert!(ext.iter().all(|v| *v > 0));
            for z in off[2]..off[2] + ext[2] {
                for y in off[1]..off[1] + ext[1] {
                    for x in off[0]..off[0] + ext[0] {
                        seen[((z * h + y) * w + x) as usize] += 1;
                    }
                }
            }
            n += 1;
        }
        assert!(seen.iter().all(|c| *c == 1), "{extent:?} by {max}: not covered exactly once");
        n
    }

    #[test]
    fn split_copies_cover_the_box_once_in_pieces_of_at_most_max() {
        assert_eq!(covers([4, 3, 2], 100), 1);
        assert_eq!(covers([4, 3, 5], 24), 3); // two slices per piece
        assert_eq!(covers([4, 7, 2], 8), 8); // two rows per piece
        assert_eq!(covers([10, 3, 2], 4), 18); // rows cut in three
        assert_eq!(covers([16, 1, 1], 16), 1);
        assert_eq!(covers([17, 1, 1], 16), 2);
        assert_eq!(split([0, 3, 2], 8).count(), 0);
        assert_eq!(split([3, 3, 2], 0).count(), 0);
        // Boxes too big to pack in memory still split without overflow.
        let big = split([u64::MAX, 2, 1], MAX_PACKED);
        assert_eq!(big.take(3).map(|(off, ext)| (off[0], ext[0])).collect::<Vec<_>>(), [(0, MAX_PACKED), (MAX_PACKED, MAX_PACKED), (2 * MAX_PACKED, MAX_PACKED)]);
        let (off, ext) = split([1 << 20, 1 << 40, 1], MAX_PACKED).nth(1).unwrap();
        assert_eq!((off, ext), ([0, 1 << 10, 0], [1 << 20, 1 << 10, 1]));
    }

    #[test]
    fn descriptor_sizes_are_the_driver_structures() {
        assert_eq!(TEXTURE_DESC_SIZE, 104);
        assert_eq!(VIEW_DESC_SIZE, 112);
        assert_eq!(SPARSE_PROPERTIES_SIZE, 48);
    }

    #[test]
    fn array_descriptors_round_trip_and_size() {
        let d = ArrayDesc { width: 100, height: 7, depth: 0, format: 0x20, channels: 4, flags: 0 };
        let mut e = Encoder::new();
        d.encode(&mut e);
        let bytes = e.finish();
        let mut dec = Decoder::new(&bytes);
        assert_eq!(ArrayDesc::decode(&mut dec).unwrap(), d);
        assert!(dec.finish().is_ok());
        assert_eq!(d.element_bytes(), Some(16));
        assert_eq!(d.extent_bytes(), Some([1600, 7, 1]));
        assert_eq!(d.bytes(), Some(1600 * 7));
        // A 1D array of half2.
        assert_eq!(ArrayDesc { width: 10, height: 0, format: 0x10, channels: 2, ..d }.bytes(), Some(40));
    }

    #[test]
    fn unknown_formats_and_channel_counts_have_no_size() {
        assert_eq!(element_bytes(0x20, 3), None);
        assert_eq!(element_bytes(0x20, 0), None);
        assert_eq!(element_bytes(0x91, 1), None); // BC1
        assert_eq!(element_bytes(0xb0, 1), None); // NV12
        assert_eq!(element_bytes(0xc2, 1), Some(4));
        assert_eq!(element_bytes(0xc2, 4), None);
        assert_eq!(ArrayDesc { width: u64::MAX, height: 2, depth: 0, format: 0x03, channels: 4, flags: 0 }.bytes(), None);
    }

    #[test]
    fn mipmap_levels_halve_each_dimension() {
        let d = ArrayDesc { width: 8, height: 4, depth: 0, format: 0x01, channels: 1, flags: 0 };
        // 8x4 + 4x2 + 2x1 + 1x1.
        assert_eq!(mipmapped_bytes(&d, 4), Some(32 + 8 + 2 + 1));
        // Layers are not halved.
        let layered = ArrayDesc { depth: 3, flags: LAYERED, ..d };
        assert_eq!(mipmapped_bytes(&layered, 2), Some(96 + 24));
    }

    #[test]
    fn resources_round_trip() {
        let all = [
            Resource::Array(0x0c0d_a000_0010),
            Resource::Mipmapped(7),
            Resource::Linear { ptr: 0x7f00_0000_0000, format: 0x20, channels: 1, size: 4096 },
            Resource::Pitch2d { ptr: 0x7f00_0000_0200, format: 0x01, channels: 4, width: 33, height: 5, pitch: 512 },
        ];
        for r in all {
            let mut e = Encoder::new();
            r.encode(9, &mut e);
            let bytes = e.finish();
            let mut d = Decoder::new(&bytes);
            assert_eq!(Resource::decode(&mut d).unwrap(), Some((r, 9)));
            assert!(d.finish().is_ok());
        }
        let mut e = Encoder::new();
        e.u32(4).u32(0);
        assert_eq!(Resource::decode(&mut Decoder::new(&e.finish())).unwrap(), None);
    }

    #[test]
    fn resources_convert_to_and_from_the_driver_descriptor() {
        for r in [
            Resource::Array(0x0c0d_a000_0010),
            Resource::Mipmapped(0x20),
            Resource::Linear { ptr: 0x7f00_0000_0000, format: 0x20, channels: 1, size: 4096 },
            Resource::Pitch2d { ptr: 0x7f00_0000_0200, format: 0x01, channels: 4, width: 33, height: 5, pitch: 512 },
        ] {
            assert_eq!(Resource::from_desc(&r.to_desc(3)), Some((r, 3)));
        }
        let d = cuvm_abi::CUDA_RESOURCE_DESC { resType: cuvm_abi::CUresourcetype(9), ..Default::default() };
        assert_eq!(Resource::from_desc(&d), None);
        let a = ArrayDesc { width: 5, height: 6, depth: 7, format: 0x20, channels: 2, flags: 1 };
        assert_eq!(ArrayDesc::from(&a.to_3d().unwrap()), a);
        assert_eq!(ArrayDesc::from(&a.to_2d().unwrap()), ArrayDesc { depth: 0, flags: 0, ..a });
    }

    #[test]
    fn pitched_resources_cover_up_to_the_last_element() {
        let r = Resource::Pitch2d { ptr: 0x1000, format: 0x01, channels: 4, width: 33, height: 5, pitch: 512 };
        assert_eq!(r.device_range(), Some((0x1000, 4 * 512 + 132)));
        let unknown = Resource::Pitch2d { ptr: 0x1000, format: 0x91, channels: 1, width: 33, height: 5, pitch: 512 };
        assert_eq!(unknown.device_range(), Some((0x1000, 5 * 512)));
        let huge = Resource::Pitch2d { ptr: 0, format: 0x01, channels: 1, width: 1, height: u64::MAX, pitch: 2 };
        assert_eq!(huge.device_range(), None);
        assert_eq!(Resource::Array(1).device_range(), None);
    }

    #[test]
    fn copies_round_trip_and_refuse_unknown_sides() {
        let c = ArrayCopy {
            src: Side::Device { ptr: 0x7f00_0000_0000, pitch: 256, height: 4 },
            src_pos: [8, 1, 0],
            dst: Side::Array(0x0c0d_a000_0020),
            dst_pos: [0, 0, 2],
            extent: [64, 3, 2],
        };
        let mut e = Encoder::new();
        c.encode(&mut e);
        let bytes = e.finish();
        assert_eq!(ArrayCopy::decode(&mut Decoder::new(&bytes)).unwrap(), c);
        assert_eq!(c.packed(), Some(64 * 3 * 2));
        let mut bad = bytes.clone();
        bad[0] = 3;
        assert!(ArrayCopy::decode(&mut Decoder::new(&bad)).is_err());
    }

    #[test]
    fn boxes_fit_inside_the_bounds() {
        assert!(box_fits([0, 0, 0], [64, 4, 1], [64, 4, 1]));
        assert!(!box_fits([1, 0, 0], [64, 4, 1], [64, 4, 1]));
        assert!(!box_fits([0, 0, 1], [64, 4, 1], [64, 4, 1]));
        assert!(!box_fits([u64::MAX, 0, 0], [1, 1, 1], [64, 4, 1]));
    }
}
