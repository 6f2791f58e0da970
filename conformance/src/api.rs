//! The driver under test, and the transcript a scenario writes.

use std::fmt::Debug;
use std::path::Path;

use cuvm_abi::CUresult;
use cuvm_abi::dynamic::DriverTable;

/// A loaded driver library.
pub struct Api {
    /// Its entry points.
    pub t: DriverTable,
}

impl Api {
    /// Loads the library at `path`.
    ///
    /// # Errors
    /// The loader's message.
    pub fn load(path: &Path) -> Result<Api, String> {
        // SAFETY: the path names a CUDA driver library (NVIDIA's or cuvm's).
        let t = unsafe { DriverTable::load(path) }.map_err(|e| format!("cannot load {}: {e}", path.display()))?;
        Ok(Api { t })
    }
}

/// Calls an entry point of an [`Api`], yielding its `CUresult`
/// (`CUDA_ERROR_NOT_FOUND` when the library lacks the symbol).
#[macro_export]
macro_rules! cu {
    ($api:ident . $name:ident ( $($arg:expr),* $(,)? )) => {
        match $api.t.$name {
            // SAFETY: scenarios pass arguments valid for the entry point.
            Some(f) => unsafe { f($($arg),*) },
            None => cuvm_abi::CUresult::CUDA_ERROR_NOT_FOUND,
        }
    };
}

/// What a scenario observed, line by line.
#[derive(Debug, Default, Clone)]
pub struct Transcript {
    /// The lines.
    pub lines: Vec<String>,
}

/// The name of a result, for transcripts.
#[must_use]
pub fn result_name(r: CUresult) -> String {
    r.name().map_or_else(|| format!("CUresult({})", r.0), str::to_string)
}

impl Transcript {
    /// Records that `what` returned `r`.
    pub fn call(&mut self, what: &str, r: CUresult) -> CUresult {
        self.lines.push(format!("{what} -> {}", result_name(r)));
        r
    }

    /// Records `what` returned `r`, and fails the scenario unless it is
    /// success (later steps depend on it).
    ///
    /// # Errors
    /// A message naming the call and its result.
    pub fn ok(&mut self, what: &str, r: CUresult) -> Result<(), String> {
        self.call(what, r);
        if r.is_success() { Ok(()) } else { Err(format!("{what} failed: {}", result_name(r))) }
    }

    /// Records an observed value.
    pub fn value(&mut self, what: &str, v: impl Debug) {
        self.lines.push(format!("{what} = {v:?}"));
    }

    /// Records a property check; fails the scenario when it does not hold.
    ///
    /// # Errors
    /// A message naming the check.
    pub fn check(&mut self, what: &str, holds: bool) -> Result<(), String> {
        self.lines.push(format!("check {what}: {}", if holds { "holds" } else { "FAILS" }));
        if holds { Ok(()) } else { Err(format!("check failed: {what}")) }
    }
}
