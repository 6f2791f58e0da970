//! Runtime-API programs (examples/runtime/*.cu) built here by nvcc 13.0 from
//! the pinned PyPI wheels, with static and with shared libcudart, and run
//! unmodified through cuvm's guest library against a cuvm-host with the
//! emulated backend, with `CUDA_MODULE_LOADING` lazy and eager. Everything
//! before the first kernel must be verified by the program itself ("...: ok"
//! lines, checked here), and the first launch refused (exit code 3), since
//! the emulated backend cannot run kernels.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Host, repo};

/// What each program must print before its first kernel.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "10-runtime-basics",
        &[
            "runtime 13000, driver 13000",
            "at least one device: ok",
            "warp size 32: ok",
            "cudaMemGetInfo: ok",
            "cudaMemcpy host->device->device->host, 8 MiB: ok",
            "cudaMemcpy with cudaMemcpyDefault: ok",
            "cudaMemset: ok",
            "cudaMallocPitch + cudaMemcpy2D: ok",
            "pinned memory, async copies on a stream, events: ok",
            "cudaMallocAsync + cudaMemsetAsync + cudaFreeAsync: ok",
            "kernel launch not supported on this device: stopping before the first kernel",
        ],
    ),
    (
        "11-runtime-graphs",
        &[
            "captured graph: 2 nodes",
            "graph captured from a stream (memset + copy), launched twice: ok",
            "graph of a memset node and a memcpy node: ok",
            "cudaStreamIsCapturing during a capture: ok",
            "kernel launch not supported on this device: stopping before the first kernel",
        ],
    ),
];

fn build(dir: &Path, name: &str, cudart: &str) -> PathBuf {
    let nvcc = repo().join("cuda-headers/toolkit/bin/nvcc");
    assert!(nvcc.exists(), "nvcc missing: run `make headers` (or `make test`)");
    let exe = dir.join(format!("{name}-{cudart}"));
    let status = Command::new(&nvcc)
        .args(["-O2", "-cudart", cudart, "-gencode", "arch=compute_90,code=sm_90", "-gencode", "arch=compute_90,code=compute_90"])
        .arg(repo().join(format!("examples/runtime/{name}.cu")))
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("nvcc");
    assert!(status.success(), "nvcc failed on {name} ({cudart} cudart)");
    exe
}

#[test]
fn nvcc_built_runtime_programs_run_through_cuvm_on_the_emulated_backend() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("runtime-programs");
    std::fs::create_dir_all(&dir).expect("dir");
    common::link_guest_library(&dir);
    let host = Host::start(dir.join("host.sock"));
    let libpath = format!("{}:{}", dir.display(), repo().join("cuda-headers/toolkit/lib").display());
    let mut failures = Vec::new();
    let mut runs = 0;
    for (name, lines) in EXPECTED {
        for cudart in ["static", "shared"] {
            let exe = build(&dir, name, cudart);
            for loading in ["LAZY", "EAGER"] {
                let out = Command::new(&exe)
                    .env("LD_LIBRARY_PATH", &libpath)
                    .env("CUVM_HOST", host.address())
                    .env("CUVM_LOG", "error")
                    .env("CUDA_MODULE_LOADING", loading)
                    .output()
                    .expect("run program");
                runs += 1;
                let stdout = String::from_utf8_lossy(&out.stdout);
                let code = out.status.code().unwrap_or(-1);
                let missing: Vec<&&str> = lines.iter().filter(|l| !stdout.lines().any(|o| o == **l)).collect();
                if code != 3 || !missing.is_empty() {
                    failures.push(format!(
                        "{name} ({cudart} cudart, {loading}): exit {code}, missing {missing:?}\nstdout:\n{stdout}stderr:\n{}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
        }
    }
    drop(host);
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{runs} runs of nvcc-built runtime programs verified up to their first kernel");
}
