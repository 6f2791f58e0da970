//! Conveniences on [`CUresult`](crate::CUresult), which the headers define as
//! a transparent newtype over `u32`.

use crate::CUresult;

impl CUresult {
    /// Whether this is `CUDA_SUCCESS`.
    #[must_use]
    pub const fn is_success(self) -> bool {
        self.0 == 0
    }

    /// `Ok(())` for `CUDA_SUCCESS`, else `Err(self)`, so that `?` works on
    /// driver results.
    ///
    /// # Errors
    /// Returns `self` when it is not `CUDA_SUCCESS`.
    pub const fn into_result(self) -> Result<(), CUresult> {
        if self.is_success() { Ok(()) } else { Err(self) }
    }

    /// The driver's name for this value (`"CUDA_ERROR_INVALID_VALUE"`), if it
    /// has one.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        crate::errors::error_name(self).and_then(|s| s.to_str().ok())
    }
}

impl core::fmt::Display for CUresult {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match (crate::errors::error_name(*self), crate::errors::error_string(*self)) {
            (Some(name), Some(text)) => {
                write!(f, "{} ({})", name.to_string_lossy(), text.to_string_lossy())
            }
            _ => write!(f, "CUresult {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_ok_and_errors_are_err() {
        assert_eq!(CUresult::CUDA_SUCCESS.into_result(), Ok(()));
        assert_eq!(CUresult::CUDA_ERROR_INVALID_VALUE.into_result(), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
    }

    #[test]
    fn display_shows_name_and_driver_string() {
        assert_eq!(CUresult::CUDA_ERROR_OUT_OF_MEMORY.to_string(), "CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
        assert_eq!(CUresult(12345).to_string(), "CUresult 12345");
    }
}
