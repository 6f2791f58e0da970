//! Frames: a fixed 32-byte little-endian header and a body of at most
//! [`MAX_BODY`] bytes.
//!
//! ```text
//! offset size field
//!  0     4    body length (bytes after the header)
//!  4     2    kind        (FrameKind)
//!  6     2    flags       (reserved, 0)
//!  8     4    op          (ops::op_code of the driver function, or 0)
//! 12     4    reserved    (0)
//! 16     8    seq         (request sequence number; a reply echoes it)
//! 24     8    ctx         (the calling thread's current context id, 0 = none)
//! ```

use std::io::{self, Read, Write};

use thiserror::Error;

/// Size of the header.
pub const HEADER_LEN: usize = 32;
/// The largest body a frame may carry. Bulk data travels in chunks of
/// [`CHUNK`] bytes, so this leaves room for a chunk plus its fields.
pub const MAX_BODY: u32 = (1 << 20) + 4096;
/// The size of one bulk data chunk.
pub const CHUNK: usize = 1 << 20;

/// What a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum FrameKind {
    /// Guest → host, first frame: the handshake.
    Hello = 1,
    /// Host → guest: the handshake's answer.
    Welcome = 2,
    /// Guest → host: a call that expects a [`FrameKind::Reply`].
    Call = 3,
    /// Guest → host: an asynchronous call; no reply. A failure is reported
    /// by the next synchronising call.
    Post = 4,
    /// Host → guest: the answer to a `Call` with the same `seq`.
    Reply = 5,
    /// Either way: one chunk of bulk data belonging to the call with `seq`.
    Data = 6,
}

impl FrameKind {
    fn from_u16(v: u16) -> Option<Self> {
        Some(match v {
            1 => Self::Hello,
            2 => Self::Welcome,
            3 => Self::Call,
            4 => Self::Post,
            5 => Self::Reply,
            6 => Self::Data,
            _ => return None,
        })
    }
}

/// A decoded header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Body length.
    pub len: u32,
    /// Frame kind.
    pub kind: FrameKind,
    /// Op code (0 when not a driver call).
    pub op: u32,
    /// Sequence number.
    pub seq: u64,
    /// Caller's current context id.
    pub ctx: u64,
}

/// Why a frame could not be read.
#[derive(Debug, Error)]
pub enum FrameError {
    /// The peer closed the stream between frames.
    #[error("connection closed")]
    Closed,
    /// Reading or writing failed.
    #[error("i/o error on the connection")]
    Io(#[from] io::Error),
    /// The header names an unknown kind.
    #[error("unknown frame kind {0}")]
    UnknownKind(u16),
    /// The declared body length exceeds [`MAX_BODY`].
    #[error("frame body of {len} bytes exceeds the limit of {max}")]
    TooLarge {
        /// Declared length.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// Reserved header fields are not zero.
    #[error("reserved header fields are not zero")]
    Reserved,
}

impl FrameHeader {
    /// Encodes the header.
    #[must_use]
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..4].copy_from_slice(&self.len.to_le_bytes());
        b[4..6].copy_from_slice(&(self.kind as u16).to_le_bytes());
        b[8..12].copy_from_slice(&self.op.to_le_bytes());
        b[16..24].copy_from_slice(&self.seq.to_le_bytes());
        b[24..32].copy_from_slice(&self.ctx.to_le_bytes());
        b
    }

    /// Decodes and validates a header: known kind, zero reserved fields, body
    /// length within [`MAX_BODY`].
    ///
    /// # Errors
    /// [`FrameError::UnknownKind`], [`FrameError::Reserved`] or
    /// [`FrameError::TooLarge`].
    pub fn decode(b: &[u8; HEADER_LEN]) -> Result<Self, FrameError> {
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |i: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(a)
        };
        let kind = FrameKind::from_u16(u16_at(4)).ok_or(FrameError::UnknownKind(u16_at(4)))?;
        if u16_at(6) != 0 || u32_at(12) != 0 {
            return Err(FrameError::Reserved);
        }
        let len = u32_at(0);
        if len > MAX_BODY {
            return Err(FrameError::TooLarge { len, max: MAX_BODY });
        }
        Ok(Self { len, kind, op: u32_at(8), seq: u64_at(16), ctx: u64_at(24) })
    }
}

/// Reads one frame: the header, then exactly `len` body bytes into `body`.
///
/// # Errors
/// [`FrameError::Closed`] on a clean end of stream before a header; header
/// errors as [`FrameHeader::decode`]; [`FrameError::Io`] otherwise (a stream
/// that ends inside a frame is `UnexpectedEof`).
pub fn read_frame(r: &mut impl Read, body: &mut Vec<u8>) -> Result<FrameHeader, FrameError> {
    let mut head = [0u8; HEADER_LEN];
    let mut got = 0;
    while got < HEADER_LEN {
        match r.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Err(FrameError::Closed),
            Ok(0) => return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let header = FrameHeader::decode(&head)?;
    body.clear();
    // Cannot exceed MAX_BODY (checked by decode), so the allocation is bounded.
    body.resize(header.len as usize, 0);
    r.read_exact(body)?;
    Ok(header)
}

/// Writes one frame (header and body) with a single write where it is small.
///
/// # Errors
/// [`FrameError::TooLarge`] for a body over [`MAX_BODY`]; [`FrameError::Io`].
pub fn write_frame(w: &mut impl Write, kind: FrameKind, op: u32, seq: u64, ctx: u64, body: &[u8]) -> Result<(), FrameError> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|l| *l <= MAX_BODY)
        .ok_or(FrameError::TooLarge { len: u32::try_from(body.len()).unwrap_or(u32::MAX), max: MAX_BODY })?;
    let head = FrameHeader { len, kind, op, seq, ctx }.encode();
    if body.len() <= 4096 {
        let mut buf = Vec::with_capacity(HEADER_LEN + body.len());
        buf.extend_from_slice(&head);
        buf.extend_from_slice(body);
        w.write_all(&buf)?;
    } else {
        w.write_all(&head)?;
        w.write_all(body)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_round_trips() {
        let mut wire = Vec::new();
        write_frame(&mut wire, FrameKind::Call, 42, 7, 3, b"body").unwrap();
        let mut body = Vec::new();
        let h = read_frame(&mut wire.as_slice(), &mut body).unwrap();
        assert_eq!(h, FrameHeader { len: 4, kind: FrameKind::Call, op: 42, seq: 7, ctx: 3 });
        assert_eq!(body, b"body");
    }

    #[test]
    fn end_of_stream_between_frames_is_closed() {
        let mut body = Vec::new();
        assert!(matches!(read_frame(&mut &[][..], &mut body), Err(FrameError::Closed)));
    }

    #[test]
    fn end_of_stream_inside_a_frame_is_an_io_error() {
        let mut wire = Vec::new();
        write_frame(&mut wire, FrameKind::Call, 1, 1, 0, b"abcdef").unwrap();
        wire.truncate(HEADER_LEN + 2);
        let mut body = Vec::new();
        assert!(matches!(read_frame(&mut wire.as_slice(), &mut body), Err(FrameError::Io(_))));
        assert!(matches!(read_frame(&mut &wire[..5], &mut body), Err(FrameError::Io(_))));
    }

    #[test]
    fn oversized_length_is_rejected_before_allocation() {
        let mut head = FrameHeader { len: 0, kind: FrameKind::Call, op: 0, seq: 0, ctx: 0 }.encode();
        head[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut body = Vec::new();
        assert!(matches!(read_frame(&mut &head[..], &mut body), Err(FrameError::TooLarge { len: u32::MAX, max: MAX_BODY })));
    }

    #[test]
    fn unknown_kind_and_reserved_bits_are_rejected() {
        let mut head = FrameHeader { len: 0, kind: FrameKind::Call, op: 0, seq: 0, ctx: 0 }.encode();
        head[4] = 99;
        assert!(matches!(FrameHeader::decode(&head), Err(FrameError::UnknownKind(99))));
        head[4] = 3;
        head[13] = 1;
        assert!(matches!(FrameHeader::decode(&head), Err(FrameError::Reserved)));
    }
}
