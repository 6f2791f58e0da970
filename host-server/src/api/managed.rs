//! Managed memory (`cuMemAllocManaged`). The host allocates real managed
//! memory; the guest maps memory of its own at the same address, so one
//! pointer works in the guest's code and in kernels. The two copies are
//! kept coherent as on a device without concurrent managed access: before
//! device work the guest sends the pages it changed
//! ([`ops::CUVM_MANAGED_WRITE`]); after a synchronisation it asks which
//! pages the device changed ([`ops::CUVM_MANAGED_CHANGES`]) and fetches
//! them ([`ops::CUVM_MANAGED_FETCH`]). The host keeps, per allocation, the
//! bytes the guest last had, to tell what the device changed.

use cuvm_abi::CUresult;
use cuvm_wire::frame::CHUNK;
use cuvm_wire::managed::changed_runs;
use cuvm_wire::{DecodeError, Decoder, Encoder, ops};

use crate::session::{Conn, Fail, HResult, Reply, Session, ok, send_bulk};

/// Most bytes of managed memory one session may hold (the host keeps a copy
/// of each allocation's bytes in its memory, and reads one allocation at a
/// time back into a second buffer).
pub const MAX_MANAGED: u64 = 1 << 30;
/// Most changed ranges one answer lists (beyond it, whole allocations).
const MAX_RANGES: usize = 1 << 16;

/// `CU_MEM_ATTACH_GLOBAL`, `CU_MEM_ATTACH_HOST`.
const ATTACH_GLOBAL: u32 = 1;
const ATTACH_HOST: u32 = 2;

/// `cuMemAllocManaged`: [size u64, flags u32] -> [pointer u64]; charged to
/// the VM like any allocation, zeroed (as the guest's copy starts).
pub fn alloc(s: &mut Session, a: &mut Decoder<'_>) -> HResult {
    let (size, flags) = (a.u64()?, a.u32()?);
    a.finish()?;
    if size == 0 || (flags != ATTACH_GLOBAL && flags != ATTACH_HOST) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE.into());
    }
    let held: u64 = s.managed.values().map(|v| v.len() as u64).sum();
    if held.saturating_add(size) > MAX_MANAGED {
        log::info!("session {}: managed allocation of {size} bytes refused: at most {MAX_MANAGED} bytes of managed memory per session", s.id);
        return Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY.into());
    }
    let len = usize::try_from(size).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
    let reply = super::memory::charged_alloc(s, size, |b| {
        let p = b.mem_alloc_managed(size, flags)?;
        // The guest's copy starts zeroed: so does this one.
        let zero = crate::backend::Memset { dst: p, pitch: size, value: 0, elem_size: 1, width: size, height: 1 };
        if let Err(e) = b.memset(zero, None) {
            let _ = b.mem_free(p);
            return Err(e);
        }
        Ok(p)
    })?;
    let ptr = match &reply {
        Reply::Body(body) => Decoder::new(body.as_slice()).u64()?,
        Reply::Sent => return Err(CUresult::CUDA_ERROR_UNKNOWN.into()),
    };
    // Zeroed pages from the allocator: touched only where bytes change.
    s.managed.insert(ptr, vec![0; len]);
    Ok(reply)
}

/// The managed allocation holding `[addr, addr + len)`, if the session
/// still has it: its base and context.
fn find(s: &Session, addr: u64, len: u64) -> Option<(u64, u64)> {
    let (&base, copy) = s.managed.range(..=addr).next_back()?;
    let end = addr.checked_add(len)?;
    let range = s.allocations.get(base)?;
    if len == 0 || end > base + copy.len() as u64 || range.len != copy.len() as u64 {
        return None;
    }
    Some((base, range.ctx))
}

/// Runs `f` in context `ctx` (the allocation's: the guest's thread may have
/// none current), then returns to the call's.
fn in_context<T>(s: &mut Session, ctx: u64, f: impl FnOnce(&mut Session) -> T) -> T {
    let was = s.current;
    s.enter_context(ctx);
    let r = f(s);
    s.enter_context(was);
    r
}

/// `CUVM_MANAGED_WRITE`: [address u64, length u64] + Data frames -> []
/// (posted): written to the device's copy, in the allocation's context, and
/// remembered as the guest's once written. Bytes for memory the session no
/// longer has (its context was destroyed while the guest still mapped it)
/// are dropped: there is nothing to write.
pub fn write(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let (addr, len) = (a.u64()?, a.u64()?);
    a.finish()?;
    if len > MAX_MANAGED {
        return Err(Fail::Malformed(DecodeError::TooLong { len, max: MAX_MANAGED }));
    }
    let target = find(s, addr, len);
    let mut offset = 0u64;
    let mut buf = Vec::new();
    let mut failed = None;
    while offset < len {
        let want = usize::try_from((len - offset).min(CHUNK as u64)).unwrap_or(CHUNK);
        let chunk = super::memory::read_chunk(conn, seq, want, &mut buf)?;
        let n = chunk.len() as u64;
        if let (Some((base, ctx)), None) = (target, failed) {
            let at = addr - base + offset;
            let written = in_context(s, ctx, |s| s.backend.memcpy_htod(addr + offset, chunk, None));
            match written {
                Ok(()) => {
                    if let (Some(copy), Ok(at)) = (s.managed.get_mut(&base), usize::try_from(at)) {
                        copy[at..at + chunk.len()].copy_from_slice(chunk);
                    }
                }
                Err(e) => failed = Some(e),
            }
        }
        offset += n;
    }
    if target.is_none() {
        log::debug!("session {}: managed bytes for {addr:#x} (+{len}) dropped: no managed allocation there", s.id);
    }
    match failed {
        Some(e) => Err(e.into()),
        None => ok(Encoder::new()),
    }
}

/// `CUVM_MANAGED_CHANGES`: [] -> [count u32, (address u64, length u64)*]:
/// the page runs whose device bytes differ from the guest's, which become
/// the guest's (to be fetched). An allocation the device cannot be read
/// from now is left for the next time (and logged).
pub fn changes(s: &mut Session) -> HResult {
    // Allocations that went with their context are gone.
    let allocations = &s.allocations;
    s.managed.retain(|p, copy| allocations.get(*p).is_some_and(|r| r.len == copy.len() as u64));
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    let bases: Vec<u64> = s.managed.keys().copied().collect();
    let mut now = Vec::new();
    for base in bases {
        let len = s.managed[&base].len();
        let Some(ctx) = s.allocations.get(base).map(|r| r.ctx) else { continue };
        now.resize(len, 0);
        if let Err(e) = in_context(s, ctx, |s| s.backend.memcpy_dtoh(&mut now, base, None)) {
            log::warn!("session {}: managed memory at {base:#x} could not be read back ({e:?}); its changes come with a later synchronisation", s.id);
            continue;
        }
        let Some(copy) = s.managed.get_mut(&base) else { continue };
        ranges.extend(changed_runs(copy, &now).into_iter().map(|(a, b)| (base + a as u64, (b - a) as u64)));
        copy.copy_from_slice(&now);
    }
    if ranges.len() > MAX_RANGES {
        // Too scattered to list: whole allocations that changed.
        let mut whole: Vec<(u64, u64)> = Vec::new();
        for (addr, _) in &ranges {
            if let Some((&base, copy)) = s.managed.range(..=*addr).next_back() {
                if whole.last().is_none_or(|(b, _)| *b != base) {
                    whole.push((base, copy.len() as u64));
                }
            }
        }
        ranges = whole;
    }
    let mut e = Encoder::new();
    e.u32(u32::try_from(ranges.len()).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?);
    for (addr, len) in ranges {
        e.u64(addr).u64(len);
    }
    ok(e)
}

/// `CUVM_MANAGED_FETCH`: [address u64, length u64] -> Data frames of the
/// bytes the last [`changes`] saw.
pub fn fetch(s: &mut Session, conn: &mut Conn, seq: u64, a: &mut Decoder<'_>) -> HResult {
    let (addr, len) = (a.u64()?, a.u64()?);
    a.finish()?;
    let (base, _) = find(s, addr, len).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let at = usize::try_from(addr - base).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
    let n = usize::try_from(len).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
    send_bulk(conn, ops::CUVM_MANAGED_FETCH, seq, &s.managed[&base][at..at + n])
}
