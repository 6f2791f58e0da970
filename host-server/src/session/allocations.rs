//! The device memory a session owns. Every device pointer a guest passes to
//! an API call must lie, with its whole range, inside one of these; device
//! pointers the host never gave this session are refused.

use std::collections::BTreeMap;

use cuvm_abi::CUresult;

/// Who owns a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `cuMemAlloc`/`cuMemAllocPitch`: freed by `cuMemFree`.
    Allocation,
    /// A module global (its module frees it).
    ModuleGlobal {
        /// The module's id.
        module: u64,
    },
    /// Page-locked guest memory mirrored on the host at the same address.
    Mirror,
    /// Physical memory mapped into a reserved range (`cuMemMap`).
    Mapping {
        /// The generic allocation handle's id.
        handle: u64,
    },
    /// Another session's memory, opened with `cuIpcOpenMemHandle` (not
    /// charged: the exporting session's VM pays for it).
    Ipc {
        /// Opens not yet closed (the driver counts them too).
        refs: u32,
    },
}

/// One range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Length in bytes.
    pub len: u64,
    /// The context it belongs to (guest id).
    pub ctx: u64,
    /// Who owns it.
    pub owner: Owner,
}

/// The session's ranges, by start address.
#[derive(Debug, Default)]
pub struct Allocations {
    ranges: BTreeMap<u64, Range>,
}

impl Allocations {
    /// Records a range.
    pub fn insert(&mut self, start: u64, range: Range) {
        self.ranges.insert(start, range);
    }

    /// Checks that `[ptr, ptr+len)` lies inside one range (a zero length
    /// needs `ptr` inside or at the end of one), or inside virtual memory
    /// mappings that follow each other without a gap (cuMemMap'd chunks of
    /// one reservation are one span of memory to the driver, as PyTorch's
    /// expandable segments use them).
    ///
    /// # Errors
    /// `CUDA_ERROR_INVALID_VALUE`.
    pub fn check(&self, ptr: u64, len: u64) -> Result<(), CUresult> {
        let r = self.check_range(ptr, len);
        if r.is_err() {
            let near = self.ranges.range(..=ptr).next_back().map(|(s, r)| (*s, r.len));
            log::debug!("pointer check refused [{ptr:#x}, +{len:#x}); the range at or below it: {near:x?}");
        }
        r
    }

    fn check_range(&self, ptr: u64, len: u64) -> Result<(), CUresult> {
        let Some((&start, range)) = self.ranges.range(..=ptr).next_back() else {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        };
        // ptr >= start, so this cannot underflow.
        let offset = ptr - start;
        let end = offset.checked_add(len).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if end <= range.len && (offset < range.len || len == 0) {
            return Ok(());
        }
        if offset >= range.len || !matches!(range.owner, Owner::Mapping { .. }) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // Walk on through adjacent mappings.
        let want_end = ptr.checked_add(len).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut covered = start.checked_add(range.len).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        while covered < want_end {
            match self.ranges.get(&covered) {
                Some(next) if matches!(next.owner, Owner::Mapping { .. }) && next.len > 0 => {
                    covered = covered.checked_add(next.len).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
                }
                _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            }
        }
        Ok(())
    }

    /// The range starting exactly at `ptr`.
    #[must_use]
    pub fn get(&self, ptr: u64) -> Option<Range> {
        self.ranges.get(&ptr).copied()
    }

    /// The range containing `ptr`: (start, range).
    #[must_use]
    pub fn containing(&self, ptr: u64) -> Option<(u64, Range)> {
        let (&start, range) = self.ranges.range(..=ptr).next_back()?;
        (ptr - start < range.len).then_some((start, *range))
    }

    /// Forgets the range starting at `ptr`.
    pub fn remove(&mut self, ptr: u64) -> Option<Range> {
        self.ranges.remove(&ptr)
    }

    /// Forgets every range of context `ctx`.
    pub fn remove_context(&mut self, ctx: u64) {
        self.ranges.retain(|_, r| r.ctx != ctx);
    }

    /// Forgets every global of `module`.
    pub fn remove_module(&mut self, module: u64) {
        self.ranges.retain(|_, r| r.owner != Owner::ModuleGlobal { module });
    }

    /// All ranges: (start, range).
    #[must_use]
    pub fn all(&self) -> Vec<(u64, Range)> {
        self.ranges.iter().map(|(s, r)| (*s, *r)).collect()
    }

    /// Bytes held by allocations (not module globals).
    #[must_use]
    pub fn allocated_bytes(&self) -> u64 {
        self.ranges.values().filter(|r| r.owner == Owner::Allocation).map(|r| r.len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Allocations {
        let mut a = Allocations::default();
        a.insert(0x1000, Range { len: 0x100, ctx: 1, owner: Owner::Allocation });
        a
    }

    #[test]
    fn ranges_inside_an_allocation_pass() {
        let a = table();
        assert_eq!(a.check(0x1000, 0x100), Ok(()));
        assert_eq!(a.check(0x10ff, 1), Ok(()));
        assert_eq!(a.check(0x1100, 0), Ok(()));
    }

    #[test]
    fn ranges_outside_or_overrunning_are_invalid_value() {
        let a = table();
        assert_eq!(a.check(0xfff, 1), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(a.check(0x1001, 0x100), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(a.check(0x1100, 1), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(a.check(0x1000, u64::MAX), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(Allocations::default().check(0x1000, 1), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
    }

    #[test]
    fn adjacent_mappings_are_one_span_but_adjacent_allocations_are_not() {
        let mut a = Allocations::default();
        let map = |h| Range { len: 0x100, ctx: 1, owner: Owner::Mapping { handle: h } };
        a.insert(0x1000, map(1));
        a.insert(0x1100, map(2));
        a.insert(0x1200, map(3));
        a.insert(0x2000, map(4));
        assert_eq!(a.check(0x1080, 0x200), Ok(()));
        assert_eq!(a.check(0x1000, 0x300), Ok(()));
        assert_eq!(a.check(0x1000, 0x301), Err(CUresult::CUDA_ERROR_INVALID_VALUE), "a gap after 0x1300");
        a.insert(0x3000, Range { len: 0x100, ctx: 1, owner: Owner::Allocation });
        a.insert(0x3100, Range { len: 0x100, ctx: 1, owner: Owner::Allocation });
        assert_eq!(a.check(0x3080, 0x100), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        a.insert(0x20ff_0000, map(5));
        assert_eq!(a.check(0x2000, u64::MAX - 0x1000), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
    }
}
