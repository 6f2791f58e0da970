//! JIT link sessions on the real driver. The driver keeps pointers to the
//! option values and log buffers given at creation and writes to them in
//! later calls, so each session's storage is boxed and lives until the
//! session is destroyed.

use std::ffi::{CString, c_void};

use cuvm_abi::{CUjit_option, CUjitInputType, CUlinkState, CUresult};

use super::{Native, ptr, raw};
use crate::backend::{CuResult, LinkLogs, NOT_SUPPORTED, Raw};

const WALL_TIME: u32 = cuvm_abi::CUjit_option::CU_JIT_WALL_TIME.0;
const INFO_LOG_BUFFER: u32 = cuvm_abi::CUjit_option::CU_JIT_INFO_LOG_BUFFER.0;
const INFO_LOG_BUFFER_SIZE_BYTES: u32 = cuvm_abi::CUjit_option::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES.0;
const ERROR_LOG_BUFFER: u32 = cuvm_abi::CUjit_option::CU_JIT_ERROR_LOG_BUFFER.0;
const ERROR_LOG_BUFFER_SIZE_BYTES: u32 = cuvm_abi::CUjit_option::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES.0;
const THREADS_PER_BLOCK: u32 = cuvm_abi::CUjit_option::CU_JIT_THREADS_PER_BLOCK.0;

/// A link session's storage.
pub struct NativeLink {
    options: Vec<CUjit_option>,
    values: Vec<*mut c_void>,
    info: Vec<u8>,
    error: Vec<u8>,
}

// SAFETY: the raw pointers point into this struct's own boxed buffers (or
// are plain values), used only by the thread that owns the backend.
unsafe impl Send for NativeLink {}

impl NativeLink {
    fn value(&self, option: u32) -> Option<*mut c_void> {
        self.options.iter().position(|o| o.0 == option).map(|i| self.values[i])
    }

    fn log(buf: &[u8]) -> Vec<u8> {
        buf.iter().take_while(|b| **b != 0).copied().collect()
    }
}

impl Native {
    pub(super) fn link_create_native(&mut self, options: &[(u32, u64)], info_cap: usize, error_cap: usize) -> CuResult<Raw> {
        let mut l = Box::new(NativeLink {
            options: Vec::new(),
            values: Vec::new(),
            info: vec![0; info_cap],
            error: vec![0; error_cap],
        });
        for (o, v) in options {
            l.options.push(CUjit_option(*o));
            l.values.push(*v as usize as *mut c_void);
        }
        if info_cap > 0 {
            let p = l.info.as_mut_ptr().cast();
            l.options.extend([CUjit_option(INFO_LOG_BUFFER), CUjit_option(INFO_LOG_BUFFER_SIZE_BYTES)]);
            l.values.extend([p, info_cap as *mut c_void]);
        }
        if error_cap > 0 {
            let p = l.error.as_mut_ptr().cast();
            l.options.extend([CUjit_option(ERROR_LOG_BUFFER), CUjit_option(ERROR_LOG_BUFFER_SIZE_BYTES)]);
            l.values.extend([p, error_cap as *mut c_void]);
        }
        let mut state: CUlinkState = std::ptr::null_mut();
        let n = u32::try_from(l.options.len()).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        call!(self.cuLinkCreate_v2(n, l.options.as_mut_ptr(), l.values.as_mut_ptr(), &mut state))?;
        let id = raw(state);
        self.links.insert(id, l);
        Ok(id)
    }

    pub(super) fn link_add_native(&mut self, link: Raw, kind: u32, data: Vec<u8>, name: &str) -> CuResult<()> {
        if !self.links.contains_key(&link) {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        let name = CString::new(name).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        // 8-byte aligned and followed by zeros, as images must be and PTX
        // must end (a guest may leave out the terminator); the driver reads
        // the input during the call.
        let mut aligned = vec![0u64; data.len().div_ceil(8) + 1];
        // SAFETY: `aligned` holds at least data.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), aligned.as_mut_ptr().cast::<u8>(), data.len()) };
        let f = self.t.cuLinkAddData_v2.ok_or(NOT_SUPPORTED)?;
        // SAFETY: a live link state; the input and name outlive the call.
        unsafe {
            f(ptr(link), CUjitInputType(kind), aligned.as_mut_ptr().cast(), data.len(), name.as_ptr(), 0, std::ptr::null_mut(), std::ptr::null_mut())
        }
        .into_result()
    }

    pub(super) fn link_complete_native(&mut self, link: Raw) -> CuResult<Vec<u8>> {
        if !self.links.contains_key(&link) {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        let (mut cubin, mut size): (*mut c_void, usize) = (std::ptr::null_mut(), 0);
        call!(self.cuLinkComplete(ptr(link), &mut cubin, &mut size))?;
        if cubin.is_null() {
            return Err(CUresult::CUDA_ERROR_UNKNOWN);
        }
        // SAFETY: the driver's image of `size` bytes, alive until the link is destroyed.
        Ok(unsafe { std::slice::from_raw_parts(cubin.cast::<u8>(), size) }.to_vec())
    }

    pub(super) fn link_logs_native(&mut self, link: Raw) -> CuResult<LinkLogs> {
        let l = self.links.get(&link).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
        // The driver writes the wall time as a float into its option slot.
        let wall = l.value(WALL_TIME).map_or(0.0, |v| f32::from_bits(v as usize as u32));
        let threads = l.value(THREADS_PER_BLOCK).map_or(0, |v| v as usize as u32);
        Ok(LinkLogs { info: NativeLink::log(&l.info), error: NativeLink::log(&l.error), wall_ms: wall, threads })
    }

    pub(super) fn link_destroy_native(&mut self, link: Raw) -> CuResult<()> {
        if !self.links.contains_key(&link) {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        call!(self.cuLinkDestroy(ptr(link)))?;
        self.links.remove(&link);
        Ok(())
    }
}
