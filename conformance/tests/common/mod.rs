//! What the integration tests share: where cargo put the built artefacts, the
//! repository root, and a cuvm-host with the emulated backend on a Unix socket.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `target/<profile>`, where the guest library and cuvm-host are built.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.parent().and_then(|d| d.parent()).expect("target/<profile>").to_path_buf()
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running cuvm-host (emulated backend), killed when dropped.
pub struct Host {
    /// Its Unix socket.
    pub socket: PathBuf,
    child: Child,
}

impl Host {
    /// Starts cuvm-host listening on `socket` and waits until it listens.
    pub fn start(socket: PathBuf) -> Host {
        let bin = target_dir().join("cuvm-host");
        assert!(bin.exists(), "{} is not built: run `make test` (or `cargo build` first)", bin.display());
        let _ = std::fs::remove_file(&socket);
        let child = Command::new(&bin)
            .args(["--listen", &format!("unix:{}", socket.display()), "--backend", "emulated"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cuvm-host");
        let start = Instant::now();
        while !socket.exists() {
            assert!(start.elapsed() < Duration::from_secs(20), "cuvm-host did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Host { socket, child }
    }

    /// `CUVM_HOST` for guests of this host.
    pub fn address(&self) -> String {
        format!("unix:{}", self.socket.display())
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The built guest library, linked into `dir` as `libcuda.so.1` and
/// `libcuda.so` (for programs linked with `-lcuda` and run from there).
pub fn link_guest_library(dir: &Path) {
    let lib = target_dir().join("libcuda.so");
    assert!(lib.exists(), "{} is not built: run `make test`", lib.display());
    for name in ["libcuda.so.1", "libcuda.so"] {
        let _ = std::fs::remove_file(dir.join(name));
        std::os::unix::fs::symlink(&lib, dir.join(name)).expect("symlink");
    }
}
