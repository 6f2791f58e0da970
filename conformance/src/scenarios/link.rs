//! The JIT linker: PTX linked with `cuLinkAddData` and `cuLinkAddFile`, the
//! image loaded with `cuModuleLoadData`, log buffers and output options, a
//! linked kernel launched; bad inputs.

use std::ffi::c_void;
use std::ptr::null_mut;

use cuvm_abi::{CUfunction, CUjit_option as O, CUjitInputType, CUlinkState, CUmodule};

use super::modules::PTX;
use super::{setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "link_ptx_logs_and_errors", needs_kernels: false, native_only: false, run: logs_and_errors },
        Scenario { name: "link_ptx_and_launch", needs_kernels: true, native_only: false, run: link_and_launch },
    ]
}

const LOG: usize = 8192;

/// A linker with info and error logs, verbose, and the wall time asked for.
struct Logged {
    info: Vec<u8>,
    error: Vec<u8>,
    options: [O; 6],
    values: [*mut c_void; 6],
}

impl Logged {
    fn new() -> Box<Logged> {
        let mut l = Box::new(Logged {
            info: vec![0xa5; LOG],
            error: vec![0xa5; LOG],
            options: [
                O::CU_JIT_INFO_LOG_BUFFER,
                O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
                O::CU_JIT_ERROR_LOG_BUFFER,
                O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                O::CU_JIT_LOG_VERBOSE,
                O::CU_JIT_WALL_TIME,
            ],
            values: [null_mut(); 6],
        });
        let word = std::ptr::without_provenance_mut::<c_void>;
        l.values = [l.info.as_mut_ptr().cast(), word(LOG), l.error.as_mut_ptr().cast(), word(LOG), word(1), null_mut()];
        l
    }

    fn filled(&self, i: usize) -> usize {
        self.values[i] as usize & 0xffff_ffff
    }

    fn text(buf: &[u8]) -> String {
        String::from_utf8_lossy(buf.split(|b| *b == 0).next().unwrap_or(&[])).into_owned()
    }
}

fn create(api: &Api, t: &mut Transcript, l: &mut Logged) -> Result<CUlinkState, String> {
    let mut state: CUlinkState = null_mut();
    t.ok("cuLinkCreate", cu!(api.cuLinkCreate_v2(6, l.options.as_mut_ptr(), l.values.as_mut_ptr(), &mut state)))?;
    Ok(state)
}

fn logs_and_errors(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    t.call("cuLinkCreate(NULL state)", cu!(api.cuLinkCreate_v2(0, null_mut(), null_mut(), null_mut())));
    // A good link: PTX from memory and from a file.
    let mut l = Logged::new();
    let state = create(api, t, &mut l)?;
    let ptx = PTX.as_bytes();
    let ty = CUjitInputType::CU_JIT_INPUT_PTX;
    t.ok(
        "cuLinkAddData(PTX)",
        cu!(api.cuLinkAddData_v2(state, ty, ptx.as_ptr().cast_mut().cast(), ptx.len(), c"a.ptx".as_ptr(), 0, null_mut(), null_mut())),
    )?;
    let file = std::env::temp_dir().join(format!("cuvm-link-{}.ptx", std::process::id()));
    let other = PTX.replace("vadd", "vadd2").replace("bump", "bump2").replace("counter", "counter2");
    std::fs::write(&file, other.trim_end_matches('\0')).map_err(|e| e.to_string())?;
    let path = std::ffi::CString::new(file.to_string_lossy().into_owned()).map_err(|e| e.to_string())?;
    let added = cu!(api.cuLinkAddFile_v2(state, ty, path.as_ptr(), 0, null_mut(), null_mut()));
    let _ = std::fs::remove_file(&file);
    t.ok("cuLinkAddFile(PTX without NUL)", added)?;
    t.call("cuLinkAddFile(missing file)", cu!(api.cuLinkAddFile_v2(state, ty, c"/nonexistent/x.ptx".as_ptr(), 0, null_mut(), null_mut())));
    let (mut cubin, mut size): (*mut c_void, usize) = (null_mut(), 0);
    t.call("cuLinkComplete(NULL image)", cu!(api.cuLinkComplete(state, null_mut(), &mut size)));
    t.ok("cuLinkComplete", cu!(api.cuLinkComplete(state, &mut cubin, &mut size)))?;
    t.check("an image came back", !cubin.is_null() && size > 0)?;
    t.check("the info log size is within its buffer", l.filled(1) <= LOG)?;
    let wall = f32::from_bits(u32::try_from(l.values[5] as usize & 0xffff_ffff).unwrap_or(0));
    t.check("the wall time is a time", wall.is_finite() && wall >= 0.0)?;
    let mut m: CUmodule = null_mut();
    t.ok("cuModuleLoadData(linked image)", cu!(api.cuModuleLoadData(&mut m, cubin)))?;
    for name in [c"vadd", c"vadd2", c"bump2"] {
        let mut f: CUfunction = null_mut();
        t.ok(&format!("cuModuleGetFunction({})", name.to_string_lossy()), cu!(api.cuModuleGetFunction(&mut f, m, name.as_ptr())))?;
    }
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(state)))?;

    // A bad input: refused, with an error log.
    let mut bad = Logged::new();
    let state = create(api, t, &mut bad)?;
    let garbage = b".version 8.0\n.target sm_75\n.address_size 64\n.visible .entry broken(.param .q99 x\n\0";
    t.call(
        "cuLinkAddData(garbage PTX)",
        cu!(api.cuLinkAddData_v2(
            state,
            ty,
            garbage.as_ptr().cast_mut().cast(),
            garbage.len(),
            c"bad.ptx".as_ptr(),
            0,
            null_mut(),
            null_mut()
        )),
    );
    let error = Logged::text(&bad.error);
    t.check("the error log says something", !error.is_empty() && bad.filled(3) <= LOG)?;
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(state)))?;

    // Nothing to link.
    let mut empty = Logged::new();
    let state = create(api, t, &mut empty)?;
    t.call("cuLinkComplete(no inputs)", cu!(api.cuLinkComplete(state, &mut cubin, &mut size)));
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(state)))?;
    teardown(api, t)
}

fn link_and_launch(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut opts = [O::CU_JIT_OPTIMIZATION_LEVEL, O::CU_JIT_TARGET_FROM_CUCONTEXT];
    let mut vals: [*mut c_void; 2] = [std::ptr::without_provenance_mut(3), null_mut()];
    let mut state: CUlinkState = null_mut();
    t.ok("cuLinkCreate", cu!(api.cuLinkCreate_v2(2, opts.as_mut_ptr(), vals.as_mut_ptr(), &mut state)))?;
    let ptx = PTX.as_bytes();
    let ty = CUjitInputType::CU_JIT_INPUT_PTX;
    t.ok(
        "cuLinkAddData(PTX)",
        cu!(api.cuLinkAddData_v2(state, ty, ptx.as_ptr().cast_mut().cast(), ptx.len(), null_mut(), 0, null_mut(), null_mut())),
    )?;
    let (mut cubin, mut size): (*mut c_void, usize) = (null_mut(), 0);
    t.ok("cuLinkComplete", cu!(api.cuLinkComplete(state, &mut cubin, &mut size)))?;
    let mut m: CUmodule = null_mut();
    t.ok("cuModuleLoadData(linked image)", cu!(api.cuModuleLoadData(&mut m, cubin)))?;
    t.ok("cuLinkDestroy", cu!(api.cuLinkDestroy(state)))?;
    let mut f: CUfunction = null_mut();
    t.ok("cuModuleGetFunction(vadd)", cu!(api.cuModuleGetFunction(&mut f, m, c"vadd".as_ptr())))?;
    let n: u32 = 4096;
    let bytes = n as usize * 4;
    let a: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..n).map(|i| (i * 3) as f32 / 2.0).collect();
    let (mut da, mut db, mut dc) = (0, 0, 0);
    for p in [&mut da, &mut db, &mut dc] {
        t.ok("cuMemAlloc", cu!(api.cuMemAlloc_v2(p, bytes)))?;
    }
    t.ok("upload a", cu!(api.cuMemcpyHtoD_v2(da, a.as_ptr().cast(), bytes)))?;
    t.ok("upload b", cu!(api.cuMemcpyHtoD_v2(db, b.as_ptr().cast(), bytes)))?;
    let mut args = [(&raw mut da).cast(), (&raw mut db).cast(), (&raw mut dc).cast(), (&raw const n).cast_mut().cast()];
    t.ok(
        "cuLaunchKernel(linked vadd)",
        cu!(api.cuLaunchKernel(f, n / 256, 1, 1, 256, 1, 1, 0, null_mut(), args.as_mut_ptr(), null_mut())),
    )?;
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
