//! C programs compiled with gcc against the official cuda.h, linked with
//! `-lcuda` and run against the built guest library, as a guest would.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compiles `examples/c/<name>.c` and runs it with the guest library first
/// in the library path; returns (exit code, stdout).
fn build_and_run(name: &str) -> (i32, String) {
    let include = repo().join("cuda-headers/include");
    assert!(include.join("cuda.h").exists(), "the CUDA headers are not fetched: run `make headers` (or `make test`)");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("c-{name}"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // The library's soname is libcuda.so.1: give the loader that name.
    let link = dir.join("libcuda.so.1");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(common::shim_library(), &link).expect("symlink");
    let _ = std::fs::remove_file(dir.join("libcuda.so"));
    std::os::unix::fs::symlink(common::shim_library(), dir.join("libcuda.so")).expect("symlink");
    let exe = dir.join(name);
    let status = Command::new("gcc")
        .args(["-Wall", "-Wextra", "-Werror", "-O1"])
        .arg(format!("-I{}", include.display()))
        .arg(repo().join(format!("examples/c/{name}.c")))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", dir.display()))
        .arg("-lcuda")
        .status()
        .expect("run gcc");
    assert!(status.success(), "gcc failed on {name}.c");
    let nowhere = dir.join("no-host-here.sock");
    let out = Command::new(&exe)
        .env("LD_LIBRARY_PATH", &dir)
        .env("CUVM_LOG", "off")
        .env("CUVM_HOST", format!("unix:{}", nowhere.display()))
        .output()
        .expect("run");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn driver_info_example_runs_without_a_host_and_cuinit_says_no_device() {
    let (code, out) = build_and_run("00-driver-info");
    println!("{out}");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("cuDriverGetVersion: 13000 (CUDA 13.0)"), "{out}");
    assert!(out.contains("error 1: CUDA_ERROR_INVALID_VALUE: invalid argument"), "{out}");
    assert!(out.contains("cuGetProcAddress(cuMemAlloc, 13000): cuMemAlloc_v2"), "{out}");
    // No cuvm-host listens at this address: cuInit says so at once, no hang.
    assert!(out.contains("cuInit: CUDA_ERROR_NO_DEVICE"), "{out}");
    assert!(out.contains("driver-info: ok"), "{out}");
}
