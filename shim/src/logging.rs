//! Logging setup. The guest library lives in someone else's process, so it is
//! quiet by default (warnings and errors only, on stderr) and configured by
//! `CUVM_LOG` (or, failing that, `RUST_LOG`) with env_logger's syntax, e.g.
//! `CUVM_LOG=debug`. If the process already installed a `log` logger, that
//! one is used.

use std::sync::Once;

/// Warnings and errors only; unit tests, which provoke hundreds of
/// "not supported" lines on purpose, are silent unless `CUVM_LOG` says otherwise.
const DEFAULT_FILTER: &str = if cfg!(test) { "off" } else { "warn" };

/// Installs the logger once; cheap after the first call.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = std::env::var("CUVM_LOG").or_else(|_| std::env::var("RUST_LOG")).unwrap_or_else(|_| DEFAULT_FILTER.to_string());
        let _ = env_logger::Builder::new()
            .parse_filters(&filter)
            .format_target(false)
            .format_timestamp(None)
            .format(|buf, record| {
                use std::io::Write;
                writeln!(buf, "cuvm[{}] {}: {}", std::process::id(), record.level(), record.args())
            })
            .try_init();
    });
}
