//! cuvm's guest library: a drop-in `libcuda.so.1`.
//!
//! It exports every symbol of NVIDIA's driver library (707 for driver 580),
//! expanded from the one declaration list in `cuvm-abi`:
//!
//! - [`exports`]: one `extern "C"` function per entry point, each running its
//!   body under [`guard::call`] so that no panic crosses the C ABI;
//! - [`driver::Driver`]: one method per entry point, whose default answers
//!   `CUDA_ERROR_NOT_SUPPORTED` and logs once why (from the annotation table);
//! - [`dispatch`]: the methods cuvm implements, each one line that routes to
//!   the module of its API area;
//! - [`debugger`]: the debugger's data symbols.
//!
//! API areas: [`init`], [`device`], [`context`], [`memory`], [`module`],
//! [`launch`], [`stream`] (streams and events) forward to cuvm-host through
//! [`client`]; [`errors`] and [`procaddress`] are answered locally;
//! [`image`] sizes module images.
//!
//! Logging goes through the `log` crate, configured from `CUVM_LOG` (or
//! `RUST_LOG`), warnings only by default.

pub mod array;
pub mod auto;
pub mod client;
pub mod context;
pub mod debugger;
pub mod device;
pub mod dispatch;
pub mod driver;
pub mod errors;
pub mod export_tables;
pub mod exports;
pub mod graph;
pub mod guard;
pub mod image;
pub mod init;
pub mod ipc;
pub mod launch;
pub mod library;
pub mod link;
pub mod logging;
pub mod managed;
pub mod memory;
mod mirror;
pub mod module;
pub mod procaddress;
pub mod remote;
pub mod stream;
pub mod tensor;
pub mod vmm;

/// The type that implements [`driver::Driver`].
pub struct Shim;

/// Lets cuvm-host recognise this library and refuse to load it as the real
/// driver (it must match `cuvm_host::backend::native::GUEST_LIBRARY_MARKER`).
#[used]
static GUEST_LIBRARY_MARKER: [u8; 39] = *b"cuvm guest library: not NVIDIA's driver";
