//! Hostile guests: after a valid handshake, calls with every op code and
//! random bodies. The host may answer with an error or end that session, but
//! must never crash, and must keep serving well-formed guests.

mod common;

use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use cuvm_wire::frame::{self, FrameKind};
use cuvm_wire::hello::Hello;

fn next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

fn connect(socket: &std::path::Path) -> (BufReader<UnixStream>, UnixStream) {
    let s = UnixStream::connect(socket).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut w = s.try_clone().expect("clone");
    let hello = Hello { version: cuvm_wire::PROTOCOL_VERSION, pid: 1, cuda_version: 13000, token: vec![], settings: vec![] };
    frame::write_frame(&mut w, FrameKind::Hello, 0, 0, 0, &hello.encode()).expect("hello");
    let mut r = BufReader::new(s);
    let mut body = Vec::new();
    let h = frame::read_frame(&mut r, &mut body).expect("welcome");
    assert_eq!(h.kind, FrameKind::Welcome);
    // cuInit, so that calls reach their handlers.
    frame::write_frame(&mut w, FrameKind::Call, cuvm_wire::ops::cuInit, 1, 0, &0u32.to_le_bytes()).expect("init");
    frame::read_frame(&mut r, &mut body).expect("init reply");
    (r, w)
}

#[test]
fn random_bodies_for_every_op_never_bring_the_host_down() {
    let dir = common::scratch("random-calls");
    let socket = dir.join("host.sock");
    let address = format!("unix:{}", socket.display());
    let mut host = common::start_host(&dir, &["--listen", &address, "--backend", "emulated"], &socket);
    let mut seed = 0x5eed_u64;
    let (mut r, mut w) = connect(&socket);
    let mut body = Vec::new();
    let mut sessions_ended = 0;
    for round in 0..3000u64 {
        let (_, op) = cuvm_wire::ops::ALL[(next(&mut seed) as usize) % cuvm_wire::ops::ALL.len()];
        let len = (next(&mut seed) % 64) as usize;
        let args: Vec<u8> = (0..len).map(|_| next(&mut seed) as u8).collect();
        let kind = if next(&mut seed) % 4 == 0 { FrameKind::Post } else { FrameKind::Call };
        let ctx = if next(&mut seed) % 2 == 0 { 0 } else { next(&mut seed) };
        let sent = frame::write_frame(&mut w, kind, op, round + 2, ctx, &args).and_then(|()| w.flush().map_err(Into::into));
        let alive = sent.is_ok()
            && (kind == FrameKind::Post
                || frame::read_frame(&mut r, &mut body).is_ok_and(|h| h.kind == FrameKind::Reply || h.kind == FrameKind::Data));
        if !alive {
            sessions_ended += 1;
            (r, w) = connect(&socket);
        }
    }
    assert!(host.alive(), "cuvm-host crashed:\n{}", host.log());
    println!("{sessions_ended} sessions ended by malformed calls");
    let (ok, out) = common::scenario("memory_copies", &address, &[]);
    assert!(ok, "a well-formed guest after the hostile ones: {out}");
    assert!(!host.log().contains("panicked"), "{}", host.log());
}
