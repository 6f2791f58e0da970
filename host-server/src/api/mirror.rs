//! Mirrored page-locked memory. Under unified addressing a page-locked host
//! address is also a device address, and some clients (XLA) hand small
//! `cuMemHostAlloc` buffers straight to kernels. The guest's memory cannot be
//! reached by the host's GPU, so the host maps memory at the same address in
//! the session's worker process and registers it with the GPU; the guest
//! sends its bytes before device work when they changed, and reads back the
//! mirrors the device changed after each synchronisation. Mirrors are small
//! and few by the guest's policy, and bounded here ([`MAX_MIRRORED`]).

use cuvm_abi::CUresult;
use cuvm_wire::{Decoder, Encoder};

use crate::session::allocations::{Owner, Range};
use crate::session::{HResult, Session, ok};

/// Most bytes one session may mirror (counted in whole pages, as mapped).
pub const MAX_MIRRORED: u64 = 4 << 20;
/// Most mirrors one session may have.
pub const MAX_MIRRORS: usize = 1024;
/// Page size of the mappings.
const PAGE: u64 = 4096;

/// `CUVM_MIRROR_MAP`: [address u64, size u64] -> [].
pub fn map(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (addr, size) = (a.u64()?, a.u64()?);
    if size == 0 || addr % PAGE != 0 || s.mirrors.contains_key(&addr) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let mapped = size.div_ceil(PAGE) * PAGE;
    let total: u64 = s.mirrors.values().map(|v| (v.len() as u64).div_ceil(PAGE) * PAGE).sum();
    if s.mirrors.len() >= MAX_MIRRORS || total.saturating_add(mapped) > MAX_MIRRORED {
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    addr.checked_add(mapped).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    s.backend.mirror_map(addr, mapped)?;
    s.allocations.insert(addr, Range { len: size, ctx: s.current, owner: Owner::Mirror });
    s.mirrors.insert(addr, vec![0; usize::try_from(size).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?]);
    ok(Encoder::new())
}

/// `CUVM_MIRROR_UNMAP`: [address u64] -> [].
pub fn unmap(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let addr = a.u64()?;
    let bytes = s.mirrors.remove(&addr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    s.allocations.remove(addr);
    s.backend.mirror_unmap(addr, (bytes.len() as u64).div_ceil(PAGE) * PAGE)?;
    ok(Encoder::new())
}

/// `CUVM_MIRROR_WRITE`: [address u64, bytes] -> [] (posted).
pub fn write(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let addr = a.u64()?;
    let bytes = a.bytes(MAX_MIRRORED as usize)?;
    let snapshot = s.mirrors.get_mut(&addr).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    if bytes.len() != snapshot.len() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    snapshot.copy_from_slice(bytes);
    s.backend.mirror_write(addr, bytes)?;
    ok(Encoder::new())
}

/// `CUVM_MIRROR_READ`: [] -> [count u32, (address u64, bytes)*]: the mirrors
/// whose bytes differ from what the guest last had.
pub fn read(s: &mut Session) -> HResult {
    let mut changed = Vec::new();
    let addrs: Vec<u64> = s.mirrors.keys().copied().collect();
    for addr in addrs {
        let len = s.mirrors[&addr].len();
        let mut now = vec![0u8; len];
        s.backend.mirror_read(addr, &mut now)?;
        if let Some(snapshot) = s.mirrors.get_mut(&addr) {
            if *snapshot != now {
                snapshot.copy_from_slice(&now);
                changed.push((addr, now));
            }
        }
    }
    let mut e = Encoder::new();
    e.u32(u32::try_from(changed.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for (addr, bytes) in &changed {
        e.u64(*addr).bytes(bytes);
    }
    ok(e)
}
