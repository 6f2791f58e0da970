//! The C examples (examples/c), built with gcc against the official cuda.h
//! and run unmodified through cuvm's guest library against a cuvm-host with
//! the emulated backend: every step up to the first kernel launch must work,
//! and the launch must be refused with CUDA_ERROR_NOT_SUPPORTED (exit code
//! 3), since the emulated backend cannot run kernels; 04-ipc opens
//! interprocess handles in a forked child, which the emulated backend
//! refuses (exit code 3 too).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Host, repo};

/// Builds every example, starts an emulated host, runs each example once.
fn run_all() -> Vec<(String, i32, String)> {
    let include = repo().join("cuda-headers/include");
    assert!(include.join("cuda.h").exists(), "CUDA headers missing: run `make headers` (or `make test`)");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("examples");
    std::fs::create_dir_all(&dir).expect("dir");
    common::link_guest_library(&dir);
    let host = Host::start(dir.join("host.sock"));
    let mut results = Vec::new();
    let mut sources: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/c"))
        .expect("examples/c")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    for src in sources {
        let name = src.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let exe = dir.join(&name);
        let status = Command::new("gcc")
            .args(["-Wall", "-Wextra", "-Werror", "-O1"])
            .arg(format!("-I{}", include.display()))
            .arg(&src)
            .arg("-o")
            .arg(&exe)
            .arg(format!("-L{}", dir.display()))
            .args(["-lcuda", "-lm"])
            .status()
            .expect("gcc");
        assert!(status.success(), "gcc failed on {}", src.display());
        let out = Command::new(&exe)
            .env("LD_LIBRARY_PATH", &dir)
            .env("CUVM_HOST", host.address())
            .env("CUVM_LOG", "error")
            .output()
            .expect("run example");
        results.push((name, out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    results
}

#[test]
fn examples_run_unmodified_through_cuvm_on_the_emulated_backend() {
    let results = run_all();
    for (name, code, out) in &results {
        println!("== {name}: exit {code}\n{out}");
    }
    let get = |n: &str| results.iter().find(|r| r.0 == n).unwrap_or_else(|| panic!("example {n} missing"));
    let info = get("00-driver-info");
    assert_eq!(info.1, 0, "{}", info.2);
    assert!(info.2.contains("cuInit: CUDA_SUCCESS") && info.2.contains("devices: 1"), "{}", info.2);
    let vadd = get("01-vector-add");
    assert_eq!(vadd.1, 3, "{}", vadd.2);
    assert!(vadd.2.contains("device 0: cuvm emulated GPU") && vadd.2.contains("uploaded 2 x 4194304 bytes"), "{}", vadd.2);
    let mm = get("02-matmul");
    assert_eq!(mm.1, 3, "{}", mm.2);
    assert!(mm.2.contains("matmul parameter 3: offset 24, size 4"), "{}", mm.2);
    let pipe = get("03-streams-events");
    assert_eq!(pipe.1, 3, "{}", pipe.2);
    assert!(pipe.2.contains("kernel launch not supported on this device"), "{}", pipe.2);
    let ipc = get("04-ipc");
    assert_eq!(ipc.1, 3, "{}", ipc.2);
    for line in [
        "parent: exporting a timed event: CUDA_ERROR_INVALID_VALUE",
        "parent: opening its own handle: CUDA_ERROR_INVALID_CONTEXT",
        "child: interprocess handles cannot be opened on this device",
    ] {
        assert!(ipc.2.contains(line), "{line:?} missing:\n{}", ipc.2);
    }
}
