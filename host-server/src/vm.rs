//! Virtual machines. A VM is named by the transport it connects through (the
//! vsock peer CID, the hybrid-vsock socket, the Unix socket, the TCP peer
//! address), never by what the guest says. All sessions of one VM share its
//! device-memory quota: every path that takes device memory charges the VM
//! before the backend allocates, and every free, unload and session cleanup
//! gives it back.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One VM's shared state. Its sessions run in worker processes of their
/// own, so the bytes charged live in a page of shared memory (a memfd that
/// the listener creates and every worker of the VM maps): word 0 is the
/// VM's total, and each worker also counts its own share in a slot of its
/// own, so that the listener can take back what a worker that died held.
/// The pages after the counters hold the VM's registry of interprocess
/// handles ([`crate::ipc`]).
#[derive(Debug)]
pub struct Vm {
    /// Its name (from the transport).
    pub name: String,
    /// Device memory it may hold, if limited.
    pub quota: Option<u64>,
    page: &'static [AtomicU64; SLOTS + 1],
    /// The VM's interprocess handles, shared by its workers.
    pub ipc: crate::ipc::Table,
    /// This worker's slot (0 in the listener, which charges nothing).
    slot: usize,
    fd: OwnedFd,
    free_slots: Mutex<Vec<usize>>,
}

/// Sessions (worker processes) a VM can have at once.
pub const SLOTS: usize = 511;
const PAGE: usize = (SLOTS + 1) * 8;
/// The memfd's size: the counters' page, then the interprocess handle table.
const SHARED: usize = PAGE + crate::ipc::TABLE_BYTES;

type Shared = (&'static [AtomicU64; SLOTS + 1], crate::ipc::Table);

fn map_counter(fd: &OwnedFd) -> std::io::Result<Shared> {
    // SAFETY: maps a memfd the size of which was set to SHARED; the mapping
    // is never unmapped, so 'static references to it stay valid; page
    // alignment (PAGE is a multiple of 8) satisfies AtomicU64's alignment,
    // and the memory is only ever accessed atomically.
    unsafe {
        let p = libc::mmap(std::ptr::null_mut(), SHARED, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd.as_raw_fd(), 0);
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let table = std::slice::from_raw_parts(p.cast::<u8>().add(PAGE).cast::<AtomicU64>(), crate::ipc::TABLE_BYTES / 8);
        Ok((&*p.cast::<[AtomicU64; SLOTS + 1]>(), crate::ipc::Table::over(table)))
    }
}

impl Vm {
    /// A VM with nothing charged, its counter in a new memfd.
    ///
    /// # Errors
    /// When the memfd cannot be made or mapped.
    pub fn new(name: String, quota: Option<u64>) -> std::io::Result<Self> {
        // SAFETY: a C string literal; the flags are valid.
        let raw = unsafe { libc::memfd_create(c"cuvm-vm".as_ptr(), libc::MFD_CLOEXEC) };
        if raw < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: a valid descriptor.
        if unsafe { libc::ftruncate(fd.as_raw_fd(), SHARED as libc::off_t) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let (page, ipc) = map_counter(&fd)?;
        Ok(Vm { name, quota, page, ipc, slot: 0, fd, free_slots: Mutex::new((1..=SLOTS).rev().collect()) })
    }

    /// A slot for a new worker, if one is free.
    pub fn take_slot(&self) -> Option<usize> {
        self.free_slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop()
    }

    /// After a worker ended, however it ended: gives back what it still
    /// held (nothing, if it cleaned up), removes its interprocess exports,
    /// and frees its slot.
    pub fn reclaim(&self, slot: usize) -> u64 {
        let Some(counter) = self.page.get(slot).filter(|_| slot > 0) else {
            return 0;
        };
        let exports = self.ipc.remove_slot(slot);
        if exports > 0 {
            log::info!("vm {:?}: removed {exports} interprocess exports of a worker that ended", self.name);
        }
        let held = counter.swap(0, Ordering::AcqRel);
        let _ = self.page[0].fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| Some(u.saturating_sub(held)));
        self.free_slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(slot);
        held
    }

    /// The VM as seen by a worker process, from the counter's descriptor
    /// that the listener passed it.
    ///
    /// # Errors
    /// When the descriptor cannot be mapped.
    ///
    /// # Safety
    /// `fd` is an open descriptor of a VM counter, owned by the caller.
    pub unsafe fn from_fd(name: String, quota: Option<u64>, fd: RawFd, slot: usize) -> std::io::Result<Self> {
        // SAFETY: the caller hands over ownership of an open descriptor.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let (page, ipc) = map_counter(&fd)?;
        let slot = slot.min(SLOTS);
        Ok(Vm { name, quota, page, ipc, slot, fd, free_slots: Mutex::new(Vec::new()) })
    }

    /// This worker's slot: one per session (0 in the listener).
    #[must_use]
    pub fn slot(&self) -> usize {
        self.slot
    }

    /// The counter's descriptor, to pass to a worker.
    #[must_use]
    pub fn counter_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Charges `bytes`; `false` (and nothing charged) if that would exceed
    /// the quota.
    pub fn charge(&self, bytes: u64) -> bool {
        let total = &self.page[0];
        let mut current = total.load(Ordering::Relaxed);
        loop {
            let Some(next) = current.checked_add(bytes) else {
                return false;
            };
            if self.quota.is_some_and(|q| next > q) {
                return false;
            }
            match total.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        if self.slot > 0 {
            self.page[self.slot].fetch_add(bytes, Ordering::AcqRel);
        }
        true
    }

    /// Charges `bytes` the VM already uses whatever the quota (memory a
    /// pool of one of its sessions turned out to hold): later charges fail
    /// while the VM is over its quota.
    pub fn force_charge(&self, bytes: u64) {
        let _ = self.page[0].fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| Some(u.saturating_add(bytes)));
        if self.slot > 0 {
            self.page[self.slot].fetch_add(bytes, Ordering::AcqRel);
        }
    }

    /// Gives `bytes` back.
    pub fn release(&self, bytes: u64) {
        let _ = self.page[0].fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| Some(u.saturating_sub(bytes)));
        if self.slot > 0 {
            let _ = self.page[self.slot].fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| Some(u.saturating_sub(bytes)));
        }
    }

    /// Bytes charged now.
    #[must_use]
    pub fn used(&self) -> u64 {
        self.page[0].load(Ordering::Acquire)
    }
}

/// All VMs seen, by name.
#[derive(Debug, Default)]
pub struct Registry {
    vms: Mutex<HashMap<String, Arc<Vm>>>,
    default_quota: Option<u64>,
    quotas: HashMap<String, u64>,
}

impl Registry {
    /// A registry giving each VM `quotas[name]`, else `default_quota`.
    #[must_use]
    pub fn new(default_quota: Option<u64>, quotas: HashMap<String, u64>) -> Self {
        Registry { vms: Mutex::new(HashMap::new()), default_quota, quotas }
    }

    /// The VM called `name`, created at its first connection.
    ///
    /// # Errors
    /// When its shared counter cannot be created.
    pub fn vm(&self, name: &str) -> std::io::Result<Arc<Vm>> {
        let mut vms = self.vms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(vm) = vms.get(name) {
            return Ok(Arc::clone(vm));
        }
        let quota = self.quotas.get(name).copied().or(self.default_quota);
        log::info!("vm {name:?}: first connection (quota {})", quota.map_or("none".into(), |q| format!("{q} bytes")));
        let vm = Arc::new(Vm::new(name.to_string(), quota)?);
        vms.insert(name.to_string(), Arc::clone(&vm));
        Ok(vm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_up_to_the_quota_and_releases() {
        let vm = Vm::new("a".into(), Some(100)).unwrap();
        assert!(vm.charge(60));
        assert!(!vm.charge(41));
        assert_eq!(vm.used(), 60);
        vm.release(60);
        assert!(vm.charge(100));
    }

    #[test]
    fn no_quota_charges_anything_but_overflow() {
        let vm = Vm::new("a".into(), None).unwrap();
        assert!(vm.charge(u64::MAX - 1));
        assert!(!vm.charge(2));
    }

    #[test]
    fn sessions_of_one_vm_share_it() {
        let r = Registry::new(Some(10), HashMap::from([("big".to_string(), 1000)]));
        assert!(Arc::ptr_eq(&r.vm("x").unwrap(), &r.vm("x").unwrap()));
        assert_eq!(r.vm("x").unwrap().quota, Some(10));
        assert_eq!(r.vm("big").unwrap().quota, Some(1000));
    }

    #[test]
    fn a_second_mapping_of_the_counter_sees_the_same_charges() {
        let vm = Vm::new("a".into(), Some(100)).unwrap();
        // SAFETY: dup gives a descriptor that from_fd then owns.
        let dup = unsafe { libc::dup(vm.counter_fd()) };
        let slot = vm.take_slot().unwrap();
        // SAFETY: an open descriptor of a VM counter, handed over.
        let worker = unsafe { Vm::from_fd("a".into(), Some(100), dup, slot) }.unwrap();
        assert!(worker.charge(70));
        assert!(!vm.charge(40));
        // The worker dies holding 70 bytes: the listener takes them back.
        assert_eq!(vm.reclaim(slot), 70);
        assert_eq!(vm.used(), 0);
        assert!(vm.charge(100));
    }

    #[test]
    fn workers_of_one_vm_share_its_ipc_table_and_a_dead_workers_exports_go() {
        let vm = Vm::new("a".into(), None).unwrap();
        let other_vm = Vm::new("b".into(), None).unwrap();
        let open = |slot| {
            // SAFETY: dup gives a descriptor that from_fd then owns.
            let dup = unsafe { libc::dup(vm.counter_fd()) };
            // SAFETY: an open descriptor of a VM counter, handed over.
            unsafe { Vm::from_fd("a".into(), None, dup, slot) }.unwrap()
        };
        let (s1, s2) = (vm.take_slot().unwrap(), vm.take_slot().unwrap());
        let (w1, w2) = (open(s1), open(s2));
        let h = w1.ipc.publish(w1.slot(), crate::ipc::What::Memory, 0x7000, 4096, [5; 64]).unwrap();
        let x = w2.ipc.lookup(&h, crate::ipc::What::Memory).unwrap();
        assert_eq!((x.slot, x.driver), (s1, [5; 64]));
        assert!(other_vm.ipc.lookup(&h, crate::ipc::What::Memory).is_err(), "another VM's table");
        vm.reclaim(s1);
        assert!(w2.ipc.lookup(&h, crate::ipc::What::Memory).is_err(), "gone with its worker");
    }
}
