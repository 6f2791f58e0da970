//! The JIT linker (`cuLink*`): the link session lives on the host; inputs
//! travel as data (files are read here, in the guest); the logs the host's
//! driver writes come back after each input and at completion and are
//! copied into the caller's log buffers; the linked image is fetched and
//! kept here until `cuLinkDestroy`, as the driver keeps its own.

use core::ffi::{CStr, c_char, c_uint, c_void};
use std::collections::HashMap;
use std::sync::Mutex;

use cuvm_abi::{CUjit_option, CUjitInputType, CUlinkState, CUresult};
use cuvm_wire::{Decoder, Encoder, ops};

use crate::remote::{self, call, call_bulk, non_null, protocol};

const THREADS_PER_BLOCK: u32 = cuvm_abi::CUjit_option::CU_JIT_THREADS_PER_BLOCK.0;
const WALL_TIME: u32 = cuvm_abi::CUjit_option::CU_JIT_WALL_TIME.0;
const INFO_LOG_BUFFER: u32 = cuvm_abi::CUjit_option::CU_JIT_INFO_LOG_BUFFER.0;
const INFO_LOG_BUFFER_SIZE_BYTES: u32 = cuvm_abi::CUjit_option::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES.0;
const ERROR_LOG_BUFFER: u32 = cuvm_abi::CUjit_option::CU_JIT_ERROR_LOG_BUFFER.0;
const ERROR_LOG_BUFFER_SIZE_BYTES: u32 = cuvm_abi::CUjit_option::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES.0;
/// Options carried to the host as plain values (as `api/link.rs`).
const PLAIN_OPTIONS: [u32; 11] = [0, 1, 2, 7, 8, 9, 10, 11, 12, 13, 14];
/// Largest log buffer size passed on (the host's limit).
const MAX_LOG: usize = 1 << 20;

/// The caller's buffers and option slots of one link session (addresses).
#[derive(Default)]
struct GuestLink {
    info: (usize, usize),
    error: (usize, usize),
    /// Option-value slots the driver overwrites: (option, slot address).
    outputs: Vec<(u32, usize)>,
    image: Vec<u8>,
}

static LINKS: Mutex<Option<HashMap<u64, GuestLink>>> = Mutex::new(None);

fn with_links<R>(f: impl FnOnce(&mut HashMap<u64, GuestLink>) -> R) -> R {
    let mut g = LINKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(g.get_or_insert_with(HashMap::new))
}

/// Logs and outputs from a reply: [result u32, info, error, wall f32 bits,
/// threads u32], copied into the session's buffers; the option slots are
/// written when `complete`.
fn take_logs(id: u64, d: &mut Decoder<'_>, complete: bool) -> Result<CUresult, CUresult> {
    let code = CUresult(d.u32().map_err(protocol)?);
    let info = d.bytes(MAX_LOG).map_err(protocol)?.to_vec();
    let error = d.bytes(MAX_LOG).map_err(protocol)?.to_vec();
    let (wall, threads) = (d.u32().map_err(protocol)?, d.u32().map_err(protocol)?);
    with_links(|links| {
        let Some(l) = links.get(&id) else { return };
        let mut filled = [0usize; 2];
        for (k, ((buf, cap), text)) in [(l.info, &info), (l.error, &error)].into_iter().enumerate() {
            if buf != 0 && cap > 0 {
                let n = text.len().min(cap - 1);
                // SAFETY: the caller's log buffer of `cap` bytes, given at
                // cuLinkCreate and valid for the session, as the driver requires.
                unsafe {
                    std::ptr::copy_nonoverlapping(text.as_ptr(), buf as *mut u8, n);
                    *(buf as *mut u8).add(n) = 0;
                }
                filled[k] = if n > 0 { n + 1 } else { 0 };
            }
        }
        if complete {
            for (option, slot) in &l.outputs {
                let v: usize = match *option {
                    WALL_TIME => wall as usize,
                    THREADS_PER_BLOCK => threads as usize,
                    INFO_LOG_BUFFER_SIZE_BYTES => filled[0],
                    _ => filled[1],
                };
                // SAFETY: the caller's option-value slot, which the driver
                // also overwrites with these outputs.
                unsafe { (*slot as *mut usize).write(v) };
            }
        }
    });
    Ok(code)
}

/// `cuLinkCreate(_v2)`.
///
/// # Safety
/// `options` and `values` hold `n` entries; log buffers are valid for
/// their sizes while the session lives.
pub unsafe fn create(n: c_uint, options: *mut CUjit_option, values: *mut *mut c_void, out: *mut CUlinkState) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        if n > 0 && (options.is_null() || values.is_null()) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut guest = GuestLink::default();
        let mut plain = Vec::new();
        for i in 0..n as usize {
            // SAFETY: `n` entries by contract.
            let (o, v) = unsafe { ((*options.add(i)).0, *values.add(i)) };
            // SAFETY: `n` entries by contract.
            let slot = unsafe { values.add(i) } as usize;
            match o {
                INFO_LOG_BUFFER => guest.info.0 = v as usize,
                INFO_LOG_BUFFER_SIZE_BYTES => {
                    guest.info.1 = (v as usize).min(MAX_LOG);
                    guest.outputs.push((o, slot));
                }
                ERROR_LOG_BUFFER => guest.error.0 = v as usize,
                ERROR_LOG_BUFFER_SIZE_BYTES => {
                    guest.error.1 = (v as usize).min(MAX_LOG);
                    guest.outputs.push((o, slot));
                }
                o if PLAIN_OPTIONS.contains(&o) => {
                    if o == WALL_TIME || o == THREADS_PER_BLOCK {
                        guest.outputs.push((o, slot));
                    }
                    plain.push((o, v as usize as u64));
                }
                _ => {
                    crate::driver::log_unsupported_once("cuLinkCreate", &format!("JIT option {o} is not carried by cuvm"));
                    return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
                }
            }
        }
        let cap = |(buf, cap): (usize, usize)| if buf == 0 { 0 } else { cap as u32 };
        let mut e = Encoder::new();
        e.u32(plain.len() as u32);
        for (o, v) in &plain {
            e.u32(*o).u64(*v);
        }
        e.u32(cap(guest.info)).u32(cap(guest.error));
        let id = call(ops::cuLinkCreate_v2, &e)?.decoder().u64().map_err(protocol)?;
        with_links(|links| links.insert(id, guest));
        // SAFETY: checked non-null.
        unsafe { remote::write(out, id as usize as CUlinkState) };
        Ok(())
    })())
}

fn add_bytes(state: CUlinkState, kind: CUjitInputType, data: &[u8], name: &str) -> CUresult {
    remote::done((|| {
        let id = state as usize as u64;
        if id == 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        if data.is_empty() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let mut e = Encoder::new();
        e.u64(id).u32(kind.0).str(name).u64(data.len() as u64);
        let r = call_bulk(ops::cuLinkAddData_v2, &e, Some(data), None)?;
        let code = take_logs(id, &mut r.decoder(), false)?;
        if code == CUresult::CUDA_SUCCESS { Ok(()) } else { Err(code) }
    })())
}

fn no_input_options(n: c_uint) -> Result<(), CUresult> {
    if n > 0 {
        crate::driver::log_unsupported_once("cuLinkAddData", "JIT options given with one input are not carried by cuvm (give them to cuLinkCreate)");
        return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
    }
    Ok(())
}

/// `cuLinkAddData(_v2)`.
///
/// # Safety
/// `data` holds `size` bytes; `name` is null or a C string.
pub unsafe fn add_data(state: CUlinkState, kind: CUjitInputType, data: *mut c_void, size: usize, name: *const c_char, n: c_uint) -> CUresult {
    if let Err(e) = no_input_options(n) {
        return e;
    }
    if data.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: `size` bytes by contract.
    let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size) };
    // SAFETY: null or a C string by contract.
    let name = if name.is_null() { String::new() } else { unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned() };
    add_bytes(state, kind, bytes, &name)
}

/// `cuLinkAddFile(_v2)`: the file is read here.
///
/// # Safety
/// `path` is null or a C string.
pub unsafe fn add_file(state: CUlinkState, kind: CUjitInputType, path: *const c_char, n: c_uint) -> CUresult {
    if let Err(e) = no_input_options(n) {
        return e;
    }
    let bytes = match crate::module::read_image_file(path) {
        Ok(b) => b,
        Err(e) => return e,
    };
    // SAFETY: non-null (read_image_file checked it), a C string by contract.
    let name = unsafe { CStr::from_ptr(path) }.to_string_lossy().into_owned();
    add_bytes(state, kind, &bytes, &name)
}

/// `cuLinkComplete`: the image stays valid until `cuLinkDestroy`.
///
/// # Safety
/// `out` and `size` null or valid.
pub unsafe fn complete(state: CUlinkState, out: *mut *mut c_void, size: *mut usize) -> CUresult {
    remote::done((|| {
        let (out, size) = (non_null(out)?, non_null(size)?);
        let id = state as usize as u64;
        if id == 0 {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        let mut e = Encoder::new();
        e.u64(id);
        let r = call(ops::cuLinkComplete, &e)?;
        let mut d = r.decoder();
        let code = take_logs(id, &mut d, true)?;
        let len = d.u64().map_err(protocol)?;
        if code != CUresult::CUDA_SUCCESS {
            return Err(code);
        }
        let mut image = vec![0u8; usize::try_from(len).map_err(|_| CUresult::CUDA_ERROR_OUT_OF_MEMORY)?];
        call_bulk(ops::CUVM_LINK_IMAGE, &e, None, Some(&mut image))?;
        let p = with_links(|links| {
            links.get_mut(&id).map(|l| {
                l.image = image;
                l.image.as_mut_ptr()
            })
        })
        .ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        // SAFETY: checked non-null.
        unsafe {
            remote::write(out, p.cast());
            remote::write(size, len as usize);
        }
        Ok(())
    })())
}

/// `cuLinkDestroy`.
pub fn destroy(state: CUlinkState) -> CUresult {
    let id = state as usize as u64;
    if id == 0 {
        return CUresult::CUDA_ERROR_INVALID_HANDLE;
    }
    let r = remote::plain(ops::cuLinkDestroy, &[id]);
    if r == CUresult::CUDA_SUCCESS {
        with_links(|links| links.remove(&id));
    }
    r
}
