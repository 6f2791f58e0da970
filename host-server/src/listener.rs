//! Listeners. The listener process holds no CUDA context: it names the VM
//! from the transport (the vsock peer CID, the hybrid socket path, the Unix
//! socket, the TCP peer address), never from what the guest says, and hands
//! each connection to a worker process of its own (`cuvm-host` re-executed
//! with `--session-worker`), which owns that session's contexts. A fault,
//! a sticky error or a crash in one guest process's session therefore stays
//! in that worker, as it would stay in one process on the native driver. The
//! sessions of one VM share its quota through a counter in shared memory.

use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cuvm_wire::Address;
use cuvm_wire::transport::Stream;

use crate::backend::Backend;
use crate::config::Config;
use crate::session::Session;
use crate::vm::Registry;

/// Makes a backend for a new session.
pub type BackendFactory = dyn Fn() -> Result<Box<dyn Backend>, String> + Send + Sync;

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

fn bind_unix(path: &Path) -> std::io::Result<UnixListener> {
    if path.exists() && std::os::unix::net::UnixStream::connect(path).is_err() {
        // A stale socket from an earlier run.
        std::fs::remove_file(path)?;
    }
    UnixListener::bind(path)
}

/// What every listener shares.
pub struct Shared {
    /// Makes a backend per session (used by workers).
    pub factory: Arc<BackendFactory>,
    /// The options.
    pub config: Arc<Config>,
    /// The VMs.
    pub vms: Arc<Registry>,
    /// The backend workers use: `native` or `emulated`.
    pub backend: &'static str,
}

/// Held while a worker is spawned, so that no other worker inherits the
/// descriptors made inheritable for this one.
static SPAWN: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn set_cloexec(fd: RawFd, on: bool) {
    // SAFETY: fcntl on a descriptor this process owns.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        if flags >= 0 {
            let flags = if on { flags | libc::FD_CLOEXEC } else { flags & !libc::FD_CLOEXEC };
            libc::fcntl(fd, libc::F_SETFD, flags);
        }
    }
}

fn spawn_session(stream: Stream, vm_name: String, peer: String, shared: &Arc<Shared>) {
    let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
    let vm = match shared.vms.vm(&vm_name) {
        Ok(vm) => vm,
        Err(e) => {
            log::error!("session {id} ({peer}): cannot set up vm {vm_name:?}: {e}");
            return;
        }
    };
    let Some(slot) = vm.take_slot() else {
        log::error!("session {id} ({peer}): vm {vm_name:?} already has {} sessions; refusing this one", crate::vm::SLOTS);
        return;
    };
    let (fd, kind) = match &stream {
        Stream::Unix(s) => (s.as_raw_fd(), "unix"),
        Stream::Tcp(s) => (s.as_raw_fd(), "tcp"),
        Stream::Vsock(s) => (s.as_raw_fd(), "vsock"),
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            log::error!("session {id}: cannot find the cuvm-host executable to start a worker: {e}");
            return;
        }
    };
    let c = &shared.config;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--session-worker")
        .args(["--session", &id.to_string(), "--peer", &peer, "--vm", &vm_name, "--conn-kind", kind])
        .args(["--conn-fd", &fd.to_string(), "--vm-fd", &vm.counter_fd().to_string(), "--vm-slot", &slot.to_string()])
        .args(["--backend", shared.backend, "--emulated-memory", &c.emulated_memory.to_string()])
        .arg("--driver-lib")
        .arg(&c.driver_lib);
    if let Some(q) = vm.quota {
        cmd.args(["--quota", &q.to_string()]);
    }
    if let Some(t) = &c.token {
        cmd.env("CUVM_HOST_TOKEN", String::from_utf8_lossy(t).into_owned());
    }
    let child = {
        let _guard = SPAWN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        set_cloexec(fd, false);
        set_cloexec(vm.counter_fd(), false);
        let child = cmd.spawn();
        set_cloexec(vm.counter_fd(), true);
        child
    };
    // The worker has the connection now; the listener lets go of it.
    drop(stream);
    match child {
        Ok(mut child) => {
            let _ = std::thread::Builder::new().name(format!("reap-{id}")).spawn(move || {
                match child.wait() {
                    Ok(status) if status.success() => {}
                    Ok(status) => log::warn!("session {id} (vm {vm_name:?}): worker ended with {status}; no other session is affected"),
                    Err(e) => log::warn!("session {id}: cannot wait for its worker: {e}"),
                }
                let held = vm.reclaim(slot);
                if held > 0 {
                    log::warn!("session {id} (vm {vm_name:?}): took back {held} bytes of quota its worker still held");
                }
            });
        }
        Err(e) => {
            vm.reclaim(slot);
            log::error!("session {id} ({peer}): cannot start a worker: {e}");
        }
    }
}

/// A worker's options, given by the listener on its command line.
#[derive(Debug)]
pub struct WorkerArgs {
    session: u64,
    peer: String,
    vm: String,
    conn_kind: String,
    conn_fd: RawFd,
    vm_fd: RawFd,
    vm_slot: usize,
    quota: Option<u64>,
}

impl WorkerArgs {
    /// Parses the worker's arguments (after `--session-worker`), leaving the
    /// backend options to `Config`.
    ///
    /// # Errors
    /// A message naming the missing or bad argument.
    pub fn parse(args: &[String]) -> Result<(WorkerArgs, Vec<String>), String> {
        let mut rest = Vec::new();
        let (mut session, mut peer, mut vm, mut kind, mut conn, mut vmfd, mut quota) = (None, None, None, None, None, None, None);
        let mut slot = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut v = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--session" => session = v()?.parse().ok(),
                "--peer" => peer = Some(v()?),
                "--vm" => vm = Some(v()?),
                "--conn-kind" => kind = Some(v()?),
                "--conn-fd" => conn = v()?.parse().ok(),
                "--vm-fd" => vmfd = v()?.parse().ok(),
                "--quota" => quota = v()?.parse().ok(),
                "--vm-slot" => slot = v()?.parse().ok(),
                other => rest.push(other.to_string()),
            }
        }
        let missing = |n: &str| format!("worker: {n} missing");
        Ok((
            WorkerArgs {
                session: session.ok_or_else(|| missing("--session"))?,
                peer: peer.ok_or_else(|| missing("--peer"))?,
                vm: vm.ok_or_else(|| missing("--vm"))?,
                conn_kind: kind.ok_or_else(|| missing("--conn-kind"))?,
                conn_fd: conn.ok_or_else(|| missing("--conn-fd"))?,
                vm_fd: vmfd.ok_or_else(|| missing("--vm-fd"))?,
                vm_slot: slot.ok_or_else(|| missing("--vm-slot"))?,
                quota,
            },
            rest,
        ))
    }

    /// Serves the one session this worker exists for.
    ///
    /// # Errors
    /// When the descriptors are unusable or no backend can be made.
    pub fn serve(self, factory: &BackendFactory) -> Result<(), String> {
        // SAFETY: the listener passed these descriptors for this worker alone.
        let stream = unsafe {
            match self.conn_kind.as_str() {
                "unix" => Stream::Unix(std::os::unix::net::UnixStream::from_raw_fd(self.conn_fd)),
                "tcp" => Stream::Tcp(std::net::TcpStream::from_raw_fd(self.conn_fd)),
                "vsock" => Stream::Vsock(vsock::VsockStream::from_raw_fd(self.conn_fd)),
                other => return Err(format!("worker: unknown connection kind {other}")),
            }
        };
        set_cloexec(self.conn_fd, true);
        // SAFETY: the listener passed an open VM counter descriptor.
        let vm = unsafe { crate::vm::Vm::from_fd(self.vm.clone(), self.quota, self.vm_fd, self.vm_slot) }
            .map_err(|e| format!("worker: cannot map the vm counter: {e}"))?;
        let backend = factory()?;
        let session = self.session;
        crate::watchdog::watch(self.conn_fd, crate::watchdog::GRACE, move || {
            log::warn!(
                "session {session}: the guest left {:?} ago and its worker is still held in the driver (a wait or a kernel that never ends): ending the worker so that the driver frees its contexts and memory",
                crate::watchdog::GRACE
            );
            // SAFETY: ends this process at once; nothing of it is needed now.
            unsafe { libc::_exit(3) };
        })
        .map_err(|e| format!("worker: cannot start the hang-up watchdog: {e}"))?;
        let token = std::env::var("CUVM_HOST_TOKEN").ok().map(String::into_bytes);
        Session::new(self.session, self.peer, backend, Arc::new(vm)).serve(stream, token.as_deref());
        Ok(())
    }
}

/// Binds `address` and serves it on a background thread.
///
/// # Errors
/// The bind error, with the address.
pub fn listen(address: &Address, shared: Arc<Shared>) -> Result<(), String> {
    let name = address.to_string();
    let bind_err = |e: std::io::Error| format!("cannot listen on {name}: {e}");
    match address {
        Address::Unix(path) | Address::Hybrid { path, .. } => {
            let path = match address {
                Address::Hybrid { path, port } => Address::hybrid_socket(path, *port),
                _ => path.clone(),
            };
            let listener = bind_unix(&path).map_err(bind_err)?;
            log::info!("listening on {name} (unix socket {})", path.display());
            let peer = if matches!(address, Address::Hybrid { .. }) {
                format!("vm at {}", path.display())
            } else {
                format!("unix:{}", path.display())
            };
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    match conn {
                        Ok(s) => spawn_session(Stream::Unix(s), peer.clone(), peer.clone(), &shared),
                        Err(e) => log::warn!("accept on {}: {e}", path.display()),
                    }
                }
            });
        }
        Address::Tcp(addr) => {
            let listener = std::net::TcpListener::bind(addr).map_err(bind_err)?;
            log::info!("listening on {name} (token required)");
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    match conn {
                        Ok(s) => {
                            let _ = s.set_nodelay(true);
                            let (vm, peer) = s.peer_addr().map_or_else(
                                |_| ("tcp peer".to_string(), "tcp peer".to_string()),
                                |a| (format!("tcp {}", a.ip()), format!("tcp:{a}")),
                            );
                            spawn_session(Stream::Tcp(s), vm, peer, &shared);
                        }
                        Err(e) => log::warn!("accept on tcp: {e}"),
                    }
                }
            });
        }
        Address::Vsock { cid, port } => {
            let listener = vsock::VsockListener::bind(&vsock::VsockAddr::new(*cid, *port)).map_err(bind_err)?;
            log::info!("listening on {name}");
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    match conn {
                        Ok(s) => {
                            let peer = s.peer_addr().map_or_else(|_| "vsock peer".into(), |a| format!("vm cid {}", a.cid()));
                            spawn_session(Stream::Vsock(s), peer.clone(), peer, &shared);
                        }
                        Err(e) => log::warn!("accept on vsock: {e}"),
                    }
                }
            });
        }
    }
    Ok(())
}
