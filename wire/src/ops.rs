//! Op codes: one per driver entry point, expanded from the declaration list.
//! Each is the 32-bit FNV-1a hash of the function's name, so it never depends
//! on the order of the list: adding a function renumbers nothing. A test
//! checks the 682 codes are distinct and non-zero (0 means "no op").

/// FNV-1a, 32 bits, of `name`.
#[must_use]
pub const fn op_code(name: &str) -> u32 {
    let bytes = name.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

macro_rules! op_codes {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            #[doc = concat!("Op code of `", stringify!($name), "`.")]
            pub const $name: u32 = op_code(stringify!($name));
        )*
        /// (name, op code) of every entry point, sorted by name.
        pub const ALL: &[(&str, u32)] = &[$((stringify!($name), $name)),*];
    };
}

#[allow(non_upper_case_globals)]
mod codes {
    use super::op_code;
    cuvm_abi::cuda_function_declarations!(op_codes);
}
pub use codes::*;

/// cuvm's own op, not a driver entry point: the id of a device's primary
/// context without retaining it (the runtime's export-table slot that the
/// real driver answers the same way). [device i32] -> [context id u64].
pub const CUVM_PRIMARY_CONTEXT_HANDLE: u32 = op_code("cuvm.primaryContextHandle");

/// cuvm's own op: a call of slot 51 or 39 of the driver's tools-context
/// export table (21318c60), which cuBLASLt makes; served by the host's
/// driver. [slot u32, context id u64, object id u64 (slot 39; 0 for 51)] ->
/// slot 51: [object id u64, the object's first 4 words (a word equal to the
/// host's context handle given as the context id)]; slot 39: [value u64].
pub const CUVM_TOOLS_CONTEXT_SLOT: u32 = op_code("cuvm.toolsContextSlot");

/// The name of the entry point with op code `op`, if any.
#[must_use]
pub fn name_of(op: u32) -> Option<&'static str> {
    if op == CUVM_PRIMARY_CONTEXT_HANDLE {
        return Some("cuvm.primaryContextHandle");
    }
    if op == CUVM_TOOLS_CONTEXT_SLOT {
        return Some("cuvm.toolsContextSlot");
    }
    ALL.iter().find(|(_, code)| *code == op).map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_codes_are_distinct_and_non_zero() {
        let mut codes: Vec<u32> = ALL.iter().map(|(_, c)| *c).collect();
        assert_eq!(codes.len(), 682);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 682, "two entry points share an op code");
        assert!(!codes.contains(&0));
        assert!(!codes.contains(&CUVM_PRIMARY_CONTEXT_HANDLE), "cuvm's own op collides with an entry point");
        assert!(!codes.contains(&CUVM_TOOLS_CONTEXT_SLOT), "cuvm's own op collides with an entry point");
    }

    #[test]
    fn op_code_is_fnv1a_of_the_name() {
        assert_eq!(op_code(""), 0x811c_9dc5);
        assert_eq!(op_code("a"), 0xe40c_292c);
        assert_eq!(name_of(cuInit), Some("cuInit"));
        assert_eq!(name_of(1), None);
    }
}
