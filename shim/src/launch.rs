//! Kernel launches. Arguments are packed in the guest from the layout the
//! host reported at function lookup (`kernelParams`), or taken as one buffer
//! (`extra` with `CU_LAUNCH_PARAM_BUFFER_POINTER`/`SIZE`), and posted: the
//! launch does not wait for the host, and a failure on the host comes back
//! from the next synchronising call.

use core::ffi::{c_int, c_uint, c_void};

use cuvm_abi::{CUfunction, CUlaunchAttributeID, CUlaunchConfig, CUresult, CUstream};
use cuvm_wire::{Encoder, ops};

use crate::remote::{self, call, non_null, post, protocol, stream_id};

/// `CU_LAUNCH_PARAM_END`, `_BUFFER_POINTER`, `_BUFFER_SIZE`.
const PARAM_END: usize = 0;
const PARAM_BUFFER_POINTER: usize = 1;
const PARAM_BUFFER_SIZE: usize = 2;
/// The driver's limit on a kernel's argument buffer.
const MAX_ARGS: usize = 32 * 1024;

/// Packs the arguments of function `id`.
///
/// # Safety
/// `params` holds one valid pointer per parameter, each to as many bytes as
/// the parameter's size; or `extra` is a valid `CU_LAUNCH_PARAM` list.
pub(crate) unsafe fn pack(id: u64, params: *mut *mut c_void, extra: *mut *mut c_void) -> Result<Vec<u8>, CUresult> {
    crate::module::ensure_params(id)?;
    let func = crate::module::function(id).ok_or(CUresult::CUDA_ERROR_INVALID_HANDLE)?;
    if !extra.is_null() {
        if !params.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let (mut buffer, mut size): (*const u8, Option<usize>) = (std::ptr::null(), None);
        let mut i = 0;
        loop {
            // SAFETY: a CU_LAUNCH_PARAM list, terminated by PARAM_END.
            let key = unsafe { *extra.add(i) } as usize;
            match key {
                PARAM_END => break,
                // SAFETY: each key is followed by its value.
                PARAM_BUFFER_POINTER => buffer = unsafe { *extra.add(i + 1) }.cast_const().cast(),
                PARAM_BUFFER_SIZE => {
                    // SAFETY: the value points at a size_t.
                    let p = unsafe { *extra.add(i + 1) }.cast::<usize>();
                    if p.is_null() {
                        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
                    }
                    // SAFETY: non-null size_t pointer.
                    size = Some(unsafe { *p });
                }
                _ => return Err(CUresult::CUDA_ERROR_INVALID_VALUE),
            }
            i += 2;
            if i > 64 {
                return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
            }
        }
        let size = size.ok_or(CUresult::CUDA_ERROR_INVALID_VALUE)?;
        if size > MAX_ARGS || (size > 0 && buffer.is_null()) {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: the buffer holds `size` bytes by the caller's contract.
        return Ok(if size == 0 { Vec::new() } else { unsafe { std::slice::from_raw_parts(buffer, size) }.to_vec() });
    }
    let total = func.params.iter().map(|(o, s)| *o as usize + *s as usize).max().unwrap_or(0);
    if total > MAX_ARGS {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    if !func.params.is_empty() && params.is_null() {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    let mut buf = vec![0u8; total];
    for (i, (offset, size)) in func.params.iter().enumerate() {
        // SAFETY: one pointer per parameter, each to `size` bytes.
        let src = unsafe { *params.add(i) }.cast_const().cast::<u8>();
        if src.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        let (o, s) = (*offset as usize, *size as usize);
        // SAFETY: `src` holds `s` bytes; `buf` holds o + s <= total bytes.
        unsafe { std::ptr::copy_nonoverlapping(src, buf.as_mut_ptr().add(o), s) };
    }
    Ok(buf)
}

/// The checks the driver makes at launch time, made here so that a bad
/// configuration fails at the launch (not at the next synchronisation).
fn check_dims(grid: [u32; 3], block: [u32; 3]) -> Result<(), CUresult> {
    if grid.contains(&0) || block.contains(&0) {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    let threads = u64::from(block[0]) * u64::from(block[1]) * u64::from(block[2]);
    if block[0] > 1024
        || block[1] > 1024
        || block[2] > 64
        || threads > 1024
        || grid[1] > 65535
        || grid[2] > 65535
        || grid[0] > i32::MAX as u32
    {
        return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

/// Sends a launch.
#[allow(clippy::too_many_arguments)]
/// A launch attribute that carries plain values: (id, the 64-byte value).
pub type Attribute = (u32, [u8; 64]);

/// Launch attributes forwarded as they are: their values hold no pointer
/// or handle (clusters, priorities, programmatic serialization, memory
/// synchronisation domains, carve-out...).
const VALUE_ATTRIBUTES: &[CUlaunchAttributeID] = &[
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PRIORITY,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PREFERRED_CLUSTER_DIMENSION,
    CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT,
];

#[allow(clippy::too_many_arguments)]
fn send(
    op: u32,
    id: u64,
    grid: [u32; 3],
    block: [u32; 3],
    shared: u32,
    stream: u64,
    cooperative: bool,
    args: &[u8],
    attrs: &[Attribute],
    wait: bool,
) -> Result<(), CUresult> {
    let mut e = Encoder::new();
    e.u64(id);
    for v in grid.iter().chain(block.iter()) {
        e.u32(*v);
    }
    e.u32(shared).u64(stream).bool(cooperative).bytes(args);
    put_attributes(&mut e, attrs)?;
    if wait { call(op, &e).map(|_| ()) } else { post(op, &e, None) }
}

/// [count u32, (id u32, value 64 bytes)*].
fn put_attributes(e: &mut Encoder, attrs: &[Attribute]) -> Result<(), CUresult> {
    e.u32(u32::try_from(attrs.len()).map_err(|_| CUresult::CUDA_ERROR_INVALID_VALUE)?);
    for (id, value) in attrs {
        e.u32(*id).raw(value);
    }
    Ok(())
}

/// `cuLaunchKernel(_ptsz)`, `cuLaunchCooperativeKernel(_ptsz)`, and
/// `cuLaunchKernelEx` with its plain-value attributes `attrs`.
///
/// # Safety
/// As the driver's: `params`/`extra` describe the kernel's arguments.
#[allow(clippy::too_many_arguments)]
pub unsafe fn launch(
    f: CUfunction,
    grid: [c_uint; 3],
    block: [c_uint; 3],
    shared: c_uint,
    stream: CUstream,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
    cooperative: bool,
    per_thread: bool,
    attrs: &[Attribute],
) -> CUresult {
    remote::done((|| {
        let client = crate::client::get()?;
        let id = f as usize as u64;
        if crate::module::function(id).is_none() {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        check_dims(grid, block)?;
        // A backend that cannot run kernels refuses the launch at once: the
        // launch then waits for the host's answer (which also invalidates a
        // capture in progress, as the driver does for a refused operation).
        let refused = client.capabilities & cuvm_wire::hello::CAN_LAUNCH == 0;
        if refused {
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                log::warn!("cuvm-host's backend cannot run kernels (emulated): cuLaunchKernel answers CUDA_ERROR_NOT_SUPPORTED")
            });
        }
        // SAFETY: forwarded contract.
        let args = unsafe { pack(id, params, extra)? };
        let op = if per_thread { ops::cuLaunchKernel_ptsz } else { ops::cuLaunchKernel };
        send(op, id, grid, block, shared, stream_id(stream, per_thread), cooperative, &args, attrs, refused)?;
        if refused { Err(CUresult::CUDA_ERROR_NOT_SUPPORTED) } else { Ok(()) }
    })())
}

/// The cooperative flag and the plain-value attributes of a launch
/// configuration; an attribute cuvm cannot forward is `CUDA_ERROR_NOT_SUPPORTED`.
///
/// # Safety
/// `c.attrs` holds `c.numAttrs` entries (or is unused when 0).
unsafe fn attributes(c: &CUlaunchConfig, caller: &str) -> Result<(bool, Vec<Attribute>), CUresult> {
    let mut cooperative = false;
    let mut attrs: Vec<Attribute> = Vec::new();
    if c.numAttrs > 0 {
        if c.attrs.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        for i in 0..c.numAttrs as usize {
            // SAFETY: `attrs` holds numAttrs entries.
            let a = unsafe { &*c.attrs.add(i) };
            if a.id == CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_COOPERATIVE {
                // SAFETY: the union member for this id.
                cooperative = unsafe { a.value.cooperative } != 0;
            } else if VALUE_ATTRIBUTES.contains(&a.id) {
                // SAFETY: every member of the union is plain data; `pad` spans it.
                attrs.push((a.id.0, unsafe { a.value.pad }.map(core::ffi::c_char::cast_unsigned)));
            } else if a.id != CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_IGNORE {
                log::warn!("{caller}: launch attribute {} is not supported by cuvm yet", a.id.0);
                return Err(CUresult::CUDA_ERROR_NOT_SUPPORTED);
            }
        }
    }
    Ok((cooperative, attrs))
}

/// `cuOccupancyMaxActiveClusters` (`potential` false) and
/// `cuOccupancyMaxPotentialClusterSize` (true): [op's function id u64, grid
/// 3×u32, block 3×u32, shared memory u32, cooperative u8, attributes as a
/// launch] -> [i32].
///
/// # Safety
/// `out` null or valid; `config` null or a valid configuration.
pub unsafe fn cluster_occupancy(out: *mut c_int, f: CUfunction, config: *const CUlaunchConfig, potential: bool) -> CUresult {
    remote::done((|| {
        let out = non_null(out)?;
        if config.is_null() {
            return Err(CUresult::CUDA_ERROR_INVALID_VALUE);
        }
        // SAFETY: non-null, valid by the caller's contract.
        let c = unsafe { &*config };
        let name = if potential { "cuOccupancyMaxPotentialClusterSize" } else { "cuOccupancyMaxActiveClusters" };
        // SAFETY: forwarded contract.
        let (cooperative, attrs) = unsafe { attributes(c, name)? };
        let mut e = Encoder::new();
        e.u64(f as usize as u64);
        for v in [c.gridDimX, c.gridDimY, c.gridDimZ, c.blockDimX, c.blockDimY, c.blockDimZ, c.sharedMemBytes] {
            e.u32(v);
        }
        e.bool(cooperative);
        put_attributes(&mut e, &attrs)?;
        let op = if potential { ops::cuOccupancyMaxPotentialClusterSize } else { ops::cuOccupancyMaxActiveClusters };
        let n = call(op, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(out, n) };
        Ok(())
    })())
}

/// `cuLaunchKernelEx(_ptsz)`: the cooperative attribute and the attributes
/// whose values are plain ([`VALUE_ATTRIBUTES`]) are forwarded; those that
/// carry events or pointers (programmatic events, completion events, access
/// policy windows, updatable graph nodes) are not supported yet and say so.
///
/// # Safety
/// As the driver's.
pub unsafe fn launch_ex(
    config: *const CUlaunchConfig,
    f: CUfunction,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
    per_thread: bool,
) -> CUresult {
    if config.is_null() {
        return CUresult::CUDA_ERROR_INVALID_VALUE;
    }
    // SAFETY: non-null, valid by the caller's contract.
    let c = unsafe { &*config };
    // SAFETY: forwarded contract.
    let (cooperative, attrs) = match unsafe { attributes(c, "cuLaunchKernelEx") } {
        Ok(v) => v,
        Err(e) => return e,
    };
    // SAFETY: forwarded contract.
    unsafe {
        launch(
            f,
            [c.gridDimX, c.gridDimY, c.gridDimZ],
            [c.blockDimX, c.blockDimY, c.blockDimZ],
            c.sharedMemBytes,
            c.hStream,
            params,
            extra,
            cooperative,
            per_thread,
            &attrs,
        )
    }
}

/// `cuOccupancyMaxActiveBlocksPerMultiprocessor(WithFlags)`.
///
/// # Safety
/// `blocks` is null or valid for a write.
pub unsafe fn occupancy(blocks: *mut c_int, f: CUfunction, block: c_int, smem: usize, flags: c_uint) -> CUresult {
    remote::done((|| {
        let blocks = non_null(blocks)?;
        let mut e = Encoder::new();
        e.u64(f as usize as u64).i32(block).u64(smem as u64).u32(flags);
        let n = call(ops::cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags, &e)?.decoder().i32().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(blocks, n) };
        Ok(())
    })())
}

/// `cuOccupancyMaxPotentialBlockSize(WithFlags)`. Without a callback the
/// host asks the driver; with one (guest code, which the host cannot call)
/// the guest searches block sizes as the CUDA occupancy calculator does:
/// from the largest multiple of the warp size down, keeping the first size
/// of highest occupancy (blocks x threads per multiprocessor).
///
/// # Safety
/// Out-pointers null or valid; `callback` is a valid function if set.
#[allow(clippy::too_many_arguments)]
pub unsafe fn potential_block_size(
    min_grid: *mut c_int,
    block_size: *mut c_int,
    f: CUfunction,
    callback: cuvm_abi::CUoccupancyB2DSize,
    smem: usize,
    limit: c_int,
    flags: c_uint,
) -> CUresult {
    remote::done((|| {
        let (min_grid, block_size) = (non_null(min_grid)?, non_null(block_size)?);
        let id = f as usize as u64;
        if crate::module::function(id).is_none() {
            return Err(CUresult::CUDA_ERROR_INVALID_HANDLE);
        }
        let (grid, block) = match callback {
            None => {
                let mut e = Encoder::new();
                e.u64(id).u64(smem as u64).i32(limit).u32(flags);
                let r = call(ops::cuOccupancyMaxPotentialBlockSizeWithFlags, &e)?;
                let mut d = r.decoder();
                (d.i32().map_err(protocol)?, d.i32().map_err(protocol)?)
            }
            Some(cb) => search_block_size(id, cb, limit, flags)?,
        };
        // SAFETY: checked non-null.
        unsafe {
            remote::write(min_grid, grid);
            remote::write(block_size, block);
        }
        Ok(())
    })())
}

fn search_block_size(id: u64, cb: unsafe extern "C" fn(c_int) -> usize, limit: c_int, flags: c_uint) -> Result<(i32, i32), CUresult> {
    use cuvm_abi::CUdevice_attribute as A;
    let dev = crate::context::device_of(crate::context::current()).ok_or(CUresult::CUDA_ERROR_INVALID_CONTEXT)?;
    let attr = |a: A| crate::device::attribute_value(a.0 as i32, dev);
    let warp = attr(A::CU_DEVICE_ATTRIBUTE_WARP_SIZE)?.max(1);
    let per_sm = attr(A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR)?;
    let sms = attr(A::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?;
    let mut e = Encoder::new();
    e.i32(cuvm_abi::CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK.0 as i32).u64(id);
    let func_max = call(ops::cuFuncGetAttribute, &e)?.decoder().i32().map_err(protocol)?;
    let limit = if limit <= 0 { func_max } else { limit.min(func_max) };
    let (mut best_blocks, mut best_size, mut best_occupancy) = (0, 0, 0);
    let mut aligned = (limit + warp - 1) / warp * warp;
    while aligned > 0 {
        let size = aligned.min(limit);
        // SAFETY: the caller's callback, called as the driver would.
        let smem = unsafe { cb(size) };
        let mut e = Encoder::new();
        e.u64(id).i32(size).u64(smem as u64).u32(flags);
        let blocks = call(ops::cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags, &e)?.decoder().i32().map_err(protocol)?;
        if blocks * size > best_occupancy {
            (best_blocks, best_size, best_occupancy) = (blocks, size, blocks * size);
        }
        if best_occupancy == per_sm {
            break;
        }
        aligned -= warp;
    }
    Ok((best_blocks * sms, best_size))
}

/// `cuOccupancyAvailableDynamicSMemPerBlock`.
///
/// # Safety
/// `smem` is null or valid for a write.
pub unsafe fn available_dynamic_smem(smem: *mut usize, f: CUfunction, blocks: c_int, block: c_int) -> CUresult {
    remote::done((|| {
        let smem = non_null(smem)?;
        let mut e = Encoder::new();
        e.u64(f as usize as u64).i32(blocks).i32(block);
        let v = call(ops::cuOccupancyAvailableDynamicSMemPerBlock, &e)?.decoder().u64().map_err(protocol)?;
        // SAFETY: checked non-null.
        unsafe { remote::write(smem, usize::try_from(v).unwrap_or(usize::MAX)) };
        Ok(())
    })())
}
