//! The handshake. The guest's first frame is a `Hello`; the host answers with
//! a `Welcome` and, if it refuses, closes the connection.
//!
//! Hello body: magic `b"CUVM"`, protocol version (u32), guest pid (u32),
//! guest library's CUDA version (i32), token (bytes, at most 256), then the
//! guest's driver settings: a count (u32, at most [`MAX_SETTINGS`]) of
//! (name, value) strings, each name one of [`GUEST_SETTINGS`].
//! Welcome body: result (u32: 0 accepted, else a CUresult), protocol version
//! (u32), session id (u64), host driver's CUDA version (i32), capabilities
//! (u32, [`CAN_LAUNCH`]...), message (str).

use crate::codec::{DecodeError, Decoder, Encoder};

/// The magic bytes that open a Hello.
pub const MAGIC: [u8; 4] = *b"CUVM";
/// Longest token accepted.
pub const MAX_TOKEN: usize = 256;
/// Capability bit: the host's backend can run kernels (the emulated one
/// cannot, and the guest then refuses launches at once).
pub const CAN_LAUNCH: u32 = 1;
/// Longest message accepted.
pub const MAX_MESSAGE: usize = 1024;
/// The environment variables that configure NVIDIA's driver in the process
/// that calls it, which the guest library forwards for its session (the host
/// sets them in the session's worker before the driver initialises). Nothing
/// else of the guest's environment reaches the host.
pub const GUEST_SETTINGS: &[&str] = &["CUDA_MODULE_LOADING", "CUDA_MODULE_DATA_LOADING", "CUDA_LAUNCH_BLOCKING"];
/// Most settings in a hello.
pub const MAX_SETTINGS: usize = 8;
/// Longest setting value.
pub const MAX_SETTING_VALUE: usize = 64;

/// The guest's opening frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// Protocol version the guest speaks.
    pub version: u32,
    /// The guest process id (for logs only; never trusted for identity).
    pub pid: u32,
    /// The CUDA version the guest library implements.
    pub cuda_version: i32,
    /// Shared secret, required on TCP.
    pub token: Vec<u8>,
    /// Driver settings from the guest's environment (names in
    /// [`GUEST_SETTINGS`], values short ASCII; checked when decoding).
    pub settings: Vec<(String, String)>,
}

impl Hello {
    /// The settings of [`GUEST_SETTINGS`] present in this process's environment.
    #[must_use]
    pub fn settings_from_env() -> Vec<(String, String)> {
        GUEST_SETTINGS
            .iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| ((*name).to_string(), v)))
            .filter(|(_, v)| valid_value(v))
            .collect()
    }

    /// Encodes the body.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.raw(&MAGIC).u32(self.version).u32(self.pid).i32(self.cuda_version).bytes(&self.token);
        #[allow(clippy::cast_possible_truncation)]
        e.u32(self.settings.len().min(MAX_SETTINGS) as u32);
        for (name, value) in self.settings.iter().take(MAX_SETTINGS) {
            e.str(name).str(value);
        }
        e.finish()
    }

    /// Decodes a body.
    ///
    /// # Errors
    /// [`DecodeError::Invalid`] for a wrong magic; truncation and length errors.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut d = Decoder::new(body);
        if d.take(4)? != MAGIC {
            return Err(DecodeError::Invalid("hello magic"));
        }
        let mut hello =
            Hello { version: d.u32()?, pid: d.u32()?, cuda_version: d.i32()?, token: d.bytes(MAX_TOKEN)?.to_vec(), settings: Vec::new() };
        let count = d.u32()? as usize;
        if count > MAX_SETTINGS {
            return Err(DecodeError::Invalid("too many settings in the hello"));
        }
        for _ in 0..count {
            let name = d.str(64)?;
            let value = d.str(MAX_SETTING_VALUE)?;
            if !GUEST_SETTINGS.contains(&name) {
                return Err(DecodeError::Invalid("a setting the host does not accept"));
            }
            if !valid_value(value) {
                return Err(DecodeError::Invalid("a setting value that is not short printable ASCII"));
            }
            hello.settings.push((name.to_string(), value.to_string()));
        }
        d.finish()?;
        Ok(hello)
    }
}

fn valid_value(v: &str) -> bool {
    v.len() <= MAX_SETTING_VALUE && v.bytes().all(|b| b.is_ascii_graphic())
}

/// The host's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    /// 0 when accepted, else the CUresult the guest should report.
    pub result: u32,
    /// Protocol version the host speaks.
    pub version: u32,
    /// Session id (for logs).
    pub session: u64,
    /// The host driver's CUDA version.
    pub driver_version: i32,
    /// Capability bits.
    pub capabilities: u32,
    /// A human-readable note (why it refused, or the host's name).
    pub message: String,
}

impl Welcome {
    /// Encodes the body.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.u32(self.result).u32(self.version).u64(self.session).i32(self.driver_version).u32(self.capabilities).str(&self.message);
        e.finish()
    }

    /// Decodes a body.
    ///
    /// # Errors
    /// Truncation, length and UTF-8 errors.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut d = Decoder::new(body);
        let w = Welcome {
            result: d.u32()?,
            version: d.u32()?,
            session: d.u64()?,
            driver_version: d.i32()?,
            capabilities: d.u32()?,
            message: d.str(MAX_MESSAGE)?.to_string(),
        };
        d.finish()?;
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_and_welcome_round_trip() {
        let h = Hello {
            version: 1,
            pid: 42,
            cuda_version: 13000,
            token: b"secret".to_vec(),
            settings: vec![("CUDA_MODULE_LOADING".into(), "EAGER".into())],
        };
        assert_eq!(Hello::decode(&h.encode()), Ok(h));
        let w = Welcome { result: 0, version: 1, session: 9, driver_version: 13000, capabilities: CAN_LAUNCH, message: "ok".into() };
        assert_eq!(Welcome::decode(&w.encode()), Ok(w));
    }

    #[test]
    fn wrong_magic_is_rejected() {
        let mut body = Hello { version: 1, pid: 1, cuda_version: 1, token: vec![], settings: vec![] }.encode();
        body[0] = b'X';
        assert_eq!(Hello::decode(&body), Err(DecodeError::Invalid("hello magic")));
    }

    #[test]
    fn oversized_token_is_rejected() {
        let body = Hello { version: 1, pid: 1, cuda_version: 1, token: vec![0; MAX_TOKEN + 1], settings: vec![] }.encode();
        assert!(matches!(Hello::decode(&body), Err(DecodeError::TooLong { .. })));
    }

    #[test]
    fn only_known_settings_with_plain_values_are_accepted() {
        let with = |name: &str, value: &str| {
            Hello { version: 1, pid: 1, cuda_version: 1, token: vec![], settings: vec![(name.into(), value.into())] }.encode()
        };
        assert!(Hello::decode(&with("CUDA_MODULE_LOADING", "LAZY")).is_ok());
        assert!(Hello::decode(&with("LD_PRELOAD", "/tmp/evil.so")).is_err());
        assert!(Hello::decode(&with("CUDA_MODULE_LOADING", "LAZY\nX=1")).is_err());
        assert!(Hello::decode(&with("CUDA_MODULE_LOADING", &"A".repeat(65))).is_err());
    }
}
