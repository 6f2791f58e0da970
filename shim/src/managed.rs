//! Managed memory, the guest's half (the host's is
//! `host-server/src/api/managed.rs`). `cuMemAllocManaged` allocates real
//! managed memory on the host and maps memory of this process at the same
//! address, so one pointer serves this process's code and the device's
//! kernels. The two copies are kept coherent as on a device without
//! concurrent managed access (`CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS`
//! reads 0 through cuvm): before any call, the pages this process changed
//! since the host last had them are sent (in order with the device work
//! that follows); after each call that synchronises with the device, the
//! pages the device changed are fetched. So kernels see what the CPU wrote
//! before launching them, and the CPU sees what kernels wrote once it has
//! synchronised — not a CPU and a kernel touching it at the same time.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use cuvm_abi::{CUdeviceptr, CUresult};
use cuvm_wire::managed::{PAGE, changed_runs};
use cuvm_wire::{Encoder, ops};

use crate::client::Client;
use crate::remote::{self, call, non_null, protocol};

/// `CU_MEM_ATTACH_GLOBAL`, `CU_MEM_ATTACH_HOST`.
const ATTACH_GLOBAL: u32 = 1;
const ATTACH_HOST: u32 = 2;
/// Addresses the host may give that are taken here, tried before giving up.
const TRIES: usize = 8;

/// Managed allocations: address -> the bytes the host has.
static MANAGED: Mutex<BTreeMap<usize, Vec<u8>>> = Mutex::new(BTreeMap::new());
/// Pages mapped for managed allocations: page address -> allocations on it.
static PAGES: Mutex<BTreeMap<usize, u32>> = Mutex::new(BTreeMap::new());
/// Whether any managed allocation exists (the per-call check is one load).
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn managed() -> std::sync::MutexGuard<'static, BTreeMap<usize, Vec<u8>>> {
    MANAGED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Calls after which the device's work so far (or the call's own effect on
/// device memory) is complete: the CPU may read managed memory. Those after
/// which mirrors are read back, and the synchronous copies and memsets that
/// may write managed memory.
fn synchronising(op: u32) -> bool {
    crate::mirror::synchronising(op)
        || matches!(
            op,
            ops::cuCtxSynchronize_v2
                | ops::cuMemcpyHtoD_v2
                | ops::cuMemcpyHtoD_v2_ptds
                | ops::cuMemcpyDtoD_v2
                | ops::cuMemcpyDtoD_v2_ptds
                | ops::cuMemcpy
                | ops::cuMemcpy_ptds
                | ops::cuMemcpyPeer
                | ops::cuMemcpyPeer_ptds
                | ops::cuMemcpy2D_v2
                | ops::cuMemcpy2D_v2_ptds
                | ops::cuMemcpy2DUnaligned_v2
                | ops::cuMemcpy2DUnaligned_v2_ptds
                | ops::cuMemcpy3D_v2
                | ops::cuMemcpy3D_v2_ptds
                | ops::cuMemsetD8_v2
                | ops::cuMemsetD8_v2_ptds
                | ops::cuMemsetD16_v2
                | ops::cuMemsetD16_v2_ptds
                | ops::cuMemsetD32_v2
                | ops::cuMemsetD32_v2_ptds
                | ops::cuMemsetD2D8_v2
                | ops::cuMemsetD2D8_v2_ptds
                | ops::cuMemsetD2D16_v2
                | ops::cuMemsetD2D16_v2_ptds
                | ops::cuMemsetD2D32_v2
                | ops::cuMemsetD2D32_v2_ptds
        )
}

/// The pages `[addr, addr + len)` touches: first page and count.
fn page_span(addr: usize, len: usize) -> Option<(usize, usize)> {
    let first = addr / PAGE * PAGE;
    let end = addr.checked_add(len)?.checked_next_multiple_of(PAGE)?;
    Some((first, (end - first) / PAGE))
}

/// Maps zeroed memory over `[addr, addr + len)` (pages already mapped for
/// another managed allocation are shared); false if any page is taken by
/// something else.
fn map_at(addr: usize, len: usize) -> bool {
    let Some((first, n)) = page_span(addr, len) else { return false };
    let mut pages = PAGES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut mapped = Vec::new();
    for i in 0..n {
        let page = first + i * PAGE;
        if pages.contains_key(&page) {
            continue;
        }
        // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping.
        let got = unsafe {
            libc::mmap(
                page as *mut libc::c_void,
                PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if got != page as *mut libc::c_void {
            if got != libc::MAP_FAILED {
                // An old kernel took the address as a hint: not ours to use.
                // SAFETY: the mapping just made.
                unsafe { libc::munmap(got, PAGE) };
            }
            for p in mapped {
                // SAFETY: pages mapped above.
                unsafe { libc::munmap(p as *mut libc::c_void, PAGE) };
            }
            return false;
        }
        mapped.push(page);
    }
    for p in mapped {
        pages.insert(p, 0);
    }
    for i in 0..n {
        *pages.entry(first + i * PAGE).or_insert(0) += 1;
    }
    true
}

/// Undoes [`map_at`] for one allocation.
fn unmap(addr: usize, len: usize) {
    let Some((first, n)) = page_span(addr, len) else { return };
    let mut pages = PAGES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for i in 0..n {
        let page = first + i * PAGE;
        if let Some(c) = pages.get_mut(&page) {
            *c -= 1;
            if *c == 0 {
                pages.remove(&page);
                // SAFETY: a page this module mapped, no allocation on it now.
                unsafe { libc::munmap(page as *mut libc::c_void, PAGE) };
            }
        }
    }
}

/// `cuMemAllocManaged`.
///
/// # Safety
/// `dptr` is null or valid for a write.
pub unsafe fn alloc(dptr: *mut CUdeviceptr, size: usize, flags: u32) -> CUresult {
    remote::done((|| {
        let dptr = non_null(dptr)?;
        if size == 0 || (flags != ATTACH_GLOBAL && flags != ATTACH_HOST) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut copy = Vec::new();
        copy.try_reserve_exact(size).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?;
        copy.resize(size, 0);
        // Addresses taken here stay allocated on the host until an
        // untaken one comes, so that the driver does not give them again.
        let mut taken = Vec::new();
        let got = loop {
            let mut e = Encoder::new();
            e.u64(size as u64).u32(flags);
            let p = match call(ops::cuMemAllocManaged, &e).and_then(|r| r.decoder().u64().map_err(protocol)) {
                Ok(p) => p,
                Err(e) => break Err(e),
            };
            match usize::try_from(p) {
                Ok(a) if map_at(a, size) => break Ok(p),
                _ => taken.push(p),
            }
            if taken.len() >= TRIES {
                log::warn!("managed memory: {TRIES} addresses the host gave are taken in this process; cuMemAllocManaged fails");
                break Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY);
            }
        };
        for p in taken {
            let mut e = Encoder::new();
            e.u64(p);
            let _ = call(ops::cuMemFree_v2, &e);
        }
        let p = got?;
        managed().insert(p as usize, copy);
        ACTIVE.store(true, Ordering::Release);
        // SAFETY: checked non-null.
        unsafe { remote::write(dptr, p) };
        Ok(())
    })())
}

/// Whether `ptr` is the start of a managed allocation.
pub fn is_managed(ptr: CUdeviceptr) -> bool {
    ACTIVE.load(Ordering::Acquire) && usize::try_from(ptr).is_ok_and(|p| managed().contains_key(&p))
}

/// `cuMemFree_v2` of a managed allocation: freed on the host, unmapped here
/// (also when the host no longer knows it: its context went first).
pub fn free(ptr: CUdeviceptr) -> CUresult {
    let mut e = Encoder::new();
    e.u64(ptr);
    let r = call(ops::cuMemFree_v2, &e).map(|_| ());
    let mut m = managed();
    if let Some(copy) = m.remove(&(ptr as usize)) {
        ACTIVE.store(!m.is_empty(), Ordering::Release);
        unmap(ptr as usize, copy.len());
    }
    remote::done(r)
}

/// Before a call: sends the pages of managed memory this process changed.
///
/// # Errors
/// A lost connection.
pub fn before_call(client: &Client, ctx: u64) -> Result<(), CUresult> {
    if !ACTIVE.load(Ordering::Acquire) {
        return Ok(());
    }
    let mut m = managed();
    for (addr, host) in m.iter_mut() {
        // SAFETY: mapped by this module for this length until freed.
        let guest = unsafe { std::slice::from_raw_parts(*addr as *const u8, host.len()) };
        for (a, b) in changed_runs(host, guest) {
            host[a..b].copy_from_slice(&guest[a..b]);
            let mut e = Encoder::new();
            e.u64((addr + a) as u64).u64((b - a) as u64);
            client.post(ops::CUVM_MANAGED_WRITE, ctx, e.as_slice(), Some(&host[a..b]))?;
        }
    }
    Ok(())
}

/// After a call: if it synchronised, fetches the pages the device changed.
///
/// # Errors
/// A lost connection or a malformed reply.
pub fn after_call(client: &Client, op: u32, ctx: u64) -> Result<(), CUresult> {
    if !ACTIVE.load(Ordering::Acquire) || !synchronising(op) {
        return Ok(());
    }
    let mut m = managed();
    let r = client.call_bulk(ops::CUVM_MANAGED_CHANGES, ctx, &[], None, None)?;
    let mut d = r.decoder();
    let n = d.u32().map_err(protocol)?;
    for _ in 0..n {
        let (addr, len) = (d.u64().map_err(protocol)?, d.u64().map_err(protocol)?);
        let (Ok(addr), Ok(len)) = (usize::try_from(addr), usize::try_from(len)) else { return Err(CUresult::CUDA_ERROR_UNKNOWN) };
        let Some((&base, host)) = m.range_mut(..=addr).next_back() else { continue };
        let at = addr - base;
        if len == 0 || at.checked_add(len).is_none_or(|end| end > host.len()) {
            continue;
        }
        let mut e = Encoder::new();
        e.u64(addr as u64).u64(len as u64);
        client.call_bulk(ops::CUVM_MANAGED_FETCH, ctx, e.as_slice(), None, Some(&mut host[at..at + len]))?;
        // SAFETY: mapped by this module for the allocation's length.
        unsafe { std::ptr::copy_nonoverlapping(host[at..].as_ptr(), addr as *mut u8, len) };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_shared_by_allocations_stay_mapped_until_the_last_goes() {
        // An address far from anything this test process maps.
        let base = 0x5a5a_0000_0000usize;
        assert!(map_at(base + 100, 200));
        assert!(map_at(base + 1000, PAGE), "a page already mapped for managed memory is shared");
        // SAFETY: mapped above.
        unsafe { *((base + 1000) as *mut u8) = 7 };
        unmap(base + 100, 200);
        // SAFETY: still mapped for the second allocation.
        assert_eq!(unsafe { *((base + 1000) as *const u8) }, 7);
        unmap(base + 1000, PAGE);
        assert!(PAGES.lock().unwrap().range(base..base + 4 * PAGE).next().is_none());
        // Taken by another mapping: refused.
        // SAFETY: an anonymous mapping for the test.
        let other = unsafe { libc::mmap(std::ptr::null_mut(), PAGE, libc::PROT_READ, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0) };
        assert!(!map_at(other as usize, 16));
        // SAFETY: the test's mapping.
        unsafe { libc::munmap(other, PAGE) };
    }
}
