//! The native backend: NVIDIA's driver library, loaded at run time. Each call
//! goes to the real entry point of the same meaning; an entry point the
//! library lacks answers `CUDA_ERROR_NOT_SUPPORTED`. Raw handles are the real
//! driver's pointer values; they never leave the host.

use std::ffi::{CStr, CString, c_char, c_void};
use std::path::{Path, PathBuf};

use cuvm_abi::dynamic::DriverTable;
use cuvm_abi::{
    CUcontext, CUdevice_P2PAttribute, CUdevice_attribute, CUevent, CUfunc_cache, CUfunction, CUfunction_attribute, CUlimit, CUmodule,
    CUresult, CUstream, CUuuid,
};

use super::{
    ArrayCopy, ArrayDesc, ArraySide, Backend, Copy2d, CuResult, Host2d, LaunchConfig, MemProp, Memset, NOT_SUPPORTED, ParamInfo, Raw,
    Resource, SPARSE_PROPERTIES_SIZE, TEXTURE_DESC_SIZE, VIEW_DESC_SIZE, StreamMemOp,
};

/// A string that only cuvm's guest library contains, so that cuvm-host never
/// loads it in place of the real driver.
pub const GUEST_LIBRARY_MARKER: &[u8] = b"cuvm guest library: not NVIDIA's driver";

/// Why the real driver could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The loader failed.
    #[error("cannot load the CUDA driver from {path}: set --driver-lib to NVIDIA's libcuda.so.1")]
    Load {
        /// What was tried.
        path: PathBuf,
        /// The loader's error.
        #[source]
        source: libloading::Error,
    },
    /// The library found is cuvm's own guest library.
    #[error("{0} is cuvm's guest library, not NVIDIA's driver: point --driver-lib at the real libcuda.so.1")]
    IsGuestLibrary(PathBuf),
    /// It lacks cuInit.
    #[error("{0} does not export cuInit: it is not a CUDA driver library")]
    NotADriver(PathBuf),
}

/// The real driver.
pub struct Native {
    t: DriverTable,
    /// JIT link sessions: the buffers and option values the driver writes to.
    links: std::collections::HashMap<Raw, Box<link::NativeLink>>,
}

fn handle_bytes(reserved: &[c_char; 64]) -> [u8; 64] {
    reserved.map(|c| c as u8)
}

fn handle_chars(bytes: [u8; 64]) -> [c_char; 64] {
    bytes.map(|b| b as c_char)
}

macro_rules! call {
    ($self:ident . $name:ident ( $($arg:expr),* )) => {
        match $self.t.$name {
            // SAFETY: the arguments match the entry point's C signature and
            // every pointer passed is valid for the duration of the call.
            Some(f) => unsafe { f($($arg),*) }.into_result(),
            None => Err(NOT_SUPPORTED),
        }
    };
}

fn ptr<T>(raw: Raw) -> *mut T {
    raw as usize as *mut T
}

fn raw<T>(p: *mut T) -> Raw {
    p as usize as u64
}

mod graph;
mod link;

/// A function's or kernel's parameter layout, asked index by index until the
/// driver answers `CUDA_ERROR_INVALID_VALUE` (past the last parameter).
fn params(mut info: impl FnMut(usize, &mut usize, &mut usize) -> CuResult<()>) -> CuResult<Vec<ParamInfo>> {
    let mut out = Vec::new();
    for index in 0..4096usize {
        let (mut offset, mut size) = (0usize, 0usize);
        match info(index, &mut offset, &mut size) {
            Ok(()) => out.push(ParamInfo {
                offset: u32::try_from(offset).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?,
                size: u32::try_from(size).map_err(|_| CUresult::CUDA_ERROR_UNKNOWN)?,
            }),
            Err(CUresult::CUDA_ERROR_INVALID_VALUE) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn usize_of(v: u64) -> CuResult<usize> {
    usize::try_from(v).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)
}

/// The file a loaded library was loaded from.
fn loaded_path(t: &DriverTable) -> Option<PathBuf> {
    let f = t.cuInit?;
    // SAFETY: Dl_info is plain data; all-zero is a valid value.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr only reads the address and fills `info`.
    let ok = unsafe { libc::dladdr(f as *const c_void, &mut info) };
    if ok == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr returned a NUL-terminated file name owned by the loader.
    let name = unsafe { CStr::from_ptr(info.dli_fname) };
    Some(PathBuf::from(name.to_string_lossy().into_owned()))
}

impl Native {
    /// Loads the driver at `path` (default `libcuda.so.1` from the loader's
    /// search path), refusing cuvm's own guest library.
    ///
    /// # Errors
    /// [`LoadError`] naming what to do.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        // SAFETY: loading NVIDIA's driver library, whose symbols have the
        // declared signatures; the marker check below refuses cuvm's own.
        let t = unsafe { DriverTable::load(path) }.map_err(|source| LoadError::Load { path: path.to_path_buf(), source })?;
        if t.cuInit.is_none() {
            return Err(LoadError::NotADriver(path.to_path_buf()));
        }
        let file = loaded_path(&t).unwrap_or_else(|| path.to_path_buf());
        if let Ok(bytes) = std::fs::read(&file) {
            if bytes.windows(GUEST_LIBRARY_MARKER.len()).any(|w| w == GUEST_LIBRARY_MARKER) {
                return Err(LoadError::IsGuestLibrary(file));
            }
        }
        log::info!("native backend: {} ({} entry points)", file.display(), t.resolved());
        Ok(Native { t, links: std::collections::HashMap::new() })
    }

    fn stream_arg(stream: Option<Raw>) -> CUstream {
        ptr(stream.unwrap_or(0))
    }

    /// A copy whose host side is a buffer of this call cannot be captured
    /// into a graph: a replay would read or write freed memory. Refused with
    /// `CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED` and the capture invalidated
    /// (the guest's data would have to live on the host for as long as the
    /// graph does).
    fn refuse_if_capturing(&self, stream: Raw) -> CuResult<()> {
        let mut status = cuvm_abi::CUstreamCaptureStatus(0);
        call!(self.cuStreamIsCapturing(ptr(stream), &mut status))?;
        if status == cuvm_abi::CUstreamCaptureStatus::CU_STREAM_CAPTURE_STATUS_NONE {
            return Ok(());
        }
        // The guest may have posted this copy without waiting for its
        // answer, so the error alone could go unnoticed and the capture end
        // "successfully" without the copy. An illegal call invalidates the
        // capture in the driver, as a refused operation does natively; the
        // guest's cuStreamEndCapture then reports
        // CUDA_ERROR_STREAM_CAPTURE_INVALIDATED.
        // SAFETY: a live stream of this session.
        let _ = unsafe { self.t.cuStreamSynchronize.map(|f| f(ptr(stream))) };
        Err(CUresult::CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED)
    }
}

/// The driver's attribute array for a launch: the plain-value attributes
/// the guest sent, then cooperative if asked.
fn launch_attributes(c: &LaunchConfig) -> Vec<cuvm_abi::CUlaunchAttribute> {
    let mut attrs: Vec<cuvm_abi::CUlaunchAttribute> = Vec::with_capacity(c.attrs.len() + 1);
    for (id, value) in &c.attrs {
        // SAFETY: all-zero is a valid attribute; then the id and the value's
        // bytes as the guest's driver call gave them.
        let mut a: cuvm_abi::CUlaunchAttribute = unsafe { std::mem::zeroed() };
        a.id = cuvm_abi::CUlaunchAttributeID(*id);
        a.value.pad = value.map(u8::cast_signed);
        attrs.push(a);
    }
    if c.cooperative {
        // SAFETY: as above.
        let mut a: cuvm_abi::CUlaunchAttribute = unsafe { std::mem::zeroed() };
        a.id = cuvm_abi::CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
        a.value.cooperative = 1;
        attrs.push(a);
    }
    attrs
}

/// One pointer per parameter into the packed `args` (the driver's
/// `kernelParams`, valid while `args` lives); a parameter past the end is
/// `CUDA_ERROR_INVALID_VALUE`.
fn arg_pointers(params: &[ParamInfo], args: &[u8]) -> CuResult<Vec<*mut c_void>> {
    params
        .iter()
        .map(|p| {
            let end = p.offset as usize + p.size as usize;
            if end > args.len() {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
            Ok(args[p.offset as usize..].as_ptr().cast_mut().cast())
        })
        .collect()
}

/// A 128-byte tensor map encoded by `encode`, given the rank of `dims` and
/// the strides (NULL for rank 1).
fn encode_tensor_map(
    dims: &[u64],
    strides: &[u64],
    encode: impl FnOnce(&mut cuvm_abi::CUtensorMap, u32, *const u64) -> CuResult<()>,
) -> CuResult<[u8; 128]> {
    // SAFETY: all-zero is a valid (opaque) tensor map.
    let mut map: cuvm_abi::CUtensorMap = unsafe { std::mem::zeroed() };
    let rank = u32::try_from(dims.len()).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
    encode(&mut map, rank, if strides.is_empty() { std::ptr::null() } else { strides.as_ptr() })?;
    // SAFETY: a tensor map is 128 plain bytes.
    Ok(unsafe { std::mem::transmute::<cuvm_abi::CUtensorMap, [u8; 128]>(map) })
}

/// A `CUlaunchConfig` over `attrs` (which must outlive its use).
fn launch_config(c: &LaunchConfig, attrs: &mut [cuvm_abi::CUlaunchAttribute]) -> CuResult<cuvm_abi::CUlaunchConfig> {
    Ok(cuvm_abi::CUlaunchConfig {
        gridDimX: c.grid[0],
        gridDimY: c.grid[1],
        gridDimZ: c.grid[2],
        blockDimX: c.block[0],
        blockDimY: c.block[1],
        blockDimZ: c.block[2],
        sharedMemBytes: c.shared_mem,
        hStream: ptr(c.stream),
        attrs: if attrs.is_empty() { std::ptr::null_mut() } else { attrs.as_mut_ptr() },
        numAttrs: u32::try_from(attrs.len()).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?,
    })
}

impl Backend for Native {
    fn name(&self) -> &'static str {
        "native"
    }

    fn table(&self) -> Option<&DriverTable> {
        Some(&self.t)
    }

    fn driver_version(&self) -> CuResult<i32> {
        let mut v = 0;
        call!(self.cuDriverGetVersion(&mut v))?;
        Ok(v)
    }

    fn init(&mut self, flags: u32) -> CuResult<()> {
        call!(self.cuInit(flags))
    }

    fn device_count(&mut self) -> CuResult<i32> {
        let mut n = 0;
        call!(self.cuDeviceGetCount(&mut n))?;
        Ok(n)
    }

    fn device_get(&mut self, ordinal: i32) -> CuResult<i32> {
        let mut d = 0;
        call!(self.cuDeviceGet(&mut d, ordinal))?;
        Ok(d)
    }

    fn device_name(&mut self, dev: i32) -> CuResult<String> {
        let mut buf = [0 as c_char; 256];
        call!(self.cuDeviceGetName(buf.as_mut_ptr(), 256, dev))?;
        // SAFETY: the driver wrote a NUL-terminated name into the buffer.
        Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
    }

    fn device_uuid(&mut self, dev: i32) -> CuResult<[u8; 16]> {
        let mut u = CUuuid::default();
        call!(self.cuDeviceGetUuid_v2(&mut u, dev))?;
        Ok(u.bytes.map(|b| b as u8))
    }

    fn device_total_mem(&mut self, dev: i32) -> CuResult<u64> {
        let mut b = 0usize;
        call!(self.cuDeviceTotalMem_v2(&mut b, dev))?;
        Ok(b as u64)
    }

    fn device_attribute(&mut self, attrib: i32, dev: i32) -> CuResult<i32> {
        let mut v = 0;
        call!(self.cuDeviceGetAttribute(&mut v, CUdevice_attribute(attrib as u32), dev))?;
        Ok(v)
    }

    fn device_pci_bus_id(&mut self, dev: i32) -> CuResult<String> {
        let mut buf = [0 as c_char; 64];
        call!(self.cuDeviceGetPCIBusId(buf.as_mut_ptr(), 64, dev))?;
        // SAFETY: NUL-terminated by the driver.
        Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
    }

    fn device_can_access_peer(&mut self, dev: i32, peer: i32) -> CuResult<i32> {
        let mut v = 0;
        call!(self.cuDeviceCanAccessPeer(&mut v, dev, peer))?;
        Ok(v)
    }

    fn device_p2p_attribute(&mut self, attrib: i32, src: i32, dst: i32) -> CuResult<i32> {
        let mut v = 0;
        call!(self.cuDeviceGetP2PAttribute(&mut v, CUdevice_P2PAttribute(attrib as u32), src, dst))?;
        Ok(v)
    }

    fn primary_ctx_retain(&mut self, dev: i32) -> CuResult<Raw> {
        let mut c: CUcontext = std::ptr::null_mut();
        call!(self.cuDevicePrimaryCtxRetain(&mut c, dev))?;
        Ok(raw(c))
    }

    fn primary_ctx_release(&mut self, dev: i32) -> CuResult<()> {
        call!(self.cuDevicePrimaryCtxRelease_v2(dev))
    }

    fn primary_ctx_set_flags(&mut self, dev: i32, flags: u32) -> CuResult<()> {
        call!(self.cuDevicePrimaryCtxSetFlags_v2(dev, flags))
    }

    fn primary_ctx_state(&mut self, dev: i32) -> CuResult<(u32, bool)> {
        let (mut flags, mut active) = (0u32, 0i32);
        call!(self.cuDevicePrimaryCtxGetState(dev, &mut flags, &mut active))?;
        Ok((flags, active != 0))
    }

    fn primary_ctx_reset(&mut self, dev: i32) -> CuResult<()> {
        call!(self.cuDevicePrimaryCtxReset_v2(dev))
    }

    fn ctx_create(&mut self, flags: u32, dev: i32) -> CuResult<Raw> {
        let mut c: CUcontext = std::ptr::null_mut();
        call!(self.cuCtxCreate_v2(&mut c, flags, dev))?;
        Ok(raw(c))
    }

    fn ctx_destroy(&mut self, ctx: Raw) -> CuResult<()> {
        call!(self.cuCtxDestroy_v2(ptr(ctx)))
    }

    fn ctx_set_current(&mut self, ctx: Raw) -> CuResult<()> {
        call!(self.cuCtxSetCurrent(ptr(ctx)))
    }

    fn ctx_synchronize(&mut self) -> CuResult<()> {
        call!(self.cuCtxSynchronize())
    }

    fn ctx_get_limit(&mut self, limit: i32) -> CuResult<u64> {
        let mut v = 0usize;
        call!(self.cuCtxGetLimit(&mut v, CUlimit(limit as u32)))?;
        Ok(v as u64)
    }

    fn ctx_set_limit(&mut self, limit: i32, value: u64) -> CuResult<()> {
        call!(self.cuCtxSetLimit(CUlimit(limit as u32), usize_of(value)?))
    }

    fn ctx_get_cache_config(&mut self) -> CuResult<i32> {
        let mut c = CUfunc_cache(0);
        call!(self.cuCtxGetCacheConfig(&mut c))?;
        Ok(c.0 as i32)
    }

    fn ctx_set_cache_config(&mut self, config: i32) -> CuResult<()> {
        call!(self.cuCtxSetCacheConfig(CUfunc_cache(config as u32)))
    }

    fn ctx_stream_priority_range(&mut self) -> CuResult<(i32, i32)> {
        let (mut least, mut greatest) = (0, 0);
        call!(self.cuCtxGetStreamPriorityRange(&mut least, &mut greatest))?;
        Ok((least, greatest))
    }

    fn ctx_get_flags(&mut self) -> CuResult<u32> {
        let mut f = 0;
        call!(self.cuCtxGetFlags(&mut f))?;
        Ok(f)
    }

    fn ctx_api_version(&mut self, ctx: Raw) -> CuResult<u32> {
        let mut v = 0;
        call!(self.cuCtxGetApiVersion(ptr(ctx), &mut v))?;
        Ok(v)
    }

    fn mem_alloc(&mut self, size: u64) -> CuResult<u64> {
        let mut p = 0;
        call!(self.cuMemAlloc_v2(&mut p, usize_of(size)?))?;
        Ok(p)
    }

    fn mem_alloc_pitch(&mut self, width: u64, height: u64, elem_size: u32) -> CuResult<(u64, u64)> {
        let (mut p, mut pitch) = (0, 0usize);
        call!(self.cuMemAllocPitch_v2(&mut p, &mut pitch, usize_of(width)?, usize_of(height)?, elem_size))?;
        Ok((p, pitch as u64))
    }

    fn mem_free(&mut self, p: u64) -> CuResult<()> {
        call!(self.cuMemFree_v2(p))
    }

    fn mem_alloc_managed(&mut self, size: u64, flags: u32) -> CuResult<u64> {
        let mut p = 0;
        call!(self.cuMemAllocManaged(&mut p, usize_of(size)?, flags))?;
        Ok(p)
    }

    fn mem_get_info(&mut self) -> CuResult<(u64, u64)> {
        let (mut free, mut total) = (0usize, 0usize);
        call!(self.cuMemGetInfo_v2(&mut free, &mut total))?;
        Ok((free as u64, total as u64))
    }

    fn mem_alloc_async(&mut self, size: u64, stream: Raw) -> CuResult<u64> {
        let mut p = 0;
        call!(self.cuMemAllocAsync(&mut p, usize_of(size)?, ptr(stream)))?;
        Ok(p)
    }

    fn mem_free_async(&mut self, p: u64, stream: Raw) -> CuResult<()> {
        call!(self.cuMemFreeAsync(p, ptr(stream)))
    }

    fn default_mem_pool(&mut self, dev: i32) -> CuResult<Raw> {
        let mut pool: cuvm_abi::CUmemoryPool = std::ptr::null_mut();
        call!(self.cuDeviceGetDefaultMemPool(&mut pool, dev))?;
        Ok(raw(pool))
    }

    fn mem_pool_create(&mut self, dev: i32, max_size: u64) -> CuResult<Raw> {
        let mut props = cuvm_abi::CUmemPoolProps::default();
        props.allocType = cuvm_abi::CUmemAllocationType::CU_MEM_ALLOCATION_TYPE_PINNED;
        props.handleTypes = cuvm_abi::CUmemAllocationHandleType::CU_MEM_HANDLE_TYPE_NONE;
        props.location = cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE, id: dev };
        props.maxSize = usize_of(max_size)?;
        let mut pool: cuvm_abi::CUmemoryPool = std::ptr::null_mut();
        call!(self.cuMemPoolCreate(&mut pool, &props))?;
        Ok(raw(pool))
    }

    fn mem_pool_destroy(&mut self, pool: Raw) -> CuResult<()> {
        call!(self.cuMemPoolDestroy(ptr(pool)))
    }

    fn mem_alloc_from_pool(&mut self, size: u64, pool: Raw, stream: Raw) -> CuResult<u64> {
        let mut p = 0u64;
        call!(self.cuMemAllocFromPoolAsync(&mut p, usize_of(size)?, ptr(pool), ptr(stream)))?;
        Ok(p)
    }

    fn device_mem_pool(&mut self, dev: i32) -> CuResult<Raw> {
        let mut pool: cuvm_abi::CUmemoryPool = std::ptr::null_mut();
        call!(self.cuDeviceGetMemPool(&mut pool, dev))?;
        Ok(raw(pool))
    }

    fn device_set_mem_pool(&mut self, dev: i32, pool: Raw) -> CuResult<()> {
        call!(self.cuDeviceSetMemPool(dev, ptr(pool)))
    }

    fn mem_pool_trim(&mut self, pool: Raw, keep: u64) -> CuResult<()> {
        call!(self.cuMemPoolTrimTo(ptr(pool), usize_of(keep)?))
    }

    fn mem_pool_get_attribute(&mut self, pool: Raw, attr: u32) -> CuResult<u64> {
        let mut v = 0u64;
        call!(self.cuMemPoolGetAttribute(ptr(pool), cuvm_abi::CUmemPool_attribute(attr), (&raw mut v).cast()))?;
        Ok(if cuvm_wire::pointer::pool_attribute_size(attr) == Some(4) { v & 0xffff_ffff } else { v })
    }

    fn mem_pool_set_attribute(&mut self, pool: Raw, attr: u32, value: u64) -> CuResult<()> {
        let mut v = value;
        call!(self.cuMemPoolSetAttribute(ptr(pool), cuvm_abi::CUmemPool_attribute(attr), (&raw mut v).cast()))
    }

    fn memcpy_htod(&mut self, dst: u64, src: &[u8], stream: Option<Raw>) -> CuResult<()> {
        match stream {
            // Pageable source: the driver stages it before returning.
            Some(s) => {
                self.refuse_if_capturing(s)?;
                call!(self.cuMemcpyHtoDAsync_v2(dst, src.as_ptr().cast(), src.len(), ptr(s)))
            }
            None => call!(self.cuMemcpyHtoD_v2(dst, src.as_ptr().cast(), src.len())),
        }
    }

    fn memcpy_dtoh(&mut self, dst: &mut [u8], src: u64, stream: Option<Raw>) -> CuResult<()> {
        match stream {
            // The bytes must be in hand before the reply goes out.
            Some(s) => {
                call!(self.cuMemcpyDtoHAsync_v2(dst.as_mut_ptr().cast(), src, dst.len(), ptr(s)))?;
                call!(self.cuStreamSynchronize(ptr(s)))
            }
            None => call!(self.cuMemcpyDtoH_v2(dst.as_mut_ptr().cast(), src, dst.len())),
        }
    }

    fn memcpy_dtod(&mut self, dst: u64, src: u64, size: u64, stream: Option<Raw>) -> CuResult<()> {
        let n = usize_of(size)?;
        match stream {
            Some(s) => call!(self.cuMemcpyDtoDAsync_v2(dst, src, n, ptr(s))),
            None => call!(self.cuMemcpyDtoD_v2(dst, src, n)),
        }
    }

    fn memcpy_2d(&mut self, c: Copy2d, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        let host_side = !matches!(host, Host2d::None);
        use cuvm_abi::CUmemorytype as M;
        let mut m = cuvm_abi::CUDA_MEMCPY2D { WidthInBytes: usize_of(c.width)?, Height: usize_of(c.height)?, ..Default::default() };
        m.dstMemoryType = M::CU_MEMORYTYPE_DEVICE;
        m.dstDevice = c.dst;
        m.dstPitch = usize_of(c.dst_pitch)?;
        m.srcMemoryType = M::CU_MEMORYTYPE_DEVICE;
        m.srcDevice = c.src;
        m.srcPitch = usize_of(c.src_pitch)?;
        let mut sync_after = false;
        match host {
            Host2d::None => {}
            Host2d::Source(rows) => {
                m.srcMemoryType = M::CU_MEMORYTYPE_HOST;
                m.srcHost = rows.as_ptr().cast();
                m.srcPitch = m.WidthInBytes;
            }
            Host2d::Destination(rows) => {
                m.dstMemoryType = M::CU_MEMORYTYPE_HOST;
                m.dstHost = rows.as_mut_ptr().cast();
                m.dstPitch = m.WidthInBytes;
                sync_after = true;
            }
        }
        match stream {
            Some(s) => {
                if host_side {
                    self.refuse_if_capturing(s)?;
                }
                call!(self.cuMemcpy2DAsync_v2(&m, ptr(s)))?;
                // Host memory is ours only for this call.
                if sync_after || matches!(m.srcMemoryType, M::CU_MEMORYTYPE_HOST) {
                    call!(self.cuStreamSynchronize(ptr(s)))?;
                }
                Ok(())
            }
            None => call!(self.cuMemcpy2D_v2(&m)),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn memset(&mut self, op: Memset, stream: Option<Raw>) -> CuResult<()> {
        let (w, h, pitch) = (usize_of(op.width)?, usize_of(op.height)?, usize_of(op.pitch)?);
        let s = Self::stream_arg(stream);
        let v = op.value;
        match (op.elem_size, op.height > 1 || pitch != w * usize::from(op.elem_size), stream.is_some()) {
            (1, false, false) => call!(self.cuMemsetD8_v2(op.dst, v as u8, w)),
            (2, false, false) => call!(self.cuMemsetD16_v2(op.dst, v as u16, w)),
            (4, false, false) => call!(self.cuMemsetD32_v2(op.dst, v, w)),
            (1, false, true) => call!(self.cuMemsetD8Async(op.dst, v as u8, w, s)),
            (2, false, true) => call!(self.cuMemsetD16Async(op.dst, v as u16, w, s)),
            (4, false, true) => call!(self.cuMemsetD32Async(op.dst, v, w, s)),
            (1, true, false) => call!(self.cuMemsetD2D8_v2(op.dst, pitch, v as u8, w, h)),
            (2, true, false) => call!(self.cuMemsetD2D16_v2(op.dst, pitch, v as u16, w, h)),
            (4, true, false) => call!(self.cuMemsetD2D32_v2(op.dst, pitch, v, w, h)),
            (1, true, true) => call!(self.cuMemsetD2D8Async(op.dst, pitch, v as u8, w, h, s)),
            (2, true, true) => call!(self.cuMemsetD2D16Async(op.dst, pitch, v as u16, w, h, s)),
            (4, true, true) => call!(self.cuMemsetD2D32Async(op.dst, pitch, v, w, h, s)),
            _ => Err(CUresult::CUDA_ERROR_INVALID_VALUE),
        }
    }

    fn array_create(&mut self, d: &ArrayDesc, three_d: bool) -> CuResult<Raw> {
        let mut a: cuvm_abi::CUarray = std::ptr::null_mut();
        if three_d {
            let desc = d.to_3d().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            call!(self.cuArray3DCreate_v2(&mut a, &desc))?;
        } else {
            let desc = d.to_2d().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
            call!(self.cuArrayCreate_v2(&mut a, &desc))?;
        }
        Ok(raw(a))
    }

    fn array_destroy(&mut self, a: Raw) -> CuResult<()> {
        call!(self.cuArrayDestroy(ptr(a)))
    }

    fn array_descriptor(&mut self, a: Raw, three_d: bool) -> CuResult<ArrayDesc> {
        if three_d {
            let mut d = cuvm_abi::CUDA_ARRAY3D_DESCRIPTOR::default();
            call!(self.cuArray3DGetDescriptor_v2(&mut d, ptr(a)))?;
            Ok(ArrayDesc::from(&d))
        } else {
            // SAFETY: all-zero is a valid descriptor.
            let mut d: cuvm_abi::CUDA_ARRAY_DESCRIPTOR = unsafe { std::mem::zeroed() };
            call!(self.cuArrayGetDescriptor_v2(&mut d, ptr(a)))?;
            Ok(ArrayDesc::from(&d))
        }
    }

    fn array_memory_requirements(&mut self, a: Raw, mipmapped: bool, dev: i32) -> CuResult<(u64, u64)> {
        // SAFETY: all-zero is a valid value of this plain structure.
        let mut r: cuvm_abi::CUDA_ARRAY_MEMORY_REQUIREMENTS = unsafe { std::mem::zeroed() };
        if mipmapped {
            call!(self.cuMipmappedArrayGetMemoryRequirements(&mut r, ptr(a), dev))?;
        } else {
            call!(self.cuArrayGetMemoryRequirements(&mut r, ptr(a), dev))?;
        }
        Ok((r.size as u64, r.alignment as u64))
    }

    fn array_sparse_properties(&mut self, a: Raw, mipmapped: bool) -> CuResult<[u8; SPARSE_PROPERTIES_SIZE]> {
        // SAFETY: all-zero is a valid value of this plain structure.
        let mut p: cuvm_abi::CUDA_ARRAY_SPARSE_PROPERTIES = unsafe { std::mem::zeroed() };
        if mipmapped {
            call!(self.cuMipmappedArrayGetSparseProperties(&mut p, ptr(a)))?;
        } else {
            call!(self.cuArrayGetSparseProperties(&mut p, ptr(a)))?;
        }
        // SAFETY: a plain structure of exactly this many bytes.
        Ok(unsafe { std::mem::transmute::<cuvm_abi::CUDA_ARRAY_SPARSE_PROPERTIES, [u8; SPARSE_PROPERTIES_SIZE]>(p) })
    }

    fn array_plane(&mut self, a: Raw, plane: u32) -> CuResult<Raw> {
        let mut p: cuvm_abi::CUarray = std::ptr::null_mut();
        call!(self.cuArrayGetPlane(&mut p, ptr(a), plane))?;
        Ok(raw(p))
    }

    fn mipmapped_array_create(&mut self, d: &ArrayDesc, levels: u32) -> CuResult<Raw> {
        let desc = d.to_3d().ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut m: cuvm_abi::CUmipmappedArray = std::ptr::null_mut();
        call!(self.cuMipmappedArrayCreate(&mut m, &desc, levels))?;
        Ok(raw(m))
    }

    fn mipmapped_array_destroy(&mut self, m: Raw) -> CuResult<()> {
        call!(self.cuMipmappedArrayDestroy(ptr(m)))
    }

    fn mipmapped_array_level(&mut self, m: Raw, level: u32) -> CuResult<Raw> {
        let mut a: cuvm_abi::CUarray = std::ptr::null_mut();
        call!(self.cuMipmappedArrayGetLevel(&mut a, ptr(m), level))?;
        Ok(raw(a))
    }

    fn memcpy_array(&mut self, c: &ArrayCopy, host: Host2d<'_>, stream: Option<Raw>) -> CuResult<()> {
        use cuvm_abi::CUmemorytype as M;
        let mut p = cuvm_abi::CUDA_MEMCPY3D {
            WidthInBytes: usize_of(c.extent[0])?,
            Height: usize_of(c.extent[1])?,
            Depth: usize_of(c.extent[2])?,
            ..Default::default()
        };
        let (w, h) = (p.WidthInBytes, p.Height);
        [p.srcXInBytes, p.srcY, p.srcZ] = [usize_of(c.src_pos[0])?, usize_of(c.src_pos[1])?, usize_of(c.src_pos[2])?];
        [p.dstXInBytes, p.dstY, p.dstZ] = [usize_of(c.dst_pos[0])?, usize_of(c.dst_pos[1])?, usize_of(c.dst_pos[2])?];
        // The packed host side: rows of the box's width, slices of its height.
        let mut sync_after = false;
        match c.src {
            ArraySide::Host => {
                let Host2d::Source(rows) = &host else { return Err(CUresult::CUDA_ERROR_INVALID_VALUE) };
                (p.srcMemoryType, p.srcHost, p.srcPitch, p.srcHeight) = (M::CU_MEMORYTYPE_HOST, rows.as_ptr().cast(), w, h);
                (p.srcXInBytes, p.srcY, p.srcZ) = (0, 0, 0);
            }
            ArraySide::Device { ptr: d, pitch, height } => {
                (p.srcMemoryType, p.srcDevice, p.srcPitch, p.srcHeight) = (M::CU_MEMORYTYPE_DEVICE, d, usize_of(pitch)?, usize_of(height)?);
            }
            ArraySide::Array(a) => (p.srcMemoryType, p.srcArray) = (M::CU_MEMORYTYPE_ARRAY, ptr(a)),
        }
        match (c.dst, host) {
            (ArraySide::Host, Host2d::Destination(rows)) => {
                (p.dstMemoryType, p.dstHost, p.dstPitch, p.dstHeight) = (M::CU_MEMORYTYPE_HOST, rows.as_mut_ptr().cast(), w, h);
                (p.dstXInBytes, p.dstY, p.dstZ) = (0, 0, 0);
                sync_after = true;
            }
            (ArraySide::Host, _) => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            (ArraySide::Device { ptr: d, pitch, height }, _) => {
                (p.dstMemoryType, p.dstDevice, p.dstPitch, p.dstHeight) = (M::CU_MEMORYTYPE_DEVICE, d, usize_of(pitch)?, usize_of(height)?);
            }
            (ArraySide::Array(a), _) => (p.dstMemoryType, p.dstArray) = (M::CU_MEMORYTYPE_ARRAY, ptr(a)),
        }
        let host_side = sync_after || c.src == ArraySide::Host;
        match stream {
            Some(s) => {
                if host_side {
                    self.refuse_if_capturing(s)?;
                }
                call!(self.cuMemcpy3DAsync_v2(&p, ptr(s)))?;
                // Host memory is ours only for this call.
                if host_side {
                    call!(self.cuStreamSynchronize(ptr(s)))?;
                }
                Ok(())
            }
            None => call!(self.cuMemcpy3D_v2(&p)),
        }
    }

    fn tex_object_create(
        &mut self,
        res: Resource,
        flags: u32,
        tex: &[u8; TEXTURE_DESC_SIZE],
        view: Option<&[u8; VIEW_DESC_SIZE]>,
    ) -> CuResult<u64> {
        let r = res.to_desc(flags);
        // SAFETY: both descriptors are plain structures of exactly these sizes.
        let t = unsafe { std::mem::transmute::<[u8; TEXTURE_DESC_SIZE], cuvm_abi::CUDA_TEXTURE_DESC>(*tex) };
        // SAFETY: as above.
        let v = view.map(|v| unsafe { std::mem::transmute::<[u8; VIEW_DESC_SIZE], cuvm_abi::CUDA_RESOURCE_VIEW_DESC>(*v) });
        let mut obj: cuvm_abi::CUtexObject = 0;
        call!(self.cuTexObjectCreate(&mut obj, &r, &t, v.as_ref().map_or(std::ptr::null(), std::ptr::from_ref)))?;
        Ok(obj)
    }

    fn tex_object_destroy(&mut self, obj: u64) -> CuResult<()> {
        call!(self.cuTexObjectDestroy(obj))
    }

    fn tex_object_resource(&mut self, obj: u64) -> CuResult<(Resource, u32)> {
        let mut r = cuvm_abi::CUDA_RESOURCE_DESC::default();
        call!(self.cuTexObjectGetResourceDesc(&mut r, obj))?;
        Resource::from_desc(&r).ok_or(CUresult::CUDA_ERROR_UNKNOWN)
    }

    fn tex_object_texture_desc(&mut self, obj: u64) -> CuResult<[u8; TEXTURE_DESC_SIZE]> {
        let mut t = cuvm_abi::CUDA_TEXTURE_DESC::default();
        call!(self.cuTexObjectGetTextureDesc(&mut t, obj))?;
        // SAFETY: a plain structure of exactly this many bytes.
        Ok(unsafe { std::mem::transmute::<cuvm_abi::CUDA_TEXTURE_DESC, [u8; TEXTURE_DESC_SIZE]>(t) })
    }

    fn tex_object_view_desc(&mut self, obj: u64) -> CuResult<[u8; VIEW_DESC_SIZE]> {
        // SAFETY: all-zero is a valid value of this plain structure.
        let mut v: cuvm_abi::CUDA_RESOURCE_VIEW_DESC = unsafe { std::mem::zeroed() };
        call!(self.cuTexObjectGetResourceViewDesc(&mut v, obj))?;
        // SAFETY: a plain structure of exactly this many bytes.
        Ok(unsafe { std::mem::transmute::<cuvm_abi::CUDA_RESOURCE_VIEW_DESC, [u8; VIEW_DESC_SIZE]>(v) })
    }

    fn surf_object_create(&mut self, res: Resource, flags: u32) -> CuResult<u64> {
        let r = res.to_desc(flags);
        let mut obj: cuvm_abi::CUsurfObject = 0;
        call!(self.cuSurfObjectCreate(&mut obj, &r))?;
        Ok(obj)
    }

    fn surf_object_destroy(&mut self, obj: u64) -> CuResult<()> {
        call!(self.cuSurfObjectDestroy(obj))
    }

    fn surf_object_resource(&mut self, obj: u64) -> CuResult<(Resource, u32)> {
        let mut r = cuvm_abi::CUDA_RESOURCE_DESC::default();
        call!(self.cuSurfObjectGetResourceDesc(&mut r, obj))?;
        Resource::from_desc(&r).ok_or(CUresult::CUDA_ERROR_UNKNOWN)
    }

    fn pointer_attribute(&mut self, attrib: u32, p: u64) -> CuResult<Vec<u8>> {
        let size = cuvm_wire::pointer::value_size(attrib).ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut buf = [0u64; 2];
        call!(self.cuPointerGetAttribute(buf.as_mut_ptr().cast(), cuvm_abi::CUpointer_attribute(attrib), p))?;
        // SAFETY: `buf` holds 16 bytes; size <= 16.
        Ok(unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), size) }.to_vec())
    }

    fn mem_granularity(&mut self, p: MemProp, option: u32) -> CuResult<u64> {
        let mut g = 0usize;
        call!(self.cuMemGetAllocationGranularity(&mut g, &prop(p), cuvm_abi::CUmemAllocationGranularity_flags(option)))?;
        Ok(g as u64)
    }

    fn mem_create(&mut self, size: u64, p: MemProp, flags: u64) -> CuResult<Raw> {
        let mut h = 0u64;
        call!(self.cuMemCreate(&mut h, usize_of(size)?, &prop(p), flags))?;
        Ok(h)
    }

    fn mem_properties(&mut self, handle: Raw) -> CuResult<MemProp> {
        let mut p = cuvm_abi::CUmemAllocationProp::default();
        call!(self.cuMemGetAllocationPropertiesFromHandle(&mut p, handle))?;
        Ok(MemProp {
            kind: p.type_.0,
            handle_types: p.requestedHandleTypes.0,
            location_type: p.location.type_.0,
            location_id: p.location.id,
            compression: p.allocFlags.compressionType,
            rdma: p.allocFlags.gpuDirectRDMACapable,
            usage: p.allocFlags.usage,
        })
    }

    fn mem_release(&mut self, handle: Raw) -> CuResult<()> {
        call!(self.cuMemRelease(handle))
    }

    fn mem_address_reserve(&mut self, size: u64, alignment: u64, addr: u64, flags: u64) -> CuResult<u64> {
        let mut p = 0;
        call!(self.cuMemAddressReserve(&mut p, usize_of(size)?, usize_of(alignment)?, addr, flags))?;
        Ok(p)
    }

    fn mem_address_free(&mut self, p: u64, size: u64) -> CuResult<()> {
        call!(self.cuMemAddressFree(p, usize_of(size)?))
    }

    fn mem_map(&mut self, p: u64, size: u64, offset: u64, handle: Raw, flags: u64) -> CuResult<()> {
        call!(self.cuMemMap(p, usize_of(size)?, usize_of(offset)?, handle, flags))
    }

    fn mem_unmap(&mut self, p: u64, size: u64) -> CuResult<()> {
        call!(self.cuMemUnmap(p, usize_of(size)?))
    }

    fn mem_set_access(&mut self, p: u64, size: u64, descs: &[(u32, i32, u32)]) -> CuResult<()> {
        let d: Vec<cuvm_abi::CUmemAccessDesc> = descs
            .iter()
            .map(|(t, id, f)| cuvm_abi::CUmemAccessDesc {
                location: cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType(*t), id: *id },
                flags: cuvm_abi::CUmemAccess_flags(*f),
            })
            .collect();
        call!(self.cuMemSetAccess(p, usize_of(size)?, d.as_ptr(), d.len()))
    }

    fn mem_get_access(&mut self, location: (u32, i32), p: u64) -> CuResult<u64> {
        let loc = cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType(location.0), id: location.1 };
        let mut f = 0u64;
        call!(self.cuMemGetAccess(&mut f, &loc, p))?;
        Ok(f)
    }

    fn mem_retain_handle(&mut self, addr: u64) -> CuResult<Raw> {
        let mut h = 0u64;
        call!(self.cuMemRetainAllocationHandle(&mut h, addr as usize as *mut c_void))?;
        Ok(h)
    }

    fn module_load_data(&mut self, image: &[u8]) -> CuResult<Raw> {
        // Fatbins and cubins must be 8-byte aligned: copy into u64 storage.
        let mut aligned = vec![0u64; image.len().div_ceil(8) + 1];
        // SAFETY: `aligned` holds at least image.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(image.as_ptr(), aligned.as_mut_ptr().cast::<u8>(), image.len()) };
        let mut m: CUmodule = std::ptr::null_mut();
        call!(self.cuModuleLoadData(&mut m, aligned.as_ptr().cast()))?;
        Ok(raw(m))
    }

    fn module_unload(&mut self, module: Raw) -> CuResult<()> {
        call!(self.cuModuleUnload(ptr(module)))
    }

    fn module_get_function(&mut self, module: Raw, name: &str) -> CuResult<Raw> {
        let name = CString::new(name).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut f: CUfunction = std::ptr::null_mut();
        call!(self.cuModuleGetFunction(&mut f, ptr(module), name.as_ptr()))?;
        Ok(raw(f))
    }

    fn module_get_global(&mut self, module: Raw, name: &str) -> CuResult<(u64, u64)> {
        let name = CString::new(name).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let (mut p, mut size) = (0, 0usize);
        call!(self.cuModuleGetGlobal_v2(&mut p, &mut size, ptr(module), name.as_ptr()))?;
        Ok((p, size as u64))
    }

    fn mirror_map(&mut self, addr: u64, size: u64) -> CuResult<()> {
        let len = usize_of(size)?;
        // SAFETY: a fresh anonymous mapping at an address nothing else in
        // this (session worker) process uses: MAP_FIXED_NOREPLACE refuses
        // to replace an existing mapping.
        let p = unsafe {
            libc::mmap(
                addr as usize as *mut c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(NOT_SUPPORTED);
        }
        if p as usize as u64 != addr {
            // SAFETY: the mapping just made.
            unsafe { libc::munmap(p, len) };
            return Err(NOT_SUPPORTED);
        }
        const PORTABLE_DEVICEMAP: u32 = 0x1 | 0x2;
        let registered = call!(self.cuMemHostRegister_v2(p, len, PORTABLE_DEVICEMAP)).and_then(|()| {
            let mut device = 0u64;
            call!(self.cuMemHostGetDevicePointer_v2(&mut device, p, 0))?;
            if device == addr { Ok(()) } else { Err(NOT_SUPPORTED) }
        });
        if let Err(e) = registered {
            let _ = call!(self.cuMemHostUnregister(p));
            // SAFETY: the mapping just made.
            unsafe { libc::munmap(p, len) };
            return Err(e);
        }
        Ok(())
    }

    fn mirror_unmap(&mut self, addr: u64, size: u64) -> CuResult<()> {
        let p = addr as usize as *mut c_void;
        let r = call!(self.cuMemHostUnregister(p));
        // SAFETY: a mirror mapped by mirror_map with this size.
        unsafe { libc::munmap(p, usize_of(size)?) };
        r
    }

    fn mirror_write(&mut self, addr: u64, bytes: &[u8]) -> CuResult<()> {
        // SAFETY: the session checked that [addr, addr + len) is one of its
        // mirrors, mapped in this process.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as usize as *mut u8, bytes.len()) };
        Ok(())
    }

    fn mirror_read(&mut self, addr: u64, out: &mut [u8]) -> CuResult<()> {
        // SAFETY: as for mirror_write.
        unsafe { std::ptr::copy_nonoverlapping(addr as usize as *const u8, out.as_mut_ptr(), out.len()) };
        Ok(())
    }

    fn export_table_call(&mut self, uuid: [u8; 16], slot: usize, args: [u64; 6]) -> CuResult<u64> {
        let id = CUuuid { bytes: uuid.map(u8::cast_signed) };
        let mut table: *const c_void = std::ptr::null();
        call!(self.cuGetExportTable(&mut table, &id))?;
        if table.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let words = table.cast::<usize>();
        // SAFETY: word 0 of a sized table is its byte length; the slot is
        // read only if it lies inside.
        let size = unsafe { *words };
        if slot == 0 || slot >= size / 8 {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: inside the table.
        let f = unsafe { *words.add(slot) };
        if f == 0 {
            return Err(NOT_SUPPORTED);
        }
        type Slot = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64) -> u64;
        // SAFETY: a code slot of the driver's table, called with the argument
        // values measured from real clients (allow-listed by the caller).
        let f: Slot = unsafe { std::mem::transmute::<usize, Slot>(f) };
        // SAFETY: as above.
        Ok(unsafe { f(args[0], args[1], args[2], args[3], args[4], args[5]) })
    }

    fn stream_capture_info(&mut self, stream: Raw) -> CuResult<super::CaptureInfo> {
        let mut status = cuvm_abi::CUstreamCaptureStatus(0);
        let mut id = 0u64;
        let mut graph: cuvm_abi::CUgraph = std::ptr::null_mut();
        let mut deps: *const cuvm_abi::CUgraphNode = std::ptr::null();
        let mut edges: *const cuvm_abi::CUgraphEdgeData = std::ptr::null();
        let mut n = 0usize;
        call!(self.cuStreamGetCaptureInfo_v3(ptr(stream), &mut status, &mut id, &mut graph, &mut deps, &mut edges, &mut n))?;
        let mut info = super::CaptureInfo { status: status.0, id, graph: graph as usize as Raw, ..Default::default() };
        if n > 0 && !deps.is_null() {
            // SAFETY: the driver's array of `n` nodes, valid until the next call on the stream.
            info.dependencies = unsafe { std::slice::from_raw_parts(deps, n) }.iter().map(|d| *d as usize as Raw).collect();
            if !edges.is_null() {
                // SAFETY: as above; an edge datum is 8 plain bytes.
                info.edges = unsafe { std::slice::from_raw_parts(edges.cast::<[u8; 8]>(), n) }.to_vec();
            }
        }
        Ok(info)
    }

    fn cluster_occupancy(&mut self, func: Raw, c: LaunchConfig, potential: bool) -> CuResult<i32> {
        let mut attrs = launch_attributes(&c);
        let config = launch_config(&c, &mut attrs)?;
        let mut n = 0;
        if potential {
            call!(self.cuOccupancyMaxPotentialClusterSize(&mut n, ptr(func), &config))?;
        } else {
            call!(self.cuOccupancyMaxActiveClusters(&mut n, ptr(func), &config))?;
        }
        Ok(n)
    }

    fn tensor_map_encode_tiled(&mut self, m: &super::TiledTensorMap) -> CuResult<[u8; 128]> {
        encode_tensor_map(&m.dims, &m.strides, |map, rank, strides| {
            call!(self.cuTensorMapEncodeTiled(
                map,
                cuvm_abi::CUtensorMapDataType(m.data_type),
                rank,
                m.address as usize as *mut c_void,
                m.dims.as_ptr(),
                strides,
                m.box_dims.as_ptr(),
                m.element_strides.as_ptr(),
                cuvm_abi::CUtensorMapInterleave(m.options[0]),
                cuvm_abi::CUtensorMapSwizzle(m.options[1]),
                cuvm_abi::CUtensorMapL2promotion(m.options[2]),
                cuvm_abi::CUtensorMapFloatOOBfill(m.options[3])
            ))
        })
    }

    fn tensor_map_encode_im2col(&mut self, i: &super::Im2colTensorMap) -> CuResult<[u8; 128]> {
        let m = &i.map;
        encode_tensor_map(&m.dims, &m.strides, |map, rank, strides| {
            call!(self.cuTensorMapEncodeIm2col(
                map,
                cuvm_abi::CUtensorMapDataType(m.data_type),
                rank,
                m.address as usize as *mut c_void,
                m.dims.as_ptr(),
                strides,
                i.lower.as_ptr(),
                i.upper.as_ptr(),
                i.channels_per_pixel,
                i.pixels_per_column,
                m.element_strides.as_ptr(),
                cuvm_abi::CUtensorMapInterleave(m.options[0]),
                cuvm_abi::CUtensorMapSwizzle(m.options[1]),
                cuvm_abi::CUtensorMapL2promotion(m.options[2]),
                cuvm_abi::CUtensorMapFloatOOBfill(m.options[3])
            ))
        })
    }

    fn tensor_map_replace_address(&mut self, map: [u8; 128], address: u64) -> CuResult<[u8; 128]> {
        // SAFETY: a tensor map is 128 plain bytes.
        let mut m: cuvm_abi::CUtensorMap = unsafe { std::mem::transmute::<[u8; 128], cuvm_abi::CUtensorMap>(map) };
        call!(self.cuTensorMapReplaceAddress(&mut m, address as usize as *mut c_void))?;
        // SAFETY: as above.
        Ok(unsafe { std::mem::transmute::<cuvm_abi::CUtensorMap, [u8; 128]>(m) })
    }

    fn module_loading_mode(&mut self) -> CuResult<u32> {
        let mut mode = cuvm_abi::CUmoduleLoadingMode(0);
        call!(self.cuModuleGetLoadingMode(&mut mode))?;
        Ok(mode.0)
    }

    fn module_function_count(&mut self, module: Raw) -> CuResult<u32> {
        let mut n = 0;
        call!(self.cuModuleGetFunctionCount(&mut n, ptr(module)))?;
        Ok(n)
    }

    fn module_functions(&mut self, module: Raw) -> CuResult<Vec<Raw>> {
        let n = self.module_function_count(module)?;
        let mut fs: Vec<CUfunction> = vec![std::ptr::null_mut(); n as usize];
        call!(self.cuModuleEnumerateFunctions(fs.as_mut_ptr(), n, ptr(module)))?;
        Ok(fs.into_iter().map(raw).collect())
    }

    fn func_name(&mut self, func: Raw) -> CuResult<String> {
        let mut name: *const c_char = std::ptr::null();
        call!(self.cuFuncGetName(&mut name, ptr(func)))?;
        if name.is_null() {
            return Err(CUresult::CUDA_ERROR_UNKNOWN);
        }
        // SAFETY: the driver returned a NUL-terminated name it owns.
        Ok(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
    }

    fn func_params(&mut self, func: Raw) -> CuResult<Vec<ParamInfo>> {
        params(|index, offset, size| call!(self.cuFuncGetParamInfo(ptr(func), index, offset, size)))
    }

    fn func_get_attribute(&mut self, attrib: i32, func: Raw) -> CuResult<i32> {
        let mut v = 0;
        call!(self.cuFuncGetAttribute(&mut v, CUfunction_attribute(attrib as u32), ptr(func)))?;
        Ok(v)
    }

    fn func_set_attribute(&mut self, func: Raw, attrib: i32, value: i32) -> CuResult<()> {
        call!(self.cuFuncSetAttribute(ptr(func), CUfunction_attribute(attrib as u32), value))
    }

    fn func_set_cache_config(&mut self, func: Raw, config: i32) -> CuResult<()> {
        call!(self.cuFuncSetCacheConfig(ptr(func), CUfunc_cache(config as u32)))
    }

    fn launch_kernel(&mut self, func: Raw, c: LaunchConfig, params: &[ParamInfo], args: &[u8]) -> CuResult<()> {
        // The driver copies the arguments at launch; `args` outlives the call.
        let mut pointers = arg_pointers(params, args)?;
        let kp = if pointers.is_empty() { std::ptr::null_mut() } else { pointers.as_mut_ptr() };
        let [gx, gy, gz] = c.grid;
        let [bx, by, bz] = c.block;
        if !c.attrs.is_empty() {
            let mut attrs = launch_attributes(&c);
            let config = launch_config(&c, &mut attrs)?;
            return call!(self.cuLaunchKernelEx(&config, ptr(func), kp, std::ptr::null_mut()));
        }
        if c.cooperative {
            call!(self.cuLaunchCooperativeKernel(ptr(func), gx, gy, gz, bx, by, bz, c.shared_mem, ptr(c.stream), kp))
        } else {
            call!(self.cuLaunchKernel(ptr(func), gx, gy, gz, bx, by, bz, c.shared_mem, ptr(c.stream), kp, std::ptr::null_mut()))
        }
    }

    fn occupancy_max_active_blocks(&mut self, func: Raw, block: i32, smem: u64, flags: u32) -> CuResult<i32> {
        let mut n = 0;
        call!(self.cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(&mut n, ptr(func), block, usize_of(smem)?, flags))?;
        Ok(n)
    }

    fn library_load_data(&mut self, image: &[u8]) -> CuResult<Raw> {
        let mut aligned = vec![0u64; image.len().div_ceil(8) + 1];
        // SAFETY: `aligned` holds at least image.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(image.as_ptr(), aligned.as_mut_ptr().cast::<u8>(), image.len()) };
        let mut l: cuvm_abi::CUlibrary = std::ptr::null_mut();
        let (null_jit, null_lib) = (std::ptr::null_mut(), std::ptr::null_mut());
        call!(self.cuLibraryLoadData(
            &mut l,
            aligned.as_ptr().cast(),
            null_jit,
            std::ptr::null_mut(),
            0,
            null_lib,
            std::ptr::null_mut(),
            0
        ))?;
        Ok(raw(l))
    }

    fn library_unload(&mut self, library: Raw) -> CuResult<()> {
        call!(self.cuLibraryUnload(ptr(library)))
    }

    fn library_get_kernel(&mut self, library: Raw, name: &str) -> CuResult<Raw> {
        let name = CString::new(name).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let mut k: cuvm_abi::CUkernel = std::ptr::null_mut();
        call!(self.cuLibraryGetKernel(&mut k, ptr(library), name.as_ptr()))?;
        Ok(raw(k))
    }

    fn library_get_module(&mut self, library: Raw) -> CuResult<Raw> {
        let mut m: CUmodule = std::ptr::null_mut();
        call!(self.cuLibraryGetModule(&mut m, ptr(library)))?;
        Ok(raw(m))
    }

    fn library_get_global(&mut self, library: Raw, name: &str) -> CuResult<(u64, u64)> {
        let name = CString::new(name).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        let (mut p, mut size) = (0, 0usize);
        call!(self.cuLibraryGetGlobal(&mut p, &mut size, ptr(library), name.as_ptr()))?;
        Ok((p, size as u64))
    }

    fn library_kernels(&mut self, library: Raw) -> CuResult<Vec<Raw>> {
        let mut n = 0;
        call!(self.cuLibraryGetKernelCount(&mut n, ptr(library)))?;
        let mut ks: Vec<cuvm_abi::CUkernel> = vec![std::ptr::null_mut(); n as usize];
        call!(self.cuLibraryEnumerateKernels(ks.as_mut_ptr(), n, ptr(library)))?;
        Ok(ks.into_iter().map(raw).collect())
    }

    fn kernel_get_function(&mut self, kernel: Raw) -> CuResult<Raw> {
        let mut f: CUfunction = std::ptr::null_mut();
        call!(self.cuKernelGetFunction(&mut f, ptr(kernel)))?;
        Ok(raw(f))
    }

    fn kernel_params(&mut self, kernel: Raw) -> CuResult<Vec<ParamInfo>> {
        params(|index, offset, size| call!(self.cuKernelGetParamInfo(ptr(kernel), index, offset, size)))
    }

    fn kernel_get_attribute(&mut self, attrib: i32, kernel: Raw, dev: i32) -> CuResult<i32> {
        let mut v = 0;
        call!(self.cuKernelGetAttribute(&mut v, CUfunction_attribute(attrib as u32), ptr(kernel), dev))?;
        Ok(v)
    }

    fn kernel_set_attribute(&mut self, attrib: i32, value: i32, kernel: Raw, dev: i32) -> CuResult<()> {
        call!(self.cuKernelSetAttribute(CUfunction_attribute(attrib as u32), value, ptr(kernel), dev))
    }

    fn kernel_name(&mut self, kernel: Raw) -> CuResult<String> {
        let mut name: *const c_char = std::ptr::null();
        call!(self.cuKernelGetName(&mut name, ptr(kernel)))?;
        if name.is_null() {
            return Err(CUresult::CUDA_ERROR_UNKNOWN);
        }
        // SAFETY: the driver returned a NUL-terminated name it owns.
        Ok(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
    }

    fn occupancy_max_potential_block_size(&mut self, func: Raw, smem: u64, limit: i32, flags: u32) -> CuResult<(i32, i32)> {
        let (mut grid, mut block) = (0, 0);
        call!(self.cuOccupancyMaxPotentialBlockSizeWithFlags(&mut grid, &mut block, ptr(func), None, usize_of(smem)?, limit, flags))?;
        Ok((grid, block))
    }

    fn occupancy_available_dynamic_smem(&mut self, func: Raw, blocks: i32, block: i32) -> CuResult<u64> {
        let mut v = 0usize;
        call!(self.cuOccupancyAvailableDynamicSMemPerBlock(&mut v, ptr(func), blocks, block))?;
        Ok(v as u64)
    }

    fn stream_create(&mut self, flags: u32, priority: i32) -> CuResult<Raw> {
        let mut s: CUstream = std::ptr::null_mut();
        call!(self.cuStreamCreateWithPriority(&mut s, flags, priority))?;
        Ok(raw(s))
    }

    fn stream_destroy(&mut self, stream: Raw) -> CuResult<()> {
        call!(self.cuStreamDestroy_v2(ptr(stream)))
    }

    fn stream_synchronize(&mut self, stream: Raw) -> CuResult<()> {
        call!(self.cuStreamSynchronize(ptr(stream)))
    }

    fn stream_query(&mut self, stream: Raw) -> CuResult<()> {
        call!(self.cuStreamQuery(ptr(stream)))
    }

    fn stream_wait_event(&mut self, stream: Raw, event: Raw, flags: u32) -> CuResult<()> {
        call!(self.cuStreamWaitEvent(ptr(stream), ptr(event), flags))
    }

    fn stream_get_priority(&mut self, stream: Raw) -> CuResult<i32> {
        let mut p = 0;
        call!(self.cuStreamGetPriority(ptr(stream), &mut p))?;
        Ok(p)
    }

    fn stream_get_flags(&mut self, stream: Raw) -> CuResult<u32> {
        let mut f = 0;
        call!(self.cuStreamGetFlags(ptr(stream), &mut f))?;
        Ok(f)
    }

    fn link_create(&mut self, options: &[(u32, u64)], info_cap: usize, error_cap: usize) -> CuResult<Raw> {
        self.link_create_native(options, info_cap, error_cap)
    }

    fn link_add(&mut self, link: Raw, kind: u32, data: Vec<u8>, name: &str) -> CuResult<()> {
        self.link_add_native(link, kind, data, name)
    }

    fn link_complete(&mut self, link: Raw) -> CuResult<Vec<u8>> {
        self.link_complete_native(link)
    }

    fn link_logs(&mut self, link: Raw) -> CuResult<super::LinkLogs> {
        self.link_logs_native(link)
    }

    fn link_destroy(&mut self, link: Raw) -> CuResult<()> {
        self.link_destroy_native(link)
    }

    fn stream_attribute(&mut self, stream: Raw, id: u32) -> CuResult<[u8; 64]> {
        let mut v = cuvm_abi::CUlaunchAttributeValue { pad: [0; 64] };
        call!(self.cuStreamGetAttribute(ptr(stream), cuvm_abi::CUlaunchAttributeID(id), &mut v))?;
        // SAFETY: every value is 64 plain bytes.
        Ok(unsafe { v.pad }.map(c_char::cast_unsigned))
    }

    fn stream_set_attribute(&mut self, stream: Raw, id: u32, value: &[u8; 64]) -> CuResult<()> {
        let v = cuvm_abi::CUlaunchAttributeValue { pad: value.map(u8::cast_signed) };
        call!(self.cuStreamSetAttribute(ptr(stream), cuvm_abi::CUlaunchAttributeID(id), &v))
    }

    fn stream_mem_ops(&mut self, stream: Raw, ops: &[StreamMemOp], flags: u32) -> CuResult<()> {
        use cuvm_abi::CUstreamBatchMemOpType as T;
        let mut params: Vec<cuvm_abi::CUstreamBatchMemOpParams> = Vec::with_capacity(ops.len());
        for op in ops {
            let mut p = cuvm_abi::CUstreamBatchMemOpParams { pad: [0; 6] };
            let kind = T(op.kind);
            if kind == T::CU_STREAM_MEM_OP_BARRIER || kind == T::CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES {
                p.memoryBarrier = cuvm_abi::CUstreamBatchMemOpParams_union_CUstreamMemOpMemoryBarrierParams_st { operation: kind, flags: op.flags };
            } else {
                // Waits and writes share one layout; a 32-bit value is the
                // low word of the 64-bit one (little-endian).
                p.writeValue = cuvm_abi::CUstreamBatchMemOpParams_union_CUstreamMemOpWriteValueParams_st {
                    operation: kind,
                    address: op.addr,
                    __bindgen_anon_1: cuvm_abi::CUstreamBatchMemOpParams_union_CUstreamMemOpWriteValueParams_st__bindgen_ty_1 {
                        value64: op.value,
                    },
                    flags: op.flags,
                    alias: 0,
                };
            }
            params.push(p);
        }
        let n = u32::try_from(params.len()).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        call!(self.cuStreamBatchMemOp_v2(ptr(stream), n, params.as_mut_ptr(), flags))
    }

    fn mem_pool_set_access(&mut self, pool: Raw, descs: &[(u32, i32, u32)]) -> CuResult<()> {
        let map: Vec<cuvm_abi::CUmemAccessDesc> = descs
            .iter()
            .map(|(t, id, f)| cuvm_abi::CUmemAccessDesc {
                location: cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType(*t), id: *id },
                flags: cuvm_abi::CUmemAccess_flags(*f),
            })
            .collect();
        call!(self.cuMemPoolSetAccess(ptr(pool), map.as_ptr(), map.len()))
    }

    fn mem_pool_get_access(&mut self, pool: Raw, location: (u32, i32)) -> CuResult<u32> {
        let mut loc = cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType(location.0), id: location.1 };
        let mut f = cuvm_abi::CUmemAccess_flags(0);
        call!(self.cuMemPoolGetAccess(&mut f, ptr(pool), &mut loc))?;
        Ok(f.0)
    }

    fn device_graph_mem_attribute(&mut self, dev: i32, attr: u32) -> CuResult<u64> {
        let mut v = 0u64;
        call!(self.cuDeviceGetGraphMemAttribute(dev, cuvm_abi::CUgraphMem_attribute(attr), (&raw mut v).cast()))?;
        Ok(v)
    }

    fn device_set_graph_mem_attribute(&mut self, dev: i32, attr: u32, value: u64) -> CuResult<()> {
        let mut v = value;
        call!(self.cuDeviceSetGraphMemAttribute(dev, cuvm_abi::CUgraphMem_attribute(attr), (&raw mut v).cast()))
    }

    fn device_p2p_atomic_capabilities(&mut self, ops: &[u32], src: i32, dst: i32) -> CuResult<Vec<u32>> {
        let ops: Vec<cuvm_abi::CUatomicOperation> = ops.iter().map(|o| cuvm_abi::CUatomicOperation(*o)).collect();
        let mut caps = vec![0u32; ops.len()];
        let n = u32::try_from(ops.len()).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?;
        call!(self.cuDeviceGetP2PAtomicCapabilities(caps.as_mut_ptr(), ops.as_ptr(), n, src, dst))?;
        Ok(caps)
    }

    fn kernel_set_cache_config(&mut self, kernel: Raw, config: u32, dev: i32) -> CuResult<()> {
        call!(self.cuKernelSetCacheConfig(ptr(kernel), CUfunc_cache(config), dev))
    }

    fn event_create(&mut self, flags: u32) -> CuResult<Raw> {
        let mut e: CUevent = std::ptr::null_mut();
        call!(self.cuEventCreate(&mut e, flags))?;
        Ok(raw(e))
    }

    fn event_destroy(&mut self, event: Raw) -> CuResult<()> {
        call!(self.cuEventDestroy_v2(ptr(event)))
    }

    fn event_record(&mut self, event: Raw, stream: Raw) -> CuResult<()> {
        call!(self.cuEventRecord(ptr(event), ptr(stream)))
    }

    fn event_synchronize(&mut self, event: Raw) -> CuResult<()> {
        call!(self.cuEventSynchronize(ptr(event)))
    }

    fn event_query(&mut self, event: Raw) -> CuResult<()> {
        call!(self.cuEventQuery(ptr(event)))
    }

    fn event_elapsed(&mut self, start: Raw, end: Raw) -> CuResult<f32> {
        let mut ms = 0f32;
        call!(self.cuEventElapsedTime_v2(&mut ms, ptr(start), ptr(end)))?;
        Ok(ms)
    }

    fn ipc_get_mem_handle(&mut self, p: u64) -> CuResult<[u8; 64]> {
        let mut h = cuvm_abi::CUipcMemHandle { reserved: [0; 64] };
        call!(self.cuIpcGetMemHandle(&mut h, p))?;
        Ok(handle_bytes(&h.reserved))
    }

    fn ipc_open_mem_handle(&mut self, handle: [u8; 64], flags: u32) -> CuResult<(u64, u64)> {
        let h = cuvm_abi::CUipcMemHandle { reserved: handle_chars(handle) };
        let mut p = 0;
        call!(self.cuIpcOpenMemHandle_v2(&mut p, h, flags))?;
        // The range the driver mapped, as it reports it.
        let (mut base, mut size) = (0, 0usize);
        if let Err(e) = call!(self.cuMemGetAddressRange_v2(&mut base, &mut size, p)) {
            let _ = call!(self.cuIpcCloseMemHandle(p));
            return Err(e);
        }
        let end = base.saturating_add(size as u64);
        Ok((p, end.saturating_sub(p)))
    }

    fn ipc_close_mem_handle(&mut self, p: u64) -> CuResult<()> {
        call!(self.cuIpcCloseMemHandle(p))
    }

    fn ipc_get_event_handle(&mut self, event: Raw) -> CuResult<[u8; 64]> {
        let mut h = cuvm_abi::CUipcEventHandle { reserved: [0; 64] };
        call!(self.cuIpcGetEventHandle(&mut h, ptr(event)))?;
        Ok(handle_bytes(&h.reserved))
    }

    fn ipc_open_event_handle(&mut self, handle: [u8; 64]) -> CuResult<Raw> {
        let h = cuvm_abi::CUipcEventHandle { reserved: handle_chars(handle) };
        let mut e: CUevent = std::ptr::null_mut();
        call!(self.cuIpcOpenEventHandle(&mut e, h))?;
        Ok(raw(e))
    }
}

fn prop(p: MemProp) -> cuvm_abi::CUmemAllocationProp {
    let mut out = cuvm_abi::CUmemAllocationProp::default();
    out.type_ = cuvm_abi::CUmemAllocationType(p.kind);
    out.requestedHandleTypes = cuvm_abi::CUmemAllocationHandleType(p.handle_types);
    out.location = cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType(p.location_type), id: p.location_id };
    out.allocFlags.compressionType = p.compression;
    out.allocFlags.gpuDirectRDMACapable = p.rdma;
    out.allocFlags.usage = p.usage;
    out
}
