//! The same guest work over every transport cuvm-host listens on, and what
//! the host does with malformed or unauthenticated connections.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use common::{scenario, scratch, start_host};

#[test]
fn hybrid_vsock_socket_and_tcp_with_token_serve_guests() {
    let dir = scratch("transports");
    let token = dir.join("token");
    std::fs::write(&token, "s3cret\n").expect("token");
    let port = 20000 + (std::process::id() % 20000) as u16;
    let hybrid = dir.join("v.sock");
    let hybrid_socket = dir.join("v.sock_2832");
    let host = start_host(
        &dir,
        &[
            "--listen",
            &format!("hybrid:{}:2832", hybrid.display()),
            "--listen",
            &format!("tcp:127.0.0.1:{port}"),
            "--token-file",
            token.to_str().expect("utf-8"),
            "--backend",
            "emulated",
        ],
        &hybrid_socket,
    );
    // A VMM forwards a guest's vsock connection to port 2832 to v.sock_2832.
    let (ok, out) = scenario("memory_copies", &format!("unix:{}", hybrid_socket.display()), &[("CUVM_TOKEN", "s3cret")]);
    assert!(ok, "over hybrid vsock: {out}\n{}", host.log());
    let tcp = format!("tcp:127.0.0.1:{port}");
    let (ok, out) = scenario("memory_copies", &tcp, &[("CUVM_TOKEN", "s3cret")]);
    assert!(ok, "over tcp: {out}\n{}", host.log());
    let (ok, out) = scenario("memory_copies", &tcp, &[("CUVM_TOKEN", "wrong")]);
    assert!(!ok && out.contains("CUDA_ERROR_NOT_PERMITTED"), "a wrong token must be refused: {out}");
    assert!(host.log_shows("refused: wrong or missing token"), "{}", host.log());
}

#[test]
fn malformed_frames_end_only_that_session() {
    let dir = scratch("malformed");
    let socket = dir.join("host.sock");
    let address = format!("unix:{}", socket.display());
    let mut host = start_host(&dir, &["--listen", &address, "--backend", "emulated"], &socket);
    let garbage: [&[u8]; 3] = [
        &[0xff; 64], // unknown frame kind
        &[0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // oversized body
        b"CUVM but not a hello frame at all......",
    ];
    for bytes in garbage {
        let mut s = UnixStream::connect(&socket).expect("connect");
        s.write_all(bytes).expect("write");
        let mut rest = Vec::new();
        // The host closes the connection instead of answering.
        let _ = s.read_to_end(&mut rest);
        assert!(rest.is_empty(), "the host answered garbage with {rest:?}");
    }
    assert!(host.alive(), "cuvm-host died on malformed input");
    let (ok, out) = scenario("memory_copies", &address, &[]);
    assert!(ok, "a well-formed guest after the malformed ones: {out}");
    assert!(host.log_shows("handshake failed"), "{}", host.log());
}

#[test]
fn vsock_listener_serves_a_guest_where_the_kernel_has_vsock_loopback() {
    // AF_VSOCK to our own CID needs the vsock_loopback module (or a VM).
    let port = 30000 + std::process::id() % 20000;
    let probe = vsock::VsockListener::bind(&vsock::VsockAddr::new(u32::MAX, port));
    let Ok(probe) = probe else {
        println!("skipped: this kernel offers no AF_VSOCK sockets (no vsock module loaded)");
        return;
    };
    // VMADDR_CID_LOCAL (1) reaches this host only with vsock_loopback.
    let looped = vsock::VsockStream::connect(&vsock::VsockAddr::new(1, port)).is_ok();
    drop(probe);
    if !looped {
        println!(
            "skipped: AF_VSOCK exists but a connection to the local CID fails (vsock_loopback is not loaded), so no guest can be simulated here"
        );
        return;
    }
    let dir = scratch("vsock");
    let ready = dir.join("ready");
    let _ = std::fs::write(&ready, "");
    let host = start_host(&dir, &["--listen", &format!("vsock::{port}"), "--backend", "emulated"], &ready);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (ok, out) = scenario("memory_copies", &format!("vsock:1:{port}"), &[]);
    assert!(ok, "over vsock loopback: {out}\n{}", host.log());
}
