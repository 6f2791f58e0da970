//! The panic barrier every export runs behind: a panic inside cuvm becomes
//! `CUDA_ERROR_UNKNOWN` for the caller (logged), never an unwind across the C
//! ABI (undefined behaviour) or an abort of the caller's process.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cuvm_abi::CUresult;

/// Runs `body`, turning a panic into `CUDA_ERROR_UNKNOWN`.
/// With `CUVM_LOG=trace`, every call is logged with its result.
pub fn call(name: &'static str, body: impl FnOnce() -> CUresult) -> CUresult {
    crate::logging::init();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => {
            if log::log_enabled!(log::Level::Trace) {
                log::trace!("{name} -> {}", result.name().unwrap_or("?"));
            }
            result
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            crate::logging::init();
            log::error!("internal error in {name}: {what}; returning CUDA_ERROR_UNKNOWN");
            CUresult::CUDA_ERROR_UNKNOWN
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_of_body_is_returned() {
        assert_eq!(call("cuTest", || CUresult::CUDA_ERROR_INVALID_VALUE), CUresult::CUDA_ERROR_INVALID_VALUE);
    }

    #[test]
    fn panic_becomes_cuda_error_unknown() {
        let result = call("cuTest", || panic!("boom"));
        assert_eq!(result, CUresult::CUDA_ERROR_UNKNOWN);
    }
}
