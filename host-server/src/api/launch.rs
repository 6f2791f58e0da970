//! Kernel launches, packed by the guest from the parameter layout it was
//! given at function lookup, and the occupancy calculator.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use super::stream_raw;
use crate::backend::LaunchConfig;
use crate::session::handles::Kind;
use crate::session::{HResult, MAX_KERNEL_ARGS, Session, ok};

/// `cuLaunchKernel(_ptsz)` (and cooperative launches): [function id u64,
/// grid 3×u32, block 3×u32, shared memory u32, stream u64, cooperative u8,
/// arguments bytes] -> [] (usually posted).
pub fn launch(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let f = a.u64()?;
    let grid = [a.u32()?, a.u32()?, a.u32()?];
    let block = [a.u32()?, a.u32()?, a.u32()?];
    let shared_mem = a.u32()?;
    let stream = a.u64()?;
    let cooperative = a.bool()?;
    let args = a.bytes(MAX_KERNEL_ARGS)?;
    // A CUkernel may stand where a CUfunction is expected: its function in
    // the current context is launched.
    let raw = match s.handles.get(f, Kind::Kernel) {
        Ok(kernel) => {
            super::library::refresh_params(s, f)?;
            s.backend.kernel_get_function(kernel.raw)?
        }
        Err(_) => s.handles.raw(f, Kind::Function)?,
    };
    let stream = stream_raw(s, stream)?;
    let info = s.functions.get(&f).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
    let needed = info.params.iter().map(|p| p.offset as usize + p.size as usize).max().unwrap_or(0);
    if args.len() < needed {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let params = info.params.clone();
    s.backend.launch_kernel(raw, LaunchConfig { grid, block, shared_mem, stream, cooperative }, &params, args)?;
    ok(Encoder::new())
}

/// `cuOccupancyMaxActiveBlocksPerMultiprocessor(WithFlags)`: [function id
/// u64, block size i32, dynamic shared memory u64, flags u32] -> [blocks i32].
pub fn occupancy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, block, smem, flags) = (a.u64()?, a.i32()?, a.u64()?, a.u32()?);
    let raw = s.handles.raw(f, Kind::Function)?;
    let n = s.backend.occupancy_max_active_blocks(raw, block, smem, flags)?;
    let mut e = Encoder::new();
    e.i32(n);
    ok(e)
}

/// `cuOccupancyMaxPotentialBlockSize(WithFlags)` with no callback: [function
/// id u64, dynamic shared memory u64, block size limit i32, flags u32] ->
/// [minimum grid size i32, block size i32].
pub fn potential_block_size(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, smem, limit, flags) = (a.u64()?, a.u64()?, a.i32()?, a.u32()?);
    let raw = s.handles.raw(f, Kind::Function)?;
    let (grid, block) = s.backend.occupancy_max_potential_block_size(raw, smem, limit, flags)?;
    let mut e = Encoder::new();
    e.i32(grid).i32(block);
    ok(e)
}

/// `cuOccupancyAvailableDynamicSMemPerBlock`: [function id u64, blocks i32,
/// block size i32] -> [bytes u64].
pub fn available_dynamic_smem(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, blocks, block) = (a.u64()?, a.i32()?, a.i32()?);
    let raw = s.handles.raw(f, Kind::Function)?;
    let v = s.backend.occupancy_available_dynamic_smem(raw, blocks, block)?;
    let mut e = Encoder::new();
    e.u64(v);
    ok(e)
}
