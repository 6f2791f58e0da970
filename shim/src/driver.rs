//! The `Driver` trait: one associated function per entry point of the
//! declaration list. The default body of each answers
//! `CUDA_ERROR_NOT_SUPPORTED` and logs, once per function, the reason the
//! annotation table gives; [`crate::dispatch`] overrides what cuvm implements.

use std::collections::BTreeSet;
use std::sync::Mutex;

use cuvm_abi::CUresult;

macro_rules! driver_trait {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// Every driver entry point, with a "not supported" default.
        ///
        /// # Safety
        /// Each function has the contract of the CUDA driver function of the same
        /// name: pointer arguments are valid for what the driver reads and
        /// writes, or null where the driver allows it.
        #[allow(clippy::missing_safety_doc, clippy::too_many_arguments)]
        pub trait Driver {
            $(
                #[allow(unused_variables, unused_imports, unused_mut)]
                unsafe fn $name($($arg: $ty),*) -> $ret {
                    use crate::auto::{Marshal as _, NotMarshalled as _, Wrap};
                    static AUTO: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
                    if !*AUTO.get_or_init(|| crate::auto::is_auto(stringify!($name))) {
                        return not_supported(stringify!($name));
                    }
                    let mut body = cuvm_wire::Encoder::new();
                    let mut marshalled = true;
                    $( marshalled &= (&Wrap($arg)).put(&mut body); )*
                    if !marshalled {
                        log::error!("{} is marked auto but its arguments cannot be marshalled", stringify!($name));
                        return not_supported(stringify!($name));
                    }
                    let reply = match crate::remote::call(cuvm_wire::ops::$name, &body) {
                        Ok(r) => r,
                        Err(e) => return e,
                    };
                    let mut d = reply.decoder();
                    $(
                        if let Err(e) = (&Wrap($arg)).take(&mut d) {
                            return e;
                        }
                    )*
                    CUresult::CUDA_SUCCESS
                }
            )*
        }
    };
}
cuvm_abi::cuda_function_declarations!(driver_trait);

/// Answers a call cuvm does not implement: logs once per function (with the
/// annotation table's reason) and returns `CUDA_ERROR_NOT_SUPPORTED`.
pub fn not_supported(name: &'static str) -> CUresult {
    #[cfg(test)]
    tests::DEFAULT_HIT.with(|hit| hit.set(Some(name)));
    if first_report(name) {
        crate::logging::init();
        let reason = cuvm_abi::annotations::lookup(name).map_or("not in the annotation table", |a| a.reason);
        log::warn!("{name} is not supported by cuvm ({reason}); returning CUDA_ERROR_NOT_SUPPORTED");
    }
    CUresult::CUDA_ERROR_NOT_SUPPORTED
}

/// Answers one case of an implemented function that cuvm refuses: logs
/// `what` once with `reason`; the caller returns `CUDA_ERROR_NOT_SUPPORTED`.
pub fn log_unsupported_once(what: &'static str, reason: &str) {
    if first_report(what) {
        crate::logging::init();
        log::warn!("{what}: {reason}; returning CUDA_ERROR_NOT_SUPPORTED");
    }
}

/// Whether this is the first time `name` is reported unsupported.
pub(crate) fn first_report(name: &'static str) -> bool {
    static REPORTED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    REPORTED.lock().map(|mut set| set.insert(name)).unwrap_or(false)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;

    use cuvm_abi::annotations::{self, Status};

    use super::*;
    use crate::debugger::DEBUGGER_VARIABLES;
    use crate::exports::EXPORTED_FUNCTIONS;

    thread_local! {
        /// The last function whose "not supported" default ran on this thread.
        pub(crate) static DEFAULT_HIT: Cell<Option<&'static str>> = const { Cell::new(None) };
    }

    macro_rules! call_every_export {
        ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
            /// Calls every export with all-zero arguments (null pointers, zero
            /// values) and says, per function, what it returned and whether the
            /// "not supported" default answered.
            fn call_every_export_with_zeroed_arguments() -> Vec<(&'static str, CUresult, bool)> {
                let mut out = Vec::new();
                $(
                    DEFAULT_HIT.with(|hit| hit.set(None));
                    // SAFETY: every argument type is plain data (integers, raw
                    // pointers, Option<fn>, C structs) for which all-zero is a
                    // valid value; every export must cope with null pointers.
                    let result = unsafe { crate::exports::$name($(core::mem::zeroed::<$ty>()),*) };
                    let hit = DEFAULT_HIT.with(|hit| hit.get()) == Some(stringify!($name));
                    out.push((stringify!($name), result, hit));
                )*
                out
            }
        };
    }
    cuvm_abi::cuda_function_declarations!(call_every_export);

    #[test]
    fn annotation_table_names_exactly_the_exported_symbols() {
        let table = annotations::parse(annotations::TABLE).expect("table parses");
        let mut exported: Vec<&str> = EXPORTED_FUNCTIONS.to_vec();
        exported.extend(DEBUGGER_VARIABLES.iter().map(|(name, _)| *name));
        exported.sort_unstable();
        let annotated: Vec<&str> = table.iter().map(|a| a.symbol).collect();
        assert_eq!(annotated, exported);
        for a in &table {
            let is_data = DEBUGGER_VARIABLES.iter().any(|(name, _)| *name == a.symbol);
            assert_eq!(a.status == Status::Data, is_data, "{}: status {:?}", a.symbol, a.status);
        }
    }

    #[test]
    fn every_export_does_what_its_annotation_says() {
        let results = call_every_export_with_zeroed_arguments();
        assert_eq!(results.len(), 682);
        let mut wrong = Vec::new();
        for (name, result, default_answered) in results {
            let status = annotations::lookup(name).map(|a| a.status);
            let expect_default = status.is_some_and(Status::is_not_supported);
            if default_answered != expect_default || (expect_default && result != CUresult::CUDA_ERROR_NOT_SUPPORTED) {
                wrong.push(format!("{name}: annotated {status:?}, default answered {default_answered}, returned {result}"));
            }
        }
        assert!(wrong.is_empty(), "annotation table and code disagree:\n{}", wrong.join("\n"));
    }

    #[test]
    fn unsupported_call_is_reported_once() {
        assert!(first_report("cuTestReportedOnce"));
        assert!(!first_report("cuTestReportedOnce"));
        assert_eq!(not_supported("cuTestReportedTwice"), CUresult::CUDA_ERROR_NOT_SUPPORTED);
        assert!(!first_report("cuTestReportedTwice"));
    }
}

#[cfg(test)]
mod auto_tests {
    use cuvm_abi::annotations::{self, Status};

    macro_rules! signatures {
        ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
            const SIGNATURES: &[(&str, &str)] = &[$((stringify!($name), stringify!($($ty),*))),*];
        };
    }
    cuvm_abi::cuda_function_declarations!(signatures);

    /// Auto-forwarded functions take no device pointers (indistinguishable
    /// from integers, so the host could not check them), no input arrays or
    /// structures, no strings and no untyped buffers.
    #[test]
    fn auto_functions_take_only_what_can_be_marshalled_and_checked() {
        let mut auto = 0;
        for (name, types) in SIGNATURES {
            if annotations::lookup(name).map(|a| a.status) != Some(Status::Auto) {
                continue;
            }
            auto += 1;
            for banned in ["CUdeviceptr", "* const", "*const", "c_void", "c_char"] {
                assert!(!types.contains(banned), "{name} is marked auto but takes {banned}: {types}");
            }
        }
        assert!(auto > 0);
    }
}
