//! The emulated backend reads kernels, parameter layouts and globals from
//! cubins and fatbins (plain and zstd-compressed, and runs of containers)
//! exactly as from the PTX they were built from. The images are built here
//! from our own PTX with ptxas and fatbinary from the pinned CUDA wheel
//! (`make headers`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use cuvm_host::backend::emulated::{image, ptx};

const PTX: &str = "\
.version 8.0
.target sm_75
.address_size 64
.visible .global .align 8 .b8 table[48];
.visible .global .align 4 .u32 counter;
.visible .entry mixed(.param .u8 c, .param .u64 p, .param .f32 f, .param .align 8 .b8 s[24], .param .u16 h)
{
  ret;
}
.visible .entry empty()
{
  ret;
}
";

fn tool(name: &str) -> PathBuf {
    let path = common::repo().join("cuda-headers/toolkit/bin").join(name);
    assert!(path.exists(), "{} is missing: run `make headers` (or `make test`)", path.display());
    path
}

fn build(dir: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let ptx_path = dir.join("m.ptx");
    std::fs::write(&ptx_path, PTX).expect("write ptx");
    let cubin = dir.join("m.cubin");
    assert!(Command::new(tool("ptxas")).args(["--gpu-name", "sm_90", "-o"]).arg(&cubin).arg(&ptx_path).status().expect("ptxas").success());
    let fatbin = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut c = Command::new(tool("fatbinary"));
        c.arg(format!("--create={}", out.display()))
            .arg(format!("--image3=kind=elf,sm=90,file={}", cubin.display()))
            .arg(format!("--image3=kind=ptx,sm=90,file={}", ptx_path.display()))
            .args(extra);
        assert!(c.status().expect("fatbinary").success());
        std::fs::read(out).expect("read fatbin")
    };
    let plain = fatbin("plain.fatbin", &["--compress=false"]);
    let zstd = fatbin("zstd.fatbin", &["--compress-all"]);
    (std::fs::read(cubin).expect("read cubin"), plain, zstd)
}

fn sorted(mut m: ptx::Module) -> ptx::Module {
    m.entries.sort_by(|a, b| a.name.cmp(&b.name));
    m.globals.sort_by(|a, b| a.name.cmp(&b.name));
    m
}

#[test]
fn cubins_and_fatbins_describe_the_same_kernels_as_their_ptx() {
    let dir = common::scratch("module-images");
    let (cubin, plain, zstd) = build(&dir);
    let from_ptx = sorted(ptx::parse(PTX).expect("ptx parses"));
    let mixed = from_ptx.entries.iter().find(|e| e.name == "mixed").expect("mixed");
    let layout: Vec<(u32, u32)> = mixed.params.iter().map(|p| (p.offset, p.size)).collect();
    assert_eq!(layout, vec![(0, 1), (8, 8), (16, 4), (24, 24), (48, 2)]);
    for (what, bytes) in [("cubin", &cubin), ("fatbin", &plain), ("zstd fatbin", &zstd)] {
        let parsed = sorted(image::parse(bytes).unwrap_or_else(|e| panic!("{what}: {e}")));
        assert_eq!(parsed, from_ptx, "{what}");
    }
    // Two containers back to back, as some libraries ship them.
    let mut run = plain.clone();
    run.resize(run.len().next_multiple_of(8), 0);
    run.extend_from_slice(&zstd);
    assert_eq!(sorted(image::parse(&run).expect("run of containers")), from_ptx);
}

#[test]
fn truncated_or_garbage_images_are_errors_not_panics() {
    let dir = common::scratch("module-images-bad");
    let (cubin, plain, _) = build(&dir);
    for cut in [20, 64, 200, plain.len() / 2] {
        assert!(image::parse(&plain[..cut]).is_err(), "a fatbin cut at {cut} bytes must be refused");
    }
    for cut in [16, 64, cubin.len() / 3] {
        let _ = image::parse(&cubin[..cut]);
    }
    assert!(image::parse(b"\x7fELFgarbage").is_err());
    assert!(image::parse(&[0x50, 0xed, 0x55, 0xba, 1, 0, 16, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
}
