//! Mirrored page-locked memory, the guest's half (the host's is
//! `host-server/src/api/mirror.rs`). Under unified addressing a page-locked
//! host address is a device address too, and some clients hand small
//! `cuMemHostAlloc` buffers straight to kernels (XLA does). Such buffers, up
//! to [`MAX_ONE`] bytes each and [`MAX_TOTAL`] in all, are mirrored: the host
//! maps memory at the same address and registers it with its GPU. Before
//! any call, a mirror whose bytes the guest changed since the host last had
//! them is sent (posted, so it is in order with the device work that
//! follows); after each synchronising call the mirrors the device changed
//! are read back. So the guest sees device writes after a synchronisation
//! and the device sees guest writes made before the work was submitted: not
//! a kernel polling a flag the guest sets while it runs. Larger page-locked
//! buffers stay guest-only (copies from and to them work as ever).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use cuvm_abi::CUresult;
use cuvm_wire::{Encoder, ops};

use crate::client::Client;

/// Largest buffer mirrored.
pub const MAX_ONE: usize = 64 << 10;
/// Most bytes mirrored at once.
pub const MAX_TOTAL: usize = 1 << 20;

/// Mirrors: address -> the bytes the host has.
static MIRRORS: Mutex<BTreeMap<usize, Vec<u8>>> = Mutex::new(BTreeMap::new());
/// Whether any mirror exists (the per-call check is one load).
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn mirrors() -> std::sync::MutexGuard<'static, BTreeMap<usize, Vec<u8>>> {
    MIRRORS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Calls after which the device's work so far is complete.
pub(crate) fn synchronising(op: u32) -> bool {
    matches!(
        op,
        ops::cuStreamSynchronize
            | ops::cuStreamSynchronize_ptsz
            | ops::cuCtxSynchronize
            | ops::cuEventSynchronize
            | ops::cuStreamQuery
            | ops::cuStreamQuery_ptsz
            | ops::cuEventQuery
            | ops::cuMemcpyDtoH_v2
            | ops::cuMemcpyDtoH_v2_ptds
    )
}

/// Mirrors `size` bytes of page-locked memory at `addr` (zeroed, page
/// aligned) if the policy allows and the host can; answers whether it did.
pub fn try_mirror(addr: usize, size: usize) -> bool {
    if size > MAX_ONE {
        return false;
    }
    let mut m = mirrors();
    if m.values().map(Vec::len).sum::<usize>() + size > MAX_TOTAL {
        return false;
    }
    let mut e = Encoder::new();
    e.u64(addr as u64).u64(size as u64);
    match crate::remote::call(ops::CUVM_MIRROR_MAP, &e) {
        Ok(_) => {
            m.insert(addr, vec![0; size]);
            ACTIVE.store(true, Ordering::Release);
            true
        }
        Err(e) => {
            log::debug!("page-locked buffer {addr:#x} (+{size}) not mirrored on the host: {e}");
            false
        }
    }
}

/// Stops mirroring the buffer at `addr`, if it is mirrored.
pub fn forget(addr: usize) {
    let mut m = mirrors();
    if m.remove(&addr).is_some() {
        ACTIVE.store(!m.is_empty(), Ordering::Release);
        drop(m);
        let mut e = Encoder::new();
        e.u64(addr as u64);
        let _ = crate::remote::call(ops::CUVM_MIRROR_UNMAP, &e);
    }
}

/// Whether `[ptr, ptr + len)` lies in one mirror.
pub fn contains(ptr: u64, len: usize) -> bool {
    if !ACTIVE.load(Ordering::Acquire) {
        return false;
    }
    let Ok(p) = usize::try_from(ptr) else { return false };
    mirrors().range(..=p).next_back().is_some_and(|(s, v)| p - s < v.len() && len <= v.len() - (p - s))
}

/// Before a call: sends the mirrors the guest changed.
///
/// # Errors
/// A lost connection.
pub fn before_call(client: &Client, ctx: u64) -> Result<(), CUresult> {
    if !ACTIVE.load(Ordering::Acquire) {
        return Ok(());
    }
    let mut m = mirrors();
    for (addr, host) in m.iter_mut() {
        // SAFETY: a live page-locked buffer of this length, allocated by
        // this library (a mirror is forgotten before its buffer is freed).
        let guest = unsafe { std::slice::from_raw_parts(*addr as *const u8, host.len()) };
        if guest != host.as_slice() {
            host.copy_from_slice(guest);
            let mut e = Encoder::new();
            e.u64(*addr as u64).bytes(guest);
            client.post(ops::CUVM_MIRROR_WRITE, ctx, e.as_slice(), None)?;
        }
    }
    Ok(())
}

/// After a call: if it synchronised, reads back what the device changed.
///
/// # Errors
/// A lost connection or a malformed reply.
pub fn after_call(client: &Client, op: u32, ctx: u64) -> Result<(), CUresult> {
    if !ACTIVE.load(Ordering::Acquire) || !synchronising(op) {
        return Ok(());
    }
    let mut m = mirrors();
    let r = client.call_bulk(ops::CUVM_MIRROR_READ, ctx, &[], None, None)?;
    let mut d = r.decoder();
    let n = d.u32().map_err(crate::remote::protocol)?;
    for _ in 0..n {
        let addr = d.u64().map_err(crate::remote::protocol)?;
        let bytes = d.bytes(MAX_TOTAL).map_err(crate::remote::protocol)?;
        let Some(host) = usize::try_from(addr).ok().and_then(|a| m.get_mut(&a)) else { continue };
        if host.len() != bytes.len() {
            continue;
        }
        host.copy_from_slice(bytes);
        // SAFETY: as in before_call.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as usize as *mut u8, bytes.len()) };
    }
    Ok(())
}
