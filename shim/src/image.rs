//! Sizing module images, which the driver API passes as bare pointers:
//! PTX (NUL-terminated text), cubin (ELF: the furthest of its header tables,
//! sections and segments), fatbin containers (header size + payload size,
//! following a run of back-to-back containers to the exact end of the last),
//! and the fatbin wrapper that nvcc emits (which points at the containers).
//! Bytes past an image are read only after checking the page is mapped.

use core::ffi::c_void;

/// The fatbin container magic.
pub const FATBIN_MAGIC: u32 = 0xBA55_ED50;
/// The fatbin wrapper magic (`__fatBinC_Wrapper_t`).
pub const WRAPPER_MAGIC: u32 = 0x4662_43B1;
/// The largest image cuvm sizes (the host refuses larger ones too).
pub const MAX_IMAGE: usize = 1 << 30;

/// What an image is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PTX text.
    Ptx,
    /// An ELF cubin.
    Elf,
    /// One or more fatbin containers.
    Fatbin,
}

/// Whether `len` bytes at `addr` are mapped (only the pages not already
/// known to be mapped are probed, with mincore).
fn mapped(addr: usize, len: usize) -> bool {
    const PAGE: usize = 4096;
    let first = addr & !(PAGE - 1);
    let last = (addr + len.max(1) - 1) & !(PAGE - 1);
    let mut page = first;
    while page <= last {
        let mut vec = 0u8;
        // SAFETY: mincore reads no memory; it fails with ENOMEM for an
        // unmapped page.
        let r = unsafe { libc::mincore(page as *mut c_void, PAGE, &mut vec) };
        if r != 0 {
            return false;
        }
        page += PAGE;
    }
    true
}

/// Reads a little-endian u32 at `p + off`.
///
/// # Safety
/// The 4 bytes are readable.
unsafe fn u32_at(p: *const u8, off: usize) -> u32 {
    // SAFETY: the caller's contract.
    u32::from_le_bytes(unsafe { std::ptr::read_unaligned(p.add(off).cast::<[u8; 4]>()) })
}

/// # Safety
/// The 8 bytes are readable.
unsafe fn u64_at(p: *const u8, off: usize) -> u64 {
    // SAFETY: the caller's contract.
    u64::from_le_bytes(unsafe { std::ptr::read_unaligned(p.add(off).cast::<[u8; 8]>()) })
}

/// # Safety
/// The 2 bytes are readable.
unsafe fn u16_at(p: *const u8, off: usize) -> u16 {
    // SAFETY: the caller's contract.
    u16::from_le_bytes(unsafe { std::ptr::read_unaligned(p.add(off).cast::<[u8; 2]>()) })
}

/// Sizes the image at `image`: returns where it really starts (a wrapper
/// points elsewhere), its kind and its length.
///
/// # Safety
/// `image` points at a PTX, ELF, fatbin or fatbin-wrapper image, as the
/// driver API requires.
pub unsafe fn size(image: *const c_void) -> Option<(*const u8, Kind, usize)> {
    let p = image.cast::<u8>();
    if p.is_null() || !mapped(p as usize, 16) {
        return None;
    }
    // SAFETY: 16 bytes are mapped (checked above); each read is inside them
    // or checked by `mapped` first.
    unsafe {
        let magic = u32_at(p, 0);
        if magic == WRAPPER_MAGIC {
            let data = u64_at(p, 8) as usize as *const c_void;
            if data.cast::<u8>() == p {
                return None;
            }
            return size(data);
        }
        if magic == FATBIN_MAGIC {
            let mut total = 0usize;
            loop {
                let at = p.add(total);
                let header = usize::from(u16_at(at, 6));
                let payload = usize::try_from(u64_at(at, 8)).ok()?;
                let len = header.checked_add(payload)?;
                total = total.checked_add(len)?;
                if total > MAX_IMAGE {
                    return None;
                }
                // Another container follows directly (8-byte aligned)?
                let next = total.next_multiple_of(8);
                if !mapped(p as usize + next, 16) || u32_at(p, next) != FATBIN_MAGIC {
                    return Some((p, Kind::Fatbin, total));
                }
                total = next;
            }
        }
        if &*std::ptr::slice_from_raw_parts(p, 4) == b"\x7fELF" {
            if *p.add(4) != 2 || !mapped(p as usize, 64) {
                return None; // only 64-bit cubins exist for current GPUs
            }
            let phoff = usize::try_from(u64_at(p, 0x20)).ok()?;
            let shoff = usize::try_from(u64_at(p, 0x28)).ok()?;
            let phentsize = usize::from(u16_at(p, 0x36));
            let phnum = usize::from(u16_at(p, 0x38));
            let shentsize = usize::from(u16_at(p, 0x3a));
            let shnum = usize::from(u16_at(p, 0x3c));
            let mut end = 64usize.max(phoff + phnum * phentsize).max(shoff + shnum * shentsize);
            if end > MAX_IMAGE || !mapped(p as usize, end) {
                return None;
            }
            for i in 0..shnum {
                let sh = shoff + i * shentsize;
                const SHT_NOBITS: u32 = 8;
                if u32_at(p, sh + 4) != SHT_NOBITS {
                    end = end.max(usize::try_from(u64_at(p, sh + 0x18)).ok()? + usize::try_from(u64_at(p, sh + 0x20)).ok()?);
                }
            }
            for i in 0..phnum {
                let ph = phoff + i * phentsize;
                end = end.max(usize::try_from(u64_at(p, ph + 8)).ok()? + usize::try_from(u64_at(p, ph + 0x20)).ok()?);
            }
            return (end <= MAX_IMAGE && mapped(p as usize, end)).then_some((p, Kind::Elf, end));
        }
        // PTX: text up to its terminating NUL, which is sent too.
        let mut len = 0usize;
        loop {
            if len % 4096 == 0 && !mapped(p as usize + len, 1) {
                return None;
            }
            if *p.add(len) == 0 {
                return Some((p, Kind::Ptx, len + 1));
            }
            len += 1;
            if len > MAX_IMAGE {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fatbin(payload: usize) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&FATBIN_MAGIC.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes());
        v.extend_from_slice(&16u16.to_le_bytes());
        v.extend_from_slice(&(payload as u64).to_le_bytes());
        v.resize(16 + payload, 0xab);
        v
    }

    #[test]
    fn ptx_is_sized_to_its_terminator() {
        let ptx = b".version 8.0\n.target sm_90\0garbage";
        // SAFETY: a valid image.
        let (_, kind, len) = unsafe { size(ptx.as_ptr().cast()) }.unwrap();
        assert_eq!((kind, len), (Kind::Ptx, 27));
    }

    #[test]
    fn back_to_back_fatbins_are_one_run_ending_exactly_at_the_last() {
        let mut img = fatbin(40);
        img.resize(img.len().next_multiple_of(8), 0);
        let second = img.len();
        img.extend(fatbin(24));
        let end = img.len();
        img.extend_from_slice(&[0u8; 64]);
        // SAFETY: a valid image.
        let (_, kind, len) = unsafe { size(img.as_ptr().cast()) }.unwrap();
        assert_eq!((kind, len), (Kind::Fatbin, end));
        assert!(len > second);
    }

    #[test]
    fn wrapper_points_at_its_fatbin() {
        let inner = fatbin(8);
        let mut w = Vec::new();
        w.extend_from_slice(&WRAPPER_MAGIC.to_le_bytes());
        w.extend_from_slice(&1u32.to_le_bytes());
        w.extend_from_slice(&(inner.as_ptr() as u64).to_le_bytes());
        w.extend_from_slice(&0u64.to_le_bytes());
        // SAFETY: a valid wrapper.
        let (start, kind, len) = unsafe { size(w.as_ptr().cast()) }.unwrap();
        assert_eq!((start, kind, len), (inner.as_ptr(), Kind::Fatbin, 24));
    }

    #[test]
    fn elf_extent_is_the_furthest_table_or_section() {
        let mut elf = vec![0u8; 0x200];
        elf[..4].copy_from_slice(b"\x7fELF");
        elf[4] = 2;
        // one section header at 0x100 (entsize 64), section data to 0x1f0;
        // program headers last, at 0x1c0 (one of 56 bytes) -> end 0x1f8.
        elf[0x20..0x28].copy_from_slice(&0x1c0u64.to_le_bytes());
        elf[0x28..0x30].copy_from_slice(&0x100u64.to_le_bytes());
        elf[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        elf[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
        elf[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        elf[0x3c..0x3e].copy_from_slice(&1u16.to_le_bytes());
        elf[0x100 + 4..0x100 + 8].copy_from_slice(&1u32.to_le_bytes());
        elf[0x100 + 0x18..0x100 + 0x20].copy_from_slice(&0x150u64.to_le_bytes());
        elf[0x100 + 0x20..0x100 + 0x28].copy_from_slice(&0xa0u64.to_le_bytes());
        // SAFETY: a valid image.
        let (_, kind, len) = unsafe { size(elf.as_ptr().cast()) }.unwrap();
        assert_eq!((kind, len), (Kind::Elf, 0x1f8));
    }

    #[test]
    fn null_is_not_an_image() {
        // SAFETY: null is checked.
        assert!(unsafe { size(std::ptr::null()) }.is_none());
    }
}
