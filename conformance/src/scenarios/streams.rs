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
        Scenario { name: "stream_values_batches_and_capture_to_graph", needs_kernels: false, native_only: false, run: values_and_batches },
        Scenario { name: "stream_attributes_and_pool_access", needs_kernels: false, native_only: true, run: attributes_and_access },
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

fn read_words(api: &Api, t: &mut Transcript, p: cuvm_abi::CUdeviceptr, n: usize, what: &str) -> Result<Vec<u32>, String> {
    let mut v = vec![0u32; n];
    t.ok(&format!("cuMemcpyDtoH {what}"), cu!(api.cuMemcpyDtoH_v2(v.as_mut_ptr().cast(), p, 4 * n)))?;
    Ok(v)
}

/// Stream memory operations (single and batched), the stream's context
/// through cuStreamGetCtx_v2, capture into an existing graph with changed
/// dependencies, peer and batched copies, pools by location.
fn values_and_batches(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUDA_MEMCPY3D_BATCH_OP, CUDA_MEMCPY3D_PEER, CUmemLocation, CUmemLocationType, CUmemcpyAttributes, CUstreamBatchMemOpParams};
    use cuvm_abi::CUstreamBatchMemOpType as Op;
    let ctx = setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    const W: usize = 1024;
    let (mut p, mut q) = (0, 0);
    t.ok("cuMemAlloc p", cu!(api.cuMemAlloc_v2(&mut p, 4 * W)))?;
    t.ok("cuMemAlloc q", cu!(api.cuMemAlloc_v2(&mut q, 4 * W)))?;
    t.ok("cuMemsetD32(p, 0)", cu!(api.cuMemsetD32_v2(p, 0, W)))?;
    t.ok("cuStreamWriteValue32_v2(p[0] = 7)", cu!(api.cuStreamWriteValue32_v2(s, p, 7, 0)))?;
    t.ok("cuStreamWaitValue32_v2(p[0] == 7)", cu!(api.cuStreamWaitValue32_v2(s, p, 7, 1)))?;
    t.ok("cuStreamWriteValue64_v2(p[2..4])", cu!(api.cuStreamWriteValue64_v2(s, p + 8, 0x1122_3344_5566_7788, 0)))?;
    t.ok("cuStreamWaitValue64_v2(p[2..4] >= 1)", cu!(api.cuStreamWaitValue64_v2(s, p + 8, 1, 0)))?;
    let mut batch = [CUstreamBatchMemOpParams { pad: [0; 6] }; 3];
    batch[0].writeValue.operation = Op::CU_STREAM_MEM_OP_WRITE_VALUE_32;
    batch[0].writeValue.address = p + 16;
    batch[0].writeValue.__bindgen_anon_1.value = 9;
    batch[1].waitValue.operation = Op::CU_STREAM_MEM_OP_WAIT_VALUE_32;
    batch[1].waitValue.address = p + 16;
    batch[1].waitValue.__bindgen_anon_1.value = 9;
    batch[1].waitValue.flags = 1;
    batch[2].writeValue.operation = Op::CU_STREAM_MEM_OP_WRITE_VALUE_64;
    batch[2].writeValue.address = p + 24;
    batch[2].writeValue.__bindgen_anon_1.value64 = 0xaabb_ccdd_0000_0001;
    t.ok("cuStreamBatchMemOp_v2(write, wait, write64)", cu!(api.cuStreamBatchMemOp_v2(s, 3, batch.as_mut_ptr(), 0)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = read_words(api, t, p, 8, "p")?;
    t.value("words written by the stream", &w);
    t.call("cuStreamBatchMemOp_v2(count 0)", cu!(api.cuStreamBatchMemOp_v2(s, 0, batch.as_mut_ptr(), 0)));
    // Capture into an existing graph: after its memset (p = 1), a memset of q (q = 2).
    let mut g: cuvm_abi::CUgraph = null_mut();
    t.ok("cuGraphCreate", cu!(api.cuGraphCreate(&mut g, 0)))?;
    let mut m: cuvm_abi::CUgraphNode = null_mut();
    let ms = cuvm_abi::CUDA_MEMSET_NODE_PARAMS { dst: p, pitch: 4 * W, value: 1, elementSize: 4, width: W, height: 1 };
    t.ok("cuGraphAddMemsetNode(p = 1)", cu!(api.cuGraphAddMemsetNode(&mut m, g, std::ptr::null(), 0, &ms, ctx)))?;
    t.ok(
        "cuStreamBeginCaptureToGraph(after the memset)",
        cu!(api.cuStreamBeginCaptureToGraph(s, g, &m, std::ptr::null(), 1, cuvm_abi::CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_GLOBAL)),
    )?;
    t.ok("captured cuMemsetD32Async(q = 2)", cu!(api.cuMemsetD32Async(q, 2, W, s)))?;
    let mut deps = [m];
    t.ok("cuStreamUpdateCaptureDependencies_v2(set: the memset)", cu!(api.cuStreamUpdateCaptureDependencies_v2(s, deps.as_mut_ptr(), std::ptr::null(), 1, 1)))?;
    t.ok("captured cuMemcpyDtoDAsync(q[0..16] = p[0..16])", cu!(api.cuMemcpyDtoDAsync_v2(q, p, 64, s)))?;
    let mut got: cuvm_abi::CUgraph = null_mut();
    t.ok("cuStreamEndCapture", cu!(api.cuStreamEndCapture(s, &mut got)))?;
    t.check("the capture ended in the graph given", got == g)?;
    let mut n = 0usize;
    t.ok("cuGraphGetNodes(count)", cu!(api.cuGraphGetNodes(g, null_mut(), &mut n)))?;
    t.value("nodes after the capture", n);
    let (mut roots, mut edges) = (0usize, 0usize);
    t.ok("cuGraphGetRootNodes(count)", cu!(api.cuGraphGetRootNodes(g, null_mut(), &mut roots)))?;
    t.ok("cuGraphGetEdges(count)", cu!(api.cuGraphGetEdges(g, null_mut(), null_mut(), &mut edges)))?;
    t.value("roots and edges", (roots, edges));
    let mut exec = null_mut();
    t.ok("cuGraphInstantiateWithFlags", cu!(api.cuGraphInstantiateWithFlags(&mut exec, g, 0)))?;
    t.ok("cuGraphLaunch", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = read_words(api, t, q, W, "q")?;
    t.check("q: 16 words copied from p (1), the rest 2", w[..16].iter().all(|x| *x == 1) && w[16..].iter().all(|x| *x == 2))?;
    t.ok("cuGraphExecDestroy", cu!(api.cuGraphExecDestroy(exec)))?;
    t.ok("cuGraphDestroy", cu!(api.cuGraphDestroy(g)))?;
    // A 3D peer copy (one device: the same context on both sides), host to device.
    let host: Vec<u32> = (0..W as u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
    let mut pc: CUDA_MEMCPY3D_PEER = unsafe { std::mem::zeroed() };
    pc.srcMemoryType = cuvm_abi::CUmemorytype::CU_MEMORYTYPE_HOST;
    pc.srcHost = host.as_ptr().cast();
    pc.srcPitch = 64;
    pc.srcHeight = 4;
    pc.srcContext = ctx;
    pc.dstMemoryType = cuvm_abi::CUmemorytype::CU_MEMORYTYPE_DEVICE;
    pc.dstDevice = p;
    pc.dstPitch = 128;
    pc.dstHeight = 4;
    pc.dstContext = ctx;
    (pc.WidthInBytes, pc.Height, pc.Depth) = (64, 4, 2);
    t.ok("cuMemsetD32(p, 0)", cu!(api.cuMemsetD32_v2(p, 0, W)))?;
    t.ok("cuMemcpy3DPeer(host 64x4x2 into pitch 128)", cu!(api.cuMemcpy3DPeer(&pc)))?;
    t.ok("cuMemcpy3DPeerAsync (again)", cu!(api.cuMemcpy3DPeerAsync(&pc, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = read_words(api, t, p, 256, "p")?;
    let want = |i: usize| {
        let (z, y, x) = (i / 128, (i % 128) / 32, i % 32);
        if x < 16 { host[z * 64 + y * 16 + x] } else { 0 }
    };
    t.check("the peer copy placed each row at its pitch", (0..256).all(|i| w[i] == want(i)))?;
    // Batched copies: host to p, p to q, q back to the host.
    let mut back = vec![0u32; 64];
    let mut dsts = [p, q, back.as_mut_ptr() as u64];
    let mut srcs = [host.as_ptr() as u64, p, q];
    let mut sizes = [256usize, 256, 256];
    let mut attrs: [CUmemcpyAttributes; 1] = [unsafe { std::mem::zeroed() }];
    attrs[0].srcAccessOrder = cuvm_abi::CUmemcpySrcAccessOrder::CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
    let mut idx = [0usize];
    t.ok(
        "cuMemcpyBatchAsync_v2(3 copies, stream order)",
        cu!(api.cuMemcpyBatchAsync_v2(dsts.as_mut_ptr(), srcs.as_mut_ptr(), sizes.as_mut_ptr(), 3, attrs.as_mut_ptr(), idx.as_mut_ptr(), 1, s)),
    )?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.check("the batch brought the words back through p and q", back[..] == host[..64])?;
    attrs[0].srcAccessOrder = cuvm_abi::CUmemcpySrcAccessOrder(0);
    t.call(
        "cuMemcpyBatchAsync_v2(invalid access order)",
        cu!(api.cuMemcpyBatchAsync_v2(dsts.as_mut_ptr(), srcs.as_mut_ptr(), sizes.as_mut_ptr(), 3, attrs.as_mut_ptr(), idx.as_mut_ptr(), 1, s)),
    );
    // A batched 3D copy between device pointers: a 32 x 4 byte box from p (pitch 128) to q (pitch 64).
    let mut op: CUDA_MEMCPY3D_BATCH_OP = unsafe { std::mem::zeroed() };
    op.src.type_ = cuvm_abi::CUmemcpy3DOperandType::CU_MEMCPY_OPERAND_TYPE_POINTER;
    op.src.op.ptr.ptr = p;
    op.src.op.ptr.rowLength = 128;
    op.src.op.ptr.layerHeight = 4;
    op.dst.type_ = cuvm_abi::CUmemcpy3DOperandType::CU_MEMCPY_OPERAND_TYPE_POINTER;
    op.dst.op.ptr.ptr = q;
    op.dst.op.ptr.rowLength = 64;
    op.dst.op.ptr.layerHeight = 4;
    op.extent = cuvm_abi::CUextent3D { width: 32, height: 4, depth: 1 };
    op.srcAccessOrder = cuvm_abi::CUmemcpySrcAccessOrder::CU_MEMCPY_SRC_ACCESS_ORDER_STREAM;
    t.ok("cuMemsetD32(q, 0)", cu!(api.cuMemsetD32_v2(q, 0, W)))?;
    t.ok("cuMemcpy3DBatchAsync_v2(one box)", cu!(api.cuMemcpy3DBatchAsync_v2(1, &mut op, 0, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let wp = read_words(api, t, p, 128, "p")?;
    let wq = read_words(api, t, q, 64, "q")?;
    t.value("q after the batched 3D copy", &wq);
    t.check("each 32-byte row came from p's rows", (0..4).all(|y| (0..8).all(|x| wq[y * 16 + x] == wp[y * 32 + x])))?;
    // Pools by location.
    let (mut a, mut b) = (null_mut(), null_mut());
    let mut loc = CUmemLocation { type_: CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE, id: 0 };
    let pinned = cuvm_abi::CUmemAllocationType::CU_MEM_ALLOCATION_TYPE_PINNED;
    t.ok("cuDeviceGetDefaultMemPool", cu!(api.cuDeviceGetDefaultMemPool(&mut a, 0)))?;
    t.ok("cuMemGetDefaultMemPool(device 0)", cu!(api.cuMemGetDefaultMemPool(&mut b, &mut loc, pinned)))?;
    t.check("the same default pool", a == b)?;
    t.ok("cuMemGetMemPool(device 0)", cu!(api.cuMemGetMemPool(&mut b, &mut loc, pinned)))?;
    t.check("the current pool is the default one", a == b)?;
    t.ok("cuMemSetMemPool(device 0, default)", cu!(api.cuMemSetMemPool(&mut loc, pinned, a)))?;
    t.call("cuMemGetMemPool(NULL location)", cu!(api.cuMemGetMemPool(&mut b, null_mut(), pinned)));
    for (name, d) in [("p", p), ("q", q)] {
        t.ok(&format!("cuMemFree {name}"), cu!(api.cuMemFree_v2(d)))?;
    }
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

/// Stream attributes, memory-pool access, graph-memory attributes, atomic
/// capabilities between devices.
fn attributes_and_access(api: &Api, t: &mut Transcript) -> Result<(), String> {
    use cuvm_abi::{CUlaunchAttributeID as A, CUmemLocation, CUmemLocationType, CUstreamAttrValue};
    let ctx = setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    // The stream's context.
    let (mut c, mut green) = (null_mut(), 1usize as cuvm_abi::CUgreenCtx);
    t.ok("cuStreamGetCtx_v2", cu!(api.cuStreamGetCtx_v2(s, &mut c, &mut green)))?;
    t.check("the stream's context is the current one, no green context", c == ctx && green.is_null())?;
    t.call("cuStreamGetCtx_v2(NULL, NULL)", cu!(api.cuStreamGetCtx_v2(s, null_mut(), null_mut())));

    let mut p = 0;
    t.ok("cuMemAlloc p", cu!(api.cuMemAlloc_v2(&mut p, 1 << 20)))?;
    let mut v = CUstreamAttrValue { pad: [0; 64] };
    t.ok("cuStreamGetAttribute(synchronization policy)", cu!(api.cuStreamGetAttribute(s, A::CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY, &mut v)))?;
    t.value("synchronization policy", unsafe { v.syncPolicy.0 });
    v.syncPolicy = cuvm_abi::CUsynchronizationPolicy::CU_SYNC_POLICY_YIELD;
    t.ok("cuStreamSetAttribute(synchronization policy: yield)", cu!(api.cuStreamSetAttribute(s, A::CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY, &v)))?;
    let mut back = CUstreamAttrValue { pad: [0; 64] };
    t.ok("cuStreamGetAttribute(synchronization policy, again)", cu!(api.cuStreamGetAttribute(s, A::CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY, &mut back)))?;
    t.value("synchronization policy after setting", unsafe { back.syncPolicy.0 });
    let mut w = CUstreamAttrValue { pad: [0; 64] };
    w.accessPolicyWindow = cuvm_abi::CUaccessPolicyWindow {
        base_ptr: p as usize as *mut std::ffi::c_void,
        num_bytes: 4096,
        hitRatio: 0.5,
        hitProp: cuvm_abi::CUaccessProperty::CU_ACCESS_PROPERTY_PERSISTING,
        missProp: cuvm_abi::CUaccessProperty::CU_ACCESS_PROPERTY_STREAMING,
    };
    t.ok("cuStreamSetAttribute(access policy window over p)", cu!(api.cuStreamSetAttribute(s, A::CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW, &w)))?;
    let mut wb = CUstreamAttrValue { pad: [0; 64] };
    t.ok("cuStreamGetAttribute(access policy window)", cu!(api.cuStreamGetAttribute(s, A::CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW, &mut wb)))?;
    let got = unsafe { wb.accessPolicyWindow };
    t.check("the window reads back", got.base_ptr as usize as u64 == p && got.num_bytes == 4096)?;
    t.value("window hit ratio and properties", (got.hitRatio, got.hitProp.0, got.missProp.0));
    let r = t.call("cuStreamGetAttribute_ptsz(priority) of the per-thread stream", cu!(api.cuStreamGetAttribute_ptsz(null_mut(), A::CU_LAUNCH_ATTRIBUTE_PRIORITY, &mut v)));
    if r.is_success() {
        // SAFETY: the member the driver wrote.
        t.value("per-thread stream priority", unsafe { v.priority });
    }
    // The default pool's access from device 0.
    let mut pool = null_mut();
    t.ok("cuDeviceGetDefaultMemPool", cu!(api.cuDeviceGetDefaultMemPool(&mut pool, 0)))?;
    let mut loc = CUmemLocation { type_: CUmemLocationType::CU_MEM_LOCATION_TYPE_DEVICE, id: 0 };
    let mut f = cuvm_abi::CUmemAccess_flags(9);
    t.ok("cuMemPoolGetAccess(device 0)", cu!(api.cuMemPoolGetAccess(&mut f, pool, &mut loc)))?;
    t.value("access of device 0 to its pool", f.0);
    let desc = cuvm_abi::CUmemAccessDesc { location: loc, flags: cuvm_abi::CUmemAccess_flags::CU_MEM_ACCESS_FLAGS_PROT_READWRITE };
    t.call("cuMemPoolSetAccess(device 0: read-write)", cu!(api.cuMemPoolSetAccess(pool, &desc, 1)));
    // Graph memory of this process.
    let mut used = 99u64;
    t.ok(
        "cuDeviceGetGraphMemAttribute(used, current)",
        cu!(api.cuDeviceGetGraphMemAttribute(0, cuvm_abi::CUgraphMem_attribute::CU_GRAPH_MEM_ATTR_USED_MEM_CURRENT, (&raw mut used).cast())),
    )?;
    t.value("graph memory in use", used);
    let mut zero = 0u64;
    t.ok(
        "cuDeviceSetGraphMemAttribute(reset the used high-water mark)",
        cu!(api.cuDeviceSetGraphMemAttribute(0, cuvm_abi::CUgraphMem_attribute::CU_GRAPH_MEM_ATTR_USED_MEM_HIGH, (&raw mut zero).cast())),
    )?;
    // Atomics between device 0 and itself.
    let ops = [cuvm_abi::CUatomicOperation::CU_ATOMIC_OPERATION_INTEGER_ADD, cuvm_abi::CUatomicOperation::CU_ATOMIC_OPERATION_CAS];
    let mut caps = [0u32; 2];
    let r = t.call("cuDeviceGetP2PAtomicCapabilities(0, 0)", cu!(api.cuDeviceGetP2PAtomicCapabilities(caps.as_mut_ptr(), ops.as_ptr(), 2, 0, 0)));
    if r.is_success() {
        t.value("peer atomic capabilities", caps);
    }
    t.ok("cuMemFree p", cu!(api.cuMemFree_v2(p)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}
