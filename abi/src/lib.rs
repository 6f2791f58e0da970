//! The CUDA driver ABI, version 13.0, for cuvm.
//!
//! Everything under [`generated`](self) comes from the official headers (the
//! `nvidia-cuda-runtime==13.0.96` wheel) through `make abi`; it is committed,
//! marked `@generated`, and CI regenerates it and fails on any difference.
//!
//! - Types, constants and structs as `cuda.h` declares them. C enums are
//!   `#[repr(transparent)]` newtypes with associated constants, never Rust
//!   enums: a caller built against a newer CUDA may pass values we do not know.
//!   Struct layouts are asserted at compile time.
//! - [`cuda_function_declarations!`]: the one declaration list of every
//!   exported entry point (682 functions), from which the guest library's
//!   exports and its `cuGetProcAddress` targets are expanded.
//! - [`procaddress`]: the `cuGetProcAddress` table and its resolution rules.
//! - [`errors`]: the driver's error names and strings.
//! - [`integrity`]: the answer of the integrity-check export table.

#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code)]
#![allow(clippy::all, clippy::pedantic)]

/// Generated from the headers by `make abi`; do not edit.
// bindgen derives PartialEq on structs that hold callbacks (CUhostFn).
#[allow(unpredictable_function_pointer_comparisons, clippy::undocumented_unsafe_blocks)]
pub mod generated {
    #[rustfmt::skip]
    pub mod errors;
    // (A macro definition: rustfmt leaves it as generated; a skip attribute
    // here would make its exported macro unusable by path.)
    #[macro_use]
    pub mod functions;
    #[rustfmt::skip]
    pub mod procaddress;
    #[rustfmt::skip]
    pub mod types;
}

pub mod annotations;
#[cfg(feature = "dynamic")]
pub mod dynamic;
pub mod errors;
pub mod integrity;
pub mod procaddress;
pub mod result;

pub use generated::types::*;

/// The CUDA version this ABI describes and the guest library implements.
pub const IMPLEMENTED_CUDA_VERSION: i32 = 13000;
