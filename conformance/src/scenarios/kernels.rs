//! Kernels: a vector add, parameters of every size and alignment, launch
//! errors, and an asynchronous fault reported at the next synchronisation.

use std::fmt::Write;
use std::ptr::null_mut;

use cuvm_abi::{CUfunction, CUmodule, CUresult};

use super::{random_bytes, setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "launch_errors", needs_kernels: false, native_only: false, run: launch_errors },
        Scenario { name: "kernel_vector_add", needs_kernels: true, native_only: false, run: vector_add },
        Scenario { name: "kernel_parameters_of_every_size", needs_kernels: true, native_only: false, run: parameters },
        Scenario { name: "kernel_fault_reported_at_sync", needs_kernels: true, native_only: false, run: fault },
        Scenario { name: "kernel_launched_through_a_cukernel", needs_kernels: true, native_only: false, run: via_kernel },
        Scenario { name: "jit_link_and_launch", needs_kernels: true, native_only: false, run: jit_link },
        Scenario { name: "jit_link_sessions", needs_kernels: false, native_only: false, run: jit_sessions },
    ]
}

pub(super) fn load(api: &Api, t: &mut Transcript, ptx: &str, name: &std::ffi::CStr) -> Result<(CUmodule, CUfunction), String> {
    let mut m: CUmodule = null_mut();
    t.ok("cuModuleLoadData", cu!(api.cuModuleLoadData(&mut m, ptx.as_ptr().cast())))?;
    let mut f: CUfunction = null_mut();
    t.ok("cuModuleGetFunction", cu!(api.cuModuleGetFunction(&mut f, m, name.as_ptr())))?;
    Ok((m, f))
}

fn launch_errors(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (m, f) = load(api, t, super::modules::PTX, c"bump")?;
    let none = null_mut();
    t.call("block of 2048 threads", cu!(api.cuLaunchKernel(f, 1, 1, 1, 2048, 1, 1, 0, null_mut(), none, null_mut())));
    t.call("block z of 128", cu!(api.cuLaunchKernel(f, 1, 1, 1, 1, 1, 128, 0, null_mut(), none, null_mut())));
    t.call("grid of 0", cu!(api.cuLaunchKernel(f, 0, 1, 1, 32, 1, 1, 0, null_mut(), none, null_mut())));
    t.call("grid y of 65536", cu!(api.cuLaunchKernel(f, 1, 65536, 1, 32, 1, 1, 0, null_mut(), none, null_mut())));
    t.call("NULL function", cu!(api.cuLaunchKernel(null_mut(), 1, 1, 1, 32, 1, 1, 0, null_mut(), none, null_mut())));
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

fn vector_add(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (m, f) = load(api, t, super::modules::PTX, c"vadd")?;
    let n: u32 = 1 << 20;
    let bytes = n as usize * 4;
    let a: Vec<f32> = random_bytes(n as usize, 1).iter().map(|b| f32::from(*b) / 7.0).collect();
    let b: Vec<f32> = random_bytes(n as usize, 2).iter().map(|b| f32::from(*b) / 3.0).collect();
    let (mut da, mut db, mut dc) = (0, 0, 0);
    for (name, p) in [("a", &mut da), ("b", &mut db), ("c", &mut dc)] {
        t.ok(&format!("cuMemAlloc {name}"), cu!(api.cuMemAlloc_v2(p, bytes)))?;
    }
    t.ok("upload a", cu!(api.cuMemcpyHtoD_v2(da, a.as_ptr().cast(), bytes)))?;
    t.ok("upload b", cu!(api.cuMemcpyHtoD_v2(db, b.as_ptr().cast(), bytes)))?;
    let mut args = [(&raw mut da).cast(), (&raw mut db).cast(), (&raw mut dc).cast(), (&raw const n).cast_mut().cast()];
    t.ok("cuLaunchKernel(vadd)", cu!(api.cuLaunchKernel(f, n / 256, 1, 1, 256, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())))?;
    t.ok("cuCtxSynchronize", cu!(api.cuCtxSynchronize()))?;
    let mut c = vec![0f32; n as usize];
    t.ok("download c", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, bytes)))?;
    t.check("c = a + b everywhere", c.iter().zip(a.iter().zip(&b)).all(|(c, (a, b))| *c == a + b))?;
    for p in [da, db, dc] {
        t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    }
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

/// (PTX type, size) of the scalar parameters, in order; then a pointer to
/// the output and a 4 KiB struct.
const SCALARS: [(&str, usize); 6] = [("u8", 1), ("u16", 2), ("u32", 4), ("u64", 8), ("f32", 4), ("f64", 8)];
const BIG: usize = 4096;

/// A kernel that copies every parameter, byte for byte, to `out` at the
/// parameter's own offset.
pub fn parameters_ptx() -> (String, Vec<(usize, usize)>) {
    let mut layout = Vec::new();
    let mut offset = 0usize;
    let mut decl = Vec::new();
    let mut body = String::new();
    for (i, (ty, size)) in SCALARS.iter().enumerate() {
        offset = offset.next_multiple_of(*size);
        layout.push((offset, *size));
        decl.push(format!(".param .{ty} p{i}"));
        offset += size;
    }
    offset = offset.next_multiple_of(8);
    let out_offset = offset;
    decl.push(".param .u64 out".to_string());
    offset += 8;
    offset = offset.next_multiple_of(8);
    let big_offset = offset;
    decl.push(format!(".param .align 8 .b8 big[{BIG}]"));
    let _ = writeln!(body, "  ld.param.u64 %rd1, [out];\n  cvta.to.global.u64 %rd0, %rd1;\n  st.global.u64 [%rd0+{out_offset}], %rd1;");
    for (i, ((ty, _), (off, _))) in SCALARS.iter().zip(&layout).enumerate() {
        let reg = match *ty {
            "u8" | "u16" => "%rs1",
            "u32" => "%r1",
            "u64" => "%rd1",
            "f32" => "%f1",
            _ => "%fd1",
        };
        let st = if *ty == "u8" { "u8" } else { ty };
        let _ = writeln!(body, "  ld.param.{ty} {reg}, [p{i}];\n  st.global.{st} [%rd0+{off}], {reg};");
    }
    for k in (0..BIG).step_by(8) {
        let _ = writeln!(body, "  ld.param.u64 %rd1, [big+{k}];\n  st.global.u64 [%rd0+{}], %rd1;", big_offset + k);
    }
    let ptx = format!(
        ".version 8.0\n.target sm_75\n.address_size 64\n.visible .entry params({})\n{{\n  .reg .b16 %rs<2>;\n  .reg .b32 %r<2>;\n  .reg .f32 %f<2>;\n  .reg .f64 %fd<2>;\n  .reg .b64 %rd<2>;\n{body}  ret;\n}}\n\0",
        decl.join(", ")
    );
    layout.push((out_offset, 8));
    layout.push((big_offset, BIG));
    (ptx, layout)
}

fn parameters(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (ptx, layout) = parameters_ptx();
    let (m, f) = load(api, t, &ptx, c"params")?;
    for (i, (offset, size)) in layout.iter().enumerate() {
        let (mut o, mut s) = (0usize, 0usize);
        t.ok(&format!("cuFuncGetParamInfo({i})"), cu!(api.cuFuncGetParamInfo(f, i, &mut o, &mut s)))?;
        t.check(&format!("parameter {i} at offset {offset}, {size} bytes"), (o, s) == (*offset, *size))?;
    }
    let total = layout.last().map_or(0, |(o, s)| o + s);
    let mut out = 0;
    t.ok("cuMemAlloc(out)", cu!(api.cuMemAlloc_v2(&mut out, total)))?;
    t.ok("cuMemsetD8(out)", cu!(api.cuMemsetD8_v2(out, 0, total)))?;
    // Each parameter's own bytes, random, in its own storage.
    let mut values: Vec<Vec<u8>> = SCALARS.iter().enumerate().map(|(i, (_, s))| random_bytes(*s, 40 + i as u64)).collect();
    values.push(out.to_le_bytes().to_vec());
    values.push(random_bytes(BIG, 77));
    // 8-byte aligned copies, so each pointer is suitably aligned.
    let mut storage: Vec<Vec<u64>> = values
        .iter()
        .map(|v| {
            let mut w = vec![0u64; v.len().div_ceil(8)];
            // SAFETY: w holds at least v.len() bytes.
            unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), w.as_mut_ptr().cast::<u8>(), v.len()) };
            w
        })
        .collect();
    let mut args: Vec<*mut std::ffi::c_void> = storage.iter_mut().map(|w| w.as_mut_ptr().cast()).collect();
    t.ok("cuLaunchKernel(params)", cu!(api.cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())))?;
    let mut back = vec![0u8; total];
    t.ok("cuMemcpyDtoH(out)", cu!(api.cuMemcpyDtoH_v2(back.as_mut_ptr().cast(), out, total)))?;
    for (i, ((offset, size), v)) in layout.iter().zip(&values).enumerate() {
        t.check(&format!("parameter {i} ({size} bytes) arrives intact"), back[*offset..offset + size] == v[..])?;
    }
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(out)))?;
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

const FAULT_PTX: &str = "\
.version 8.0
.target sm_75
.address_size 64
.visible .entry fault()
{
  .reg .b32 %r<2>;
  .reg .b64 %rd<2>;
  mov.u64 %rd1, 8;
  mov.u32 %r1, 1;
  st.global.u32 [%rd1], %r1;
  ret;
}
\0";

fn fault(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (_, f) = load(api, t, FAULT_PTX, c"fault")?;
    t.ok("launch a kernel that writes to address 8", cu!(api.cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, null_mut(), null_mut(), null_mut())))?;
    let r = cu!(api.cuCtxSynchronize());
    t.call("cuCtxSynchronize after the fault", r);
    t.check("the fault is reported", r == CUresult::CUDA_ERROR_ILLEGAL_ADDRESS)?;
    let mut p = 0;
    t.call("cuMemAlloc after the fault (sticky)", cu!(api.cuMemAlloc_v2(&mut p, 16)));
    Ok(())
}

/// A CUkernel from a library, launched where a CUfunction is expected.
/// A 1D launch of `blocks` blocks of 256 threads on the default stream with
/// `attrs` (which must outlive the configuration's use).
fn launch_config(blocks: u32, attrs: &mut [cuvm_abi::CUlaunchAttribute]) -> cuvm_abi::CUlaunchConfig {
    cuvm_abi::CUlaunchConfig {
        gridDimX: blocks,
        gridDimY: 1,
        gridDimZ: 1,
        blockDimX: 256,
        blockDimY: 1,
        blockDimZ: 1,
        sharedMemBytes: 0,
        hStream: null_mut(),
        attrs: attrs.as_mut_ptr(),
        numAttrs: u32::try_from(attrs.len()).unwrap_or(0),
    }
}

fn via_kernel(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUkernel, CUlibrary};
    setup(api, t)?;
    let mut lib: CUlibrary = null_mut();
    t.ok(
        "cuLibraryLoadData",
        cu!(api.cuLibraryLoadData(&mut lib, super::modules::PTX.as_ptr().cast(), null_mut(), null_mut(), 0, null_mut(), null_mut(), 0)),
    )?;
    let mut k: CUkernel = null_mut();
    t.ok("cuLibraryGetKernel(vadd)", cu!(api.cuLibraryGetKernel(&mut k, lib, c"vadd".as_ptr())))?;
    t.ok(
        "cuKernelSetCacheConfig(PREFER_L1, device 0)",
        cu!(api.cuKernelSetCacheConfig(k, cuvm_abi::CUfunc_cache::CU_FUNC_CACHE_PREFER_L1, 0)),
    )?;
    t.call("cuKernelSetCacheConfig(NULL kernel)", cu!(api.cuKernelSetCacheConfig(null_mut(), cuvm_abi::CUfunc_cache::CU_FUNC_CACHE_PREFER_L1, 0)));
    let n: u32 = 4096;
    let bytes = n as usize * 4;
    let a: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let (mut da, mut dc) = (0, 0);
    t.ok("cuMemAlloc a", cu!(api.cuMemAlloc_v2(&mut da, bytes)))?;
    t.ok("cuMemAlloc c", cu!(api.cuMemAlloc_v2(&mut dc, bytes)))?;
    t.ok("upload", cu!(api.cuMemcpyHtoD_v2(da, a.as_ptr().cast(), bytes)))?;
    let mut args = [(&raw mut da).cast(), (&raw mut da).cast(), (&raw mut dc).cast(), (&raw const n).cast_mut().cast()];
    t.ok(
        "cuLaunchKernel with a CUkernel",
        cu!(api.cuLaunchKernel(k.cast(), n / 256, 1, 1, 256, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())),
    )?;
    let mut c = vec![0f32; n as usize];
    t.ok("download", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, bytes)))?;
    t.check("c = a + a", c.iter().zip(&a).all(|(c, a)| *c == a + a))?;
    // A CUkernel where a CUfunction is expected, in the occupancy calculator
    // (as libcudart passes cudaKernel_t).
    let mut blocks = 0;
    t.ok(
        "cuOccupancyMaxActiveBlocksPerMultiprocessor with a CUkernel",
        cu!(api.cuOccupancyMaxActiveBlocksPerMultiprocessor(&mut blocks, k.cast(), 256, 0)),
    )?;
    t.value("blocks per multiprocessor", blocks);
    let mut smem = 0usize;
    t.ok(
        "cuOccupancyAvailableDynamicSMemPerBlock with a CUkernel",
        cu!(api.cuOccupancyAvailableDynamicSMemPerBlock(&mut smem, k.cast(), 1, 256)),
    )?;
    t.value("available dynamic shared memory", smem);
    // Cluster occupancy for a configuration with a cluster dimension (as
    // cuBLAS asks at cublasCreate).
    // SAFETY: all-zero attributes are valid; id and value set below.
    let mut cluster: [cuvm_abi::CUlaunchAttribute; 1] = unsafe { std::mem::zeroed() };
    cluster[0].id = cuvm_abi::CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    cluster[0].value.clusterDim.x = 2;
    cluster[0].value.clusterDim.y = 1;
    cluster[0].value.clusterDim.z = 1;
    let occupancy_config = launch_config(64, &mut cluster);
    let mut clusters = -1;
    t.call("cuOccupancyMaxActiveClusters", cu!(api.cuOccupancyMaxActiveClusters(&mut clusters, k.cast(), &occupancy_config)));
    t.value("active clusters of 2", clusters);
    let mut size = -1;
    t.call("cuOccupancyMaxPotentialClusterSize", cu!(api.cuOccupancyMaxPotentialClusterSize(&mut size, k.cast(), &occupancy_config)));
    t.value("potential cluster size", size);
    // cuLaunchKernelEx with plain-value attributes (as XLA launches).
    // SAFETY: all-zero attributes are valid; ids and values set below.
    let mut attrs: [cuvm_abi::CUlaunchAttribute; 2] = unsafe { std::mem::zeroed() };
    attrs[0].id = cuvm_abi::CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    attrs[0].value.programmaticStreamSerializationAllowed = 1;
    attrs[1].id = cuvm_abi::CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PRIORITY;
    attrs[1].value.priority = 0;
    let config = launch_config(n / 256, &mut attrs);
    t.ok("zero c", cu!(api.cuMemsetD8_v2(dc, 0, bytes)))?;
    t.ok("cuLaunchKernelEx with value attributes", cu!(api.cuLaunchKernelEx(&config, k.cast(), args.as_mut_ptr(), null_mut())))?;
    t.ok("download", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, bytes)))?;
    t.check("c = a + a after cuLaunchKernelEx", c.iter().zip(&a).all(|(c, a)| *c == a + a))?;
    t.ok("cuMemFree a", cu!(api.cuMemFree_v2(da)))?;
    t.ok("cuMemFree c", cu!(api.cuMemFree_v2(dc)))?;
    t.ok("cuLibraryUnload", cu!(api.cuLibraryUnload(lib)))?;
    teardown(api, t)
}

fn c_text(buf: &[u8]) -> String {
    String::from_utf8_lossy(&buf[..buf.iter().position(|b| *b == 0).unwrap_or(buf.len())]).into_owned()
}

/// The JIT linker: PTX linked into a cubin with logs, the cubin loaded and
/// launched; a bad input's error log.
fn jit_link(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use std::ffi::c_void;

    use cuvm_abi::{CUjit_option, CUjitInputType, CUlinkState};
    setup(api, t)?;
    let (mut info, mut error) = (vec![0u8; 8192], vec![0u8; 8192]);
    let mut options = [CUjit_option(3), CUjit_option(4), CUjit_option(5), CUjit_option(6), CUjit_option(12), CUjit_option(2)];
    let mut values: [*mut c_void; 6] =
        [info.as_mut_ptr().cast(), 8192 as *mut c_void, error.as_mut_ptr().cast(), 8192 as *mut c_void, 1 as *mut c_void, null_mut()];
    let mut link: CUlinkState = null_mut();
    t.ok("cuLinkCreate_v2(logs, verbose, wall time)", cu!(api.cuLinkCreate_v2(6, options.as_mut_ptr(), values.as_mut_ptr(), &mut link)))?;
    let ptx = super::modules::PTX;
    t.ok(
        "cuLinkAddData_v2(PTX)",
        cu!(api.cuLinkAddData_v2(link, CUjitInputType(1), ptx.as_ptr().cast_mut().cast(), ptx.len(), c"vadd.ptx".as_ptr(), 0, null_mut(), null_mut())),
    )?;
    let (mut cubin, mut size): (*mut c_void, usize) = (null_mut(), 0);
    t.ok("cuLinkComplete", cu!(api.cuLinkComplete(link, &mut cubin, &mut size)))?;
    t.check("an ELF image came out", !cubin.is_null() && size > 4 && unsafe { std::slice::from_raw_parts(cubin.cast::<u8>(), 4) } == b"\x7fELF")?;
    // The whole log depends on the driver's JIT cache (a cached compile
    // writes no ptxas lines), so only the linker's report is compared.
    t.check("the info log reports vadd's resources", c_text(&info).contains("Function properties for 'vadd'"))?;
    t.check("the info log's size was reported", values[1] as usize > 0)?;
    let mut m: CUmodule = null_mut();
    t.ok("cuModuleLoadData(linked image)", cu!(api.cuModuleLoadData(&mut m, cubin)))?;
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(link)))?;
    let mut f: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(vadd)", cu!(api.cuModuleGetFunction(&mut f, m, c"vadd".as_ptr())))?;
    let n: u32 = 4096;
    let bytes = n as usize * 4;
    let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
    let (mut da, mut dc) = (0, 0);
    t.ok("cuMemAlloc a", cu!(api.cuMemAlloc_v2(&mut da, bytes)))?;
    t.ok("cuMemAlloc c", cu!(api.cuMemAlloc_v2(&mut dc, bytes)))?;
    t.ok("upload", cu!(api.cuMemcpyHtoD_v2(da, a.as_ptr().cast(), bytes)))?;
    let mut args = [(&raw mut da).cast(), (&raw mut da).cast(), (&raw mut dc).cast(), (&raw const n).cast_mut().cast()];
    t.ok("cuLaunchKernel(linked vadd)", cu!(api.cuLaunchKernel(f, n / 256, 1, 1, 256, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())))?;
    let mut c = vec![0f32; n as usize];
    t.ok("download", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, bytes)))?;
    t.check("the linked kernel computed a + a", c.iter().zip(&a).all(|(c, a)| *c == a + a))?;
    // A bad input: its error log says why.
    let mut link2: CUlinkState = null_mut();
    error.fill(0);
    let mut values2: [*mut c_void; 6] =
        [info.as_mut_ptr().cast(), 8192 as *mut c_void, error.as_mut_ptr().cast(), 8192 as *mut c_void, 0 as *mut c_void, null_mut()];
    t.ok("cuLinkCreate_v2 (second)", cu!(api.cuLinkCreate_v2(6, options.as_mut_ptr(), values2.as_mut_ptr(), &mut link2)))?;
    let bad = b".version 8.0\n.target sm_90\n.address_size 64\nthis is not ptx\n\0";
    t.call(
        "cuLinkAddData_v2(bad PTX)",
        cu!(api.cuLinkAddData_v2(link2, CUjitInputType(1), bad.as_ptr().cast_mut().cast(), bad.len(), c"bad.ptx".as_ptr(), 0, null_mut(), null_mut())),
    );
    t.check("the error log says why", !c_text(&error).is_empty())?;
    t.value("error log", c_text(&error));
    t.ok("cuLinkDestroy (second)", cu!(api.cuLinkDestroy(link2)))?;
    t.call("cuLinkCreate_v2(NULL out)", cu!(api.cuLinkCreate_v2(0, null_mut(), null_mut(), null_mut())));
    t.ok("cuMemFree a", cu!(api.cuMemFree_v2(da)))?;
    t.ok("cuMemFree c", cu!(api.cuMemFree_v2(dc)))?;
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}

/// JIT link sessions without a launch: a PTX input linked, the image
/// loaded as a module; bad handles and options.
fn jit_sessions(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use std::ffi::c_void;

    use cuvm_abi::{CUjit_option, CUjitInputType, CUlinkState};
    setup(api, t)?;
    let mut link: CUlinkState = null_mut();
    t.ok("cuLinkCreate_v2(no options)", cu!(api.cuLinkCreate_v2(0, null_mut(), null_mut(), &mut link)))?;
    let ptx = super::modules::PTX;
    t.ok(
        "cuLinkAddData_v2(PTX)",
        cu!(api.cuLinkAddData_v2(link, CUjitInputType(1), ptx.as_ptr().cast_mut().cast(), ptx.len(), null_mut(), 0, null_mut(), null_mut())),
    )?;
    let (mut image, mut size): (*mut c_void, usize) = (null_mut(), 0);
    t.ok("cuLinkComplete", cu!(api.cuLinkComplete(link, &mut image, &mut size)))?;
    t.check("an image came out", !image.is_null() && size > 0)?;
    let mut m: CUmodule = null_mut();
    t.ok("cuModuleLoadData(linked image)", cu!(api.cuModuleLoadData(&mut m, image)))?;
    let mut f: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(vadd)", cu!(api.cuModuleGetFunction(&mut f, m, c"vadd".as_ptr())))?;
    t.call("cuLinkComplete(NULL out)", cu!(api.cuLinkComplete(link, null_mut(), &mut size)));
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(link)))?;
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    let mut opt = [CUjit_option(7)];
    let mut val: [*mut c_void; 1] = [3 as *mut c_void];
    t.ok("cuLinkCreate_v2(optimization level 3)", cu!(api.cuLinkCreate_v2(1, opt.as_mut_ptr(), val.as_mut_ptr(), &mut link)))?;
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(link)))?;
    teardown(api, t)
}
