//! Addresses: where the guest connects and where the host listens.
//!
//! | syntax | meaning |
//! |---|---|
//! | `vsock:CID:PORT` | AF_VSOCK; the guest uses CID 2 (the host); the host listens with an empty CID (`vsock::PORT`) |
//! | `hybrid:/path/v.sock:PORT` | host side of Firecracker / Cloud Hypervisor / vhost-device-vsock hybrid vsock: a Unix listener at `/path/v.sock_PORT` |
//! | `unix:/path` | a plain Unix stream socket |
//! | `tcp:HOST:PORT` | TCP; the host requires a token |

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// VMADDR_CID_ANY: listen on every CID.
pub const VSOCK_CID_ANY: u32 = u32::MAX;
/// The host's CID as a guest sees it.
pub const VSOCK_CID_HOST: u32 = 2;

/// A parsed address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// AF_VSOCK.
    Vsock {
        /// Context id (`VSOCK_CID_ANY` to listen on all).
        cid: u32,
        /// Port.
        port: u32,
    },
    /// Hybrid vsock: a Unix socket at `<path>_<port>`.
    Hybrid {
        /// The VMM's vsock socket path (`uds_path`).
        path: PathBuf,
        /// The vsock port.
        port: u32,
    },
    /// A Unix stream socket.
    Unix(PathBuf),
    /// TCP `host:port`.
    Tcp(String),
}

/// Why an address did not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("bad address {input:?}: {why} (expected vsock:CID:PORT, hybrid:/path:PORT, unix:/path or tcp:HOST:PORT)")]
pub struct AddressError {
    /// What was given.
    pub input: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl Address {
    /// The guest's default: the host over vsock on the cuvm port.
    #[must_use]
    pub fn default_guest() -> Self {
        Address::Vsock { cid: VSOCK_CID_HOST, port: crate::DEFAULT_PORT }
    }

    /// For `Hybrid`, the Unix socket path the host listens on.
    #[must_use]
    pub fn hybrid_socket(path: &std::path::Path, port: u32) -> PathBuf {
        let mut s = path.as_os_str().to_owned();
        s.push(format!("_{port}"));
        PathBuf::from(s)
    }

    /// Parses an address.
    ///
    /// # Errors
    /// [`AddressError`] naming what is wrong.
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        let err = |why| AddressError { input: input.to_string(), why };
        let (scheme, rest) = input.split_once(':').ok_or_else(|| err("no scheme"))?;
        match scheme {
            "vsock" => {
                let (cid, port) = rest.split_once(':').ok_or_else(|| err("vsock needs CID:PORT"))?;
                let cid = if cid.is_empty() { VSOCK_CID_ANY } else { cid.parse().map_err(|_| err("bad CID"))? };
                let port = port.parse().map_err(|_| err("bad port"))?;
                Ok(Address::Vsock { cid, port })
            }
            "hybrid" => {
                let (path, port) = rest.rsplit_once(':').ok_or_else(|| err("hybrid needs /path:PORT"))?;
                if path.is_empty() {
                    return Err(err("empty path"));
                }
                Ok(Address::Hybrid { path: PathBuf::from(path), port: port.parse().map_err(|_| err("bad port"))? })
            }
            "unix" if !rest.is_empty() => Ok(Address::Unix(PathBuf::from(rest))),
            "unix" => Err(err("empty path")),
            "tcp" => {
                let (host, port) = rest.rsplit_once(':').ok_or_else(|| err("tcp needs HOST:PORT"))?;
                if host.is_empty() {
                    return Err(err("empty host"));
                }
                port.parse::<u16>().map_err(|_| err("bad port"))?;
                Ok(Address::Tcp(rest.to_string()))
            }
            _ => Err(err("unknown scheme")),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Vsock { cid, port } if *cid == VSOCK_CID_ANY => write!(f, "vsock::{port}"),
            Address::Vsock { cid, port } => write!(f, "vsock:{cid}:{port}"),
            Address::Hybrid { path, port } => write!(f, "hybrid:{}:{port}", path.display()),
            Address::Unix(p) => write!(f, "unix:{}", p.display()),
            Address::Tcp(a) => write!(f, "tcp:{a}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_parses() {
        assert_eq!(Address::parse("vsock:2:2832"), Ok(Address::Vsock { cid: 2, port: 2832 }));
        assert_eq!(Address::parse("vsock::2832"), Ok(Address::Vsock { cid: VSOCK_CID_ANY, port: 2832 }));
        assert_eq!(Address::parse("hybrid:/run/v.sock:2832"), Ok(Address::Hybrid { path: "/run/v.sock".into(), port: 2832 }));
        assert_eq!(Address::parse("unix:/run/x.sock"), Ok(Address::Unix("/run/x.sock".into())));
        assert_eq!(Address::parse("tcp:127.0.0.1:9000"), Ok(Address::Tcp("127.0.0.1:9000".into())));
    }

    #[test]
    fn malformed_addresses_say_why() {
        assert_eq!(Address::parse("vsock:x:1").unwrap_err().why, "bad CID");
        assert_eq!(Address::parse("tcp:host:99999").unwrap_err().why, "bad port");
        assert_eq!(Address::parse("bogus:1").unwrap_err().why, "unknown scheme");
        assert_eq!(Address::parse("unix:").unwrap_err().why, "empty path");
        assert_eq!(Address::parse("nothing").unwrap_err().why, "no scheme");
    }

    #[test]
    fn hybrid_socket_appends_the_port() {
        assert_eq!(Address::hybrid_socket("/run/v.sock".as_ref(), 2832), PathBuf::from("/run/v.sock_2832"));
    }

    #[test]
    fn display_round_trips() {
        for s in ["vsock:2:2832", "vsock::7", "hybrid:/a/b:5", "unix:/x", "tcp:h:1"] {
            assert_eq!(Address::parse(s).unwrap().to_string(), s);
        }
    }
}
