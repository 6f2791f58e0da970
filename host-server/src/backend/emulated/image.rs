//! Reading module images for the emulated backend: PTX text, ELF cubins
//! (kernels are the global functions marked as CUDA entries; each one's
//! parameter layout is in its `.nv.info.<name>` section, attribute
//! `KPARAM_INFO`), and fatbin containers (a run of them; entries may be
//! zstd-compressed), from which the best cubin, else the PTX, is taken.

use object::{Object, ObjectSection, ObjectSymbol};

use super::ptx::{Entry, Global, Module};
use crate::backend::ParamInfo;

const FATBIN_MAGIC: u32 = 0xBA55_ED50;
/// `.nv.info` attribute: one kernel parameter.
const EIATTR_KPARAM_INFO: u8 = 0x17;
/// `.nv.info` format: a value with a 16-bit size.
const EIFMT_SVAL: u8 = 4;
/// `st_other` bit of a CUDA kernel entry.
const STO_CUDA_ENTRY: u8 = 0x10;
/// Fatbin entry flag: the payload is zstd-compressed.
const FLAG_ZSTD: u32 = 0x8000;
/// The largest decompressed payload accepted.
const MAX_PAYLOAD: u64 = 1 << 30;

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?))
}

/// Parses any module image.
///
/// # Errors
/// A message saying what is wrong with the image.
pub fn parse(image: &[u8]) -> Result<Module, String> {
    if u32_at(image, 0) == Some(FATBIN_MAGIC) {
        return fatbin(image);
    }
    if image.starts_with(b"\x7fELF") {
        return cubin(image);
    }
    let text = image.split(|b| *b == 0).next().unwrap_or(&[]);
    super::ptx::parse(std::str::from_utf8(text).map_err(|_| "neither PTX, ELF nor fatbin")?)
}

/// Kernels, parameters and globals of a cubin.
///
/// # Errors
/// A message for a malformed ELF.
pub fn cubin(image: &[u8]) -> Result<Module, String> {
    let file = object::File::parse(image).map_err(|e| format!("bad cubin: {e}"))?;
    let mut module = Module::default();
    for sym in file.symbols() {
        let Ok(name) = sym.name() else { continue };
        let other = match sym.flags() {
            object::SymbolFlags::Elf { st_other, .. } => st_other,
            _ => 0,
        };
        if sym.kind() == object::SymbolKind::Text && sym.is_global() && other & STO_CUDA_ENTRY != 0 {
            let params = file
                .section_by_name(&format!(".nv.info.{name}"))
                .and_then(|s| s.data().ok())
                .map(kernel_params)
                .transpose()?
                .unwrap_or_default();
            module.entries.push(Entry { name: name.to_string(), params });
        } else if sym.kind() == object::SymbolKind::Data && sym.is_global() && sym.is_definition() {
            module.globals.push(Global { name: name.to_string(), size: sym.size() });
        }
    }
    Ok(module)
}

/// The parameters described by a kernel's `.nv.info.<name>` section.
fn kernel_params(info: &[u8]) -> Result<Vec<ParamInfo>, String> {
    let mut params: Vec<(u16, ParamInfo)> = Vec::new();
    let mut i = 0;
    while i + 2 <= info.len() {
        let (format, attr) = (info[i], info[i + 1]);
        let len = match format {
            1 => 0,
            2 | 3 => 2,
            EIFMT_SVAL => usize::from(u16_at(info, i + 2).ok_or("truncated .nv.info")?) + 2,
            other => return Err(format!("unknown .nv.info format {other}")),
        };
        let payload = info.get(i + 2..i + 2 + len).ok_or("truncated .nv.info")?;
        if format == EIFMT_SVAL && attr == EIATTR_KPARAM_INFO {
            let body = &payload[2..];
            let ordinal = u16_at(body, 4).ok_or("short KPARAM_INFO")?;
            let offset = u16_at(body, 6).ok_or("short KPARAM_INFO")?;
            let flags = u32_at(body, 8).ok_or("short KPARAM_INFO")?;
            params.push((ordinal, ParamInfo { offset: u32::from(offset), size: flags >> 18 }));
        }
        i += 2 + len;
    }
    params.sort_by_key(|(ordinal, _)| *ordinal);
    Ok(params.into_iter().map(|(_, p)| p).collect())
}

/// The best image in a run of fatbin containers.
///
/// # Errors
/// A message for a malformed container or entry.
pub fn fatbin(image: &[u8]) -> Result<Module, String> {
    // (kind, arch, payload)
    let mut best: Option<(u16, u32, Vec<u8>)> = None;
    let mut at = 0usize;
    while u32_at(image, at) == Some(FATBIN_MAGIC) {
        let header = usize::from(u16_at(image, at + 6).ok_or("short fatbin header")?);
        let size = usize::try_from(u64_at(image, at + 8).ok_or("short fatbin header")?).map_err(|_| "fatbin too large")?;
        let end =
            at.checked_add(header).and_then(|v| v.checked_add(size)).filter(|e| *e <= image.len()).ok_or("fatbin overruns the image")?;
        let mut e = at + header;
        while e + 64 <= end {
            let kind = u16_at(image, e).ok_or("short entry")?;
            let entry_header = usize::try_from(u32_at(image, e + 4).ok_or("short entry")?).map_err(|_| "bad entry")?;
            let payload = usize::try_from(u64_at(image, e + 8).ok_or("short entry")?).map_err(|_| "bad entry")?;
            let compressed = u32_at(image, e + 16).ok_or("short entry")?;
            let arch = u32_at(image, e + 28).ok_or("short entry")?;
            let flags = u32_at(image, e + 40).ok_or("short entry")?;
            let data_start = e.checked_add(entry_header).ok_or("bad entry")?;
            let data_end = data_start.checked_add(payload).filter(|d| *d <= end).ok_or("entry overruns its container")?;
            let raw = &image[data_start..data_end];
            let data = if flags & FLAG_ZSTD != 0 {
                let uncompressed = u64_at(image, e + 56).ok_or("short entry")?;
                if uncompressed > MAX_PAYLOAD {
                    return Err("compressed entry too large".into());
                }
                let used = usize::try_from(compressed).unwrap_or(raw.len()).min(raw.len());
                let mut out = Vec::new();
                let decoder = ruzstd::decoding::StreamingDecoder::new(&raw[..used]).map_err(|e| format!("zstd: {e}"))?;
                // Never more than the entry says it holds (a guest's image is untrusted).
                std::io::Read::read_to_end(&mut std::io::Read::take(decoder, uncompressed), &mut out).map_err(|e| format!("zstd: {e}"))?;
                out
            } else {
                raw.to_vec()
            };
            // Prefer a cubin (kind 2), then the newest architecture.
            let better = best.as_ref().is_none_or(|(k, a, _)| (kind == 2, arch) > (*k == 2, *a));
            if matches!(kind, 1 | 2) && better {
                best = Some((kind, arch, data));
            }
            e = data_end;
        }
        at = end.next_multiple_of(8);
    }
    match best {
        Some((2, _, elf)) => cubin(&elf),
        Some((_, _, ptx)) => parse(&ptx),
        None => Err("fatbin holds no PTX or cubin".into()),
    }
}
