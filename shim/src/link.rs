//! The JIT linker. The link state lives on the host; the guest keeps, per
//! link, what the driver would write into the caller's memory: the caller's
//! option arrays and log buffers (which must stay valid for the link's life,
//! by the API's contract) and the linked image, valid until `cuLinkDestroy`.
//! After each input and each completion the guest asks the host for the log
//! text and option values the driver wrote, and copies them in.
//!
//! Options forwarded: `CU_JIT_MAX_REGISTERS`, `THREADS_PER_BLOCK`,
//! `WALL_TIME`, `INFO_LOG_BUFFER(_SIZE_BYTES)`, `ERROR_LOG_BUFFER(_SIZE_BYTES)`,
//! `OPTIMIZATION_LEVEL`, `TARGET_FROM_CUCONTEXT`, `TARGET`,
//! `FALLBACK_STRATEGY`, `GENERATE_DEBUG_INFO`, `LOG_VERBOSE`,
//! `GENERATE_LINE_INFO`, `CACHE_MODE`. Any other known option answers
//! `CUDA_ERROR_NOT_SUPPORTED` (logged once), an unknown one
//! `CUDA_ERROR_INVALID_VALUE`.

use core::ffi::{CStr, c_char, c_uint, c_void};
use std::collections::HashMap;
use std::sync::Mutex;

use cuvm_abi::{CUjit_option as O, CUjitInputType, CUlinkState, CUresult};
use cuvm_wire::{Decoder, Encoder, ops};

use crate::remote::{self, call, call_bulk, non_null, protocol};

/// Options one call may carry (the host's limit too).
const MAX_OPTIONS: c_uint = 64;
/// The largest input or image (the host's limit for module images).
const MAX_IMAGE: usize = 1 << 30;
/// The longest input name sent (the host accepts 4096 bytes).
const MAX_NAME: usize = 1024;

const FORWARDED: [O; 15] = [
    O::CU_JIT_MAX_REGISTERS,
    O::CU_JIT_THREADS_PER_BLOCK,
    O::CU_JIT_WALL_TIME,
    O::CU_JIT_INFO_LOG_BUFFER,
    O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
    O::CU_JIT_ERROR_LOG_BUFFER,
    O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
    O::CU_JIT_OPTIMIZATION_LEVEL,
    O::CU_JIT_TARGET_FROM_CUCONTEXT,
    O::CU_JIT_TARGET,
    O::CU_JIT_FALLBACK_STRATEGY,
    O::CU_JIT_GENERATE_DEBUG_INFO,
    O::CU_JIT_LOG_VERBOSE,
    O::CU_JIT_GENERATE_LINE_INFO,
    O::CU_JIT_CACHE_MODE,
];

/// Options whose value points into the caller's memory.
const POINTERS: [O; 3] = [O::CU_JIT_WALL_TIME, O::CU_JIT_INFO_LOG_BUFFER, O::CU_JIT_ERROR_LOG_BUFFER];

/// Options the driver writes back (4-byte values: sizes, a float).
const OUTPUTS: [O; 4] =
    [O::CU_JIT_WALL_TIME, O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, O::CU_JIT_THREADS_PER_BLOCK];

/// The caller's option arrays (addresses; they outlive the link).
#[derive(Debug, Default, Clone)]
struct Options {
    options: Vec<O>,
    /// Address of the caller's `optionValues` array.
    values: usize,
}

impl Options {
    /// The value given for `which` (the last one if repeated).
    fn value(&self, which: O) -> Option<u64> {
        let i = self.options.iter().rposition(|o| *o == which)?;
        // SAFETY: `values` holds one word per option, by the caller's contract.
        Some(unsafe { *(self.values as *const u64).add(i) })
    }

    /// Writes back the output values the host reported, 4 bytes each (the
    /// options' C types are `unsigned int` and `float`).
    fn write_outputs(&self, reported: &[u64]) {
        for (i, (o, v)) in self.options.iter().zip(reported).enumerate() {
            if OUTPUTS.contains(o) {
                // SAFETY: slot i of the caller's array, valid by contract.
                unsafe { (self.values as *mut u64).add(i).cast::<u32>().write_unaligned(u32::try_from(*v & 0xffff_ffff).unwrap_or(0)) };
            }
        }
    }
}

/// What the guest keeps of a link.
#[derive(Debug, Default)]
struct Link {
    created: Options,
    /// The linked image, 8-byte aligned, valid until the link is destroyed.
    image: Vec<u64>,
}

static LINKS: Mutex<Option<HashMap<u64, Link>>> = Mutex::new(None);

fn links<R>(f: impl FnOnce(&mut HashMap<u64, Link>) -> R) -> R {
    let mut g = LINKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(g.get_or_insert_with(HashMap::new))
}

/// Checks and encodes [count u32, (option u32, value u64)*].
///
/// # Safety
/// `options` and `values` hold `n` entries when `n > 0`.
unsafe fn encode_options(
    e: &mut Encoder,
    n: c_uint,
    options: *mut O,
    values: *mut *mut c_void,
    for_input: bool,
) -> Result<Options, CUresult> {
    if n == 0 {
        e.u32(0);
        return Ok(Options::default());
    }
    if options.is_null() || values.is_null() || n > MAX_OPTIONS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: n entries each, by the caller's contract.
    let (opts, vals) = unsafe { (std::slice::from_raw_parts(options, n as usize), std::slice::from_raw_parts(values, n as usize)) };
    e.u32(n);
    for (o, v) in opts.iter().zip(vals) {
        if o.0 >= O::CU_JIT_NUM_OPTIONS.0 || (for_input && POINTERS.contains(o)) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        if !FORWARDED.contains(o) {
            return Err(unsupported_option(*o));
        }
        e.u32(o.0).u64(if POINTERS.contains(o) { 0 } else { *v as usize as u64 });
    }
    Ok(Options { options: opts.to_vec(), values: values as usize })
}

fn unsupported_option(o: O) -> CUresult {
    static REPORTED: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    let first = REPORTED
        .lock()
        .map(|mut r| {
            let new = !r.contains(&o.0);
            if new {
                r.push(o.0);
            }
            new
        })
        .unwrap_or(false);
    if first {
        log::warn!("JIT option {} is not forwarded by cuvm; the call returns CUDA_ERROR_NOT_SUPPORTED", o.0);
    }
    CUresult::CUDA_ERROR_NOT_SUPPORTED
}

/// `cuLinkCreate(_v2)`.
///
/// # Safety
/// The driver's contract: option arrays of `n` entries that stay valid for
/// the link's life when output options are used; `state` null or writable.
pub unsafe fn create(n: c_uint, options: *mut O, values: *mut *mut c_void, state: *mut CUlinkState) -> CUresult {
    remote::done((|| {
        let state = non_null(state)?;
        let mut e = Encoder::new();
        // SAFETY: forwarded contract.
        let created = unsafe { encode_options(&mut e, n, options, values, false)? };
        let id = call(ops::cuLinkCreate_v2, &e)?.decoder().u64().map_err(protocol)?;
        links(|m| m.insert(id, Link { created, ..Link::default() }));
        // SAFETY: checked non-null.
        unsafe { remote::write(state, id as usize as CUlinkState) };
        Ok(())
    })())
}

fn known(state: CUlinkState) -> Result<u64, CUresult> {
    let id = state as usize as u64;
    if links(|m| m.contains_key(&id)) { Ok(id) } else { Err(CUresult::CUDA_ERROR_INVALID_HANDLE) }
}

/// Copies `text` into the caller's log buffer of `size` bytes, NUL
/// terminated, as far as it fits.
fn copy_log(created: &Options, buffer: O, size: O, text: &[u8]) {
    let (Some(p), Some(size)) = (created.value(buffer), created.value(size)) else { return };
    let size = (size as u32) as usize;
    if p == 0 || size == 0 {
        return;
    }
    let n = text.len().min(size - 1);
    // SAFETY: the caller's buffer of `size` bytes, valid for the link's life.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), p as usize as *mut u8, n);
        (p as usize as *mut u8).add(n).write(0);
    }
}

/// Brings the logs and output values of link `id` into the caller's memory.
fn sync_logs(id: u64) -> Result<(), CUresult> {
    let Some(created) = links(|m| m.get(&id).map(|l| l.created.clone())) else { return Ok(()) };
    if created.options.is_empty() {
        return Ok(());
    }
    let mut e = Encoder::new();
    e.u64(id);
    let r = call(ops::CUVM_LINK_LOGS, &e)?;
    let mut d = r.decoder();
    let info = d.bytes(1 << 20).map_err(protocol)?;
    let error = d.bytes(1 << 20).map_err(protocol)?;
    let values = read_values(&mut d, created.options.len())?;
    copy_log(&created, O::CU_JIT_INFO_LOG_BUFFER, O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, info);
    copy_log(&created, O::CU_JIT_ERROR_LOG_BUFFER, O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, error);
    created.write_outputs(&values);
    Ok(())
}

fn read_values(d: &mut Decoder<'_>, expected: usize) -> Result<Vec<u64>, CUresult> {
    let n = d.u32().map_err(protocol)? as usize;
    if n != expected {
        return Err(protocol(cuvm_wire::DecodeError::Invalid("option value count")));
    }
    (0..n).map(|_| d.u64().map_err(protocol)).collect()
}

/// Sends one input.
///
/// # Safety
/// Option arrays of `n` entries.
unsafe fn add(
    state: CUlinkState,
    kind: CUjitInputType,
    data: &[u8],
    name: &str,
    n: c_uint,
    options: *mut O,
    values: *mut *mut c_void,
) -> Result<(), CUresult> {
    let id = known(state)?;
    if data.is_empty() || data.len() > MAX_IMAGE {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    let name: String = name.chars().take(MAX_NAME / 4).collect();
    let mut e = Encoder::new();
    e.u64(id).u32(kind.0).str(&name);
    // SAFETY: forwarded contract.
    let per_input = unsafe { encode_options(&mut e, n, options, values, true)? };
    e.u64(data.len() as u64);
    let r = call_bulk(ops::cuLinkAddData_v2, &e, Some(data), None);
    let logs = sync_logs(id);
    let r = r?;
    per_input.write_outputs(&read_values(&mut r.decoder(), per_input.options.len())?);
    logs
}

/// `cuLinkAddData(_v2)`.
///
/// # Safety
/// The driver's contract: `data` holds `size` bytes; `name` null or a C
/// string; option arrays of `n` entries.
#[allow(clippy::too_many_arguments)]
pub unsafe fn add_data(
    state: CUlinkState,
    kind: CUjitInputType,
    data: *mut c_void,
    size: usize,
    name: *const c_char,
    n: c_uint,
    options: *mut O,
    values: *mut *mut c_void,
) -> CUresult {
    remote::done((|| {
        if data.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: `size` bytes at `data`, by the caller's contract.
        let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size) };
        // SAFETY: a C string when non-null.
        let name = if name.is_null() { String::new() } else { unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned() };
        // SAFETY: forwarded contract.
        unsafe { add(state, kind, bytes, &name, n, options, values) }
    })())
}

/// `cuLinkAddFile(_v2)`: the file is read here, in the guest, and sent as
/// data (PTX gets its NUL terminator if the file lacks one).
///
/// # Safety
/// `path` null or a C string; option arrays of `n` entries.
pub unsafe fn add_file(
    state: CUlinkState,
    kind: CUjitInputType,
    path: *const c_char,
    n: c_uint,
    options: *mut O,
    values: *mut *mut c_void,
) -> CUresult {
    remote::done((|| {
        known(state)?;
        if path.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: a C string by the caller's contract.
        let path = unsafe { CStr::from_ptr(path) }.to_string_lossy().into_owned();
        let mut bytes = std::fs::read(&path).map_err(|_| CUresult::CUDA_ERROR_FILE_NOT_FOUND)?;
        if kind == CUjitInputType::CU_JIT_INPUT_PTX && bytes.last() != Some(&0) {
            bytes.push(0);
        }
        // SAFETY: forwarded contract.
        unsafe { add(state, kind, &bytes, &path, n, options, values) }
    })())
}

/// `cuLinkComplete`: the image comes to the guest and stays in the link.
///
/// # Safety
/// `cubin` null or writable; `size` null or writable.
pub unsafe fn complete(state: CUlinkState, cubin: *mut *mut c_void, size: *mut usize) -> CUresult {
    remote::done((|| {
        let cubin = non_null(cubin)?;
        let id = known(state)?;
        let mut e = Encoder::new();
        e.u64(id);
        let r = call(ops::cuLinkComplete, &e);
        let logs = sync_logs(id);
        let len = r?.decoder().u64().map_err(protocol)?;
        let len = usize::try_from(len).ok().filter(|l| *l > 0 && *l <= MAX_IMAGE).ok_or(CUresult::CUDA_ERROR_UNKNOWN)?;
        let mut image = vec![0u64; len.div_ceil(8)];
        {
            // SAFETY: `image` holds at least `len` bytes.
            let sink = unsafe { std::slice::from_raw_parts_mut(image.as_mut_ptr().cast::<u8>(), len) };
            let mut e = Encoder::new();
            e.u64(id).u64(len as u64);
            call_bulk(ops::CUVM_LINK_IMAGE, &e, None, Some(sink))?;
        }
        let p = links(|m| {
            m.get_mut(&id).map(|l| {
                l.image = image;
                l.image.as_mut_ptr().cast::<c_void>()
            })
        })
        .ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        // SAFETY: checked non-null; `size` only when non-null.
        unsafe {
            remote::write(cubin, p);
            if !size.is_null() {
                remote::write(size, len);
            }
        }
        logs
    })())
}

/// `cuLinkDestroy`: the image the guest kept goes with it.
pub fn destroy(state: CUlinkState) -> CUresult {
    remote::done((|| {
        let id = known(state)?;
        let mut e = Encoder::new();
        e.u64(id);
        call(ops::cuLinkDestroy, &e)?;
        links(|m| m.remove(&id));
        Ok(())
    })())
}
