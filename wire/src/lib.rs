//! cuvm's wire protocol (see `wire/PROTOCOL.md`).
//!
//! - [`frame`]: the fixed 32-byte header, limits, and reading/writing frames
//!   on a byte stream, checked in a fixed order (header present, length under
//!   the limit, length available).
//! - [`codec`]: a little-endian encoder and a bounds-checked decoding cursor.
//! - [`ops`]: op codes, one per driver entry point, derived from its name
//!   (stable: inserting a function renumbers nothing).
//! - [`hello`]: the versioned handshake.
//! - [`array`], [`managed`], [`pointer`], [`policy`]: shared layouts and rules.
//! - [`address`] and [`transport`]: `vsock:`, `unix:`, `tcp:` and `hybrid:`
//!   addresses, and the byte streams they give.
//!
//! The message layer does not care what carries frames; a shared-memory ring
//! transport would only add to [`transport`].

pub mod address;
pub mod array;
pub mod codec;
pub mod frame;
pub mod fuzzing;
pub mod hello;
pub mod managed;
pub mod ops;
pub mod pointer;
pub mod policy;
pub mod transport;

pub use address::Address;
pub use codec::{DecodeError, Decoder, Encoder};
pub use frame::{FrameError, FrameHeader, FrameKind};

/// The protocol version this crate speaks; the handshake refuses others.
pub const PROTOCOL_VERSION: u32 = 3;

/// The vsock port cuvm-host listens on by default, and the guest's default
/// (`vsock:2:2832`: CID 2 is the host). 2832 spells CUDA on a phone keypad.
pub const DEFAULT_PORT: u32 = 2832;
