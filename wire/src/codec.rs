//! Little-endian encoding of message bodies, and a decoding cursor that
//! consumes bytes and fails, never panics, when the input is short.

use thiserror::Error;

/// Why a message body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The body ended before a field.
    #[error("message truncated: needed {needed} more bytes, {remaining} left")]
    Truncated {
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the body.
        remaining: usize,
    },
    /// A length field exceeds what the protocol allows.
    #[error("length {len} exceeds the limit of {max}")]
    TooLong {
        /// The declared length.
        len: u64,
        /// The limit.
        max: u64,
    },
    /// A string is not UTF-8.
    #[error("string is not valid UTF-8")]
    Utf8,
    /// Bytes were left over after the last field.
    #[error("{0} unexpected trailing bytes")]
    Trailing(usize),
    /// A field holds a value outside its domain.
    #[error("invalid value for {0}")]
    Invalid(&'static str),
}

/// Builds a message body.
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    /// An empty body.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a `u8`.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    /// Appends a `u32`.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends an `i32`.
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends a `u64`.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends an `i64`.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends an `f32`.
    pub fn f32(&mut self, v: f32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends a `bool` as one byte.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }

    /// Appends a length-prefixed (u32) byte string.
    ///
    /// # Panics
    /// If `v` is 4 GiB or longer, which no frame can carry.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        let len = u32::try_from(v.len()).expect("a byte string of 4 GiB or more cannot be framed");
        self.u32(len);
        self.buf.extend_from_slice(v);
        self
    }

    /// Appends a length-prefixed UTF-8 string.
    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }

    /// Appends raw bytes with no length prefix.
    pub fn raw(&mut self, v: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(v);
        self
    }

    /// The body so far.
    #[must_use]
    pub fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    /// The finished body.
    #[must_use]
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }

    /// Bytes written so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

/// Reads a message body field by field.
#[derive(Debug, Clone)]
pub struct Decoder<'a> {
    buf: &'a [u8],
}

impl<'a> Decoder<'a> {
    /// A cursor at the start of `buf`.
    #[must_use]
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// Takes `n` bytes.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] if fewer than `n` remain.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError::Truncated { needed: n, remaining: self.buf.len() });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// Reads a `u8`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`].
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    /// Reads a `u32`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`].
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        self.array().map(u32::from_le_bytes)
    }

    /// Reads an `i32`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`].
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        self.array().map(i32::from_le_bytes)
    }

    /// Reads a `u64`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`].
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        self.array().map(u64::from_le_bytes)
    }

    /// Reads an `i64`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`].
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        self.array().map(i64::from_le_bytes)
    }

    /// Reads an `f32`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`].
    pub fn f32(&mut self) -> Result<f32, DecodeError> {
        self.array().map(f32::from_le_bytes)
    }

    /// Reads a `bool` (one byte, 0 or 1).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`], or [`DecodeError::Invalid`] for other bytes.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError::Invalid("bool")),
        }
    }

    /// Reads a length-prefixed byte string of at most `max` bytes.
    ///
    /// # Errors
    /// [`DecodeError::TooLong`] when the declared length exceeds `max`,
    /// [`DecodeError::Truncated`] when the body is shorter than declared.
    pub fn bytes(&mut self, max: usize) -> Result<&'a [u8], DecodeError> {
        let len = self.u32()? as usize;
        if len > max {
            return Err(DecodeError::TooLong { len: len as u64, max: max as u64 });
        }
        self.take(len)
    }

    /// Reads a length-prefixed UTF-8 string of at most `max` bytes.
    ///
    /// # Errors
    /// As [`Decoder::bytes`], or [`DecodeError::Utf8`].
    pub fn str(&mut self, max: usize) -> Result<&'a str, DecodeError> {
        std::str::from_utf8(self.bytes(max)?).map_err(|_| DecodeError::Utf8)
    }

    /// Bytes not yet read.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// The bytes not yet read, consuming them.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// Checks that everything was read.
    ///
    /// # Errors
    /// [`DecodeError::Trailing`] if bytes remain.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.buf.is_empty() { Ok(()) } else { Err(DecodeError::Trailing(self.buf.len())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_in_order() {
        let mut e = Encoder::new();
        e.u8(7).u32(0xdead_beef).i32(-5).u64(u64::MAX).i64(-9).f32(1.5).bool(true).str("cuInit").bytes(&[1, 2]);
        let body = e.finish();
        let mut d = Decoder::new(&body);
        assert_eq!(d.u8(), Ok(7));
        assert_eq!(d.u32(), Ok(0xdead_beef));
        assert_eq!(d.i32(), Ok(-5));
        assert_eq!(d.u64(), Ok(u64::MAX));
        assert_eq!(d.i64(), Ok(-9));
        assert_eq!(d.f32(), Ok(1.5));
        assert_eq!(d.bool(), Ok(true));
        assert_eq!(d.str(64), Ok("cuInit"));
        assert_eq!(d.bytes(2), Ok(&[1u8, 2][..]));
        assert_eq!(d.finish(), Ok(()));
    }

    #[test]
    fn short_input_is_truncated_not_a_panic() {
        let mut d = Decoder::new(&[1, 2, 3]);
        assert_eq!(d.u32(), Err(DecodeError::Truncated { needed: 4, remaining: 3 }));
    }

    #[test]
    fn declared_length_over_limit_is_rejected_before_reading() {
        let mut e = Encoder::new();
        e.bytes(&[0; 10]);
        let body = e.finish();
        assert_eq!(Decoder::new(&body).bytes(9), Err(DecodeError::TooLong { len: 10, max: 9 }));
    }

    #[test]
    fn declared_length_beyond_body_is_truncated() {
        let body = [100, 0, 0, 0, 1, 2];
        assert_eq!(Decoder::new(&body).bytes(1000), Err(DecodeError::Truncated { needed: 100, remaining: 2 }));
    }

    #[test]
    fn bad_utf8_and_bad_bool_and_trailing_bytes_are_errors() {
        let mut e = Encoder::new();
        e.bytes(&[0xff, 0xfe]);
        assert_eq!(Decoder::new(e.as_slice()).str(10), Err(DecodeError::Utf8));
        assert_eq!(Decoder::new(&[2]).bool(), Err(DecodeError::Invalid("bool")));
        assert_eq!(Decoder::new(&[0]).finish(), Err(DecodeError::Trailing(1)));
    }
}
