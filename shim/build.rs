//! Gives the guest library the soname of NVIDIA's driver library, so that
//! programs linked against it record `libcuda.so.1` as they do natively.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcuda.so.1");
    println!("cargo:rerun-if-changed=build.rs");
}
