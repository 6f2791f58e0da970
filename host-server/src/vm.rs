//! Virtual machines. A VM is named by the transport it connects through (the
//! vsock peer CID, the hybrid-vsock socket, the Unix socket, the TCP peer
//! address), never by what the guest says. All sessions of one VM share its
//! device-memory quota: every path that takes device memory charges the VM
//! before the backend allocates, and every free, unload and session cleanup
//! gives it back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One VM's shared state.
#[derive(Debug)]
pub struct Vm {
    /// Its name (from the transport).
    pub name: String,
    /// Device memory it may hold, if limited.
    pub quota: Option<u64>,
    used: AtomicU64,
}

impl Vm {
    /// A VM with nothing charged.
    #[must_use]
    pub fn new(name: String, quota: Option<u64>) -> Self {
        Vm { name, quota, used: AtomicU64::new(0) }
    }

    /// Charges `bytes`; `false` (and nothing charged) if that would exceed
    /// the quota.
    pub fn charge(&self, bytes: u64) -> bool {
        let mut current = self.used.load(Ordering::Relaxed);
        loop {
            let Some(next) = current.checked_add(bytes) else { return false };
            if self.quota.is_some_and(|q| next > q) {
                return false;
            }
            match self.used.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }

    /// Gives `bytes` back.
    pub fn release(&self, bytes: u64) {
        let _ = self.used.fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| Some(u.saturating_sub(bytes)));
    }

    /// Bytes charged now.
    #[must_use]
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
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
    pub fn vm(&self, name: &str) -> Arc<Vm> {
        let mut vms = self.vms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(vms.entry(name.to_string()).or_insert_with(|| {
            let quota = self.quotas.get(name).copied().or(self.default_quota);
            log::info!("vm {name:?}: first connection (quota {})", quota.map_or("none".into(), |q| format!("{q} bytes")));
            Arc::new(Vm::new(name.to_string(), quota))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_up_to_the_quota_and_releases() {
        let vm = Vm::new("a".into(), Some(100));
        assert!(vm.charge(60));
        assert!(!vm.charge(41));
        assert_eq!(vm.used(), 60);
        vm.release(60);
        assert!(vm.charge(100));
    }

    #[test]
    fn no_quota_charges_anything_but_overflow() {
        let vm = Vm::new("a".into(), None);
        assert!(vm.charge(u64::MAX - 1));
        assert!(!vm.charge(2));
    }

    #[test]
    fn sessions_of_one_vm_share_it() {
        let r = Registry::new(Some(10), HashMap::from([("big".to_string(), 1000)]));
        assert!(Arc::ptr_eq(&r.vm("x"), &r.vm("x")));
        assert_eq!(r.vm("x").quota, Some(10));
        assert_eq!(r.vm("big").quota, Some(1000));
    }
}
