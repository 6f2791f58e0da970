//! The conformance suite. Each scenario is written once against [`Api`], a
//! driver library loaded at run time, and records a transcript: every
//! observable result (return codes, values, checks) that a correct driver
//! gives the same way. Running a scenario against NVIDIA's driver and against
//! cuvm and comparing transcripts shows where cuvm differs.
//!
//! Each scenario runs in a child process of its own (`cuvm-conformance
//! --child`), so a crash or a sticky error stays in that scenario.

pub mod api;
pub mod scenarios;

pub use api::{Api, Transcript};

/// A scenario.
pub struct Scenario {
    /// Its name (also the test name).
    pub name: &'static str,
    /// Whether it runs kernels (skipped where the device cannot).
    pub needs_kernels: bool,
    /// Whether it uses calls only cuvm-host's native backend serves (those
    /// forwarded by generated code): skipped against the emulated backend.
    pub native_only: bool,
    /// The body.
    pub run: fn(&Api, &mut Transcript) -> Result<(), String>,
}

/// Every scenario, in run order.
#[must_use]
pub fn all() -> Vec<Scenario> {
    scenarios::all()
}
