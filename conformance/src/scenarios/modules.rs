//! Modules and functions, loaded from PTX.

use std::ffi::{CStr, c_char};
use std::ptr::null_mut;

use cuvm_abi::{CUfunction, CUfunction_attribute, CUmodule};

use super::{setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "module_from_ptx", needs_kernels: false, native_only: false, run: module_from_ptx },
        Scenario { name: "occupancy_and_context_v2", needs_kernels: false, native_only: false, run: occupancy },
        Scenario { name: "library_and_kernels", needs_kernels: false, native_only: false, run: library },
    ]
}

/// A module with two kernels and a global, written for these tests.
pub const PTX: &str = "\
.version 8.0
.target sm_75
.address_size 64
.visible .global .align 4 .u32 counter;
.visible .entry vadd(.param .u64 a, .param .u64 b, .param .u64 c, .param .u32 n)
{
  .reg .pred %p<2>;
  .reg .b32 %r<6>;
  .reg .f32 %f<4>;
  .reg .b64 %rd<11>;
  ld.param.u64 %rd1, [a];
  ld.param.u64 %rd2, [b];
  ld.param.u64 %rd3, [c];
  ld.param.u32 %r2, [n];
  mov.u32 %r3, %ctaid.x;
  mov.u32 %r4, %ntid.x;
  mov.u32 %r5, %tid.x;
  mad.lo.s32 %r1, %r3, %r4, %r5;
  setp.ge.u32 %p1, %r1, %r2;
  @%p1 bra DONE;
  cvta.to.global.u64 %rd4, %rd1;
  cvta.to.global.u64 %rd5, %rd2;
  cvta.to.global.u64 %rd6, %rd3;
  mul.wide.u32 %rd7, %r1, 4;
  add.s64 %rd8, %rd4, %rd7;
  add.s64 %rd9, %rd5, %rd7;
  add.s64 %rd10, %rd6, %rd7;
  ld.global.f32 %f1, [%rd8];
  ld.global.f32 %f2, [%rd9];
  add.f32 %f3, %f1, %f2;
  st.global.f32 [%rd10], %f3;
DONE:
  ret;
}
.visible .entry bump()
{
  .reg .b32 %r<2>;
  atom.global.add.u32 %r1, [counter], 1;
  ret;
}
\0";

fn module_from_ptx(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut m: CUmodule = null_mut();
    t.call("cuModuleLoadData(NULL image)", cu!(api.cuModuleLoadData(&mut m, std::ptr::null())));
    let garbage = b"this is not a module\0";
    t.call("cuModuleLoadData(garbage)", cu!(api.cuModuleLoadData(&mut m, garbage.as_ptr().cast())));
    t.ok("cuModuleLoadData(PTX)", cu!(api.cuModuleLoadData(&mut m, PTX.as_ptr().cast())))?;
    let mut f: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(vadd)", cu!(api.cuModuleGetFunction(&mut f, m, c"vadd".as_ptr())))?;
    let mut g: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(vadd) again", cu!(api.cuModuleGetFunction(&mut g, m, c"vadd".as_ptr())))?;
    t.check("the same function twice", f == g)?;
    t.call("cuModuleGetFunction(missing)", cu!(api.cuModuleGetFunction(&mut g, m, c"missing".as_ptr())));
    t.call("cuModuleGetFunction(NULL name)", cu!(api.cuModuleGetFunction(&mut g, m, std::ptr::null())));
    let mut count = 0u32;
    t.ok("cuModuleGetFunctionCount", cu!(api.cuModuleGetFunctionCount(&mut count, m)))?;
    t.value("function count", count);
    let mut fs = [null_mut(); 2];
    t.ok("cuModuleEnumerateFunctions", cu!(api.cuModuleEnumerateFunctions(fs.as_mut_ptr(), 2, m)))?;
    t.check("vadd is enumerated", fs.contains(&f))?;
    for i in 0..5 {
        let (mut off, mut size) = (99usize, 99usize);
        let r = cu!(api.cuFuncGetParamInfo(f, i, &mut off, &mut size));
        if r.is_success() {
            t.value(&format!("param {i} (offset, size)"), (off, size));
        } else {
            t.call(&format!("cuFuncGetParamInfo({i})"), r);
        }
    }
    let mut v = 0;
    t.ok(
        "cuFuncGetAttribute(MAX_THREADS_PER_BLOCK)",
        cu!(api.cuFuncGetAttribute(&mut v, CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f)),
    )?;
    t.check("max threads per block > 0", v > 0)?;
    t.call("cuFuncGetAttribute(bogus)", cu!(api.cuFuncGetAttribute(&mut v, CUfunction_attribute(999), f)));
    let mut name: *const c_char = std::ptr::null();
    t.ok("cuFuncGetName", cu!(api.cuFuncGetName(&mut name, f)))?;
    // SAFETY: the driver returned a C string.
    t.value("function name", unsafe { CStr::from_ptr(name) }.to_string_lossy());
    let mut owner: CUmodule = null_mut();
    t.ok("cuFuncGetModule", cu!(api.cuFuncGetModule(&mut owner, f)))?;
    t.check("the function's module", owner == m)?;
    let (mut gp, mut gs) = (0, 0usize);
    t.ok("cuModuleGetGlobal(counter)", cu!(api.cuModuleGetGlobal_v2(&mut gp, &mut gs, m, c"counter".as_ptr())))?;
    t.value("size of counter", gs);
    let seven = 7u32.to_le_bytes();
    t.ok("write the global", cu!(api.cuMemcpyHtoD_v2(gp, seven.as_ptr().cast(), 4)))?;
    let mut back = [0u8; 4];
    t.ok("read the global", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), gp, 4)))?;
    t.check("the global holds what was written", back == seven)?;
    t.call("cuModuleGetGlobal(missing)", cu!(api.cuModuleGetGlobal_v2(&mut gp, &mut gs, m, c"missing".as_ptr())));
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

extern "C" fn four_bytes_per_thread(block: std::ffi::c_int) -> usize {
    usize::try_from(block).unwrap_or(0) * 4
}

fn occupancy(api: &Api, t: &mut Transcript) -> Result<(), String> {
    let ctx = setup(api, t)?;
    let mut m: CUmodule = null_mut();
    t.ok("cuModuleLoadData(PTX)", cu!(api.cuModuleLoadData(&mut m, PTX.as_ptr().cast())))?;
    let mut f: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(vadd)", cu!(api.cuModuleGetFunction(&mut f, m, c"vadd".as_ptr())))?;
    for block in [32, 128, 256, 1024] {
        let mut n = 0;
        t.ok(&format!("max active blocks ({block} threads)"), cu!(api.cuOccupancyMaxActiveBlocksPerMultiprocessor(&mut n, f, block, 0)))?;
        t.value(&format!("max active blocks of {block} threads"), n);
    }
    let (mut grid, mut block) = (0, 0);
    t.ok("cuOccupancyMaxPotentialBlockSize", cu!(api.cuOccupancyMaxPotentialBlockSize(&mut grid, &mut block, f, None, 0, 0)))?;
    t.value("potential (min grid, block)", (grid, block));
    t.ok("... with a block limit of 96", cu!(api.cuOccupancyMaxPotentialBlockSize(&mut grid, &mut block, f, None, 0, 96)))?;
    t.value("potential (min grid, block) under 96", (grid, block));
    t.ok(
        "... with a shared-memory callback",
        cu!(api.cuOccupancyMaxPotentialBlockSize(&mut grid, &mut block, f, Some(four_bytes_per_thread), 0, 0)),
    )?;
    t.value("potential (min grid, block) with 4 bytes per thread", (grid, block));
    let mut smem = 0usize;
    t.ok("cuOccupancyAvailableDynamicSMemPerBlock", cu!(api.cuOccupancyAvailableDynamicSMemPerBlock(&mut smem, f, 2, 256)))?;
    t.value("available dynamic shared memory (2 blocks of 256)", smem);
    let mut dev = -1;
    t.ok("cuCtxGetDevice_v2(ctx)", cu!(api.cuCtxGetDevice_v2(&mut dev, ctx)))?;
    t.ok("cuCtxSynchronize_v2(ctx)", cu!(api.cuCtxSynchronize_v2(ctx)))?;
    t.ok("cuCtxSynchronize_v2(NULL)", cu!(api.cuCtxSynchronize_v2(null_mut())))?;
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

fn library(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUkernel, CUlibrary};
    t.ok("cuInit", cu!(api.cuInit(0)))?;
    // A library needs no context to load.
    let mut lib: CUlibrary = null_mut();
    let (jit, opts) = (null_mut(), null_mut());
    t.ok(
        "cuLibraryLoadData before any context",
        cu!(api.cuLibraryLoadData(&mut lib, PTX.as_ptr().cast(), jit, null_mut(), 0, opts, null_mut(), 0)),
    )?;
    let mut k: CUkernel = null_mut();
    t.ok("cuLibraryGetKernel(vadd)", cu!(api.cuLibraryGetKernel(&mut k, lib, c"vadd".as_ptr())))?;
    t.call("cuLibraryGetKernel(missing)", cu!(api.cuLibraryGetKernel(&mut k, lib, c"missing".as_ptr())));
    t.ok("cuLibraryGetKernel(vadd) again", cu!(api.cuLibraryGetKernel(&mut k, lib, c"vadd".as_ptr())))?;
    let mut count = 0u32;
    t.ok("cuLibraryGetKernelCount", cu!(api.cuLibraryGetKernelCount(&mut count, lib)))?;
    t.value("kernel count", count);
    let mut ks = [null_mut(); 2];
    t.ok("cuLibraryEnumerateKernels", cu!(api.cuLibraryEnumerateKernels(ks.as_mut_ptr(), 2, lib)))?;
    t.check("vadd is enumerated", ks.contains(&k))?;
    for i in 0..5 {
        let (mut off, mut size) = (99usize, 99usize);
        let r = cu!(api.cuKernelGetParamInfo(k, i, &mut off, &mut size));
        if r.is_success() {
            t.value(&format!("kernel param {i} (offset, size)"), (off, size));
        } else {
            t.call(&format!("cuKernelGetParamInfo({i})"), r);
        }
    }
    let mut name: *const c_char = std::ptr::null();
    t.ok("cuKernelGetName", cu!(api.cuKernelGetName(&mut name, k)))?;
    // SAFETY: a C string from the driver.
    t.value("kernel name", unsafe { CStr::from_ptr(name) }.to_string_lossy());
    let mut owner: CUlibrary = null_mut();
    t.ok("cuKernelGetLibrary", cu!(api.cuKernelGetLibrary(&mut owner, k)))?;
    t.check("the kernel's library", owner == lib)?;
    let mut v = 0;
    t.ok(
        "cuKernelGetAttribute(MAX_THREADS_PER_BLOCK, dev 0)",
        cu!(api.cuKernelGetAttribute(&mut v, CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, k, 0)),
    )?;
    t.check("max threads per block > 0", v > 0)?;
    // Now in a context: the kernel's function, the library's module and global.
    let ctx = setup(api, t)?;
    let _ = ctx;
    let mut f: CUfunction = null_mut();
    t.ok("cuKernelGetFunction", cu!(api.cuKernelGetFunction(&mut f, k)))?;
    let mut fname: *const c_char = std::ptr::null();
    t.ok("cuFuncGetName(function of the kernel)", cu!(api.cuFuncGetName(&mut fname, f)))?;
    // SAFETY: a C string from the driver.
    t.value("function name", unsafe { CStr::from_ptr(fname) }.to_string_lossy());
    let mut m: CUmodule = null_mut();
    t.ok("cuLibraryGetModule", cu!(api.cuLibraryGetModule(&mut m, lib)))?;
    let mut g: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(bump) in the library's module", cu!(api.cuModuleGetFunction(&mut g, m, c"bump".as_ptr())))?;
    let (mut gp, mut gs) = (0, 0usize);
    t.ok("cuLibraryGetGlobal(counter)", cu!(api.cuLibraryGetGlobal(&mut gp, &mut gs, lib, c"counter".as_ptr())))?;
    t.value("size of counter", gs);
    let seven = 7u32.to_le_bytes();
    t.ok("write the library global", cu!(api.cuMemcpyHtoD_v2(gp, seven.as_ptr().cast(), 4)))?;
    let mut back = [0u8; 4];
    t.ok("read the library global", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), gp, 4)))?;
    t.check("the global holds what was written", back == seven)?;
    t.ok("cuLibraryUnload", cu!(api.cuLibraryUnload(lib)))?;
    teardown(api, t)
}
