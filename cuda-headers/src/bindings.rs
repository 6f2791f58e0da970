//! Stage 1: libclang (through bindgen) parses `wrapper.h` and returns Rust
//! source for every CUDA type, constant and entry point.

use std::path::Path;

/// Runs bindgen over `cuda-headers/wrapper.h` with the headers in `include`.
///
/// # Errors
/// Returns a message when libclang cannot parse the headers.
pub fn generate(include: &Path) -> Result<String, String> {
    let wrapper = Path::new(env!("CARGO_MANIFEST_DIR")).join("wrapper.h");
    let bindings = bindgen::Builder::default()
        .header(wrapper.to_string_lossy())
        .clang_arg(format!("-I{}", include.display()))
        // Everything the driver API names; the interop types they use come along.
        .allowlist_function("cu.*")
        .allowlist_type("CU.*|cu.*")
        .allowlist_var("CU.*|cu.*|CUDA.*|__CUDA_API_VERSION")
        // C enums become transparent newtypes: a caller built against a newer
        // CUDA may pass values this crate has never seen.
        .default_enum_style(bindgen::EnumVariation::NewType { is_bitfield: false, is_global: false })
        .derive_default(true)
        .derive_debug(true)
        .derive_copy(true)
        .derive_eq(true)
        .derive_hash(true)
        .impl_debug(false)
        .layout_tests(true)
        .size_t_is_usize(true)
        .use_core()
        .ctypes_prefix("::core::ffi")
        .generate_comments(false)
        .merge_extern_blocks(true)
        .prepend_enum_name(false)
        .formatter(bindgen::Formatter::Prettyplease)
        .generate()
        .map_err(|e| format!("bindgen failed on {}: {e}", wrapper.display()))?;
    Ok(bindings.to_string())
}
