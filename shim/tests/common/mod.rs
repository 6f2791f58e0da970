//! Helpers shared by the shim's integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The guest library cargo built beside this test binary
/// (`target/<profile>/libcuda.so`), or `CUVM_SHIM_LIB` if set.
pub fn shim_library() -> PathBuf {
    if let Some(path) = std::env::var_os("CUVM_SHIM_LIB") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    let lib = profile_dir.join("libcuda.so");
    assert!(
        lib.exists(),
        "{} is not built: `cargo test` does not build the cdylib; run `make test` (or `cargo build -p cuvm-shim` first)",
        lib.display()
    );
    lib
}

/// A file of `tests/reference/`.
pub fn reference(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}
