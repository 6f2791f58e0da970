//! Streams and events.

use std::ptr::null_mut;

use cuvm_abi::{CUevent, CUstream};

use super::{setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "streams", needs_kernels: false, native_only: false, run: streams },
        Scenario { name: "events", needs_kernels: false, native_only: false, run: events },
        Scenario { name: "generated_forwarding", needs_kernels: false, native_only: true, run: generated },
        Scenario { name: "host_functions_in_stream_order", needs_kernels: false, native_only: false, run: host_functions },
    ]
}

fn streams(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (mut least, mut greatest) = (0, 0);
    t.ok("cuCtxGetStreamPriorityRange", cu!(api.cuCtxGetStreamPriorityRange(&mut least, &mut greatest)))?;
    let (mut a, mut b): (CUstream, CUstream) = (null_mut(), null_mut());
    t.ok("cuStreamCreate(DEFAULT)", cu!(api.cuStreamCreate(&mut a, 0)))?;
    t.ok("cuStreamCreateWithPriority(NON_BLOCKING, greatest)", cu!(api.cuStreamCreateWithPriority(&mut b, 1, greatest)))?;
    t.call("cuStreamCreate(bad flags)", cu!(api.cuStreamCreate(&mut a, 0x100)));
    t.call("cuStreamCreate(NULL)", cu!(api.cuStreamCreate(null_mut(), 0)));
    let (mut prio, mut flags) = (99, 99u32);
    t.ok("cuStreamGetPriority(b)", cu!(api.cuStreamGetPriority(b, &mut prio)))?;
    t.check("priority is the greatest", prio == greatest)?;
    t.ok("cuStreamGetFlags(b)", cu!(api.cuStreamGetFlags(b, &mut flags)))?;
    t.value("flags of b", flags);
    t.ok("cuStreamGetPriority(NULL stream)", cu!(api.cuStreamGetPriority(null_mut(), &mut prio)))?;
    t.value("priority of the NULL stream", prio);
    t.ok("cuStreamQuery(a)", cu!(api.cuStreamQuery(a)))?;
    t.ok("cuStreamSynchronize(a)", cu!(api.cuStreamSynchronize(a)))?;
    t.ok("cuStreamSynchronize(NULL)", cu!(api.cuStreamSynchronize(null_mut())))?;
    t.ok("cuStreamSynchronize(CU_STREAM_LEGACY)", cu!(api.cuStreamSynchronize(1 as CUstream)))?;
    t.ok("cuStreamSynchronize(CU_STREAM_PER_THREAD)", cu!(api.cuStreamSynchronize(2 as CUstream)))?;
    t.ok("cuStreamDestroy(a)", cu!(api.cuStreamDestroy_v2(a)))?;
    t.ok("cuStreamDestroy(b)", cu!(api.cuStreamDestroy_v2(b)))?;
    teardown(api, t)
}

fn events(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (mut e1, mut e2, mut nt): (CUevent, CUevent, CUevent) = (null_mut(), null_mut(), null_mut());
    t.ok("cuEventCreate(DEFAULT)", cu!(api.cuEventCreate(&mut e1, 0)))?;
    t.ok("cuEventCreate(BLOCKING_SYNC)", cu!(api.cuEventCreate(&mut e2, 1)))?;
    t.ok("cuEventCreate(DISABLE_TIMING)", cu!(api.cuEventCreate(&mut nt, 2)))?;
    t.call("cuEventCreate(bad flags)", cu!(api.cuEventCreate(&mut e1, 0x100)));
    let mut ms = -1.0f32;
    t.call("cuEventElapsedTime before any record", cu!(api.cuEventElapsedTime_v2(&mut ms, e1, e2)));
    t.ok("cuEventQuery before record", cu!(api.cuEventQuery(e1)))?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 0)))?;
    t.ok("cuEventRecord(e1, s)", cu!(api.cuEventRecord(e1, s)))?;
    let mut p = 0;
    t.ok("cuMemAlloc", cu!(api.cuMemAlloc_v2(&mut p, 1 << 24)))?;
    t.ok("cuMemsetD8Async", cu!(api.cuMemsetD8Async(p, 1, 1 << 24, s)))?;
    t.ok("cuEventRecord(e2, s)", cu!(api.cuEventRecord(e2, s)))?;
    t.ok("cuEventRecord(nt, s)", cu!(api.cuEventRecord(nt, s)))?;
    let mut other: CUstream = null_mut();
    t.ok("cuStreamCreate(other)", cu!(api.cuStreamCreate(&mut other, 0)))?;
    t.ok("cuStreamWaitEvent(other, e2)", cu!(api.cuStreamWaitEvent(other, e2, 0)))?;
    t.ok("cuStreamSynchronize(other)", cu!(api.cuStreamSynchronize(other)))?;
    t.ok("cuEventSynchronize(e2)", cu!(api.cuEventSynchronize(e2)))?;
    t.ok("cuEventQuery(e2) after sync", cu!(api.cuEventQuery(e2)))?;
    t.ok("cuEventElapsedTime(e1, e2)", cu!(api.cuEventElapsedTime_v2(&mut ms, e1, e2)))?;
    t.check("elapsed time is >= 0", ms >= 0.0)?;
    t.call("cuEventElapsedTime with a DISABLE_TIMING event", cu!(api.cuEventElapsedTime_v2(&mut ms, e1, nt)));
    t.call("cuEventElapsedTime(NULL out)", cu!(api.cuEventElapsedTime_v2(null_mut(), e1, e2)));
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    for (name, e) in [("e1", e1), ("e2", e2), ("nt", nt)] {
        t.ok(&format!("cuEventDestroy({name})"), cu!(api.cuEventDestroy_v2(e)))?;
    }
    t.ok("cuStreamDestroy(s)", cu!(api.cuStreamDestroy_v2(s)))?;
    t.ok("cuStreamDestroy(other)", cu!(api.cuStreamDestroy_v2(other)))?;
    teardown(api, t)
}

/// Entry points forwarded by code generated from the declaration list.
fn generated(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUarray_format, CUcontext, CUexecAffinityType, CUsharedconfig, CUstreamCaptureStatus};
    let ctx = setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 0)))?;
    let mut id = 0u64;
    t.ok("cuStreamGetId", cu!(api.cuStreamGetId(s, &mut id)))?;
    t.check("a stream id", id != 0)?;
    let mut dev = -1;
    t.ok("cuStreamGetDevice", cu!(api.cuStreamGetDevice(s, &mut dev)))?;
    t.value("stream device", dev);
    let mut c: CUcontext = null_mut();
    t.ok("cuStreamGetCtx", cu!(api.cuStreamGetCtx(s, &mut c)))?;
    t.check("the stream's context is the current one", c == ctx)?;
    let mut status = CUstreamCaptureStatus(9);
    t.ok("cuStreamIsCapturing", cu!(api.cuStreamIsCapturing(s, &mut status)))?;
    t.value("capture status", status.0);
    t.call("cuStreamGetId(NULL out)", cu!(api.cuStreamGetId(s, null_mut())));
    let mut e: CUevent = null_mut();
    t.ok("cuEventCreate", cu!(api.cuEventCreate(&mut e, 0)))?;
    t.ok("cuEventRecordWithFlags", cu!(api.cuEventRecordWithFlags(e, s, 0)))?;
    t.ok("cuEventSynchronize", cu!(api.cuEventSynchronize(e)))?;
    t.ok("cuCtxRecordEvent", cu!(api.cuCtxRecordEvent(ctx, e)))?;
    t.ok("cuCtxWaitEvent", cu!(api.cuCtxWaitEvent(ctx, e)))?;
    let mut config = CUsharedconfig(9);
    t.call("cuCtxGetSharedMemConfig", cu!(api.cuCtxGetSharedMemConfig(&mut config)));
    let mut width = 0usize;
    t.ok(
        "cuDeviceGetTexture1DLinearMaxWidth",
        cu!(api.cuDeviceGetTexture1DLinearMaxWidth(&mut width, CUarray_format::CU_AD_FORMAT_FLOAT, 4, 0)),
    )?;
    t.value("texture 1D linear max width (float4)", width);
    let mut support = -1;
    t.ok(
        "cuDeviceGetExecAffinitySupport",
        cu!(api.cuDeviceGetExecAffinitySupport(&mut support, CUexecAffinityType::CU_EXEC_AFFINITY_TYPE_SM_COUNT, 0)),
    )?;
    t.value("exec affinity support", support);
    t.ok("cuCtxResetPersistingL2Cache", cu!(api.cuCtxResetPersistingL2Cache()))?;
    t.call("cuCtxEnablePeerAccess(self)", cu!(api.cuCtxEnablePeerAccess(ctx, 0)));
    t.ok("cuProfilerStart", cu!(api.cuProfilerStart()))?;
    t.ok("cuProfilerStop", cu!(api.cuProfilerStop()))?;
    t.ok("cuEventDestroy", cu!(api.cuEventDestroy_v2(e)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

static ORDER: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

extern "C" fn host_fn(data: *mut std::ffi::c_void) {
    ORDER.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(data as usize as u32);
}

extern "C" fn stream_cb(_: CUstream, status: cuvm_abi::CUresult, data: *mut std::ffi::c_void) {
    let tag = if status.is_success() { data as usize as u32 } else { 999 };
    ORDER.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(tag);
}

/// Host functions and stream callbacks run after the stream's earlier work,
/// in order, once each.
fn host_functions(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 0)))?;
    let mut p = 0;
    t.ok("cuMemAlloc", cu!(api.cuMemAlloc_v2(&mut p, 1 << 20)))?;
    t.ok("cuMemsetD8Async", cu!(api.cuMemsetD8Async(p, 3, 1 << 20, s)))?;
    t.ok("cuLaunchHostFunc(1)", cu!(api.cuLaunchHostFunc(s, Some(host_fn), 1 as *mut _)))?;
    t.ok("cuStreamAddCallback(2)", cu!(api.cuStreamAddCallback(s, Some(stream_cb), 2 as *mut _, 0)))?;
    t.ok("cuLaunchHostFunc(3)", cu!(api.cuLaunchHostFunc(s, Some(host_fn), 3 as *mut _)))?;
    t.call("cuLaunchHostFunc(NULL function)", cu!(api.cuLaunchHostFunc(s, None, null_mut())));
    t.call("cuStreamAddCallback(flags 1)", cu!(api.cuStreamAddCallback(s, Some(stream_cb), null_mut(), 1)));
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let order = ORDER.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    t.value("host functions ran, in order", &order);
    t.check("each ran once, in stream order, with success status", order == [1, 2, 3])?;
    let mut byte = [0u8; 1];
    t.ok("read back", cu!(api.cuMemcpyDtoH_v2(byte.as_mut_ptr().cast(), p + 1000, 1)))?;
    t.check("the memset before them completed", byte[0] == 3)?;
    t.ok("cuMemFree", cu!(api.cuMemFree_v2(p)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}
