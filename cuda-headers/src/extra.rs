//! Stage 3: entry points that the real libcuda.so.1 (580) exports but that no
//! public header declares. Each declaration here is added by this generator,
//! and the generated list marks them so. Where the real signature is not
//! public, the declaration takes no parameters: these are debugger and
//! internal hooks that applications never call, and the guest library answers
//! them with CUDA_ERROR_NOT_SUPPORTED whatever they are passed. The profiler
//! entry points come from cudaProfiler.h, which the CUDA 13 wheel no longer
//! ships; their signatures are those of cudaProfilerTypedefs.h.

/// Declarations added by the generator, in the syntax bindgen emits.
const EXTRA: &str = r#"
extern "C" {
    pub fn cudbgApiAttach() -> CUresult;
    pub fn cudbgApiDetach() -> CUresult;
    pub fn cudbgApiInit() -> CUresult;
    pub fn cudbgGetAPI() -> CUresult;
    pub fn cudbgGetAPIVersion() -> CUresult;
    pub fn cudbgMain() -> CUresult;
    pub fn cudbgReportDriverApiError() -> CUresult;
    pub fn cudbgReportDriverInternalError() -> CUresult;
    pub fn cuEGLApiInit() -> CUresult;
    pub fn cuMemGetAttribute() -> CUresult;
    pub fn cuMemGetAttribute_v2() -> CUresult;
    pub fn cuProfilerStart() -> CUresult;
    pub fn cuProfilerStop() -> CUresult;
    pub fn cuProfilerInitialize(
        configFile: *const ::core::ffi::c_char,
        outputFile: *const ::core::ffi::c_char,
        outputMode: ::core::ffi::c_uint,
    ) -> CUresult;
}
"#;

/// The names [`functions`] adds; the declaration list tags them.
pub const NAMES: &[&str] = &[
    "cudbgApiAttach",
    "cudbgApiDetach",
    "cudbgApiInit",
    "cudbgGetAPI",
    "cudbgGetAPIVersion",
    "cudbgMain",
    "cudbgReportDriverApiError",
    "cudbgReportDriverInternalError",
    "cuEGLApiInit",
    "cuMemGetAttribute",
    "cuMemGetAttribute_v2",
    "cuProfilerInitialize",
    "cuProfilerStart",
    "cuProfilerStop",
];

/// Declared by a header but not exported by the real libcuda.so.1 (580): left
/// out of the declaration list and of the `cuGetProcAddress` table, so that
/// the guest library exports exactly what the driver exports.
pub const DECLARED_NOT_EXPORTED: &[&str] = &["cuEventCreateFromEGLSync"];

/// Parses [`EXTRA`].
///
/// # Errors
/// Only if the constant above stops parsing.
pub fn functions() -> Result<Vec<syn::ForeignItemFn>, String> {
    let file = syn::parse_file(EXTRA).map_err(|e| format!("extra declarations do not parse: {e}"))?;
    let mut out = Vec::new();
    for item in file.items {
        if let syn::Item::ForeignMod(block) = item {
            for f in block.items {
                if let syn::ForeignItem::Fn(f) = f {
                    out.push(f);
                }
            }
        }
    }
    Ok(out)
}
