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

/// cuvm's own ops for mirrored page-locked memory (small `cuMemHostAlloc`
/// buffers that kernels reach through unified addressing, as XLA's do): the
/// host maps memory at the guest's address and registers it with its GPU.
/// Map: [address u64, size u64] -> []. Unmap: [address u64] -> [].
pub const CUVM_MIRROR_MAP: u32 = op_code("cuvm.mirrorMap");
/// See [`CUVM_MIRROR_MAP`].
pub const CUVM_MIRROR_UNMAP: u32 = op_code("cuvm.mirrorUnmap");
/// The guest's bytes of a mirror (posted before device work when they
/// changed): [address u64, bytes] -> [].
pub const CUVM_MIRROR_WRITE: u32 = op_code("cuvm.mirrorWrite");
/// The mirrors the device changed since the guest last had them (after a
/// synchronisation): [] -> [count u32, (address u64, bytes)*].
pub const CUVM_MIRROR_READ: u32 = op_code("cuvm.mirrorRead");

/// cuvm's own op: the image a completed JIT link session made
/// (`cuLinkComplete` answers its size first). [link id u64] -> Data frames.
pub const CUVM_LINK_IMAGE: u32 = op_code("cuvm.linkImage");

/// cuvm's own op: the guest's bytes of part of a managed allocation (sent
/// before device work when it changed there): [address u64, length u64]
/// followed by that many bytes in Data frames -> [] (posted).
pub const CUVM_MANAGED_WRITE: u32 = op_code("cuvm.managedWrite");
/// The parts of managed allocations the device changed since the guest
/// last had them (after a synchronisation); the host keeps their bytes for
/// [`CUVM_MANAGED_FETCH`]: [] -> [count u32, (address u64, length u64)*].
pub const CUVM_MANAGED_CHANGES: u32 = op_code("cuvm.managedChanges");
/// Bytes of a changed part, as the last [`CUVM_MANAGED_CHANGES`] saw them:
/// [address u64, length u64] -> Data frames, as `cuMemcpyDtoH`.
pub const CUVM_MANAGED_FETCH: u32 = op_code("cuvm.managedFetch");

/// cuvm's own ops (not driver entry points) and their names.
pub const OWN: [(u32, &str); 10] = [
    (CUVM_PRIMARY_CONTEXT_HANDLE, "cuvm.primaryContextHandle"),
    (CUVM_TOOLS_CONTEXT_SLOT, "cuvm.toolsContextSlot"),
    (CUVM_MIRROR_MAP, "cuvm.mirrorMap"),
    (CUVM_MIRROR_UNMAP, "cuvm.mirrorUnmap"),
    (CUVM_MIRROR_WRITE, "cuvm.mirrorWrite"),
    (CUVM_MIRROR_READ, "cuvm.mirrorRead"),
    (CUVM_LINK_IMAGE, "cuvm.linkImage"),
    (CUVM_MANAGED_WRITE, "cuvm.managedWrite"),
    (CUVM_MANAGED_CHANGES, "cuvm.managedChanges"),
    (CUVM_MANAGED_FETCH, "cuvm.managedFetch"),
];

/// Whether `op` is one of cuvm's own ops (not a driver entry point).
#[must_use]
pub fn is_own(op: u32) -> bool {
    OWN.iter().any(|(code, _)| *code == op)
}

/// The name of the entry point with op code `op`, if any.
#[must_use]
pub fn name_of(op: u32) -> Option<&'static str> {
    if let Some((_, name)) = OWN.iter().find(|(code, _)| *code == op) {
        return Some(name);
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
        for (own, name) in OWN {
            assert!(!codes.contains(&own), "cuvm's own op {name} collides with an entry point");
        }
    }

    #[test]
    fn op_code_is_fnv1a_of_the_name() {
        assert_eq!(op_code(""), 0x811c_9dc5);
        assert_eq!(op_code("a"), 0xe40c_292c);
        assert_eq!(name_of(cuInit), Some("cuInit"));
        assert_eq!(name_of(1), None);
    }
}
