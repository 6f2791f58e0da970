//! Tensor maps (Hopper's TMA descriptors). A descriptor is 128 opaque bytes
//! that embed a device address; only the driver knows the encoding, so the
//! host's driver encodes it (after checking the address is this session's
//! memory) and the guest gets the bytes, which it passes to kernels by value.

use core::ffi::c_void;

use cuvm_abi::{CUresult, CUtensorMap, cuuint32_t, cuuint64_t};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, protocol};

/// Most dimensions a tensor map has.
const MAX_RANK: u32 = 5;

fn write_map(out: *mut CUtensorMap, bytes: &[u8]) -> Result<(), CUresult> {
    if bytes.len() != size_of::<CUtensorMap>() {
        return Err(CUresult::CUDA_ERROR_UNKNOWN);
    }
    // SAFETY: `out` is non-null and valid for 128 bytes by the caller's contract.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), bytes.len()) };
    Ok(())
}

/// `cuTensorMapEncodeTiled`.
///
/// # Safety
/// As the driver's: arrays of `rank` (strides: `rank - 1`) elements.
#[allow(clippy::too_many_arguments)]
pub unsafe fn encode_tiled(
    map: *mut CUtensorMap,
    data_type: u32,
    rank: cuuint32_t,
    address: *mut c_void,
    dims: *const cuuint64_t,
    strides: *const cuuint64_t,
    box_dims: *const cuuint32_t,
    element_strides: *const cuuint32_t,
    options: [u32; 4],
) -> CUresult {
    remote::done((|| {
        let map = non_null(map)?;
        if rank == 0
            || rank > MAX_RANK
            || dims.is_null()
            || box_dims.is_null()
            || element_strides.is_null()
            || (rank > 1 && strides.is_null())
        {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let n = rank as usize;
        // SAFETY: the arrays hold `rank` (strides `rank - 1`) elements.
        let (dims, box_dims, element_strides) = unsafe {
            (
                core::slice::from_raw_parts(dims, n),
                core::slice::from_raw_parts(box_dims, n),
                core::slice::from_raw_parts(element_strides, n),
            )
        };
        // SAFETY: as above; empty for rank 1.
        let strides = if n > 1 { unsafe { core::slice::from_raw_parts(strides, n - 1) } } else { &[] };
        let mut e = Encoder::new();
        e.u32(data_type).u32(rank).u64(address as u64);
        dims.iter().chain(strides).for_each(|v| {
            e.u64(*v);
        });
        box_dims.iter().chain(element_strides).chain(options.iter()).for_each(|v| {
            e.u32(*v);
        });
        let r = call(ops::cuTensorMapEncodeTiled, &e)?;
        let mut d = r.decoder();
        write_map(map, d.take(size_of::<CUtensorMap>()).map_err(protocol)?)
    })())
}

/// `cuTensorMapEncodeIm2col`: encoded by the host's driver after the
/// tensor's extent is checked against the session's memory.
///
/// # Safety
/// As the driver's: arrays of `rank` (strides `rank - 1`, corners
/// `rank - 2`) elements.
#[allow(clippy::too_many_arguments)]
pub unsafe fn encode_im2col(
    map: *mut CUtensorMap,
    data_type: u32,
    rank: cuuint32_t,
    address: *mut c_void,
    dims: *const cuuint64_t,
    strides: *const cuuint64_t,
    lower: *const core::ffi::c_int,
    upper: *const core::ffi::c_int,
    channels_per_pixel: u32,
    pixels_per_column: u32,
    element_strides: *const cuuint32_t,
    options: [u32; 4],
) -> CUresult {
    remote::done((|| {
        let map = non_null(map)?;
        if !(3..=MAX_RANK).contains(&rank)
            || dims.is_null()
            || strides.is_null()
            || lower.is_null()
            || upper.is_null()
            || element_strides.is_null()
        {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let n = rank as usize;
        // SAFETY: the arrays hold rank, rank - 1 and rank - 2 elements.
        let (dims, strides, lower, upper, element_strides) = unsafe {
            (
                core::slice::from_raw_parts(dims, n),
                core::slice::from_raw_parts(strides, n - 1),
                core::slice::from_raw_parts(lower, n - 2),
                core::slice::from_raw_parts(upper, n - 2),
                core::slice::from_raw_parts(element_strides, n),
            )
        };
        let mut e = Encoder::new();
        e.u32(data_type).u32(rank).u64(address as u64);
        dims.iter().chain(strides).for_each(|v| {
            e.u64(*v);
        });
        lower.iter().chain(upper).for_each(|v| {
            e.i32(*v);
        });
        e.u32(channels_per_pixel).u32(pixels_per_column);
        element_strides.iter().chain(options.iter()).for_each(|v| {
            e.u32(*v);
        });
        let r = call(ops::cuTensorMapEncodeIm2col, &e)?;
        let mut d = r.decoder();
        write_map(map, d.take(size_of::<CUtensorMap>()).map_err(protocol)?)
    })())
}

/// `cuTensorMapReplaceAddress`.
///
/// # Safety
/// `map` null or a valid tensor map.
pub unsafe fn replace_address(map: *mut CUtensorMap, address: *mut c_void) -> CUresult {
    remote::done((|| {
        let map = non_null(map)?;
        let mut current = [0u8; size_of::<CUtensorMap>()];
        // SAFETY: a valid 128-byte tensor map.
        unsafe { core::ptr::copy_nonoverlapping(map.cast::<u8>(), current.as_mut_ptr(), current.len()) };
        let mut e = Encoder::new();
        e.raw(&current).u64(address as u64);
        let r = call(ops::cuTensorMapReplaceAddress, &e)?;
        let mut d = r.decoder();
        write_map(map, d.take(size_of::<CUtensorMap>()).map_err(protocol)?)
    })())
}
