//! A VM's registry of interprocess handles (`cuIpcGetMemHandle`,
//! `cuIpcGetEventHandle`). The driver's own handles never reach a guest: they
//! stay here, in shared memory that every worker process of the VM maps
//! (after the VM's quota counters, in the same memfd), and the guest gets an
//! opaque handle made by cuvm that names an entry:
//!
//! | bytes | field |
//! |---|---|
//! | 0..8 | magic `cuvmIPC1` |
//! | 8..16 | the entry's token (random, 64 bits) |
//! | 16..20 | the entry's index (u32) |
//! | 20..24 | what it names: 1 memory, 2 an event (u32) |
//! | 24..64 | zero |
//!
//! Another VM's handle names an entry of this VM's table whose token it does
//! not know; a forged, stale or freed one finds no entry with its token. The
//! table is bounded ([`ENTRIES`]); an entry is removed when what it exports
//! is freed or destroyed, when its session ends, and by the listener when
//! the exporting worker dies.
//!
//! Each entry is [`WORDS`] atomic words. Word 0 is its state: bits 0-1
//! status (free, being written, published), bits 2-15 the exporting worker's
//! slot, bits 16-63 a generation bumped whenever the entry is freed. Readers
//! check word 0 before and after reading the rest (a sequence lock), so a
//! reader never takes a half-written or reused entry for a published one.

use std::sync::atomic::{AtomicU64, Ordering, fence};

use cuvm_abi::CUresult;

/// Entries per VM (exports alive at once, memory and events together).
pub const ENTRIES: usize = 256;
/// Words per entry.
pub const WORDS: usize = 16;
/// Bytes of shared memory the table takes.
pub const TABLE_BYTES: usize = ENTRIES * WORDS * 8;

const MAGIC: &[u8; 8] = b"cuvmIPC1";
const FREE: u64 = 0;
const BUSY: u64 = 1;
const PUBLISHED: u64 = 2;
const SLOT_BITS: u64 = 14;

/// What an entry exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// Device memory (`cuMemAlloc`).
    Memory = 1,
    /// An interprocess event.
    Event = 2,
}

impl What {
    fn from_word(w: u64) -> Option<What> {
        match w {
            1 => Some(What::Memory),
            2 => Some(What::Event),
            _ => None,
        }
    }
}

/// One published export, as a reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Export {
    /// What it is.
    pub what: What,
    /// The exporting worker's slot (one per session).
    pub slot: usize,
    /// The exporter's key: the allocation's base address, or the event's id
    /// in the exporting session.
    pub key: u64,
    /// The allocation's length (0 for events).
    pub len: u64,
    /// The driver's handle.
    pub driver: [u8; 64],
}

fn state(generation: u64, slot: usize, status: u64) -> u64 {
    (generation << 16) | (((slot as u64) & ((1 << SLOT_BITS) - 1)) << 2) | status
}

fn status_of(w: u64) -> u64 {
    w & 3
}

fn slot_of(w: u64) -> usize {
    ((w >> 2) & ((1 << SLOT_BITS) - 1)) as usize
}

fn freed(w: u64) -> u64 {
    state((w >> 16).wrapping_add(1), 0, FREE)
}

/// A VM's table: a view of shared memory.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    words: &'static [AtomicU64],
}

impl Table {
    /// A view of `words` (at least `ENTRIES * WORDS` of them).
    ///
    /// # Panics
    /// Never for slices made by [`Table::private`] or the VM's mapping,
    /// which have the right length; a shorter slice is a bug of the caller.
    #[must_use]
    pub fn over(words: &'static [AtomicU64]) -> Table {
        assert!(words.len() >= ENTRIES * WORDS, "ipc table too small");
        Table { words }
    }

    /// A table in this process's memory alone (tests).
    #[must_use]
    pub fn private() -> Table {
        let words: Vec<AtomicU64> = (0..ENTRIES * WORDS).map(|_| AtomicU64::new(0)).collect();
        Table::over(Box::leak(words.into_boxed_slice()))
    }

    fn entry(&self, index: usize) -> &[AtomicU64] {
        &self.words[index * WORDS..(index + 1) * WORDS]
    }

    /// Reads entry `index` if it is published: (token, export).
    fn read(&self, index: usize) -> Option<(u64, Export)> {
        let e = self.entry(index);
        for _ in 0..64 {
            let before = e[0].load(Ordering::Acquire);
            if status_of(before) != PUBLISHED {
                return None;
            }
            let token = e[1].load(Ordering::Relaxed);
            let what = e[2].load(Ordering::Relaxed);
            let key = e[3].load(Ordering::Relaxed);
            let len = e[4].load(Ordering::Relaxed);
            let mut driver = [0u8; 64];
            for (i, chunk) in driver.chunks_exact_mut(8).enumerate() {
                chunk.copy_from_slice(&e[5 + i].load(Ordering::Relaxed).to_le_bytes());
            }
            fence(Ordering::Acquire);
            if e[0].load(Ordering::Relaxed) != before {
                continue;
            }
            let what = What::from_word(what)?;
            return Some((token, Export { what, slot: slot_of(before), key, len, driver }));
        }
        None
    }

    fn guest_handle(index: usize, token: u64, what: What) -> [u8; 64] {
        let mut h = [0u8; 64];
        h[..8].copy_from_slice(MAGIC);
        h[8..16].copy_from_slice(&token.to_le_bytes());
        h[16..20].copy_from_slice(&(index as u32).to_le_bytes());
        h[20..24].copy_from_slice(&(what as u32).to_le_bytes());
        h
    }

    /// Publishes an export of worker `slot` and answers the guest's handle.
    /// Exporting the same thing again answers the same handle.
    ///
    /// # Errors
    /// `CUDA_ERROR_OUT_OF_MEMORY` when the table is full,
    /// `CUDA_ERROR_UNKNOWN` when no random token can be had.
    pub fn publish(&self, slot: usize, what: What, key: u64, len: u64, driver: [u8; 64]) -> Result<[u8; 64], CUresult> {
        for index in 0..ENTRIES {
            if let Some((token, x)) = self.read(index) {
                if x.slot == slot && x.what == what && x.key == key && x.driver == driver {
                    return Ok(Self::guest_handle(index, token, what));
                }
            }
        }
        let token = random_token()?;
        for index in 0..ENTRIES {
            let e = self.entry(index);
            let w = e[0].load(Ordering::Relaxed);
            if status_of(w) != FREE {
                continue;
            }
            let busy = state(w >> 16, slot, BUSY);
            if e[0].compare_exchange(w, busy, Ordering::AcqRel, Ordering::Relaxed).is_err() {
                continue;
            }
            fence(Ordering::Release);
            e[1].store(token, Ordering::Relaxed);
            e[2].store(what as u64, Ordering::Relaxed);
            e[3].store(key, Ordering::Relaxed);
            e[4].store(len, Ordering::Relaxed);
            for (i, chunk) in driver.chunks_exact(8).enumerate() {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                e[5 + i].store(u64::from_le_bytes(b), Ordering::Relaxed);
            }
            e[0].store(state(w >> 16, slot, PUBLISHED), Ordering::Release);
            return Ok(Self::guest_handle(index, token, what));
        }
        log::warn!("the vm's interprocess handle table is full ({ENTRIES} exports alive); refusing another with CUDA_ERROR_OUT_OF_MEMORY");
        Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY)
    }

    /// The export a guest's handle names, if it names a live one of `what`.
    ///
    /// # Errors
    /// `CUDA_ERROR_INVALID_VALUE` for anything else (not cuvm's, another
    /// VM's, forged, of the other kind, or of something freed since).
    pub fn lookup(&self, handle: &[u8; 64], what: What) -> Result<Export, CUresult> {
        let bad = CUresult::CUDA_ERROR_INVALID_VALUE;
        if &handle[..8] != MAGIC || handle[24..].iter().any(|b| *b != 0) {
            return Err(bad);
        }
        let word = |r: std::ops::Range<usize>| handle[r].iter().rev().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let (token, index, kind) = (word(8..16), word(16..20), word(20..24));
        if kind != what as u64 {
            return Err(bad);
        }
        let index = usize::try_from(index).ok().filter(|i| *i < ENTRIES).ok_or(bad)?;
        match self.read(index) {
            Some((t, x)) if t == token && x.what == what => Ok(x),
            _ => Err(bad),
        }
    }

    /// Removes worker `slot`'s exports of `what` with `key`; answers how many.
    pub fn remove(&self, slot: usize, what: What, key: u64) -> usize {
        let mut n = 0;
        for index in 0..ENTRIES {
            let e = self.entry(index);
            let w = e[0].load(Ordering::Acquire);
            if status_of(w) != PUBLISHED || slot_of(w) != slot {
                continue;
            }
            match self.read(index) {
                Some((_, x)) if x.what == what && x.key == key => {
                    if e[0].compare_exchange(w, freed(w), Ordering::AcqRel, Ordering::Relaxed).is_ok() {
                        n += 1;
                    }
                }
                _ => {}
            }
        }
        n
    }

    /// Removes every export of worker `slot` (its session ended, or the
    /// worker died, even mid-publish); answers how many.
    pub fn remove_slot(&self, slot: usize) -> usize {
        let mut n = 0;
        for index in 0..ENTRIES {
            let e = self.entry(index);
            let w = e[0].load(Ordering::Acquire);
            if status_of(w) != FREE && slot_of(w) == slot && e[0].compare_exchange(w, freed(w), Ordering::AcqRel, Ordering::Relaxed).is_ok()
            {
                n += 1;
            }
        }
        n
    }

    /// Exports alive now.
    #[must_use]
    pub fn len(&self) -> usize {
        (0..ENTRIES).filter(|i| status_of(self.entry(*i)[0].load(Ordering::Acquire)) != FREE).count()
    }

    /// Whether none is.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A random non-zero token from the kernel.
fn random_token() -> Result<u64, CUresult> {
    let mut b = [0u8; 8];
    // SAFETY: getrandom writes at most 8 bytes into the buffer.
    let n = unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) };
    if n != 8 {
        log::error!("getrandom failed: {}", std::io::Error::last_os_error());
        return Err(CUresult::CUDA_ERROR_UNKNOWN);
    }
    Ok(u64::from_le_bytes(b) | 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver(n: u8) -> [u8; 64] {
        [n; 64]
    }

    #[test]
    fn a_published_handle_finds_its_export_and_nothing_else() {
        let t = Table::private();
        let h = t.publish(3, What::Memory, 0x7000, 4096, driver(9)).unwrap();
        let x = t.lookup(&h, What::Memory).unwrap();
        assert_eq!((x.slot, x.key, x.len, x.driver), (3, 0x7000, 4096, driver(9)));
        assert_eq!(t.lookup(&h, What::Event), Err(CUresult::CUDA_ERROR_INVALID_VALUE), "not an event");
        // Exporting the same allocation again gives the same handle.
        assert_eq!(t.publish(3, What::Memory, 0x7000, 4096, driver(9)).unwrap(), h);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn forged_and_foreign_handles_are_invalid_value() {
        let (a, b) = (Table::private(), Table::private());
        let h = a.publish(1, What::Memory, 0x7000, 64, driver(1)).unwrap();
        // The same index in another VM's table: its token does not match.
        b.publish(1, What::Memory, 0x7000, 64, driver(1)).unwrap();
        assert_eq!(b.lookup(&h, What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let mut forged = h;
        forged[8] ^= 0x80;
        assert_eq!(a.lookup(&forged, What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let mut far = h;
        far[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(a.lookup(&far, What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let mut junk = h;
        junk[63] = 1;
        assert_eq!(a.lookup(&junk, What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(a.lookup(&[0; 64], What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert_eq!(a.lookup(&driver(1), What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE), "a raw driver handle");
    }

    #[test]
    fn removed_exports_stay_dead_when_their_entry_is_reused() {
        let t = Table::private();
        let h = t.publish(2, What::Memory, 0x7000, 64, driver(1)).unwrap();
        assert_eq!(t.remove(2, What::Memory, 0x8000), 0, "another key");
        assert_eq!(t.remove(5, What::Memory, 0x7000), 0, "another worker's");
        assert_eq!(t.remove(2, What::Memory, 0x7000), 1);
        assert_eq!(t.lookup(&h, What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        let again = t.publish(2, What::Memory, 0x7000, 64, driver(1)).unwrap();
        assert_eq!(again[16..20], h[16..20], "the entry is reused");
        assert_ne!(again, h, "with a new token");
        assert_eq!(t.lookup(&h, What::Memory), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert!(t.lookup(&again, What::Memory).is_ok());
    }

    #[test]
    fn the_table_is_bounded_and_a_slot_is_cleared_at_once() {
        let t = Table::private();
        let mut handles = Vec::new();
        for i in 0..ENTRIES as u64 {
            handles.push(t.publish(1 + (i % 2) as usize, What::Event, i, 0, driver(2)).unwrap());
        }
        assert_eq!(t.publish(3, What::Event, 999, 0, driver(2)), Err(CUresult::CUDA_ERROR_OUT_OF_MEMORY));
        assert_eq!(t.remove_slot(1), ENTRIES / 2);
        assert_eq!(t.len(), ENTRIES / 2);
        assert_eq!(t.lookup(&handles[0], What::Event), Err(CUresult::CUDA_ERROR_INVALID_VALUE));
        assert!(t.lookup(&handles[1], What::Event).is_ok());
        assert!(t.publish(3, What::Event, 999, 0, driver(2)).is_ok());
    }

    #[test]
    fn a_worker_that_died_mid_publish_leaves_nothing_behind() {
        let t = Table::private();
        let e = t.entry(0);
        e[0].store(state(7, 4, BUSY), Ordering::Release);
        assert_eq!(t.len(), 1);
        assert_eq!(t.remove_slot(4), 1);
        assert!(t.is_empty());
    }
}
