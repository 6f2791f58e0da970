//! Kernel launches, packed by the guest from the parameter layout it was
//! given at function lookup, and the occupancy calculator.

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use super::stream_raw;
use crate::backend::LaunchConfig;
use crate::session::{Fail, HResult, MAX_KERNEL_ARGS, Session, ok};

/// Most launch attributes in one launch.
const MAX_LAUNCH_ATTRIBUTES: u32 = 16;

/// Launch attribute ids whose 64-byte values hold neither pointers nor
/// handles (synchronisation policy 3, cluster dimension 4, cluster
/// scheduling 5, programmatic stream serialization 6, priority 8, memory
/// synchronisation domain map 9 and domain 10, preferred cluster dimension
/// 11, shared memory carve-out 14): passed to the driver as they are.
const VALUE_ATTRIBUTES: [u32; 9] = [3, 4, 5, 6, 8, 9, 10, 11, 14];

/// `CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW`: its value starts with a
/// device address and a byte count.
const ACCESS_POLICY_WINDOW: u32 = 1;

/// Refuses (`CUDA_ERROR_NOT_SUPPORTED`) attribute ids whose values cuvm does
/// not carry: those holding handles (events, device-updatable nodes).
pub(crate) fn check_attribute_id(id: u32) -> Result<(), Fail> {
    if VALUE_ATTRIBUTES.contains(&id) || id == ACCESS_POLICY_WINDOW {
        Ok(())
    } else {
        Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into())
    }
}

/// Checks an attribute value a guest sets on a stream or a kernel node: a
/// plain value, or an access policy window over the session's memory.
pub(crate) fn check_attribute(s: &Session, id: u32, value: &[u8; 64]) -> Result<(), Fail> {
    check_attribute_id(id)?;
    if id == ACCESS_POLICY_WINDOW {
        let word = |i: usize| u64::from_le_bytes(value[i..i + 8].try_into().unwrap_or([0; 8]));
        let (base, len) = (word(0), word(8));
        if len > 0 {
            s.allocations.check(base, len)?;
        }
    }
    Ok(())
}

/// Reads a grid or block shape: 3×u32.
fn dims(a: &mut Decoder<'_>) -> Result<[u32; 3], Fail> {
    Ok([a.u32()?, a.u32()?, a.u32()?])
}

/// Reads [count u32, (id u32, value 64 bytes)*], refusing ids that are not
/// plain values.
fn attributes(a: &mut Decoder<'_>) -> Result<Vec<(u32, [u8; 64])>, Fail> {
    let count = a.u32()?;
    if count > MAX_LAUNCH_ATTRIBUTES {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let mut attrs = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let id = a.u32()?;
        if !VALUE_ATTRIBUTES.contains(&id) {
            return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED.into());
        }
        let mut value = [0u8; 64];
        value.copy_from_slice(a.take(64)?);
        attrs.push((id, value));
    }
    Ok(attrs)
}

/// `cuOccupancyMaxActiveClusters` / `cuOccupancyMaxPotentialClusterSize`:
/// [function id u64, grid 3×u32, block 3×u32, shared memory u32, cooperative
/// u8, attributes] -> [i32].
pub fn cluster_occupancy(s: &mut Session, a: &mut Decoder<'_>, potential: bool) -> HResult {
    let (f, grid, block, shared_mem) = (a.u64()?, dims(a)?, dims(a)?, a.u32()?);
    let cooperative = a.bool()?;
    let attrs = attributes(a)?;
    let raw = super::function_raw(s, f)?;
    let n = s.backend.cluster_occupancy(raw, LaunchConfig { grid, block, shared_mem, stream: 0, cooperative, attrs }, potential)?;
    let mut e = Encoder::new();
    e.i32(n);
    ok(e)
}

/// `cuLaunchKernel(_ptsz)` (and cooperative launches, `cuLaunchKernelEx`):
/// [function id u64, grid 3×u32, block 3×u32, shared memory u32, stream u64,
/// cooperative u8, arguments bytes, attribute count u32, (id u32, value 64
/// bytes)*] -> [] (usually posted).
pub fn launch(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, grid, block, shared_mem) = (a.u64()?, dims(a)?, dims(a)?, a.u32()?);
    let stream = a.u64()?;
    let cooperative = a.bool()?;
    let args = a.bytes(MAX_KERNEL_ARGS)?;
    let attrs = attributes(a)?;
    let raw = super::function_raw(s, f)?;
    let stream = stream_raw(s, stream)?;
    let info = s.functions.get(&f).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
    let needed = info.params.iter().map(|p| p.offset as usize + p.size as usize).max().unwrap_or(0);
    if args.len() < needed {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let params = info.params.clone();
    s.backend.launch_kernel(raw, LaunchConfig { grid, block, shared_mem, stream, cooperative, attrs }, &params, args)?;
    ok(Encoder::new())
}

/// `cuOccupancyMaxActiveBlocksPerMultiprocessor(WithFlags)`: [function id
/// u64, block size i32, dynamic shared memory u64, flags u32] -> [blocks i32].
pub fn occupancy(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, block, smem, flags) = (a.u64()?, a.i32()?, a.u64()?, a.u32()?);
    let raw = super::function_raw(s, f)?;
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
    let raw = super::function_raw(s, f)?;
    let (grid, block) = s.backend.occupancy_max_potential_block_size(raw, smem, limit, flags)?;
    let mut e = Encoder::new();
    e.i32(grid).i32(block);
    ok(e)
}

/// `cuOccupancyAvailableDynamicSMemPerBlock`: [function id u64, blocks i32,
/// block size i32] -> [bytes u64].
pub fn available_dynamic_smem(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (f, blocks, block) = (a.u64()?, a.i32()?, a.i32()?);
    let raw = super::function_raw(s, f)?;
    let v = s.backend.occupancy_available_dynamic_smem(raw, blocks, block)?;
    let mut e = Encoder::new();
    e.u64(v);
    ok(e)
}
