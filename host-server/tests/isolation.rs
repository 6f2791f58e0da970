//! A VM's quota, shared by its sessions, and what a guest leaves behind when
//! it dies: nothing.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
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
    assert!(host.log_shows(&format!("cleaned up 1 objects and {} bytes of device memory", 48 * MIB)), "{}", host.log());
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
fn a_guest_cannot_name_another_guests_memory_streams_arrays_or_textures() {
    let dir = scratch("no-peeking");
    let (a, b) = (dir.join("a.sock"), dir.join("b.sock"));
    let (addr_a, addr_b) = (format!("unix:{}", a.display()), format!("unix:{}", b.display()));
    let host = start_host(&dir, &["--listen", &addr_a, "--listen", &addr_b, "--backend", "emulated"], &b);
    let (peek, libdir) = build_program(&dir, "peek");
    let mut holder = guest(&peek, &libdir, &addr_a).arg("hold").stdout(Stdio::piped()).spawn().expect("spawn");
    let mut line = String::new();
    BufReader::new(holder.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    let handles: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(handles.len(), 4, "holder printed {line:?}");
    // Another VM, and another process of the same VM: neither may use them.
    for addr in [&addr_b, &addr_a] {
        let out = guest(&peek, &libdir, addr).arg("read").args(&handles).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("read: CUDA_ERROR_INVALID_VALUE"), "{addr}: {text}");
        assert!(text.contains("sync: CUDA_ERROR_INVALID_HANDLE"), "{addr}: {text}");
        assert!(text.contains("array read: CUDA_ERROR_INVALID_HANDLE"), "{addr}: {text}");
        assert!(text.contains("array destroy: CUDA_ERROR_INVALID_HANDLE"), "{addr}: {text}");
        assert!(text.contains("texture query: CUDA_ERROR_INVALID_VALUE"), "{addr}: {text}");
        assert!(text.contains("texture destroy: CUDA_ERROR_INVALID_VALUE"), "{addr}: {text}");
    }
    holder.kill().expect("kill");
    let _ = holder.wait();
    drop(host);
}

/// The worker processes of `host` (pids), found through /proc.
fn workers(host_pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat.rsplit(')').next().and_then(|s| s.split_whitespace().nth(1)).and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(host_pid) && cmdline.windows(16).any(|w| w == b"--session-worker") {
            out.push(pid);
        }
    }
    out
}

#[test]
fn a_crashed_session_worker_harms_no_other_session_and_its_quota_comes_back() {
    let dir = scratch("worker-crash");
    let (a, b) = (dir.join("a.sock"), dir.join("b.sock"));
    let (addr_a, addr_b) = (format!("unix:{}", a.display()), format!("unix:{}", b.display()));
    let host = start_host(&dir, &["--listen", &addr_a, "--listen", &addr_b, "--backend", "emulated", "--quota", "64M"], &b);
    let (hog, libdir) = build_program(&dir, "hog");
    let size = (48 * MIB).to_string();
    // VM B: a session that keeps working throughout.
    let mut other = guest(&hog, &libdir, &addr_b).args([&size, "spin"]).stdout(Stdio::piped()).spawn().expect("spawn");
    let mut line = String::new();
    BufReader::new(other.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    assert_eq!(line.trim(), format!("alloc {size}: CUDA_SUCCESS"));
    let before: Vec<u32> = workers(host.child.id());
    // VM A: a session whose worker will crash while holding 48 MiB.
    let mut victim = guest(&hog, &libdir, &addr_a).args([&size, "spin"]).stdout(Stdio::piped()).spawn().expect("spawn");
    let mut line = String::new();
    BufReader::new(victim.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    assert_eq!(line.trim(), format!("alloc {size}: CUDA_SUCCESS"));
    let new: Vec<u32> = workers(host.child.id()).into_iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(new.len(), 1, "one new worker for the new session");
    // SAFETY: kill(2) on a pid we found as this test's host's child.
    assert_eq!(unsafe { libc::kill(i32::try_from(new[0]).expect("pid"), libc::SIGKILL) }, 0);
    assert!(host.log_shows("took back 50331648 bytes of quota its worker still held"), "{}", host.log());
    // VM A can use its whole quota again; VM B's session never noticed.
    let out = guest(&hog, &libdir, &addr_a).args([&size, "once"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("alloc {size}: CUDA_SUCCESS"));
    assert!(matches!(other.try_wait(), Ok(None)), "the other VM's session died");
    let _ = victim.kill();
    let _ = victim.wait();
    let _ = other.kill();
    let _ = other.wait();
}

#[test]
fn a_captures_graph_is_the_drivers_until_the_capture_ends() {
    let dir = scratch("capture-graph");
    let sock = dir.join("h.sock");
    let addr = format!("unix:{}", sock.display());
    let host = start_host(&dir, &["--listen", &addr, "--backend", "emulated"], &sock);
    let (capture, libdir) = build_program(&dir, "capture");
    let out = guest(&capture, &libdir, &addr).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "info: CUDA_SUCCESS",
        "add to the capture's graph: CUDA_SUCCESS",
        "destroy the capture's graph: CUDA_ERROR_INVALID_VALUE",
        "end: CUDA_SUCCESS",
        "same graph: yes",
        "destroy the ended graph: CUDA_SUCCESS",
        "end (invalidated): CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
        "add to the failed capture's graph: CUDA_ERROR_INVALID_VALUE",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}\nhost log:\n{}", host.log());
    }
    drop(host);
}

#[test]
fn memory_a_pool_keeps_counts_against_the_quota_until_it_is_given_back() {
    let dir = scratch("pool-quota");
    let sock = dir.join("h.sock");
    let addr = format!("unix:{}", sock.display());
    let host = start_host(&dir, &["--listen", &addr, "--backend", "emulated", "--quota", "64M"], &sock);
    let (pools, libdir) = build_program(&dir, "pools");
    let out = guest(&pools, &libdir, &addr).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "raise the release threshold: CUDA_SUCCESS",
        "alloc async 40 MiB: CUDA_SUCCESS",
        "free async: CUDA_SUCCESS",
        "alloc async 40 MiB again (the pool's memory): CUDA_SUCCESS",
        "free async again: CUDA_SUCCESS",
        "synchronize: CUDA_SUCCESS",
        "alloc 32 MiB while the pool keeps 40: CUDA_ERROR_OUT_OF_MEMORY",
        "create another pool: CUDA_SUCCESS",
        "alloc 40 MiB from the other pool: CUDA_ERROR_OUT_OF_MEMORY",
        "destroy the other pool: CUDA_SUCCESS",
        "trim the pool: CUDA_SUCCESS",
        "alloc 32 MiB after the trim: CUDA_SUCCESS",
        "free: CUDA_SUCCESS",
        "alloc async 40 MiB (threshold 0): CUDA_SUCCESS",
        "free async (threshold 0): CUDA_SUCCESS",
        "synchronize (threshold 0): CUDA_SUCCESS",
        "alloc 32 MiB after the pool gave its memory back: CUDA_SUCCESS",
        "free it: CUDA_SUCCESS",
        "create a third pool: CUDA_SUCCESS",
        "alloc 16 MiB from the third pool: CUDA_SUCCESS",
        "destroy the third pool while its allocation lives: CUDA_SUCCESS",
        "alloc async 16 MiB from the default pool: CUDA_SUCCESS",
        "free it async: CUDA_SUCCESS",
        "synchronize (the default pool keeps 16 MiB): CUDA_SUCCESS",
        "alloc 40 MiB while 16 live and 16 kept: CUDA_ERROR_OUT_OF_MEMORY",
        "free the destroyed pool's allocation: CUDA_SUCCESS",
        "synchronize after that free: CUDA_SUCCESS",
        "trim the default pool again: CUDA_SUCCESS",
        "alloc 40 MiB after both were given back: CUDA_SUCCESS",
        "free it: CUDA_SUCCESS",
        // The emulated pools reserve exactly what is live (the H100's keep
        // 32 MiB each: docs/gpu-runs.md, run 42).
        "pools destroyed with 2 MiB live before the quota: 16",
        "free them and synchronize: CUDA_SUCCESS",
        "alloc 48 MiB after they were freed: CUDA_SUCCESS",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}\nhost log:\n{}", host.log());
    }
    drop(host);
}

#[test]
fn managed_memory_is_one_pointer_for_the_cpu_and_the_device() {
    let dir = scratch("managed");
    let sock = dir.join("h.sock");
    let addr = format!("unix:{}", sock.display());
    let host = start_host(&dir, &["--listen", &addr, "--backend", "emulated"], &sock);
    let (managed, libdir) = build_program(&dir, "managed");
    // A hang (a lock taken twice by the guest library's hooks) fails, not waits.
    let mut run = Command::new("timeout");
    run.arg("60").arg(&managed).env("LD_LIBRARY_PATH", &libdir).env("CUVM_HOST", &addr).env("CUVM_LOG", "error");
    let out = run.output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "managed memory: 1",
        "alloc 0 bytes: CUDA_ERROR_INVALID_VALUE",
        "alloc with bad flags: CUDA_ERROR_INVALID_VALUE",
        "alloc managed: CUDA_SUCCESS",
        "address range: CUDA_SUCCESS",
        "it is the allocation: yes",
        "copy managed -> device: CUDA_SUCCESS",
        "the device saw the CPU's bytes: yes",
        "memset a page on the device: CUDA_SUCCESS",
        "the CPU sees the memset: yes",
        "and the page before is as it was: yes",
        "memset async on a stream: CUDA_SUCCESS",
        "synchronize: CUDA_SUCCESS",
        "the CPU sees it after synchronising: yes",
        "htod into the last part: CUDA_SUCCESS",
        "the CPU sees it: yes",
        "copy managed -> device again: CUDA_SUCCESS",
        "the device saw the CPU's new writes: yes",
        "a second managed allocation: CUDA_SUCCESS",
        "copy it over the first: CUDA_SUCCESS",
        "synchronize the context: CUDA_SUCCESS",
        "the CPU sees the copy: yes",
        "page-locked buffer: CUDA_SUCCESS",
        "dtoh into the page-locked buffer: CUDA_SUCCESS",
        "copy managed -> device with both changed: CUDA_SUCCESS",
        "the device saw it: yes",
        "no current context: CUDA_SUCCESS",
        "a call without a context: CUDA_SUCCESS",
        "back to the context: CUDA_SUCCESS",
        "copy managed -> device after that: CUDA_SUCCESS",
        "the write made without a context reached the device: yes",
        "free the page-locked buffer: CUDA_SUCCESS",
        "free: CUDA_SUCCESS",
        "free again: CUDA_ERROR_INVALID_VALUE",
        "free the second: CUDA_SUCCESS",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}\nhost log:\n{}", host.log());
    }
    assert!(out.status.success(), "exit {:?}:\n{text}", out.status);
    drop(host);
}

#[test]
fn ipc_handles_open_only_in_other_sessions_of_the_same_vm_and_die_with_what_they_export() {
    let dir = scratch("ipc");
    let (a, b) = (dir.join("a.sock"), dir.join("b.sock"));
    let (addr_a, addr_b) = (format!("unix:{}", a.display()), format!("unix:{}", b.display()));
    let host = start_host(&dir, &["--listen", &addr_a, "--listen", &addr_b, "--backend", "emulated"], &b);
    let (ipc, libdir) = build_program(&dir, "ipc");
    let mut exporter = guest(&ipc, &libdir, &addr_a).arg("export").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("spawn");
    let mut out = BufReader::new(exporter.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    while !lines.last().is_some_and(|l: &String| l.starts_with("event ")) {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("read") > 0, "exporter ended early: {lines:?}\n{}", host.log());
        lines.push(line.trim().to_string());
    }
    for want in [
        "get mem: CUDA_SUCCESS",
        "get event: CUDA_SUCCESS",
        "get timed event: CUDA_ERROR_INVALID_VALUE",
        "get unallocated: CUDA_ERROR_INVALID_VALUE",
        "open own: CUDA_ERROR_INVALID_CONTEXT",
    ] {
        assert!(lines.iter().any(|l| l == want), "missing {want:?} in {lines:?}");
    }
    let field = |prefix: &str| lines.iter().find_map(|l| l.strip_prefix(prefix)).expect("handle line").to_string();
    let (mem, event) = (field("handles "), field("event "));
    let open = |addr: &str| {
        let out = guest(&ipc, &libdir, addr).args(["open", &mem, &event]).output().expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let expect = |text: &str, want: &[&str]| {
        for w in want {
            assert!(text.lines().any(|l| l == *w), "missing {w:?} in:\n{text}\nhost log:\n{}", host.log());
        }
    };
    // Another process of the same VM: the handles pass cuvm's checks and reach
    // the backend (the emulated one cannot map another worker's memory).
    let text = open(&addr_a);
    expect(
        &text,
        &[
            "open mem: CUDA_ERROR_NOT_SUPPORTED",
            "open event: CUDA_ERROR_NOT_SUPPORTED",
            "open forged: CUDA_ERROR_INVALID_VALUE",
            "open zeros: CUDA_ERROR_INVALID_VALUE",
            "open mem as event: CUDA_ERROR_INVALID_VALUE",
            "close not opened: CUDA_ERROR_INVALID_VALUE",
        ],
    );
    // Another VM: they name nothing there.
    expect(&open(&addr_b), &["open mem: CUDA_ERROR_INVALID_VALUE", "open event: CUDA_ERROR_INVALID_VALUE"]);
    // The buffer is freed: its handle dies; the event's lives on.
    let stdin = exporter.stdin.as_mut().expect("stdin");
    std::io::Write::write_all(stdin, b"free\n").expect("write");
    let mut line = String::new();
    out.read_line(&mut line).expect("read");
    assert_eq!(line.trim(), "free: CUDA_SUCCESS");
    expect(&open(&addr_a), &["open mem: CUDA_ERROR_INVALID_VALUE", "open event: CUDA_ERROR_NOT_SUPPORTED"]);
    // The exporter ends: nothing of it can be opened.
    drop(exporter.stdin.take());
    let _ = exporter.wait();
    let start = Instant::now();
    loop {
        let text = open(&addr_a);
        if text.lines().any(|l| l == "open event: CUDA_ERROR_INVALID_VALUE") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the event's export outlived its session:\n{text}");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(host);
}
