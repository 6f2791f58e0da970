//! Helpers for cuvm-host's integration tests: the built artifacts, a host
//! process that is killed when the test ends, and C guest programs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.parent().and_then(|d| d.parent()).expect("target/<profile>").to_path_buf()
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A per-test scratch folder.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A running cuvm-host, killed on drop.
pub struct Host {
    pub child: Child,
    pub log: PathBuf,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Host {
    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The host's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether `text` appears in the log within 10 seconds (sessions run in
    /// worker processes, which log on their own time).
    pub fn log_shows(&self, text: &str) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if self.log().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

/// Starts cuvm-host with `args` and waits until `ready` exists.
pub fn start_host(dir: &Path, args: &[&str], ready: &Path) -> Host {
    let bin = target_dir().join("cuvm-host");
    assert!(bin.exists(), "{} is not built: run `make test`", bin.display());
    let log = dir.join("host.log");
    let child = Command::new(bin)
        .args(args)
        .env("CUVM_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start cuvm-host");
    let host = Host { child, log };
    let start = Instant::now();
    while !ready.exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "cuvm-host did not start:\n{}", host.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    host
}

/// Compiles `tests/programs/<name>.c` against the CUDA headers and the guest
/// library; returns (executable, folder holding libcuda.so.1).
pub fn build_program(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let include = repo().join("cuda-headers/include");
    assert!(include.join("cuda.h").exists(), "CUDA headers missing: run `make headers` (or `make test`)");
    let lib = target_dir().join("libcuda.so");
    assert!(lib.exists(), "{} is not built: run `make test`", lib.display());
    let libdir = dir.join("lib");
    std::fs::create_dir_all(&libdir).expect("lib dir");
    for link in ["libcuda.so.1", "libcuda.so"] {
        let _ = std::fs::remove_file(libdir.join(link));
        std::os::unix::fs::symlink(&lib, libdir.join(link)).expect("symlink");
    }
    let exe = dir.join(name);
    let ok = Command::new("gcc")
        .args(["-Wall", "-O1"])
        .arg(format!("-I{}", include.display()))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/programs/{name}.c")))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", libdir.display()))
        .arg("-lcuda")
        .status()
        .expect("gcc")
        .success();
    assert!(ok, "gcc failed on {name}.c");
    (exe, libdir)
}

/// A guest command: the program with the guest library and host address set.
pub fn guest(exe: &Path, libdir: &Path, host: &str) -> Command {
    let mut c = Command::new(exe);
    c.env("LD_LIBRARY_PATH", libdir).env("CUVM_HOST", host).env("CUVM_LOG", "error");
    c
}

/// Runs a conformance scenario through the guest library at `host`.
pub fn scenario(name: &str, host: &str, extra_env: &[(&str, &str)]) -> (bool, String) {
    let bin = target_dir().join("cuvm-conformance");
    assert!(bin.exists(), "{} is not built: run `make test`", bin.display());
    let mut c = Command::new(bin);
    c.args(["--child", name, "--lib"]).arg(target_dir().join("libcuda.so")).env("CUVM_HOST", host).env("CUVM_LOG", "error");
    for (k, v) in extra_env {
        c.env(k, v);
    }
    let out = c.output().expect("run scenario");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && text.contains("RESULT|pass"), text)
}
