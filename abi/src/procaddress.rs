//! How `cuGetProcAddress` resolves a name, as measured on the real driver
//! 580.159.04 (see `cuda-headers/measured/` and the shared reference).
//!
//! - `flags`: bit 1 (`CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM`) selects
//!   the per-thread variants; bit 0 (`LEGACY_STREAM`) is accepted and changes
//!   nothing; any other bit makes the call fail with `CUDA_ERROR_INVALID_VALUE`.
//! - `cudaVersion` above the implemented version (13000) fails with
//!   `CUDA_ERROR_INVALID_VALUE`; a negative version means "the newest".
//! - A per-thread query of an entry point that has per-thread variants sees
//!   only those (earlier versions: not sufficient); one without them resolves
//!   like a default query.
//! - Names are exact base names: `cuMemAlloc_v2` or `cuinit` are not found.

use crate::IMPLEMENTED_CUDA_VERSION;
pub use crate::generated::procaddress::{PROC_ADDRESS_TABLE, ProcAddressRow};

/// `CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM`.
pub const PER_THREAD_DEFAULT_STREAM: u64 = 2;
/// Every flag bit the driver accepts.
pub const VALID_FLAGS: u64 = 1 | PER_THREAD_DEFAULT_STREAM;

/// The outcome of a look-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The exported symbol to return.
    Found(&'static str),
    /// `CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND`.
    SymbolNotFound,
    /// `CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT`.
    VersionNotSufficient,
    /// The arguments themselves are invalid (`CUDA_ERROR_INVALID_VALUE`).
    InvalidValue,
}

fn rows_for(name: &str, per_thread: bool) -> &'static [ProcAddressRow] {
    let start = PROC_ADDRESS_TABLE.partition_point(|r| (r.name, r.per_thread) < (name, per_thread));
    let len = PROC_ADDRESS_TABLE[start..].iter().take_while(|r| r.name == name && r.per_thread == per_thread).count();
    &PROC_ADDRESS_TABLE[start..start + len]
}

/// Resolves `name` for a caller built against `cuda_version` with `flags`.
#[must_use]
pub fn resolve(name: &str, cuda_version: i32, flags: u64) -> Resolution {
    if flags & !VALID_FLAGS != 0 || cuda_version > IMPLEMENTED_CUDA_VERSION {
        return Resolution::InvalidValue;
    }
    let version = u32::try_from(cuda_version).unwrap_or(u32::MAX);
    let defaults = rows_for(name, false);
    if defaults.is_empty() {
        return Resolution::SymbolNotFound;
    }
    let per_thread = rows_for(name, true);
    let rows = if flags & PER_THREAD_DEFAULT_STREAM != 0 && !per_thread.is_empty() { per_thread } else { defaults };
    match rows.iter().rev().find(|r| r.version <= version) {
        Some(r) => Resolution::Found(r.symbol),
        None => Resolution::VersionNotSufficient,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(
            PROC_ADDRESS_TABLE.windows(2).all(|w| (w[0].name, w[0].per_thread, w[0].version) < (w[1].name, w[1].per_thread, w[1].version))
        );
    }

    #[test]
    fn newest_revision_not_above_the_version_wins() {
        assert_eq!(resolve("cuMemAlloc", 3010, 0), Resolution::Found("cuMemAlloc"));
        assert_eq!(resolve("cuMemAlloc", 3020, 0), Resolution::Found("cuMemAlloc_v2"));
        assert_eq!(resolve("cuMemAlloc", 13000, 0), Resolution::Found("cuMemAlloc_v2"));
    }

    #[test]
    fn per_thread_flag_selects_ptds_variants_only() {
        assert_eq!(resolve("cuMemcpyHtoD", 13000, 2), Resolution::Found("cuMemcpyHtoD_v2_ptds"));
        assert_eq!(resolve("cuMemcpyHtoD", 13000, 3), Resolution::Found("cuMemcpyHtoD_v2_ptds"));
        assert_eq!(resolve("cuMemcpyHtoD", 13000, 1), Resolution::Found("cuMemcpyHtoD_v2"));
        assert_eq!(resolve("cuMemcpyHtoD", 3020, 2), Resolution::VersionNotSufficient);
        assert_eq!(resolve("cuMemAlloc", 13000, 2), Resolution::Found("cuMemAlloc_v2"));
    }

    #[test]
    fn bad_flags_and_future_versions_are_invalid() {
        assert_eq!(resolve("cuMemAlloc", 13000, 4), Resolution::InvalidValue);
        assert_eq!(resolve("cuMemAlloc", 99999, 0), Resolution::InvalidValue);
    }

    #[test]
    fn negative_version_means_newest_and_small_means_not_sufficient() {
        assert_eq!(resolve("cuMemAlloc", -1, 0), Resolution::Found("cuMemAlloc_v2"));
        assert_eq!(resolve("cuMemAlloc", 0, 0), Resolution::VersionNotSufficient);
        assert_eq!(resolve("cuMemAlloc", 1999, 0), Resolution::VersionNotSufficient);
    }

    #[test]
    fn only_exact_base_names_are_found() {
        assert_eq!(resolve("cuMemAlloc_v2", 13000, 0), Resolution::SymbolNotFound);
        assert_eq!(resolve("cuinit", 13000, 0), Resolution::SymbolNotFound);
        assert_eq!(resolve("", 13000, 0), Resolution::SymbolNotFound);
        assert_eq!(resolve("cudbgApiClientPid", 13000, 0), Resolution::SymbolNotFound);
    }
}
