//! The command line of cuvm-host.

use std::path::PathBuf;

use cuvm_wire::Address;

/// Which backend sessions use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// NVIDIA's driver.
    Native,
    /// The software GPU.
    Emulated,
    /// Native if the driver loads, else emulated.
    Auto,
}

/// Parsed options.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (at least one).
    pub listen: Vec<Address>,
    /// The backend.
    pub backend: BackendKind,
    /// The real driver library (native backend).
    pub driver_lib: PathBuf,
    /// Shared secret required from guests (mandatory with TCP).
    pub token: Option<Vec<u8>>,
    /// Device memory each VM may hold, in bytes.
    pub quota: Option<u64>,
    /// Per-VM quotas, by VM name, overriding `quota`.
    pub vm_quotas: std::collections::HashMap<String, u64>,
    /// Device memory of the emulated GPU.
    pub emulated_memory: u64,
}

/// The text of `--help`.
pub const HELP: &str = "\
cuvm-host: serves the CUDA driver API to guest VMs running cuvm's libcuda.so.1

USAGE:
    cuvm-host --listen ADDRESS [--listen ADDRESS ...] [OPTIONS]

LISTEN ADDRESSES (repeat --listen to serve several at once):
    vsock::PORT               AF_VSOCK on every CID (QEMU/KVM with vhost-vsock);
                              the peer's CID names the VM. Guests use vsock:2:PORT.
    hybrid:/path/v.sock:PORT  Firecracker / Cloud Hypervisor / vhost-device-vsock
                              hybrid vsock: listens on the Unix socket
                              /path/v.sock_PORT, where the VMM forwards guest
                              connections to PORT; the socket names the VM.
    unix:/path/x.sock         a plain Unix socket (tests, containers).
    tcp:ADDR:PORT             TCP; requires --token-file.

OPTIONS:
    --backend native|emulated  native: NVIDIA's libcuda.so.1 (the default when it
                               loads); emulated: a software GPU in host memory that
                               cannot run kernels (CI, demos without a GPU).
    --driver-lib PATH          the real driver (default: libcuda.so.1 from the
                               loader's search path; cuvm's own library is refused).
    --token-file PATH          a shared secret guests must present (CUVM_TOKEN).
    --quota BYTES              device memory each VM may hold (suffixes K, M, G);
                               every path that takes device memory is charged
                               first; over it: CUDA_ERROR_OUT_OF_MEMORY.
    --vm-quota NAME=BYTES      the quota of one VM, by the name the log shows at
                               its first connection: vm cid 5, vm at
                               /run/v.sock_2832, unix:/path, tcp 10.0.0.2.
    --emulated-memory BYTES    device memory of the emulated GPU (default 8G).
    -h, --help                 this text.

ENVIRONMENT:
    CUVM_LOG / RUST_LOG        log filter (default: info).

The guest's default address is vsock:2:2832; set CUVM_HOST in the guest to use
another (vsock:CID:PORT, unix:/path, tcp:HOST:PORT).
";

/// Parses a size with an optional K/M/G suffix (powers of 1024).
///
/// # Errors
/// A message for anything else.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 20),
        Some('G' | 'g') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| format!("bad size {s:?}: use a number with an optional K, M or G"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("size {s:?} is too large"))
}

impl Config {
    /// Parses the arguments (without the program name). `Ok(None)` means
    /// `--help` was asked for.
    ///
    /// # Errors
    /// A message naming the bad argument.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Config>, String> {
        let mut c = Config {
            listen: Vec::new(),
            backend: BackendKind::Auto,
            driver_lib: PathBuf::from("libcuda.so.1"),
            token: None,
            quota: None,
            vm_quotas: std::collections::HashMap::new(),
            emulated_memory: crate::backend::emulated::DEFAULT_TOTAL_MEMORY,
        };
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value; see --help"));
            match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--listen" => c.listen.push(Address::parse(&value()?).map_err(|e| e.to_string())?),
                "--backend" => {
                    c.backend = match value()?.as_str() {
                        "native" => BackendKind::Native,
                        "emulated" => BackendKind::Emulated,
                        other => {
                            return Err(format!("unknown backend {other:?}: use native or emulated"));
                        }
                    }
                }
                "--driver-lib" => c.driver_lib = PathBuf::from(value()?),
                "--token-file" => {
                    let path = value()?;
                    let token = std::fs::read(&path).map_err(|e| format!("cannot read the token file {path}: {e}"))?;
                    let trimmed = token.trim_ascii().to_vec();
                    if trimmed.is_empty() {
                        return Err(format!("the token file {path} is empty"));
                    }
                    c.token = Some(trimmed);
                }
                "--quota" => c.quota = Some(parse_size(&value()?)?),
                "--vm-quota" => {
                    let v = value()?;
                    let (name, size) = v.rsplit_once('=').ok_or_else(|| format!("--vm-quota wants NAME=SIZE, got {v:?}"))?;
                    c.vm_quotas.insert(name.to_string(), parse_size(size)?);
                }
                "--emulated-memory" => c.emulated_memory = parse_size(&value()?)?,
                other => return Err(format!("unknown argument {other:?}; see --help")),
            }
        }
        if c.listen.is_empty() {
            return Err("give at least one --listen address; see --help".into());
        }
        if c.listen.iter().any(|a| matches!(a, Address::Tcp(_))) && c.token.is_none() {
            return Err("a tcp: listener needs --token-file: TCP has no peer identity of its own".into());
        }
        Ok(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Config>, String> {
        Config::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn several_listeners_and_a_backend() {
        let c = parse(&["--listen", "unix:/tmp/a", "--listen", "vsock::2832", "--backend", "emulated"]).unwrap().unwrap();
        assert_eq!(c.listen.len(), 2);
        assert_eq!(c.backend, BackendKind::Emulated);
    }

    #[test]
    fn tcp_without_token_is_refused() {
        assert!(parse(&["--listen", "tcp:127.0.0.1:9"]).unwrap_err().contains("token"));
    }

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("x").is_err());
    }

    #[test]
    fn help_and_errors() {
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&[]).is_err());
        assert!(parse(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(parse(&["--listen", "nope"]).is_err());
    }
}
