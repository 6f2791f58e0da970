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
        if rank == 0 || rank > MAX_RANK {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let n = rank as usize;
        let mut e = Encoder::new();
        // SAFETY: the arrays hold `rank` (strides `rank - 1`) elements.
        unsafe {
            put_head(&mut e, data_type, rank, address, dims, strides)?;
            array(box_dims, n)?.iter().chain(array(element_strides, n)?).chain(options.iter()).for_each(|v| {
                e.u32(*v);
            });
        }
        send(ops::cuTensorMapEncodeTiled, &e, map)
    })())
}

/// `len` elements at `p` (none: any pointer; else null is
/// `CUDA_ERROR_INVALID_VALUE`).
///
/// # Safety
/// A non-null `p` holds `len` elements.
unsafe fn array<'a, T>(p: *const T, len: usize) -> Result<&'a [T], CUresult> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// What both encodings start with: [data type, rank, address, dims,
/// strides].
///
/// # Safety
/// `dims` holds `rank` elements and `strides` `rank - 1` (rank >= 1).
unsafe fn put_head(
    e: &mut Encoder,
    data_type: u32,
    rank: cuuint32_t,
    address: *mut c_void,
    dims: *const cuuint64_t,
    strides: *const cuuint64_t,
) -> Result<(), CUresult> {
    let n = rank as usize;
    e.u32(data_type).u32(rank).u64(address as u64);
    // SAFETY: the caller's contract.
    unsafe { array(dims, n)?.iter().chain(array(strides, n - 1)?) }.for_each(|v| {
        e.u64(*v);
    });
    Ok(())
}

/// Sends an encoding and writes the map the host answers.
fn send(op: u32, e: &Encoder, map: *mut CUtensorMap) -> Result<(), CUresult> {
    let r = call(op, e)?;
    let mut d = r.decoder();
    write_map(map, d.take(size_of::<CUtensorMap>()).map_err(protocol)?)
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
        if !(3..=MAX_RANK).contains(&rank) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let n = rank as usize;
        let mut e = Encoder::new();
        // SAFETY: the arrays hold rank, rank - 1 and rank - 2 elements.
        unsafe {
            put_head(&mut e, data_type, rank, address, dims, strides)?;
            array(lower, n - 2)?.iter().chain(array(upper, n - 2)?).for_each(|v| {
                e.i32(*v);
            });
            e.u32(channels_per_pixel).u32(pixels_per_column);
            array(element_strides, n)?.iter().chain(options.iter()).for_each(|v| {
                e.u32(*v);
            });
        }
        send(ops::cuTensorMapEncodeIm2col, &e, map)
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
        send(ops::cuTensorMapReplaceAddress, &e, map)
    })())
}
