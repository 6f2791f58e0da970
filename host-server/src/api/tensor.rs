//! Tensor maps: encoded by the driver from a global address that must be the
//! session's memory. The check covers every byte the tensor can address
//! (from its base to its last element: the innermost row in bytes plus
//! (dimension - 1) × stride for each outer dimension), so a guest cannot
//! make a descriptor that points elsewhere.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::backend::{Im2colTensorMap, TiledTensorMap};
use crate::session::{Fail, HResult, Session, ok};

/// Most dimensions of a tensor map.
const MAX_RANK: u32 = 5;

/// Bytes per 16 elements of each `CUtensorMapDataType` (the packed 4- and
/// 6-bit types store 16 elements in 8 or 16 bytes).
fn bytes_per_16(data_type: u32) -> Option<u64> {
    Some(match data_type {
        0 => 16,                   // UINT8
        1 | 6 | 9 => 32,           // UINT16, FLOAT16, BFLOAT16
        2 | 3 | 7 | 10..=12 => 64, // UINT32, INT32, FLOAT32, FLOAT32_FTZ, TFLOAT32(_FTZ)
        4 | 5 | 8 => 128,          // UINT64, INT64, FLOAT64
        13 => 8,                   // 16U4_ALIGN8B
        14 | 15 => 16,             // 16U4_ALIGN16B, 16U6_ALIGN16B
        _ => return None,
    })
}

/// The bytes the tensor spans from its base to the end of its last element.
fn extent(data_type: u32, dims: &[u64], strides: &[u64]) -> Option<u64> {
    let (inner, outer) = dims.split_first()?;
    if dims.contains(&0) || outer.len() != strides.len() {
        return None;
    }
    let mut span = inner.checked_mul(bytes_per_16(data_type)?)?.div_ceil(16);
    for (d, stride) in outer.iter().zip(strides) {
        span = span.checked_add((d - 1).checked_mul(*stride)?)?;
    }
    Some(span)
}

/// `cuTensorMapEncodeTiled`: [data type u32, rank u32, address u64, dims
/// rank×u64, strides (rank-1)×u64, box rank×u32, element strides rank×u32,
/// interleave, swizzle, L2 promotion, OOB fill u32] -> [128 bytes].
pub fn encode_tiled(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let mut map = head(a, 1..=MAX_RANK)?;
    let n = map.dims.len();
    map.box_dims = (0..n).map(|_| a.u32()).collect::<Result<Vec<_>, _>>()?;
    tail(a, &mut map)?;
    check(s, &map)?;
    reply(s.backend.tensor_map_encode_tiled(&map)?)
}

/// What both encodings start with: [data type u32, rank u32 (within
/// `ranks`), address u64, dims rank×u64, strides (rank-1)×u64].
fn head(a: &mut Decoder<'_>, ranks: std::ops::RangeInclusive<u32>) -> Result<TiledTensorMap, Fail> {
    let (data_type, rank, address) = (a.u32()?, a.u32()?, a.u64()?);
    if !ranks.contains(&rank) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let n = rank as usize;
    let dims = (0..n).map(|_| a.u64()).collect::<Result<Vec<_>, _>>()?;
    let strides = (1..n).map(|_| a.u64()).collect::<Result<Vec<_>, _>>()?;
    Ok(TiledTensorMap { data_type, address, dims, strides, box_dims: Vec::new(), element_strides: Vec::new(), options: [0; 4] })
}

/// What both encodings end with: [element strides rank×u32, interleave,
/// swizzle, L2 promotion, OOB fill u32].
fn tail(a: &mut Decoder<'_>, m: &mut TiledTensorMap) -> Result<(), Fail> {
    m.element_strides = (0..m.dims.len()).map(|_| a.u32()).collect::<Result<Vec<_>, _>>()?;
    m.options = [a.u32()?, a.u32()?, a.u32()?, a.u32()?];
    Ok(())
}

/// The tensor must lie in the session's memory.
fn check(s: &Session, m: &TiledTensorMap) -> Result<(), Fail> {
    let span = extent(m.data_type, &m.dims, &m.strides).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    Ok(s.allocations.check(m.address, span)?)
}

fn reply(map: [u8; 128]) -> HResult {
    let mut e = Encoder::new();
    e.raw(&map);
    ok(e)
}

/// `cuTensorMapReplaceAddress`: [128 bytes, address u64] -> [128 bytes].
pub fn replace_address(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let mut map = [0u8; 128];
    map.copy_from_slice(a.take(128)?);
    let address = a.u64()?;
    s.allocations.check(address, 1)?;
    reply(s.backend.tensor_map_replace_address(map, address)?)
}

/// `cuTensorMapEncodeIm2col`: [data type u32, rank u32 (3 to 5), address
/// u64, dims rank×u64, strides (rank-1)×u64, pixel box lower corner
/// (rank-2)×i32, upper corner (rank-2)×i32, channels per pixel u32, pixels
/// per column u32, element strides rank×u32, interleave, swizzle, L2
/// promotion, OOB fill u32] -> [128 bytes].
pub fn encode_im2col(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let mut map = head(a, 3..=MAX_RANK)?;
    let n = map.dims.len();
    let lower = (2..n).map(|_| a.i32()).collect::<Result<Vec<_>, _>>()?;
    let upper = (2..n).map(|_| a.i32()).collect::<Result<Vec<_>, _>>()?;
    let (channels_per_pixel, pixels_per_column) = (a.u32()?, a.u32()?);
    tail(a, &mut map)?;
    check(s, &map)?;
    reply(s.backend.tensor_map_encode_im2col(&Im2colTensorMap { map, lower, upper, channels_per_pixel, pixels_per_column })?)
}

#[cfg(test)]
mod tests {
    use super::extent;

    #[test]
    fn the_extent_ends_at_the_last_element() {
        // 100 floats.
        assert_eq!(extent(7, &[100], &[]), Some(400));
        // 64 x 32 halves in rows of 256 bytes: 31 rows of 256 then 128 bytes.
        assert_eq!(extent(6, &[64, 32], &[256]), Some(31 * 256 + 128));
        // A 3-D view: 8 x 4 x 2 bytes, strides 16 and 1024.
        assert_eq!(extent(0, &[8, 4, 2], &[16, 1024]), Some(8 + 3 * 16 + 1024));
        // Packed 4-bit: 33 elements in 16-element groups of 8 bytes.
        assert_eq!(extent(13, &[33], &[]), Some(17));
    }

    #[test]
    fn empty_or_unknown_tensors_have_no_extent() {
        assert_eq!(extent(7, &[0], &[]), None);
        assert_eq!(extent(99, &[4], &[]), None);
        assert_eq!(extent(7, &[4, 4], &[]), None);
        assert_eq!(extent(7, &[u64::MAX, 2], &[16]), None);
    }
}
