//! `cuvm-conformance`: runs the scenarios against NVIDIA's driver and/or
//! through cuvm, each in a child process, and compares their transcripts.
//!
//! ```text
//! cuvm-conformance [--native LIB] [--cuvm SHIM --host-bin BIN --backend native|emulated]
//!                  [--only NAME]... [--skip-kernels] [--transcripts DIR]
//! cuvm-conformance --child NAME --lib LIB      (one scenario, used internally)
//! ```
//!
//! With both targets, a scenario passes when it passes on both and the
//! transcripts are identical. The last line is `N passed, M failed`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use cuvm_conformance::{Api, Transcript, all};

const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

fn child(name: &str, lib: &Path) -> ExitCode {
    let Some(s) = all().into_iter().find(|s| s.name == name) else {
        println!("RESULT|fail|no scenario {name}");
        return ExitCode::FAILURE;
    };
    // SAFETY: only this process's environment, before any thread starts.
    unsafe { std::env::set_var("CUVM_CONFORMANCE_LIB", lib) };
    let api = match Api::load(lib) {
        Ok(a) => a,
        Err(e) => {
            println!("RESULT|fail|{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut t = Transcript::default();
    let outcome = (s.run)(&api, &mut t);
    for line in &t.lines {
        println!("T|{line}");
    }
    match outcome {
        Ok(()) => {
            println!("RESULT|pass");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("RESULT|fail|{e}");
            ExitCode::FAILURE
        }
    }
}

/// One scenario's run on one target.
#[derive(Debug, Clone)]
pub struct Run {
    passed: bool,
    why: String,
    transcript: Vec<String>,
}

fn run_child(name: &str, lib: &Path, env: &[(&str, String)]) -> Run {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("cuvm-conformance"));
    let mut cmd = Command::new(exe);
    cmd.args(["--child", name, "--lib"]).arg(lib).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let spawned: Result<Child, _> = cmd.spawn();
    let mut c = match spawned {
        Ok(c) => c,
        Err(e) => {
            return Run { passed: false, why: format!("cannot start: {e}"), transcript: vec![] };
        }
    };
    let mut stdout = c.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match c.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if start.elapsed() > CHILD_TIMEOUT => {
                let _ = c.kill();
                let _ = c.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let out = reader.join().unwrap_or_default();
    let mut transcript = Vec::new();
    let mut result = None;
    for line in BufReader::new(out.as_bytes()).lines().map_while(Result::ok) {
        if let Some(l) = line.strip_prefix("T|") {
            transcript.push(l.to_string());
        } else if let Some(r) = line.strip_prefix("RESULT|") {
            result = Some(r.to_string());
        }
    }
    let (passed, why) = match (status, result) {
        (None, _) => (false, format!("timed out after {}s", CHILD_TIMEOUT.as_secs())),
        (Some(st), Some(r)) if r == "pass" && st.success() => (true, String::new()),
        (Some(_), Some(r)) => (false, r.trim_start_matches("fail|").to_string()),
        (Some(st), None) => (false, format!("crashed ({st})")),
    };
    Run { passed, why, transcript }
}

struct Host {
    child: Child,
    socket: PathBuf,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn start_host(bin: &Path, backend: &str) -> Result<Host, String> {
    let socket = std::env::temp_dir().join(format!("cuvm-conformance-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let log = std::env::temp_dir().join(format!("cuvm-conformance-{}-host.log", std::process::id()));
    let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let child = Command::new(bin)
        .args(["--listen", &format!("unix:{}", socket.display()), "--backend", backend])
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let host = Host { child, socket: socket.clone() };
    let start = Instant::now();
    while !socket.exists() {
        if start.elapsed() > Duration::from_secs(20) {
            return Err(format!("cuvm-host did not start listening (log: {})", log.display()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("cuvm-host ({backend} backend) on {}; its log is {}", socket.display(), log.display());
    Ok(host)
}

struct Options {
    native: Option<PathBuf>,
    cuvm: Option<PathBuf>,
    host_bin: Option<PathBuf>,
    backend: String,
    only: Vec<String>,
    skip_kernels: bool,
    transcripts: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let name = args.get(1).cloned().unwrap_or_default();
        let lib = args.get(3).map(PathBuf::from).unwrap_or_default();
        return child(&name, &lib);
    }
    let mut o = Options {
        native: None,
        cuvm: None,
        host_bin: None,
        backend: "native".into(),
        only: vec![],
        skip_kernels: false,
        transcripts: None,
    };
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match a.as_str() {
            "--native" => o.native = Some(v().into()),
            "--cuvm" => o.cuvm = Some(v().into()),
            "--host-bin" => o.host_bin = Some(v().into()),
            "--backend" => o.backend = v(),
            "--only" => o.only.push(v()),
            "--skip-kernels" => o.skip_kernels = true,
            "--transcripts" => o.transcripts = Some(v().into()),
            "-h" | "--help" => {
                println!(
                    "usage: cuvm-conformance [--native LIB] [--cuvm SHIM --host-bin BIN --backend native|emulated] [--only NAME]... [--skip-kernels] [--transcripts DIR]"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}; see --help");
                return ExitCode::from(2);
            }
        }
    }
    if o.native.is_none() && o.cuvm.is_none() {
        eprintln!("give --native and/or --cuvm; see --help");
        return ExitCode::from(2);
    }
    let host = match (&o.cuvm, &o.host_bin) {
        (Some(_), Some(bin)) => match start_host(bin, &o.backend) {
            Ok(h) => Some(h),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        },
        (Some(_), None) => {
            eprintln!("--cuvm needs --host-bin");
            return ExitCode::from(2);
        }
        _ => None,
    };
    let cuvm_env: Vec<(&str, String)> = host
        .as_ref()
        .map(|h| vec![("CUVM_HOST", format!("unix:{}", h.socket.display())), ("CUVM_LOG", "error".to_string())])
        .unwrap_or_default();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    println!("{:<40} {:<8} {:<8} {}", "scenario", "native", "cuvm", "transcripts");
    for s in all() {
        if !o.only.is_empty() && !o.only.iter().any(|n| n == s.name) {
            continue;
        }
        if s.needs_kernels && o.skip_kernels {
            println!("{:<40} skipped: needs kernels, and --skip-kernels was given", s.name);
            skipped += 1;
            continue;
        }
        let native = o.native.as_ref().map(|lib| run_child(s.name, lib, &[]));
        let cuvm = o.cuvm.as_ref().map(|lib| run_child(s.name, lib, &cuvm_env));
        let show = |r: &Option<Run>| r.as_ref().map_or("-", |r| if r.passed { "pass" } else { "FAIL" });
        let mut notes = Vec::new();
        let mut ok = native.as_ref().is_none_or(|r| r.passed) && cuvm.as_ref().is_none_or(|r| r.passed);
        if let (Some(n), Some(c)) = (&native, &cuvm) {
            let diffs: Vec<String> =
                n.transcript.iter().zip(&c.transcript).filter(|(a, b)| a != b).map(|(a, b)| format!("native `{a}` / cuvm `{b}`")).collect();
            if !diffs.is_empty() || n.transcript.len() != c.transcript.len() {
                ok = false;
                notes.push(format!("{} differences", diffs.len().max(1)));
                for d in diffs.iter().take(12) {
                    notes.push(format!("    {d}"));
                }
                if n.transcript.len() != c.transcript.len() {
                    notes.push(format!("    transcript lengths: native {} / cuvm {}", n.transcript.len(), c.transcript.len()));
                }
            } else {
                notes.push(format!("identical ({} lines)", n.transcript.len()));
            }
        } else if let Some(r) = native.as_ref().or(cuvm.as_ref()) {
            notes.push(format!("{} lines", r.transcript.len()));
        }
        for (label, r) in [("native", &native), ("cuvm", &cuvm)] {
            if let Some(r) = r {
                if !r.passed {
                    notes.push(format!("    {label}: {}", r.why));
                }
            }
        }
        if let Some(dir) = &o.transcripts {
            let _ = std::fs::create_dir_all(dir);
            for (label, r) in [("native", &native), ("cuvm", &cuvm)] {
                if let Some(r) = r {
                    let _ = std::fs::write(dir.join(format!("{}.{label}.txt", s.name)), r.transcript.join("\n") + "\n");
                }
            }
        }
        println!("{:<40} {:<8} {:<8} {}", s.name, show(&native), show(&cuvm), notes.first().cloned().unwrap_or_default());
        for n in notes.iter().skip(1) {
            println!("{n}");
        }
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    drop(host);
    if skipped > 0 {
        println!("{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
