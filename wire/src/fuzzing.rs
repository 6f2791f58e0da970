//! Entry points for fuzzing the decoders with arbitrary bytes (the fuzz
//! targets in `wire/fuzz/` call these; so does the deterministic corpus test
//! below, which CI runs on stable Rust). None may panic, whatever the input.

use crate::codec::Decoder;
use crate::frame::{self, FrameHeader, HEADER_LEN};
use crate::hello::{Hello, Welcome};

/// Feeds `data` to every decoder of the protocol.
pub fn decode_everything(data: &[u8]) {
    if let Some(head) = data.get(..HEADER_LEN) {
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(head);
        let _ = FrameHeader::decode(&h);
    }
    let mut body = Vec::new();
    let mut stream = data;
    while let Ok(_h) = frame::read_frame(&mut stream, &mut body) {}
    let _ = Hello::decode(data);
    let _ = Welcome::decode(data);
    let mut d = Decoder::new(data);
    loop {
        let step = d.u8().map(|b| b % 8);
        let more = match step {
            Ok(0) => d.u32().is_ok(),
            Ok(1) => d.u64().is_ok(),
            Ok(2) => d.str(4096).is_ok(),
            Ok(3) => d.bytes(1 << 20).is_ok(),
            Ok(4) => d.bool().is_ok(),
            Ok(5) => d.f32().is_ok(),
            Ok(6) => d.i64().is_ok(),
            Ok(7) => d.take(3).is_ok(),
            _ => false,
        };
        if !more {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{FrameKind, write_frame};

    /// xorshift: deterministic, so failures reproduce.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut s = 0x1234_5678_9abc_def1u64;
        for _ in 0..20_000 {
            let len = (next(&mut s) % 200) as usize;
            let data: Vec<u8> = (0..len).map(|_| next(&mut s) as u8).collect();
            decode_everything(&data);
        }
    }

    #[test]
    fn mutated_valid_frames_never_panic() {
        let mut valid = Vec::new();
        let hello = Hello { version: 1, pid: 7, cuda_version: 13000, token: b"t".to_vec(), settings: vec![] };
        write_frame(&mut valid, FrameKind::Hello, 0, 1, 0, &hello.encode()).unwrap();
        write_frame(&mut valid, FrameKind::Call, 0xdead_beef, 2, 3, &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        let mut s = 0xfeed_f00d_u64;
        for _ in 0..20_000 {
            let mut data = valid.clone();
            for _ in 0..(next(&mut s) % 4 + 1) {
                let i = (next(&mut s) as usize) % data.len();
                data[i] = next(&mut s) as u8;
            }
            let cut = (next(&mut s) as usize) % (data.len() + 1);
            decode_everything(&data[..cut]);
        }
    }
}
