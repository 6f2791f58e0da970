//! Tensor maps: encoded by the driver from a global address that must be the
//! session's memory. The check covers the tensor's outer extent (the
//! outermost stride times the outermost dimension; for rank 1, one byte per
//! element), so a guest cannot make a descriptor that points elsewhere.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::backend::TiledTensorMap;
use crate::session::{HResult, Session, ok};

/// Most dimensions of a tensor map.
const MAX_RANK: u32 = 5;

/// The bytes the tensor spans from its base, as far as it can be told.
fn extent(dims: &[u64], strides: &[u64]) -> Option<u64> {
    match (dims.last(), strides.last()) {
        (Some(d), Some(s)) => s.checked_mul(*d),
        (Some(d), None) => Some(*d),
        _ => None,
    }
}

/// `cuTensorMapEncodeTiled`: [data type u32, rank u32, address u64, dims
/// rank×u64, strides (rank-1)×u64, box rank×u32, element strides rank×u32,
/// interleave, swizzle, L2 promotion, OOB fill u32] -> [128 bytes].
pub fn encode_tiled(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (data_type, rank, address) = (a.u32()?, a.u32()?, a.u64()?);
    if rank == 0 || rank > MAX_RANK {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let n = rank as usize;
    let dims = (0..n).map(|_| a.u64()).collect::<Result<Vec<_>, _>>()?;
    let strides = (1..n).map(|_| a.u64()).collect::<Result<Vec<_>, _>>()?;
    let box_dims = (0..n).map(|_| a.u32()).collect::<Result<Vec<_>, _>>()?;
    let element_strides = (0..n).map(|_| a.u32()).collect::<Result<Vec<_>, _>>()?;
    let options = [a.u32()?, a.u32()?, a.u32()?, a.u32()?];
    let span = extent(&dims, &strides).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    s.allocations.check(address, span.max(1))?;
    let map =
        s.backend.tensor_map_encode_tiled(&TiledTensorMap { data_type, address, dims, strides, box_dims, element_strides, options })?;
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
    let map = s.backend.tensor_map_replace_address(map, address)?;
    let mut e = Encoder::new();
    e.raw(&map);
    ok(e)
}
