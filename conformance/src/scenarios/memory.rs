//! Memory: allocation, copies of every direction and size, memsets, bad
//! pointers and sizes, and two processes at once.

use std::ffi::c_void;
use std::ptr::null_mut;

use cuvm_abi::CUstream;

use super::{random_bytes, setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "memory_alloc_free", needs_kernels: false, native_only: false, run: alloc_free },
        Scenario { name: "memory_copies", needs_kernels: false, native_only: false, run: copies },
        Scenario { name: "memory_async_copies", needs_kernels: false, native_only: false, run: async_copies },
        Scenario { name: "memory_2d_copies", needs_kernels: false, native_only: false, run: copies_2d },
        Scenario { name: "memory_stream_ordered_and_pools", needs_kernels: false, native_only: false, run: stream_ordered },
        Scenario { name: "memory_virtual_memory", needs_kernels: false, native_only: true, run: virtual_memory },
        Scenario { name: "tensor_maps", needs_kernels: false, native_only: true, run: tensor_maps },
        Scenario { name: "memory_memsets", needs_kernels: false, native_only: false, run: memsets },
        Scenario { name: "memory_bad_pointers", needs_kernels: false, native_only: false, run: bad_pointers },
        Scenario { name: "memory_pinned_host", needs_kernels: false, native_only: false, run: pinned_host },
        Scenario { name: "memory_small_pinned_as_device_memory", needs_kernels: false, native_only: false, run: small_pinned },
        Scenario { name: "kernel_on_small_pinned_memory", needs_kernels: true, native_only: false, run: kernel_on_small_pinned },
        Scenario { name: "managed_memory_with_kernels", needs_kernels: true, native_only: false, run: managed_with_kernels },
        Scenario { name: "two_processes_at_once", needs_kernels: false, native_only: false, run: two_processes },
        Scenario { name: "pointer_attributes_and_peer_copy", needs_kernels: false, native_only: false, run: pointer_attributes },
    ]
}

fn alloc_free(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut p = 0;
    t.call("cuMemAlloc(0 bytes)", cu!(api.cuMemAlloc_v2(&mut p, 0)));
    t.call("cuMemAlloc(NULL out)", cu!(api.cuMemAlloc_v2(null_mut(), 16)));
    t.ok("cuMemAlloc(1 MiB)", cu!(api.cuMemAlloc_v2(&mut p, 1 << 20)))?;
    t.check("pointer is not null", p != 0)?;
    let (mut base, mut size) = (0, 0usize);
    t.ok("cuMemGetAddressRange(inside)", cu!(api.cuMemGetAddressRange_v2(&mut base, &mut size, p + 100)))?;
    t.check("address range is the allocation", base == p && size == 1 << 20)?;
    t.call("cuMemGetAddressRange(unknown)", cu!(api.cuMemGetAddressRange_v2(&mut base, &mut size, 0x10)));
    let (mut free, mut total) = (0usize, 0usize);
    t.ok("cuMemGetInfo", cu!(api.cuMemGetInfo_v2(&mut free, &mut total)))?;
    t.check("free <= total", free <= total && total > 0)?;
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    t.call("cuMemFree again (double free)", cu!(api.cuMemFree_v2(p)));
    t.call("cuMemFree(unknown pointer)", cu!(api.cuMemFree_v2(0xdead_0000)));
    let (mut q, mut pitch) = (0, 0usize);
    t.ok("cuMemAllocPitch(100 x 7, 4)", cu!(api.cuMemAllocPitch_v2(&mut q, &mut pitch, 100, 7, 4)))?;
    t.check("pitch >= width", pitch >= 100)?;
    t.call("cuMemAllocPitch(bad element size)", cu!(api.cuMemAllocPitch_v2(&mut q, &mut pitch, 100, 7, 3)));
    t.ok("cuMemFree(pitched)", cu!(api.cuMemFree_v2(q)))?;
    t.call("cuMemAlloc(1 PiB)", cu!(api.cuMemAlloc_v2(&mut p, 1 << 50)));
    teardown(api, t)
}

fn round_trip(api: &Api, t: &mut Transcript, size: usize, seed: u64) -> Result<bool, String> {
    let data = random_bytes(size, seed);
    let (mut a, mut b) = (0, 0);
    t.ok(&format!("cuMemAlloc({size}) a"), cu!(api.cuMemAlloc_v2(&mut a, size)))?;
    t.ok(&format!("cuMemAlloc({size}) b"), cu!(api.cuMemAlloc_v2(&mut b, size)))?;
    t.ok(&format!("cuMemcpyHtoD({size})"), cu!(api.cuMemcpyHtoD_v2(a, data.as_ptr().cast(), size)))?;
    t.ok(&format!("cuMemcpyDtoD({size})"), cu!(api.cuMemcpyDtoD_v2(b, a, size)))?;
    let mut back = vec![0u8; size];
    t.ok(&format!("cuMemcpyDtoH({size})"), cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), b, size)))?;
    let mut unified = vec![0u8; size];
    t.ok(&format!("cuMemcpy(unified DtoH {size})"), cu!(api.cuMemcpy(unified.as_mut_ptr() as u64, a, size)))?;
    t.ok("cuMemFree a", cu!(api.cuMemFree_v2(a)))?;
    t.ok("cuMemFree b", cu!(api.cuMemFree_v2(b)))?;
    Ok(back == data && unified == data)
}

fn copies(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    // Two processes running this at once use different seeds (different data).
    let base: u64 = std::env::var("CUVM_CONFORMANCE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0) * 100;
    for (i, size) in [1usize, 7, 4096, 4097, (1 << 20) + 13, (3 << 20) + 5].into_iter().enumerate() {
        let same = round_trip(api, t, size, base + i as u64 + 1)?;
        t.check(&format!("{size} random bytes survive HtoD, DtoD, DtoH"), same)?;
    }
    let mut p = 0;
    t.ok("cuMemAlloc(64)", cu!(api.cuMemAlloc_v2(&mut p, 64)))?;
    t.call("cuMemcpyHtoD(0 bytes)", cu!(api.cuMemcpyHtoD_v2(p, [0u8; 1].as_ptr().cast(), 0)));
    let src = random_bytes(64, 99);
    t.ok("cuMemcpyHtoD(64)", cu!(api.cuMemcpyHtoD_v2(p, src.as_ptr().cast(), 64)))?;
    let mut part = [0u8; 16];
    t.ok("cuMemcpyDtoH(16 bytes at offset 8)", cu!(api.cuMemcpyDtoH_v2(part.as_mut_ptr().cast(), p + 8, 16)))?;
    t.check("an interior range reads back", part[..] == src[8..24])?;
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    teardown(api, t)
}

fn async_copies(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    let size = (2 << 20) + 3;
    let data = random_bytes(size, 5);
    let (mut a, mut b) = (0, 0);
    t.ok("cuMemAlloc a", cu!(api.cuMemAlloc_v2(&mut a, size)))?;
    t.ok("cuMemAlloc b", cu!(api.cuMemAlloc_v2(&mut b, size)))?;
    t.ok("cuMemcpyHtoDAsync", cu!(api.cuMemcpyHtoDAsync_v2(a, data.as_ptr().cast(), size, s)))?;
    t.ok("cuMemcpyDtoDAsync", cu!(api.cuMemcpyDtoDAsync_v2(b, a, size, s)))?;
    let mut back = vec![0u8; size];
    t.ok("cuMemcpyDtoHAsync", cu!(api.cuMemcpyDtoHAsync_v2(back.as_mut_ptr().cast(), b, size, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.check("async copies round-trip", back == data)?;
    let mut back2 = vec![0u8; size];
    t.ok("cuMemcpyAsync (unified) on the NULL stream", cu!(api.cuMemcpyAsync(back2.as_mut_ptr() as u64, a, size, null_mut())))?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    t.check("unified async copy round-trips", back2 == data)?;
    t.ok("cuMemFree a", cu!(api.cuMemFree_v2(a)))?;
    t.ok("cuMemFree b", cu!(api.cuMemFree_v2(b)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

fn memsets(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let n = 1000usize;
    let mut p = 0;
    t.ok("cuMemAlloc", cu!(api.cuMemAlloc_v2(&mut p, n * 4)))?;
    let mut back = vec![0u8; n * 4];
    t.ok("cuMemsetD8", cu!(api.cuMemsetD8_v2(p, 0xab, n * 4)))?;
    t.ok("read", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), p, n * 4)))?;
    t.check("D8 sets every byte", back.iter().all(|b| *b == 0xab))?;
    t.ok("cuMemsetD16", cu!(api.cuMemsetD16_v2(p, 0x1234, n * 2)))?;
    t.ok("read", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), p, n * 4)))?;
    t.check("D16 sets every halfword", back.chunks(2).all(|c| c == [0x34, 0x12]))?;
    t.ok("cuMemsetD32", cu!(api.cuMemsetD32_v2(p, 0xdead_beef, n)))?;
    t.ok("read", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), p, n * 4)))?;
    t.check("D32 sets every word", back.chunks(4).all(|c| c == 0xdead_beef_u32.to_le_bytes()))?;
    t.ok("cuMemsetD2D8 (pitch 100, 10 x 5)", cu!(api.cuMemsetD2D8_v2(p, 100, 7, 10, 5)))?;
    t.ok("read", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), p, n * 4)))?;
    let rows_ok = (0..5).all(|r| back[r * 100..r * 100 + 10].iter().all(|b| *b == 7) && back[r * 100 + 10] != 7);
    t.check("D2D8 sets only the rectangle", rows_ok)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 0)))?;
    t.ok("cuMemsetD32Async", cu!(api.cuMemsetD32Async(p, 5, n, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.ok("read", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), p, n * 4)))?;
    t.check("async D32 sets every word", back.chunks(4).all(|c| c == 5u32.to_le_bytes()))?;
    t.call("cuMemsetD32 past the end", cu!(api.cuMemsetD32_v2(p, 0, n + 1)));
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    teardown(api, t)
}

fn bad_pointers(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut p = 0;
    t.ok("cuMemAlloc(256)", cu!(api.cuMemAlloc_v2(&mut p, 256)))?;
    let buf = [0u8; 512];
    let mut out = [0u8; 512];
    t.call("cuMemcpyHtoD overrunning the allocation", cu!(api.cuMemcpyHtoD_v2(p, buf.as_ptr().cast(), 512)));
    t.call("cuMemcpyDtoH overrunning the allocation", cu!(api.cuMemcpyDtoH_v2(out.as_mut_ptr().cast(), p + 128, 256)));
    t.call("cuMemcpyHtoD to a null device pointer", cu!(api.cuMemcpyHtoD_v2(0, buf.as_ptr().cast(), 16)));
    t.call("cuMemcpyHtoD from a null host pointer", cu!(api.cuMemcpyHtoD_v2(p, std::ptr::null(), 16)));
    t.call("cuMemcpyDtoD to an address never allocated", cu!(api.cuMemcpyDtoD_v2(0x1000, p, 16)));
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    t.call("cuMemcpyDtoH from a freed pointer", cu!(api.cuMemcpyDtoH_v2(out.as_mut_ptr().cast(), p, 16)));
    t.call("cuMemsetD8 on a freed pointer", cu!(api.cuMemsetD8_v2(p, 0, 16)));
    teardown(api, t)
}

fn pinned_host(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut h: *mut c_void = null_mut();
    t.ok("cuMemAllocHost(1 MiB)", cu!(api.cuMemAllocHost_v2(&mut h, 1 << 20)))?;
    let mut flags = 99u32;
    t.ok("cuMemHostGetFlags", cu!(api.cuMemHostGetFlags(&mut flags, h)))?;
    let data = random_bytes(1 << 20, 11);
    // SAFETY: `h` holds 1 MiB.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), h.cast::<u8>(), 1 << 20) };
    let mut d = 0;
    t.ok("cuMemAlloc", cu!(api.cuMemAlloc_v2(&mut d, 1 << 20)))?;
    t.ok("cuMemcpyHtoD from pinned memory", cu!(api.cuMemcpyHtoD_v2(d, h, 1 << 20)))?;
    let mut back = vec![0u8; 1 << 20];
    t.ok("cuMemcpyDtoH", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), d, 1 << 20)))?;
    t.check("pinned memory round-trips", back == data)?;
    // With unified addressing a page-locked host address is a valid memset
    // destination (XLA relies on it).
    let words = h.cast::<u32>();
    t.ok("cuMemsetD32 on pinned host memory", cu!(api.cuMemsetD32_v2(h as u64, 0xdead_beef, 1024)))?;
    // SAFETY: `h` holds 1 MiB.
    let set = unsafe { std::slice::from_raw_parts(words, 1025) };
    t.check(
        "the memset wrote 1024 words of pinned memory and no more",
        set[..1024].iter().all(|w| *w == 0xdead_beef) && set[1024] != 0xdead_beef,
    )?;
    let mut s = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    t.ok("cuMemsetD8Async on pinned host memory", cu!(api.cuMemsetD8Async(h as u64 + 8, 0x5a, 16, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    // SAFETY: `h` holds 1 MiB.
    let bytes = unsafe { std::slice::from_raw_parts(h.cast::<u8>(), 32) };
    t.value("pinned bytes 0..32 after the async memset", bytes);
    // Copies with a page-locked side named by its address as a device pointer.
    t.ok("cuMemcpyDtoHAsync from pinned host memory", cu!(api.cuMemcpyDtoHAsync_v2(back.as_mut_ptr().cast(), h as u64, 32, s)))?;
    t.ok("cuMemcpyDtoDAsync pinned -> device", cu!(api.cuMemcpyDtoDAsync_v2(d, h as u64, 32, s)))?;
    t.ok("cuMemcpyDtoDAsync device -> pinned", cu!(api.cuMemcpyDtoDAsync_v2(h as u64 + 64, d, 32, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    // SAFETY: `h` holds 1 MiB.
    let copied = unsafe { std::slice::from_raw_parts(h.cast::<u8>().add(64), 32) };
    t.check("pinned -> host and pinned -> device -> pinned copies", back[..32] == *bytes && copied == bytes)?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    t.ok("cuMemFreeHost", cu!(api.cuMemFreeHost(h)))?;
    let mut plain = vec![0u8; 8192];
    t.ok("cuMemHostRegister", cu!(api.cuMemHostRegister_v2(plain.as_mut_ptr().cast(), 8192, 0)))?;
    t.call("cuMemHostRegister twice", cu!(api.cuMemHostRegister_v2(plain.as_mut_ptr().cast(), 8192, 0)));
    t.ok("cuMemHostUnregister", cu!(api.cuMemHostUnregister(plain.as_mut_ptr().cast())))?;
    t.call("cuMemHostUnregister again", cu!(api.cuMemHostUnregister(plain.as_mut_ptr().cast())));
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(d)))?;
    teardown(api, t)
}

/// Two processes of this scenario's library at once, each with its own
/// data: each must read back exactly its own.
fn two_processes(api: &Api, t: &mut Transcript) -> Result<(), String> {
    let _ = api;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let lib = std::env::var("CUVM_CONFORMANCE_LIB").map_err(|_| "CUVM_CONFORMANCE_LIB is not set".to_string())?;
    let children: Vec<_> = (0..2)
        .map(|i| {
            std::process::Command::new(&exe)
                .args(["--child", "memory_copies", "--lib", &lib])
                .env("CUVM_CONFORMANCE_SEED", i.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
        })
        .collect();
    let mut passed = 0;
    for c in children {
        let out = c.map_err(|e| e.to_string())?.wait_with_output().map_err(|e| e.to_string())?;
        if out.status.success() {
            passed += 1;
        }
    }
    t.check("two processes copying at the same time both read back their own data", passed == 2)
}

fn pointer_attributes(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::CUpointer_attribute as P;
    let ctx = setup(api, t)?;
    let mut p = 0;
    t.ok("cuMemAlloc(4096)", cu!(api.cuMemAlloc_v2(&mut p, 4096)))?;
    let inner = p + 100;
    let mut mem_type = 0u32;
    t.ok("MEMORY_TYPE", cu!(api.cuPointerGetAttribute((&raw mut mem_type).cast(), P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE, inner)))?;
    t.value("memory type of device memory", mem_type);
    let mut c: cuvm_abi::CUcontext = null_mut();
    t.ok("CONTEXT", cu!(api.cuPointerGetAttribute((&raw mut c).cast(), P::CU_POINTER_ATTRIBUTE_CONTEXT, inner)))?;
    t.check("the allocation's context is the current one", c == ctx)?;
    let mut dp = 0u64;
    t.ok("DEVICE_POINTER", cu!(api.cuPointerGetAttribute((&raw mut dp).cast(), P::CU_POINTER_ATTRIBUTE_DEVICE_POINTER, inner)))?;
    t.check("device pointer is the pointer", dp == inner)?;
    let (mut start, mut size) = (0u64, 0u64);
    t.ok("RANGE_START_ADDR", cu!(api.cuPointerGetAttribute((&raw mut start).cast(), P::CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, inner)))?;
    t.ok("RANGE_SIZE", cu!(api.cuPointerGetAttribute((&raw mut size).cast(), P::CU_POINTER_ATTRIBUTE_RANGE_SIZE, inner)))?;
    t.check("range is the allocation", start == p && size == 4096)?;
    let mut ordinal = -1i32;
    t.ok("DEVICE_ORDINAL", cu!(api.cuPointerGetAttribute((&raw mut ordinal).cast(), P::CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, inner)))?;
    t.value("device ordinal", ordinal);
    let (mut managed, mut mapped) = (9u32, 9u32);
    t.ok("IS_MANAGED", cu!(api.cuPointerGetAttribute((&raw mut managed).cast(), P::CU_POINTER_ATTRIBUTE_IS_MANAGED, inner)))?;
    t.ok("MAPPED", cu!(api.cuPointerGetAttribute((&raw mut mapped).cast(), P::CU_POINTER_ATTRIBUTE_MAPPED, inner)))?;
    t.value("(is managed, mapped)", (managed, mapped));
    let mut host: *mut c_void = null_mut();
    t.call(
        "HOST_POINTER of device memory",
        cu!(api.cuPointerGetAttribute((&raw mut host).cast(), P::CU_POINTER_ATTRIBUTE_HOST_POINTER, inner)),
    );
    let stack = [0u8; 64];
    t.call(
        "MEMORY_TYPE of pageable host memory",
        cu!(api.cuPointerGetAttribute((&raw mut mem_type).cast(), P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE, stack.as_ptr() as u64)),
    );
    let mut attrs = [P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE, P::CU_POINTER_ATTRIBUTE_IS_MANAGED];
    let (mut a0, mut a1) = (7u32, 7u32);
    let mut data: [*mut c_void; 2] = [(&raw mut a0).cast(), (&raw mut a1).cast()];
    t.ok("cuPointerGetAttributes(device)", cu!(api.cuPointerGetAttributes(2, attrs.as_mut_ptr(), data.as_mut_ptr(), inner)))?;
    t.value("(memory type, is managed)", (a0, a1));
    t.ok(
        "cuPointerGetAttributes(pageable host)",
        cu!(api.cuPointerGetAttributes(2, attrs.as_mut_ptr(), data.as_mut_ptr(), stack.as_ptr() as u64)),
    )?;
    t.value("(memory type, is managed) of pageable memory", (a0, a1));
    // Peer copy within the one device.
    let mut q = 0;
    t.ok("cuMemAlloc(4096) q", cu!(api.cuMemAlloc_v2(&mut q, 4096)))?;
    let data_in = random_bytes(4096, 8);
    t.ok("upload", cu!(api.cuMemcpyHtoD_v2(p, data_in.as_ptr().cast(), 4096)))?;
    t.ok("cuMemcpyPeer", cu!(api.cuMemcpyPeer(q, ctx, p, ctx, 4096)))?;
    let mut back = vec![0u8; 4096];
    t.ok("download", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), q, 4096)))?;
    t.check("peer copy within a device", back == data_in)?;
    t.call("cuMemcpyPeer with a NULL context", cu!(api.cuMemcpyPeer(q, null_mut(), p, ctx, 16)));
    t.ok("cuMemFree p", cu!(api.cuMemFree_v2(p)))?;
    t.ok("cuMemFree q", cu!(api.cuMemFree_v2(q)))?;
    teardown(api, t)
}

fn copies_2d(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUDA_MEMCPY2D, CUmemorytype as M};
    setup(api, t)?;
    let (w, h) = (300usize, 17usize);
    let (mut a, mut pa, mut b, mut pb) = (0, 0usize, 0, 0usize);
    t.ok("cuMemAllocPitch a", cu!(api.cuMemAllocPitch_v2(&mut a, &mut pa, w + 40, h + 3, 4)))?;
    t.ok("cuMemAllocPitch b", cu!(api.cuMemAllocPitch_v2(&mut b, &mut pb, w + 40, h + 3, 4)))?;
    t.ok("cuMemsetD2D8 a", cu!(api.cuMemsetD2D8_v2(a, pa, 0, w + 40, h + 3)))?;
    // Host rows with a pitch of their own (w + 13), copied to (x 5, y 2) of a.
    let host_pitch = w + 13;
    let host = random_bytes(host_pitch * h, 21);
    let mut m = CUDA_MEMCPY2D { WidthInBytes: w, Height: h, ..Default::default() };
    m.srcMemoryType = M::CU_MEMORYTYPE_HOST;
    m.srcHost = host.as_ptr().cast();
    m.srcPitch = host_pitch;
    m.dstMemoryType = M::CU_MEMORYTYPE_DEVICE;
    m.dstDevice = a;
    m.dstPitch = pa;
    m.dstXInBytes = 5;
    m.dstY = 2;
    t.ok("cuMemcpy2D host to device", cu!(api.cuMemcpy2D_v2(&m)))?;
    // Device to device: the same rectangle of a to the origin of b.
    let mut d = CUDA_MEMCPY2D { WidthInBytes: w, Height: h, ..Default::default() };
    d.srcMemoryType = M::CU_MEMORYTYPE_DEVICE;
    d.srcDevice = a;
    d.srcPitch = pa;
    d.srcXInBytes = 5;
    d.srcY = 2;
    d.dstMemoryType = M::CU_MEMORYTYPE_DEVICE;
    d.dstDevice = b;
    d.dstPitch = pb;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 0)))?;
    t.ok("cuMemcpy2DAsync device to device", cu!(api.cuMemcpy2DAsync_v2(&d, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    // Back to the host, packed (pitch w), through the unified memory type.
    let mut back = vec![0u8; w * h];
    let mut u = CUDA_MEMCPY2D { WidthInBytes: w, Height: h, ..Default::default() };
    u.srcMemoryType = M::CU_MEMORYTYPE_UNIFIED;
    u.srcDevice = b;
    u.srcPitch = pb;
    u.dstMemoryType = M::CU_MEMORYTYPE_UNIFIED;
    u.dstDevice = back.as_mut_ptr() as u64;
    u.dstPitch = w;
    t.ok("cuMemcpy2D device to host (unified)", cu!(api.cuMemcpy2D_v2(&u)))?;
    let expected: Vec<u8> = (0..h).flat_map(|r| host[r * host_pitch..r * host_pitch + w].iter().copied()).collect();
    t.check("the rectangle survives host -> device -> device -> host", back == expected)?;
    let mut row = vec![0u8; pa];
    t.ok("read row 2 of a", cu!(api.cuMemcpyDtoH_v2(row.as_mut_ptr().cast(), a + 2 * pa as u64, pa)))?;
    t.check("bytes left of the rectangle are untouched", row[..5].iter().all(|b| *b == 0))?;
    let mut bad = m;
    bad.dstPitch = w - 1;
    t.call("cuMemcpy2D with a pitch smaller than the width", cu!(api.cuMemcpy2D_v2(&bad)));
    // A 3D box: 64 bytes x 8 rows x 4 slices of a packed host volume into a
    // pitched device volume (pitch 128, 10 rows a slice) at x 16, y 1, z 1,
    // then back (asynchronously) into a zeroed host volume.
    let (bw, bh, bd, dp, dh) = (64usize, 8usize, 4usize, 128usize, 10usize);
    let vol = random_bytes(bw * bh * bd, 33);
    let mut dv = 0;
    t.ok("cuMemAlloc (device volume)", cu!(api.cuMemAlloc_v2(&mut dv, dp * dh * (bd + 1))))?;
    t.ok("cuMemsetD8 (device volume)", cu!(api.cuMemsetD8_v2(dv, 0, dp * dh * (bd + 1))))?;
    let mut c3 = cuvm_abi::CUDA_MEMCPY3D::default();
    c3.srcMemoryType = M::CU_MEMORYTYPE_HOST;
    c3.srcHost = vol.as_ptr().cast();
    (c3.srcPitch, c3.srcHeight) = (bw, bh);
    c3.dstMemoryType = M::CU_MEMORYTYPE_DEVICE;
    c3.dstDevice = dv;
    (c3.dstPitch, c3.dstHeight, c3.dstXInBytes, c3.dstY, c3.dstZ) = (dp, dh, 16, 1, 1);
    (c3.WidthInBytes, c3.Height, c3.Depth) = (bw, bh, bd);
    t.ok("cuMemcpy3D host -> device", cu!(api.cuMemcpy3D_v2(&c3)))?;
    let mut out = vec![0u8; bw * bh * bd];
    let mut back3 = cuvm_abi::CUDA_MEMCPY3D::default();
    back3.srcMemoryType = M::CU_MEMORYTYPE_DEVICE;
    back3.srcDevice = dv;
    (back3.srcPitch, back3.srcHeight, back3.srcXInBytes, back3.srcY, back3.srcZ) = (dp, dh, 16, 1, 1);
    back3.dstMemoryType = M::CU_MEMORYTYPE_HOST;
    back3.dstHost = out.as_mut_ptr().cast();
    (back3.dstPitch, back3.dstHeight) = (bw, bh);
    (back3.WidthInBytes, back3.Height, back3.Depth) = (bw, bh, bd);
    t.ok("cuMemcpy3DAsync device -> host", cu!(api.cuMemcpy3DAsync_v2(&back3, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.check("the 3D box survives host -> device -> host", out == vol)?;
    let mut slice0 = vec![0u8; dp * dh];
    t.ok("read slice 0 of the device volume", cu!(api.cuMemcpyDtoH_v2(slice0.as_mut_ptr().cast(), dv, dp * dh)))?;
    t.check("slice 0 (before the box's z) is untouched", slice0.iter().all(|b| *b == 0))?;
    t.ok("cuMemFree (device volume)", cu!(api.cuMemFree_v2(dv)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    t.ok("cuMemFree a", cu!(api.cuMemFree_v2(a)))?;
    t.ok("cuMemFree b", cu!(api.cuMemFree_v2(b)))?;
    teardown(api, t)
}

fn stream_ordered(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUmemPool_attribute as A, CUmemoryPool};
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 0)))?;
    let mut pool: CUmemoryPool = null_mut();
    t.ok("cuDeviceGetDefaultMemPool", cu!(api.cuDeviceGetDefaultMemPool(&mut pool, 0)))?;
    let mut again: CUmemoryPool = null_mut();
    t.ok("cuDeviceGetDefaultMemPool again", cu!(api.cuDeviceGetDefaultMemPool(&mut again, 0)))?;
    t.check("the same default pool", pool == again)?;
    let mut threshold = 1u64 << 20;
    t.ok(
        "set RELEASE_THRESHOLD to 1 MiB",
        cu!(api.cuMemPoolSetAttribute(pool, A::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, (&raw mut threshold).cast())),
    )?;
    let mut read = 0u64;
    t.ok("get RELEASE_THRESHOLD", cu!(api.cuMemPoolGetAttribute(pool, A::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, (&raw mut read).cast())))?;
    t.value("release threshold", read);
    let mut reuse = 7i32;
    t.ok(
        "get REUSE_ALLOW_OPPORTUNISTIC",
        cu!(api.cuMemPoolGetAttribute(pool, A::CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC, (&raw mut reuse).cast())),
    )?;
    t.value("reuse allow opportunistic", reuse);
    let mut p = 0;
    t.ok("cuMemAllocAsync(4 MiB)", cu!(api.cuMemAllocAsync(&mut p, 4 << 20, s)))?;
    t.ok("cuMemsetD32Async", cu!(api.cuMemsetD32Async(p, 0x0102_0304, 1 << 20, s)))?;
    let mut back = [0u8; 8];
    t.ok("cuMemcpyDtoHAsync", cu!(api.cuMemcpyDtoHAsync_v2(back.as_mut_ptr().cast(), p + 4096, 8, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.check("stream-ordered memory holds what was set", back == [4, 3, 2, 1, 4, 3, 2, 1])?;
    let mut used = 0u64;
    t.ok("get USED_MEM_CURRENT", cu!(api.cuMemPoolGetAttribute(pool, A::CU_MEMPOOL_ATTR_USED_MEM_CURRENT, (&raw mut used).cast())))?;
    t.check("the pool counts the allocation", used >= 4 << 20)?;
    t.ok("cuMemFreeAsync", cu!(api.cuMemFreeAsync(p, s)))?;
    t.call("cuMemFreeAsync again", cu!(api.cuMemFreeAsync(p, s)));
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.ok("cuMemPoolTrimTo(0)", cu!(api.cuMemPoolTrimTo(pool, 0)))?;
    t.call("cuMemAllocAsync(NULL out)", cu!(api.cuMemAllocAsync(null_mut(), 16, s)));
    // A pool of our own: allocate from it, make it the device's current pool.
    let mut props = cuvm_abi::CUmemPoolProps::default();
    props.allocType = cuvm_abi::CUmemAllocationType::CU_MEM_ALLOCATION_TYPE_PINNED;
    props.location = cuvm_abi::CUmemLocation { type_: cuvm_abi::CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE, id: 0 };
    let mut mine: cuvm_abi::CUmemoryPool = null_mut();
    t.ok("cuMemPoolCreate(pinned, device 0)", cu!(api.cuMemPoolCreate(&mut mine, &props)))?;
    let threshold = u64::MAX;
    t.ok(
        "set RELEASE_THRESHOLD",
        cu!(api.cuMemPoolSetAttribute(mine, A::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, (&raw const threshold).cast_mut().cast())),
    )?;
    let mut q = 0;
    t.ok("cuMemAllocFromPoolAsync(1 MiB)", cu!(api.cuMemAllocFromPoolAsync(&mut q, 1 << 20, mine, s)))?;
    t.ok("cuMemsetD8Async", cu!(api.cuMemsetD8Async(q, 0x3c, 1 << 20, s)))?;
    let mut back = vec![0u8; 1 << 20];
    t.ok("cuMemcpyDtoHAsync", cu!(api.cuMemcpyDtoHAsync_v2(back.as_mut_ptr().cast(), q, 1 << 20, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.check("memory from a created pool works", back.iter().all(|b| *b == 0x3c))?;
    t.ok("cuMemFreeAsync (created pool)", cu!(api.cuMemFreeAsync(q, s)))?;
    t.ok("cuDeviceSetMemPool(created)", cu!(api.cuDeviceSetMemPool(0, mine)))?;
    let mut current: cuvm_abi::CUmemoryPool = null_mut();
    t.ok("cuDeviceGetMemPool", cu!(api.cuDeviceGetMemPool(&mut current, 0)))?;
    t.check("the device's current pool is the created one", current == mine)?;
    t.ok("cuMemAllocAsync (from the current pool)", cu!(api.cuMemAllocAsync(&mut q, 4096, s)))?;
    t.ok("cuMemFreeAsync", cu!(api.cuMemFreeAsync(q, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.ok("cuDeviceSetMemPool(default)", cu!(api.cuDeviceSetMemPool(0, pool)))?;
    t.call("cuMemPoolDestroy(default pool)", cu!(api.cuMemPoolDestroy(pool)));
    t.ok("cuMemPoolDestroy(created)", cu!(api.cuMemPoolDestroy(mine)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

fn virtual_memory(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{
        CUmemAccess_flags, CUmemAccessDesc, CUmemAllocationGranularity_flags as G, CUmemAllocationHandleType, CUmemAllocationProp,
        CUmemAllocationType, CUmemLocation, CUmemLocationType,
    };
    setup(api, t)?;
    // SAFETY: a plain C struct; all-zero is a valid value.
    let mut prop: CUmemAllocationProp = unsafe { std::mem::zeroed() };
    prop.type_ = CUmemAllocationType::CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.requestedHandleTypes = CUmemAllocationHandleType::CU_MEM_HANDLE_TYPE_NONE;
    prop.location.type_ = CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = 0;
    let mut gran = 0usize;
    t.ok(
        "cuMemGetAllocationGranularity(minimum)",
        cu!(api.cuMemGetAllocationGranularity(&mut gran, &prop, G::CU_MEM_ALLOC_GRANULARITY_MINIMUM)),
    )?;
    t.value("minimum granularity", gran);
    t.check("granularity is a power of two", gran.is_power_of_two())?;
    let size = 2 * gran;
    let mut h = 0u64;
    t.call("cuMemCreate(size not a granularity multiple)", cu!(api.cuMemCreate(&mut h, gran + 1, &prop, 0)));
    // The real driver crashed (SIGSEGV) in this scenario when it also passed
    // a NULL prop to cuMemCreate and an unknown handle to cuMemMap (GPU run
    // 8); cuvm answers CUDA_ERROR_INVALID_VALUE to both, but a conformance
    // scenario can only compare what the driver survives.
    t.ok("cuMemCreate(2 granules)", cu!(api.cuMemCreate(&mut h, size, &prop, 0)))?;
    // SAFETY: all-zero is a valid value.
    let mut back: CUmemAllocationProp = unsafe { std::mem::zeroed() };
    t.ok("cuMemGetAllocationPropertiesFromHandle", cu!(api.cuMemGetAllocationPropertiesFromHandle(&mut back, h)))?;
    t.value(
        "properties (type, handle types, location type, id)",
        (back.type_.0, back.requestedHandleTypes.0, back.location.type_.0, back.location.id),
    );
    let mut va = 0;
    t.ok("cuMemAddressReserve", cu!(api.cuMemAddressReserve(&mut va, size, 0, 0, 0)))?;
    t.check("reserved address is aligned", va != 0 && va % gran as u64 == 0)?;
    t.ok("cuMemMap", cu!(api.cuMemMap(va, size, 0, h, 0)))?;
    let desc = CUmemAccessDesc {
        location: CUmemLocation { type_: CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE, id: 0 },
        flags: CUmemAccess_flags::CU_MEM_ACCESS_FLAGS_PROT_READWRITE,
    };
    t.ok("cuMemSetAccess(read-write)", cu!(api.cuMemSetAccess(va, size, &desc, 1)))?;
    let mut flags = 0u64;
    let loc = desc.location;
    t.ok("cuMemGetAccess", cu!(api.cuMemGetAccess(&mut flags, &loc, va)))?;
    t.value("access flags", flags);
    let data = random_bytes(size, 31);
    t.ok("cuMemcpyHtoD(mapped)", cu!(api.cuMemcpyHtoD_v2(va, data.as_ptr().cast(), size)))?;
    let mut back = vec![0u8; size];
    t.ok("cuMemcpyDtoH(mapped)", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), va, size)))?;
    t.check("random bytes survive the mapped range", back == data)?;
    let mut unified = vec![0u8; 64];
    t.ok("cuMemcpy(unified, mapped)", cu!(api.cuMemcpy(unified.as_mut_ptr() as u64, va + gran as u64, 64)))?;
    t.check("unified copy reads the mapping", unified[..] == data[gran..gran + 64])?;
    let mut again = 0u64;
    t.ok("cuMemRetainAllocationHandle", cu!(api.cuMemRetainAllocationHandle(&mut again, (va + 8) as *mut c_void)))?;
    t.check("retained handle is the created one", again == h)?;
    t.ok("cuMemRelease(retained)", cu!(api.cuMemRelease(again)))?;
    t.ok("cuMemUnmap", cu!(api.cuMemUnmap(va, size)))?;
    t.ok("cuMemRelease", cu!(api.cuMemRelease(h)))?;
    t.ok("cuMemAddressFree", cu!(api.cuMemAddressFree(va, size)))?;
    t.call("cuMemAddressFree again", cu!(api.cuMemAddressFree(va, size)));
    teardown(api, t)
}

/// `cuTensorMapEncodeTiled` / `cuTensorMapReplaceAddress` on device memory
/// (a 2D float tensor): the descriptors are deterministic for their inputs.
fn tensor_maps(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{
        CUtensorMap, CUtensorMapDataType, CUtensorMapFloatOOBfill, CUtensorMapInterleave, CUtensorMapL2promotion, CUtensorMapSwizzle,
    };
    super::setup(api, t)?;
    let (rows, cols) = (256u64, 256u64);
    let bytes = (rows * cols * 4) as usize;
    let (mut a, mut b) = (0, 0);
    t.ok("cuMemAlloc a", cu!(api.cuMemAlloc_v2(&mut a, bytes)))?;
    t.ok("cuMemAlloc b", cu!(api.cuMemAlloc_v2(&mut b, bytes)))?;
    let dims = [cols, rows];
    let strides = [cols * 4];
    // The inner box row must fit the 128-byte swizzle: 32 floats.
    let boxes = [32u32, 64];
    let elem = [1u32, 1];
    let encode = |addr: u64, map: &mut CUtensorMap| {
        cu!(api.cuTensorMapEncodeTiled(
            map,
            CUtensorMapDataType::CU_TENSOR_MAP_DATA_TYPE_FLOAT32,
            2,
            addr as usize as *mut core::ffi::c_void,
            dims.as_ptr(),
            strides.as_ptr(),
            boxes.as_ptr(),
            elem.as_ptr(),
            CUtensorMapInterleave::CU_TENSOR_MAP_INTERLEAVE_NONE,
            CUtensorMapSwizzle::CU_TENSOR_MAP_SWIZZLE_128B,
            CUtensorMapL2promotion::CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
            CUtensorMapFloatOOBfill::CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE
        ))
    };
    // SAFETY: tensor maps are plain bytes; zero is a valid start.
    let (mut m1, mut m2, mut m3): (CUtensorMap, CUtensorMap, CUtensorMap) =
        unsafe { (std::mem::zeroed(), std::mem::zeroed(), std::mem::zeroed()) };
    t.ok("cuTensorMapEncodeTiled(a)", encode(a, &mut m1))?;
    t.ok("cuTensorMapEncodeTiled(b)", encode(b, &mut m2))?;
    let bytes_of = |m: &CUtensorMap| m.opaque.to_vec();
    t.check("descriptors of different tensors differ", bytes_of(&m1) != bytes_of(&m2))?;
    m3.opaque = m1.opaque;
    t.ok("cuTensorMapReplaceAddress(a -> b)", cu!(api.cuTensorMapReplaceAddress(&mut m3, b as usize as *mut core::ffi::c_void)))?;
    t.check("replacing the address gives the descriptor of b", bytes_of(&m3) == bytes_of(&m2))?;
    let mut bad = m1;
    t.call(
        "encode rank 0",
        cu!(api.cuTensorMapEncodeTiled(
            &mut bad,
            CUtensorMapDataType::CU_TENSOR_MAP_DATA_TYPE_FLOAT32,
            0,
            a as usize as *mut core::ffi::c_void,
            dims.as_ptr(),
            strides.as_ptr(),
            boxes.as_ptr(),
            elem.as_ptr(),
            CUtensorMapInterleave::CU_TENSOR_MAP_INTERLEAVE_NONE,
            CUtensorMapSwizzle::CU_TENSOR_MAP_SWIZZLE_NONE,
            CUtensorMapL2promotion::CU_TENSOR_MAP_L2_PROMOTION_NONE,
            CUtensorMapFloatOOBfill::CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE
        )),
    );
    // An im2col map over an NHWC float tensor (C 4, W 16, H 16, N 2): rows
    // of 16 bytes, strides multiples of 16, as the driver requires.
    let nhwc = [4u64, 16, 16, 2];
    let nhwc_strides = [16u64, 16 * 16, 16 * 16 * 16];
    let (lower, upper) = ([-1i32, -1], [-1i32, -1]);
    let ones = [1u32; 4];
    let mut im: CUtensorMap = m1;
    let r = cu!(api.cuTensorMapEncodeIm2col(
        &mut im,
        CUtensorMapDataType::CU_TENSOR_MAP_DATA_TYPE_FLOAT32,
        4,
        a as usize as *mut core::ffi::c_void,
        nhwc.as_ptr(),
        nhwc_strides.as_ptr(),
        lower.as_ptr(),
        upper.as_ptr(),
        4,
        64,
        ones.as_ptr(),
        CUtensorMapInterleave::CU_TENSOR_MAP_INTERLEAVE_NONE,
        CUtensorMapSwizzle::CU_TENSOR_MAP_SWIZZLE_NONE,
        CUtensorMapL2promotion::CU_TENSOR_MAP_L2_PROMOTION_NONE,
        CUtensorMapFloatOOBfill::CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE
    ));
    t.call("cuTensorMapEncodeIm2col (NHWC 4x16x16x2)", r);
    t.check("an encoded im2col map differs from the tiled one", r != cuvm_abi::CUresult::CUDA_SUCCESS || bytes_of(&im) != bytes_of(&m1))?;
    t.ok("cuMemFree a", cu!(api.cuMemFree_v2(a)))?;
    t.ok("cuMemFree b", cu!(api.cuMemFree_v2(b)))?;
    super::teardown(api, t)
}

/// A small page-locked buffer used as device memory under unified
/// addressing (as XLA does): its device pointer, device copies and memsets
/// through it, guest writes seen by the device, device writes seen by the
/// guest after a synchronisation.
fn small_pinned(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut h: *mut c_void = null_mut();
    t.ok("cuMemHostAlloc(4 KiB, PORTABLE|DEVICEMAP)", cu!(api.cuMemHostAlloc(&mut h, 4096, 3)))?;
    let mut dp = 0;
    t.ok("cuMemHostGetDevicePointer", cu!(api.cuMemHostGetDevicePointer_v2(&mut dp, h, 0)))?;
    t.check("its device address is its host address", dp == h as u64)?;
    let data = random_bytes(4096, 5);
    // SAFETY: `h` holds 4 KiB.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), h.cast::<u8>(), 4096) };
    let mut d = 0;
    t.ok("cuMemAlloc", cu!(api.cuMemAlloc_v2(&mut d, 4096)))?;
    t.ok("cuMemcpyDtoD device <- pinned (guest-written bytes)", cu!(api.cuMemcpyDtoD_v2(d, dp, 4096)))?;
    let mut back = vec![0u8; 4096];
    t.ok("cuMemcpyDtoH", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), d, 4096)))?;
    t.check("the device read what the guest wrote", back == data)?;
    let mut s = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    t.ok("cuMemsetD32Async(pinned, 7)", cu!(api.cuMemsetD32Async(dp, 7, 512, s)))?;
    t.ok("cuMemcpyDtoDAsync pinned[2048..] <- device", cu!(api.cuMemcpyDtoDAsync_v2(dp + 2048, d, 2048, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    // SAFETY: `h` holds 4 KiB.
    let now = unsafe { std::slice::from_raw_parts(h.cast::<u8>(), 4096) };
    let words_ok = now[..2048].chunks(4).all(|w| w == [7, 0, 0, 0]);
    t.check("after a synchronisation the guest sees the device's memset and copy", words_ok && now[2048..] == data[..2048])?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(d)))?;
    t.ok("cuMemFreeHost", cu!(api.cuMemFreeHost(h)))?;
    teardown(api, t)
}

/// A kernel reading and writing small page-locked buffers by their host
/// addresses (unified addressing): c = a + b.
fn kernel_on_small_pinned(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (m, f) = super::kernels::load(api, t, super::modules::PTX, c"vadd")?;
    const N: usize = 1024;
    let mut bufs = [null_mut::<c_void>(); 3];
    for (i, b) in bufs.iter_mut().enumerate() {
        t.ok(&format!("cuMemHostAlloc(4 KiB) #{i}"), cu!(api.cuMemHostAlloc(b, 4 * N, 0)))?;
    }
    // SAFETY: each buffer holds N floats.
    let (a, b, c) = unsafe {
        (
            std::slice::from_raw_parts_mut(bufs[0].cast::<f32>(), N),
            std::slice::from_raw_parts_mut(bufs[1].cast::<f32>(), N),
            std::slice::from_raw_parts_mut(bufs[2].cast::<f32>(), N),
        )
    };
    for i in 0..N {
        a[i] = i as f32;
        b[i] = 2.0 * i as f32;
        c[i] = -1.0;
    }
    let (mut pa, mut pb, mut pc, n) = (bufs[0] as u64, bufs[1] as u64, bufs[2] as u64, N as u32);
    let mut args: [*mut c_void; 4] = [(&raw mut pa).cast(), (&raw mut pb).cast(), (&raw mut pc).cast(), (&raw const n).cast_mut().cast()];
    t.ok(
        "cuLaunchKernel(vadd) on page-locked buffers",
        cu!(api.cuLaunchKernel(f, 4, 1, 1, 256, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())),
    )?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    t.check("the kernel's writes to page-locked memory are seen", (0..N).all(|i| c[i] == 3.0 * i as f32))?;
    for b in bufs {
        t.ok("cuMemFreeHost", cu!(api.cuMemFreeHost(b)))?;
    }
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

/// Managed memory: one pointer for the CPU and kernels; what the CPU wrote
/// before a launch is seen by the kernel, what the kernel wrote is seen
/// after a synchronisation; memsets and copies on it; pointer attributes.
#[allow(clippy::cast_precision_loss)]
fn managed_with_kernels(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUdevice_attribute as A, CUpointer_attribute as P};
    setup(api, t)?;
    let mut v = -1;
    t.ok("cuDeviceGetAttribute(MANAGED_MEMORY)", cu!(api.cuDeviceGetAttribute(&mut v, A::CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, 0)))?;
    t.value("managed memory", v);
    let (m, f) = super::kernels::load(api, t, super::modules::PTX, c"vadd")?;
    const N: usize = 1 << 20;
    let mut ptrs = [0u64; 3];
    for (i, p) in ptrs.iter_mut().enumerate() {
        t.ok(&format!("cuMemAllocManaged(4 MiB) #{i}"), cu!(api.cuMemAllocManaged(p, 4 * N, 1)))?;
    }
    // SAFETY: each allocation holds N floats, reachable by this process.
    let (a, b, c) = unsafe {
        (
            std::slice::from_raw_parts_mut(ptrs[0] as usize as *mut f32, N),
            std::slice::from_raw_parts_mut(ptrs[1] as usize as *mut f32, N),
            std::slice::from_raw_parts_mut(ptrs[2] as usize as *mut f32, N),
        )
    };
    for i in 0..N {
        a[i] = i as f32;
        b[i] = 2.0 * i as f32;
        c[i] = -1.0;
    }
    let launch = |x: u64, y: u64, z: u64, stream: CUstream, what: &str, t: &mut Transcript| {
        let (mut px, mut py, mut pz, n) = (x, y, z, N as u32);
        let mut args: [*mut c_void; 4] = [(&raw mut px).cast(), (&raw mut py).cast(), (&raw mut pz).cast(), (&raw const n).cast_mut().cast()];
        t.ok(what, cu!(api.cuLaunchKernel(f, (N / 256) as u32, 1, 1, 256, 1, 1, 0, stream, args.as_mut_ptr(), null_mut())))
    };
    launch(ptrs[0], ptrs[1], ptrs[2], null_mut(), "cuLaunchKernel(vadd a b c) on managed memory", t)?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    t.check("the kernel saw the CPU's writes and the CPU sees the kernel's", (0..N).all(|i| c[i] == 3.0 * i as f32))?;
    // The CPU changes part of a; a kernel on a stream computes b = c + a.
    for x in a.iter_mut().take(N / 2) {
        *x = 1.0;
    }
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    launch(ptrs[2], ptrs[0], ptrs[1], s, "cuLaunchKernel(vadd c a b) on a stream", t)?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let want = |i: usize| 3.0 * i as f32 + if i < N / 2 { 1.0 } else { i as f32 };
    t.check("after the stream's synchronisation the CPU sees b = c + a", (0..N).all(|i| b[i] == want(i)))?;
    // A memset and copies on managed memory.
    t.ok("cuMemsetD32(c, 7.0f)", cu!(api.cuMemsetD32_v2(ptrs[2], 7.0f32.to_bits(), N)))?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    t.check("the CPU sees the memset", c.iter().all(|x| *x == 7.0))?;
    let mut back = vec![0f32; N];
    t.ok("cuMemcpyDtoH(b)", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), ptrs[1], 4 * N)))?;
    t.check("a device-to-host copy of managed memory reads what the CPU sees", back == b)?;
    // Pointer attributes and the address range.
    let (mut managed, mut mem_type) = (0u32, 0u32);
    t.ok("IS_MANAGED", cu!(api.cuPointerGetAttribute((&raw mut managed).cast(), P::CU_POINTER_ATTRIBUTE_IS_MANAGED, ptrs[0] + 64)))?;
    t.value("is managed", managed);
    t.ok("MEMORY_TYPE", cu!(api.cuPointerGetAttribute((&raw mut mem_type).cast(), P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE, ptrs[0] + 64)))?;
    t.value("memory type", mem_type);
    let (mut base, mut size) = (0u64, 0usize);
    t.ok("cuMemGetAddressRange(a + 64)", cu!(api.cuMemGetAddressRange_v2(&mut base, &mut size, ptrs[0] + 64)))?;
    t.check("the range is the allocation", base == ptrs[0] && size == 4 * N)?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    for p in ptrs {
        t.ok("cuMemFree(managed)", cu!(api.cuMemFree_v2(p)))?;
    }
    t.call("cuMemFree(managed) again", cu!(api.cuMemFree_v2(ptrs[0])));
    let mut p = 0u64;
    t.call("cuMemAllocManaged(0 bytes)", cu!(api.cuMemAllocManaged(&mut p, 0, 1)));
    t.call("cuMemAllocManaged(bad flags)", cu!(api.cuMemAllocManaged(&mut p, 64, 4)));
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}
