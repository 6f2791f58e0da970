//! Error names and strings, answered without the host, exactly as the real
//! driver 580.159.04 answers them (table measured on the GPU machine).

use core::ffi::CStr;

use crate::CUresult;
use crate::generated::errors::ERROR_STRINGS;

fn row(error: CUresult) -> Option<&'static (u32, &'static CStr, &'static CStr)> {
    ERROR_STRINGS.binary_search_by_key(&error.0, |r| r.0).ok().map(|i| &ERROR_STRINGS[i])
}

/// `cuGetErrorName`'s answer: `None` for a value the driver does not name.
#[must_use]
pub fn error_name(error: CUresult) -> Option<&'static CStr> {
    row(error).map(|r| r.1)
}

/// `cuGetErrorString`'s answer: `None` for a value the driver does not name.
#[must_use]
pub fn error_string(error: CUresult) -> Option<&'static CStr> {
    row(error).map(|r| r.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ERROR_STRINGS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn known_values_have_driver_strings() {
        assert_eq!(error_name(CUresult::CUDA_SUCCESS), Some(c"CUDA_SUCCESS"));
        assert_eq!(error_string(CUresult::CUDA_SUCCESS), Some(c"no error"));
        assert_eq!(error_string(CUresult::CUDA_ERROR_INVALID_VALUE), Some(c"invalid argument"));
        assert_eq!(error_name(CUresult::CUDA_ERROR_UNKNOWN), Some(c"CUDA_ERROR_UNKNOWN"));
    }

    #[test]
    fn unknown_value_has_no_name() {
        assert_eq!(error_name(CUresult(1099)), None);
        assert_eq!(error_string(CUresult(3)).map(|s| s.to_bytes()), Some(&b"initialization error"[..]));
    }
}
