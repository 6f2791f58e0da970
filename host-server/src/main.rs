//! The cuvm-host binary: parses the command line, picks the backend, and
//! serves every listener until killed.

use std::process::ExitCode;
use std::sync::Arc;

use cuvm_host::backend::Backend;
use cuvm_host::backend::emulated::Emulated;
use cuvm_host::backend::native::Native;
use cuvm_host::config::{BackendKind, Config, HELP};
use cuvm_host::listener::{self, BackendFactory, Shared, WorkerArgs};
use cuvm_host::vm::Registry;

fn main() -> ExitCode {
    let filter = std::env::var("CUVM_LOG").or_else(|_| std::env::var("RUST_LOG")).unwrap_or_else(|_| "info".into());
    env_logger::Builder::new().parse_filters(&filter).format_timestamp_millis().init();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let worker = if args.first().map(String::as_str) == Some("--session-worker") {
        match WorkerArgs::parse(&args[1..]) {
            Ok((w, rest)) => {
                args = rest;
                // The worker's own options parse like the listener's.
                args.extend(["--listen".to_string(), "unix:/nonexistent".to_string()]);
                Some(w)
            }
            Err(e) => {
                eprintln!("cuvm-host: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let config = match Config::parse(args) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cuvm-host: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(w) = worker {
        let factory = factory_for(config.backend, &config);
        return match w.serve(&*factory) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                log::error!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let kind = match config.backend {
        BackendKind::Auto => match Native::load(&config.driver_lib) {
            Ok(_) => BackendKind::Native,
            Err(e) => {
                log::info!("{e}; using the emulated backend");
                BackendKind::Emulated
            }
        },
        other => other,
    };
    if kind == BackendKind::Native {
        if let Err(e) = Native::load(&config.driver_lib) {
            eprintln!("cuvm-host: {e}");
            return ExitCode::FAILURE;
        }
    }
    let factory = factory_for(kind, &config);
    log::info!("cuvm-host: {} backend", if kind == BackendKind::Native { "native" } else { "emulated" });
    let vms = Arc::new(Registry::new(config.quota, config.vm_quotas.clone()));
    let config = Arc::new(config);
    let backend = if kind == BackendKind::Native { "native" } else { "emulated" };
    let shared = Arc::new(Shared { factory, config: Arc::clone(&config), vms, backend });
    for address in &config.listen {
        if let Err(e) = listener::listen(address, Arc::clone(&shared)) {
            eprintln!("cuvm-host: {e}");
            return ExitCode::FAILURE;
        }
    }
    loop {
        std::thread::park();
    }
}

/// Makes backends of `kind` (workers call it once).
fn factory_for(kind: BackendKind, config: &Config) -> Arc<BackendFactory> {
    match kind {
        BackendKind::Native | BackendKind::Auto => {
            let path = config.driver_lib.clone();
            Arc::new(move || Native::load(&path).map(|n| Box::new(n) as Box<dyn Backend>).map_err(|e| e.to_string()))
        }
        BackendKind::Emulated => {
            let memory = config.emulated_memory;
            Arc::new(move || Ok(Box::new(Emulated::new(memory)) as Box<dyn Backend>))
        }
    }
}
