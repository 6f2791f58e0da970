//! Listeners. Each accepted connection becomes a session on a thread of its
//! own, with a backend of its own; the VM's identity comes from the
//! transport (the vsock peer CID, the hybrid socket path), never from what
//! the guest says.

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
    /// Makes a backend per session.
    pub factory: Arc<BackendFactory>,
    /// The options.
    pub config: Arc<Config>,
    /// The VMs.
    pub vms: Arc<Registry>,
}

fn spawn_session(stream: Stream, vm_name: String, peer: String, shared: &Arc<Shared>) {
    let shared = Arc::clone(shared);
    let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
    let spawned = std::thread::Builder::new().name(format!("session-{id}")).spawn(move || match (shared.factory)() {
        Ok(backend) => {
            let vm = shared.vms.vm(&vm_name);
            Session::new(id, peer, backend, vm).serve(stream, shared.config.token.as_deref());
        }
        Err(e) => log::error!("session {id} ({peer}): no backend: {e}"),
    });
    if let Err(e) = spawned {
        log::error!("cannot start a session thread: {e}");
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
            let listener =
                vsock::VsockListener::bind(&vsock::VsockAddr::new(*cid, *port)).map_err(bind_err)?;
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
