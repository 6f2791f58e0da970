//! Helpers every forwarding module uses: calls with the calling thread's
//! current context, and writing out-parameters.

use cuvm_abi::CUresult;
use cuvm_wire::Encoder;

use crate::client::{self, ReplyBody};

/// A synchronous call in the calling thread's current context.
///
/// # Errors
/// The host's result, `CUDA_ERROR_NOT_INITIALIZED` before `cuInit`.
pub fn call(op: u32, body: &Encoder) -> Result<ReplyBody, CUresult> {
    client::get()?.call(op, crate::context::current(), body)
}

/// A synchronous call in context `ctx` (a guest context id).
///
/// # Errors
/// As [`call`].
pub fn call_in(ctx: u64, op: u32, body: &Encoder) -> Result<ReplyBody, CUresult> {
    client::get()?.call(op, ctx, body)
}

/// A synchronous call carrying bulk data and/or receiving it.
///
/// # Errors
/// As [`call`].
pub fn call_bulk(op: u32, body: &Encoder, data: Option<&[u8]>, sink: Option<&mut [u8]>) -> Result<ReplyBody, CUresult> {
    client::get()?.call_bulk(op, crate::context::current(), body.as_slice(), data, sink)
}

/// An asynchronous call in the calling thread's current context.
///
/// # Errors
/// `CUDA_ERROR_NOT_INITIALIZED` before `cuInit`; a lost connection.
pub fn post(op: u32, body: &Encoder, data: Option<&[u8]>) -> Result<(), CUresult> {
    client::get()?.post(op, crate::context::current(), body.as_slice(), data)
}

/// Turns a unit result into a `CUresult`.
pub fn done(r: Result<(), CUresult>) -> CUresult {
    match r {
        Ok(()) => CUresult::CUDA_SUCCESS,
        Err(e) => e,
    }
}

/// Checks an out-pointer before any work: null is `CUDA_ERROR_INVALID_VALUE`.
///
/// # Errors
/// `CUDA_ERROR_INVALID_VALUE` for null.
pub fn non_null<T>(p: *mut T) -> Result<*mut T, CUresult> {
    if p.is_null() { Err(CUresult::CUDA_ERROR_INVALID_VALUE) } else { Ok(p) }
}

/// Writes `v` through an out-pointer already checked by [`non_null`].
///
/// # Safety
/// `p` is valid for a write of `T`.
pub unsafe fn write<T>(p: *mut T, v: T) {
    // SAFETY: the caller's contract.
    unsafe { p.write(v) }
}

/// Decode errors of a reply mean the host is not speaking our protocol.
#[must_use]
pub fn protocol(e: cuvm_wire::DecodeError) -> CUresult {
    log::error!("malformed reply from cuvm-host: {e}");
    CUresult::CUDA_ERROR_UNKNOWN
}

/// `CU_STREAM_PER_THREAD`: what the NULL stream means in a `_ptsz` call.
pub const STREAM_PER_THREAD: u64 = 2;

/// The stream handle to send: in a per-thread call the NULL stream is the
/// per-thread default stream.
#[must_use]
pub fn stream_id(stream: cuvm_abi::CUstream, per_thread: bool) -> u64 {
    let id = stream as usize as u64;
    if id == 0 && per_thread { STREAM_PER_THREAD } else { id }
}

/// A call whose arguments are all u64s and which answers nothing.
pub fn plain(op: u32, args: &[u64]) -> CUresult {
    let mut e = cuvm_wire::Encoder::new();
    for a in args {
        e.u64(*a);
    }
    done(call(op, &e).map(|_| ()))
}
