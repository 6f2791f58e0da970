//! A VM's quota, shared by its sessions, and what a guest leaves behind when
//! it dies: nothing.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{build_program, guest, scratch, start_host};

const MIB: u64 = 1 << 20;

#[test]
fn a_guest_killed_mid_transfer_returns_its_memory_and_the_quota_holds() {
    let dir = scratch("isolation");
    let socket = dir.join("host.sock");
    let address = format!("unix:{}", socket.display());
    let mut host = start_host(&dir, &["--listen", &address, "--backend", "emulated", "--quota", "64M"], &socket);
    let (hog, libdir) = build_program(&dir, "hog");
    let size = (48 * MIB).to_string();

    // The first guest takes 48 MiB and keeps copying into it.
    let mut spinner = guest(&hog, &libdir, &address).args([&size, "spin"]).stdout(Stdio::piped()).spawn().expect("spawn");
    let mut first = String::new();
    BufReader::new(spinner.stdout.take().expect("stdout")).read_line(&mut first).expect("read");
    assert_eq!(first.trim(), format!("alloc {size}: CUDA_SUCCESS"));

    // A second guest of the same VM would exceed the 64 MiB quota.
    let out = guest(&hog, &libdir, &address).args([&size, "once"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("alloc {size}: CUDA_ERROR_OUT_OF_MEMORY"));

    // Kill the first one mid-transfer: the host cleans up and the quota comes back.
    spinner.kill().expect("kill");
    let _ = spinner.wait();
    let start = Instant::now();
    loop {
        let out = guest(&hog, &libdir, &address).args([&size, "once"]).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if text == format!("alloc {size}: CUDA_SUCCESS") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "quota not returned after the kill: {text}\n{}", host.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(host.alive(), "cuvm-host died");
    let log = host.log();
    assert!(log.contains(&format!("cleaned up 1 objects and {} bytes of device memory", 48 * MIB)), "{log}");
}

#[test]
fn one_vm_at_its_quota_does_not_limit_another_vm() {
    let dir = scratch("two-vms");
    let (a, b) = (dir.join("a.sock"), dir.join("b.sock"));
    let (addr_a, addr_b) = (format!("unix:{}", a.display()), format!("unix:{}", b.display()));
    let host = start_host(
        &dir,
        &["--listen", &addr_a, "--listen", &addr_b, "--backend", "emulated", "--quota", "64M", "--vm-quota", &format!("{addr_b}=16M")],
        &b,
    );
    let (hog, libdir) = build_program(&dir, "hog");
    let run = |addr: &str, size: u64| {
        let out = guest(&hog, &libdir, addr).args([&size.to_string(), "once"]).output().expect("run");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(run(&addr_a, 48 * MIB), format!("alloc {}: CUDA_SUCCESS", 48 * MIB));
    assert_eq!(run(&addr_b, 32 * MIB), format!("alloc {}: CUDA_ERROR_OUT_OF_MEMORY", 32 * MIB), "{}", host.log());
    assert_eq!(run(&addr_b, 8 * MIB), format!("alloc {}: CUDA_SUCCESS", 8 * MIB));
}

#[test]
fn a_guest_cannot_name_another_guests_memory_or_streams() {
    let dir = scratch("no-peeking");
    let (a, b) = (dir.join("a.sock"), dir.join("b.sock"));
    let (addr_a, addr_b) = (format!("unix:{}", a.display()), format!("unix:{}", b.display()));
    let host = start_host(&dir, &["--listen", &addr_a, "--listen", &addr_b, "--backend", "emulated"], &b);
    let (peek, libdir) = build_program(&dir, "peek");
    let mut holder = guest(&peek, &libdir, &addr_a).arg("hold").stdout(Stdio::piped()).spawn().expect("spawn");
    let mut line = String::new();
    BufReader::new(holder.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    let handles: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(handles.len(), 2, "holder printed {line:?}");
    // Another VM, and another process of the same VM: neither may use them.
    for addr in [&addr_b, &addr_a] {
        let out = guest(&peek, &libdir, addr).args(["read", handles[0], handles[1]]).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("read: CUDA_ERROR_INVALID_VALUE"), "{addr}: {text}");
        assert!(text.contains("sync: CUDA_ERROR_INVALID_HANDLE"), "{addr}: {text}");
    }
    holder.kill().expect("kill");
    let _ = holder.wait();
    drop(host);
}
