//! Graphs: stream capture (one stream, and forked over two streams with
//! events), graphs built node by node (memset, memcpy, empty, child graph,
//! event record, kernel nodes), their queries (nodes, roots, edges, types,
//! dependencies), parameters read and changed, edges added and removed,
//! nodes destroyed; instantiate, launch (replayed), upload, destroy.

use std::ptr::null_mut;

use std::ffi::c_void;

use cuvm_abi::{
    CUDA_KERNEL_NODE_PARAMS, CUDA_MEMCPY3D, CUDA_MEMSET_NODE_PARAMS, CUdeviceptr, CUevent, CUgraph, CUgraphExec, CUgraphNode,
    CUgraphNodeType, CUmemorytype, CUstream, CUstreamCaptureMode, CUstreamCaptureStatus,
};

use super::{setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "graphs_stream_capture", needs_kernels: false, native_only: false, run: capture },
        Scenario { name: "graphs_node_api", needs_kernels: false, native_only: false, run: node_api },
        Scenario { name: "graphs_forked_capture", needs_kernels: false, native_only: false, run: forked_capture },
        Scenario { name: "graphs_kernel_nodes", needs_kernels: true, native_only: false, run: kernel_nodes },
        Scenario { name: "graphs_node_changes", needs_kernels: false, native_only: false, run: node_changes },
    ]
}

fn capture(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    const N: usize = 1 << 18;
    let (mut p, mut q) = (0, 0);
    t.ok("cuMemAlloc p", cu!(api.cuMemAlloc_v2(&mut p, 4 * N)))?;
    t.ok("cuMemAlloc q", cu!(api.cuMemAlloc_v2(&mut q, 4 * N)))?;
    let mut status = CUstreamCaptureStatus(9);
    t.ok("cuStreamIsCapturing (idle)", cu!(api.cuStreamIsCapturing(s, &mut status)))?;
    t.value("capture status before", status.0);
    t.ok("cuStreamBeginCapture_v2(global)", cu!(api.cuStreamBeginCapture_v2(s, CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_GLOBAL)))?;
    t.ok("cuStreamIsCapturing (capturing)", cu!(api.cuStreamIsCapturing(s, &mut status)))?;
    t.value("capture status during", status.0);
    t.ok("captured cuMemsetD32Async", cu!(api.cuMemsetD32Async(p, 0x0102_0304, N, s)))?;
    t.ok("captured cuMemcpyDtoDAsync", cu!(api.cuMemcpyDtoDAsync_v2(q, p, 4 * N, s)))?;
    {
        let (mut st, mut id, mut graph, mut deps, mut edges, mut n) =
            (cuvm_abi::CUstreamCaptureStatus(9), 0u64, null_mut(), std::ptr::null(), std::ptr::null(), 99usize);
        t.ok(
            "cuStreamGetCaptureInfo_v3",
            cu!(api.cuStreamGetCaptureInfo_v3(s, &mut st, &mut id, &mut graph, &mut deps, &mut edges, &mut n)),
        )?;
        t.value("capture info: status, dependencies", (st.0, n));
        t.check("capture info names a graph and a capture id", !graph.is_null() && id != 0)?;
        t.check("one dependency: the last captured node", n == 1 && !deps.is_null())?;
        let (mut st2, mut id2) = (cuvm_abi::CUstreamCaptureStatus(9), 0u64);
        t.ok("cuStreamGetCaptureInfo", cu!(api.cuStreamGetCaptureInfo(s, &mut st2, &mut id2)))?;
        t.check("both versions give the same capture id", id2 == id && st2 == st)?;
    }
    let mut g: CUgraph = null_mut();
    t.ok("cuStreamEndCapture", cu!(api.cuStreamEndCapture(s, &mut g)))?;
    t.check("capture made a graph", !g.is_null())?;
    t.ok("cuStreamIsCapturing (after)", cu!(api.cuStreamIsCapturing(s, &mut status)))?;
    t.value("capture status after", status.0);
    let mut exec: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags", cu!(api.cuGraphInstantiateWithFlags(&mut exec, g, 0)))?;
    t.ok("cuGraphUpload", cu!(api.cuGraphUpload(exec, s)))?;
    let mut words = vec![0u32; N];
    for round in 0..3 {
        t.ok("cuMemsetD8(q, 0)", cu!(api.cuMemsetD8_v2(q, 0, 4 * N)))?;
        t.ok("cuMemsetD8(p, 0)", cu!(api.cuMemsetD8_v2(p, 0, 4 * N)))?;
        t.ok(&format!("cuGraphLaunch (round {round})"), cu!(api.cuGraphLaunch(exec, s)))?;
        t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
        t.ok("cuMemcpyDtoH q", cu!(api.cuMemcpyDtoH_v2(words.as_mut_ptr().cast(), q, 4 * N)))?;
        t.check(&format!("replay {round} wrote every word"), words.iter().all(|w| *w == 0x0102_0304))?;
    }
    t.call("cuGraphLaunch(NULL)", cu!(api.cuGraphLaunch(null_mut(), s)));
    t.ok("cuGraphExecDestroy", cu!(api.cuGraphExecDestroy(exec)))?;
    t.ok("cuGraphDestroy", cu!(api.cuGraphDestroy(g)))?;
    let mut empty: CUgraph = null_mut();
    t.ok("cuGraphCreate", cu!(api.cuGraphCreate(&mut empty, 0)))?;
    t.ok("cuGraphDestroy(empty)", cu!(api.cuGraphDestroy(empty)))?;
    t.ok("cuMemFree p", cu!(api.cuMemFree_v2(p)))?;
    t.ok("cuMemFree q", cu!(api.cuMemFree_v2(q)))?;
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

const N: usize = 1 << 16;

fn memset_params(dst: CUdeviceptr, value: u32) -> CUDA_MEMSET_NODE_PARAMS {
    CUDA_MEMSET_NODE_PARAMS { dst, pitch: 4 * N, value, elementSize: 4, width: N, height: 1 }
}

fn copy_params(dst: CUdeviceptr, src: CUdeviceptr, bytes: usize) -> CUDA_MEMCPY3D {
    let mut c = CUDA_MEMCPY3D::default();
    c.srcMemoryType = CUmemorytype::CU_MEMORYTYPE_DEVICE;
    c.srcDevice = src;
    c.srcPitch = bytes;
    c.srcHeight = 1;
    c.dstMemoryType = CUmemorytype::CU_MEMORYTYPE_DEVICE;
    c.dstDevice = dst;
    c.dstPitch = bytes;
    c.dstHeight = 1;
    c.WidthInBytes = bytes;
    c.Height = 1;
    c.Depth = 1;
    c
}

/// The graph's node count (asked with a null array).
fn count_nodes(api: &Api, t: &mut Transcript, g: CUgraph, what: &str) -> Result<usize, String> {
    let mut n = 0usize;
    t.ok(&format!("cuGraphGetNodes(count) {what}"), cu!(api.cuGraphGetNodes(g, null_mut(), &mut n)))?;
    t.value(&format!("nodes {what}"), n);
    Ok(n)
}

fn edge_count(api: &Api, t: &mut Transcript, g: CUgraph, what: &str) -> Result<usize, String> {
    let mut n = 0usize;
    t.ok(&format!("cuGraphGetEdges(count) {what}"), cu!(api.cuGraphGetEdges(g, null_mut(), null_mut(), &mut n)))?;
    t.value(&format!("edges {what}"), n);
    Ok(n)
}

fn words(api: &Api, t: &mut Transcript, p: CUdeviceptr, what: &str) -> Result<Vec<u32>, String> {
    let mut w = vec![0u32; N];
    t.ok(&format!("cuMemcpyDtoH {what}"), cu!(api.cuMemcpyDtoH_v2(w.as_mut_ptr().cast(), p, 4 * N)))?;
    Ok(w)
}

fn node_api(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    let (mut p, mut q, mut r) = (0, 0, 0);
    t.ok("cuMemAlloc p", cu!(api.cuMemAlloc_v2(&mut p, 4 * N)))?;
    t.ok("cuMemAlloc q", cu!(api.cuMemAlloc_v2(&mut q, 4 * N)))?;
    t.ok("cuMemAlloc r", cu!(api.cuMemAlloc_v2(&mut r, 4 * N)))?;
    let mut ctx = null_mut();
    t.ok("cuCtxGetCurrent", cu!(api.cuCtxGetCurrent(&mut ctx)))?;
    let mut g: CUgraph = null_mut();
    t.ok("cuGraphCreate", cu!(api.cuGraphCreate(&mut g, 0)))?;
    let (mut a, mut b, mut c): (CUgraphNode, CUgraphNode, CUgraphNode) = (null_mut(), null_mut(), null_mut());
    let ms = memset_params(p, 0x0102_0304);
    t.ok("cuGraphAddMemsetNode (root)", cu!(api.cuGraphAddMemsetNode(&mut a, g, std::ptr::null(), 0, &ms, ctx)))?;
    let cp = copy_params(q, p, 4 * N);
    t.ok("cuGraphAddMemcpyNode (after the memset)", cu!(api.cuGraphAddMemcpyNode(&mut b, g, &a, 1, &cp, ctx)))?;
    t.ok("cuGraphAddEmptyNode (after the copy)", cu!(api.cuGraphAddEmptyNode(&mut c, g, &b, 1)))?;
    count_nodes(api, t, g, "after three adds")?;
    let mut list: [CUgraphNode; 5] = [null_mut(); 5];
    let mut n = list.len();
    t.ok("cuGraphGetNodes(array of 5)", cu!(api.cuGraphGetNodes(g, list.as_mut_ptr(), &mut n)))?;
    t.value("nodes written", n);
    t.check("the nodes in order of creation, the rest null", list[..3] == [a, b, c] && list[3..].iter().all(|x| x.is_null()))?;
    let mut roots: [CUgraphNode; 2] = [null_mut(); 2];
    let mut n = roots.len();
    t.ok("cuGraphGetRootNodes", cu!(api.cuGraphGetRootNodes(g, roots.as_mut_ptr(), &mut n)))?;
    t.value("root nodes", n);
    t.check("the memset is the root", roots[0] == a)?;
    edge_count(api, t, g, "of a chain of three")?;
    let (mut from, mut to): ([CUgraphNode; 2], [CUgraphNode; 2]) = ([null_mut(); 2], [null_mut(); 2]);
    let mut n = 2usize;
    t.ok("cuGraphGetEdges", cu!(api.cuGraphGetEdges(g, from.as_mut_ptr(), to.as_mut_ptr(), &mut n)))?;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let index = |x: CUgraphNode| [a, b, c].iter().position(|y| *y == x).unwrap_or(9);
    for i in 0..n {
        pairs.push((index(from[i]), index(to[i])));
    }
    pairs.sort_unstable();
    t.value("edges (by creation index)", &pairs);
    for (name, node) in [("memset", a), ("memcpy", b), ("empty", c)] {
        let mut ty = CUgraphNodeType(99);
        t.ok(&format!("cuGraphNodeGetType({name})"), cu!(api.cuGraphNodeGetType(node, &mut ty)))?;
        t.value(&format!("type of the {name} node"), ty.0);
    }
    let (mut dep, mut n) = (null_mut(), 1usize);
    t.ok("cuGraphNodeGetDependencies(memcpy)", cu!(api.cuGraphNodeGetDependencies(b, &mut dep, &mut n)))?;
    t.check("the copy depends on the memset", n == 1 && dep == a)?;
    let (mut dep, mut n) = (null_mut(), 1usize);
    t.ok("cuGraphNodeGetDependentNodes(memset)", cu!(api.cuGraphNodeGetDependentNodes(a, &mut dep, &mut n)))?;
    t.check("the memset's dependent is the copy", n == 1 && dep == b)?;
    let mut got = CUDA_MEMSET_NODE_PARAMS::default();
    t.ok("cuGraphMemsetNodeGetParams", cu!(api.cuGraphMemsetNodeGetParams(a, &mut got)))?;
    t.value("memset node: value, element size, width, height", (got.value, got.elementSize, got.width, got.height));
    t.check("memset node: its destination", got.dst == p)?;
    let mut gc = CUDA_MEMCPY3D::default();
    t.ok("cuGraphMemcpyNodeGetParams", cu!(api.cuGraphMemcpyNodeGetParams(b, &mut gc)))?;
    t.value("memcpy node: width, height, depth", (gc.WidthInBytes, gc.Height, gc.Depth));
    t.check("memcpy node: its source and destination", gc.srcDevice == p && gc.dstDevice == q)?;
    let ms2 = memset_params(p, 0x0a0b_0c0d);
    t.ok("cuGraphMemsetNodeSetParams", cu!(api.cuGraphMemsetNodeSetParams(a, &ms2)))?;
    t.ok("cuGraphAddDependencies(memset -> empty)", cu!(api.cuGraphAddDependencies(g, &a, &c, 1)))?;
    edge_count(api, t, g, "after adding one")?;
    t.ok("cuGraphRemoveDependencies(memset -> empty)", cu!(api.cuGraphRemoveDependencies(g, &a, &c, 1)))?;
    edge_count(api, t, g, "after removing it")?;
    // A child graph (a memset of r) after the empty node, then an event record.
    let mut child: CUgraph = null_mut();
    t.ok("cuGraphCreate(child)", cu!(api.cuGraphCreate(&mut child, 0)))?;
    let mut cm = null_mut();
    let msr = memset_params(r, 0x5555_5555);
    t.ok("cuGraphAddMemsetNode(child)", cu!(api.cuGraphAddMemsetNode(&mut cm, child, std::ptr::null(), 0, &msr, ctx)))?;
    let mut d = null_mut();
    t.ok("cuGraphAddChildGraphNode", cu!(api.cuGraphAddChildGraphNode(&mut d, g, &c, 1, child)))?;
    let mut ev: CUevent = null_mut();
    t.ok("cuEventCreate", cu!(api.cuEventCreate(&mut ev, 0)))?;
    let mut e = null_mut();
    t.ok("cuGraphAddEventRecordNode", cu!(api.cuGraphAddEventRecordNode(&mut e, g, &d, 1, ev)))?;
    let mut ty = CUgraphNodeType(99);
    t.ok("cuGraphNodeGetType(child)", cu!(api.cuGraphNodeGetType(d, &mut ty)))?;
    t.value("type of the child graph node", ty.0);
    t.ok("cuGraphNodeGetType(event record)", cu!(api.cuGraphNodeGetType(e, &mut ty)))?;
    t.value("type of the event record node", ty.0);
    let mut exec: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags", cu!(api.cuGraphInstantiateWithFlags(&mut exec, g, 0)))?;
    // The executable graph is a snapshot: later changes to the graph do not reach it.
    let ms3 = memset_params(p, 0x1111_1111);
    t.ok("cuGraphMemsetNodeSetParams (after instantiation)", cu!(api.cuGraphMemsetNodeSetParams(a, &ms3)))?;
    for round in 0..2 {
        t.ok("cuMemsetD32(q, 0)", cu!(api.cuMemsetD32_v2(q, 0, N)))?;
        t.ok("cuMemsetD32(r, 0)", cu!(api.cuMemsetD32_v2(r, 0, N)))?;
        t.ok(&format!("cuGraphLaunch (round {round})"), cu!(api.cuGraphLaunch(exec, s)))?;
        t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
        let wq = words(api, t, q, "q")?;
        t.check(&format!("round {round}: the copy carried the changed memset value"), wq.iter().all(|w| *w == 0x0a0b_0c0d))?;
        let wr = words(api, t, r, "r")?;
        t.check(&format!("round {round}: the child graph's memset ran"), wr.iter().all(|w| *w == 0x5555_5555))?;
        t.ok("cuEventQuery (recorded by the graph)", cu!(api.cuEventQuery(ev)))?;
    }
    // Updating the executable graph: one node's parameters, then the whole
    // graph (whose memset now writes 0x11111111), then a graph of another shape.
    let ms4 = memset_params(p, 0x2222_2222);
    t.ok("cuGraphExecMemsetNodeSetParams", cu!(api.cuGraphExecMemsetNodeSetParams(exec, a, &ms4, ctx)))?;
    t.ok("cuGraphLaunch (after the node update)", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let wq = words(api, t, q, "q")?;
    t.check("the executable graph's memset took the new value", wq.iter().all(|w| *w == 0x2222_2222))?;
    let mut info = cuvm_abi::CUgraphExecUpdateResultInfo {
        result: cuvm_abi::CUgraphExecUpdateResult(99),
        errorNode: null_mut(),
        errorFromNode: null_mut(),
    };
    t.ok("cuGraphExecUpdate_v2 (same shape)", cu!(api.cuGraphExecUpdate_v2(exec, g, &mut info)))?;
    t.value("update result", info.result.0);
    t.ok("cuGraphLaunch (after the graph update)", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let wq = words(api, t, q, "q")?;
    t.check("the update carried the graph's current memset value", wq.iter().all(|w| *w == 0x1111_1111))?;
    t.call("cuGraphExecUpdate_v2 (another shape)", cu!(api.cuGraphExecUpdate_v2(exec, child, &mut info)));
    t.value("update result (another shape)", info.result.0);
    t.ok("cuGraphDestroyNode(empty)", cu!(api.cuGraphDestroyNode(c)))?;
    count_nodes(api, t, g, "after destroying the empty node")?;
    edge_count(api, t, g, "after destroying the empty node")?;
    let mut n = 0usize;
    t.ok("cuGraphGetRootNodes(count)", cu!(api.cuGraphGetRootNodes(g, null_mut(), &mut n)))?;
    t.value("root nodes after destroying the empty node", n);
    t.ok("cuGraphExecDestroy", cu!(api.cuGraphExecDestroy(exec)))?;
    t.ok("cuGraphDestroy", cu!(api.cuGraphDestroy(g)))?;
    t.ok("cuGraphDestroy(child)", cu!(api.cuGraphDestroy(child)))?;
    t.ok("cuEventDestroy", cu!(api.cuEventDestroy_v2(ev)))?;
    for (name, x) in [("p", p), ("q", q), ("r", r)] {
        t.ok(&format!("cuMemFree {name}"), cu!(api.cuMemFree_v2(x)))?;
    }
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

fn forked_capture(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (mut s1, mut s2): (CUstream, CUstream) = (null_mut(), null_mut());
    t.ok("cuStreamCreate s1", cu!(api.cuStreamCreate(&mut s1, 1)))?;
    t.ok("cuStreamCreate s2", cu!(api.cuStreamCreate(&mut s2, 1)))?;
    let (mut e1, mut e2): (CUevent, CUevent) = (null_mut(), null_mut());
    t.ok("cuEventCreate e1", cu!(api.cuEventCreate(&mut e1, 2)))?;
    t.ok("cuEventCreate e2", cu!(api.cuEventCreate(&mut e2, 2)))?;
    let (mut p, mut q, mut r) = (0, 0, 0);
    t.ok("cuMemAlloc p", cu!(api.cuMemAlloc_v2(&mut p, 4 * N)))?;
    t.ok("cuMemAlloc q", cu!(api.cuMemAlloc_v2(&mut q, 4 * N)))?;
    t.ok("cuMemAlloc r", cu!(api.cuMemAlloc_v2(&mut r, 4 * N)))?;
    t.ok(
        "cuStreamBeginCapture_v2(s1, thread-local)",
        cu!(api.cuStreamBeginCapture_v2(s1, CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)),
    )?;
    t.ok("captured memset p on s1", cu!(api.cuMemsetD32Async(p, 0x0708_090a, N, s1)))?;
    t.ok("cuEventRecord(e1, s1)", cu!(api.cuEventRecord(e1, s1)))?;
    t.ok("cuStreamWaitEvent(s2, e1): s2 joins the capture", cu!(api.cuStreamWaitEvent(s2, e1, 0)))?;
    let mut status = CUstreamCaptureStatus(9);
    t.ok("cuStreamIsCapturing(s2)", cu!(api.cuStreamIsCapturing(s2, &mut status)))?;
    t.value("s2 capture status", status.0);
    t.ok("captured copy q <- p on s2", cu!(api.cuMemcpyDtoDAsync_v2(q, p, 4 * N, s2)))?;
    t.ok("captured memset r on s1", cu!(api.cuMemsetD32Async(r, 0x0b0b_0b0b, N, s1)))?;
    t.ok("cuEventRecord(e2, s2)", cu!(api.cuEventRecord(e2, s2)))?;
    t.ok("cuStreamWaitEvent(s1, e2): s2 rejoins", cu!(api.cuStreamWaitEvent(s1, e2, 0)))?;
    let mut g: CUgraph = null_mut();
    t.ok("cuStreamEndCapture(s1)", cu!(api.cuStreamEndCapture(s1, &mut g)))?;
    count_nodes(api, t, g, "of the forked capture")?;
    let mut n = 0usize;
    t.ok("cuGraphGetRootNodes(count)", cu!(api.cuGraphGetRootNodes(g, null_mut(), &mut n)))?;
    t.value("root nodes of the forked capture", n);
    edge_count(api, t, g, "of the forked capture")?;
    t.ok("cuStreamIsCapturing(s2) after", cu!(api.cuStreamIsCapturing(s2, &mut status)))?;
    t.value("s2 capture status after", status.0);
    let mut exec: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags", cu!(api.cuGraphInstantiateWithFlags(&mut exec, g, 0)))?;
    t.ok("cuGraphLaunch", cu!(api.cuGraphLaunch(exec, s2)))?;
    t.ok("cuStreamSynchronize(s2)", cu!(api.cuStreamSynchronize(s2)))?;
    let wq = words(api, t, q, "q")?;
    t.check("the copy on the second stream saw the first stream's memset", wq.iter().all(|w| *w == 0x0708_090a))?;
    let wr = words(api, t, r, "r")?;
    t.check("the first stream's second memset ran", wr.iter().all(|w| *w == 0x0b0b_0b0b))?;
    t.ok("cuGraphExecDestroy", cu!(api.cuGraphExecDestroy(exec)))?;
    t.ok("cuGraphDestroy", cu!(api.cuGraphDestroy(g)))?;
    for (name, x) in [("p", p), ("q", q), ("r", r)] {
        t.ok(&format!("cuMemFree {name}"), cu!(api.cuMemFree_v2(x)))?;
    }
    t.ok("cuEventDestroy e1", cu!(api.cuEventDestroy_v2(e1)))?;
    t.ok("cuEventDestroy e2", cu!(api.cuEventDestroy_v2(e2)))?;
    t.ok("cuStreamDestroy s1", cu!(api.cuStreamDestroy_v2(s1)))?;
    t.ok("cuStreamDestroy s2", cu!(api.cuStreamDestroy_v2(s2)))?;
    teardown(api, t)
}

/// Event nodes read and changed, child graphs, clones, executable-graph
/// flags, nodes disabled and enabled in an executable graph.
fn node_changes(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    let (mut p, mut q, mut r) = (0, 0, 0);
    t.ok("cuMemAlloc p", cu!(api.cuMemAlloc_v2(&mut p, 4 * N)))?;
    t.ok("cuMemAlloc q", cu!(api.cuMemAlloc_v2(&mut q, 4 * N)))?;
    t.ok("cuMemAlloc r", cu!(api.cuMemAlloc_v2(&mut r, 4 * N)))?;
    let mut ctx = null_mut();
    t.ok("cuCtxGetCurrent", cu!(api.cuCtxGetCurrent(&mut ctx)))?;
    let (mut e1, mut e2): (CUevent, CUevent) = (null_mut(), null_mut());
    t.ok("cuEventCreate e1", cu!(api.cuEventCreate(&mut e1, 0)))?;
    t.ok("cuEventCreate e2", cu!(api.cuEventCreate(&mut e2, 0)))?;
    let mut g: CUgraph = null_mut();
    t.ok("cuGraphCreate", cu!(api.cuGraphCreate(&mut g, 0)))?;
    let (mut m, mut rec, mut cp, mut wait, mut child): (CUgraphNode, CUgraphNode, CUgraphNode, CUgraphNode, CUgraphNode) =
        (null_mut(), null_mut(), null_mut(), null_mut(), null_mut());
    t.ok("cuGraphAddMemsetNode(p = 1)", cu!(api.cuGraphAddMemsetNode(&mut m, g, std::ptr::null(), 0, &memset_params(p, 1), ctx)))?;
    t.ok("cuGraphAddEventRecordNode(e1)", cu!(api.cuGraphAddEventRecordNode(&mut rec, g, &m, 1, e1)))?;
    t.ok("cuGraphAddMemcpyNode(q = p)", cu!(api.cuGraphAddMemcpyNode(&mut cp, g, &rec, 1, &copy_params(q, p, 4 * N), ctx)))?;
    t.ok("cuGraphAddEventWaitNode(e2)", cu!(api.cuGraphAddEventWaitNode(&mut wait, g, std::ptr::null(), 0, e2)))?;
    let mut ev: CUevent = null_mut();
    t.ok("cuGraphEventRecordNodeGetEvent", cu!(api.cuGraphEventRecordNodeGetEvent(rec, &mut ev)))?;
    t.check("the record node records e1", ev == e1)?;
    t.ok("cuGraphEventWaitNodeGetEvent", cu!(api.cuGraphEventWaitNodeGetEvent(wait, &mut ev)))?;
    t.check("the wait node waits for e2", ev == e2)?;
    t.ok("cuGraphEventRecordNodeSetEvent(e2)", cu!(api.cuGraphEventRecordNodeSetEvent(rec, e2)))?;
    t.ok("cuGraphEventRecordNodeGetEvent (changed)", cu!(api.cuGraphEventRecordNodeGetEvent(rec, &mut ev)))?;
    t.check("the record node records e2 now", ev == e2)?;
    t.ok("cuGraphEventWaitNodeSetEvent(e1)", cu!(api.cuGraphEventWaitNodeSetEvent(wait, e1)))?;
    t.call("cuGraphEventRecordNodeGetEvent(memset node)", cu!(api.cuGraphEventRecordNodeGetEvent(m, &mut ev)));
    t.call("cuGraphEventRecordNodeGetEvent(NULL out)", cu!(api.cuGraphEventRecordNodeGetEvent(rec, null_mut())));
    // A child graph: r = 3.
    let mut cg: CUgraph = null_mut();
    t.ok("cuGraphCreate (child)", cu!(api.cuGraphCreate(&mut cg, 0)))?;
    let mut cm = null_mut();
    t.ok("cuGraphAddMemsetNode(child: r = 3)", cu!(api.cuGraphAddMemsetNode(&mut cm, cg, std::ptr::null(), 0, &memset_params(r, 3), ctx)))?;
    t.ok("cuGraphAddChildGraphNode", cu!(api.cuGraphAddChildGraphNode(&mut child, g, std::ptr::null(), 0, cg)))?;
    let mut held: CUgraph = null_mut();
    t.ok("cuGraphChildGraphNodeGetGraph", cu!(api.cuGraphChildGraphNodeGetGraph(child, &mut held)))?;
    t.check("the node holds a copy, not the graph given", !held.is_null() && held != cg)?;
    count_nodes(api, t, held, "of the held graph")?;
    // A clone and its nodes.
    let mut gc: CUgraph = null_mut();
    t.ok("cuGraphClone", cu!(api.cuGraphClone(&mut gc, g)))?;
    count_nodes(api, t, gc, "of the clone")?;
    edge_count(api, t, gc, "of the clone")?;
    let mut mc = null_mut();
    t.ok("cuGraphNodeFindInClone(memset)", cu!(api.cuGraphNodeFindInClone(&mut mc, m, gc)))?;
    t.check("the clone's memset is a node of its own", !mc.is_null() && mc != m)?;
    let mut mp = CUDA_MEMSET_NODE_PARAMS::default();
    t.ok("cuGraphMemsetNodeGetParams(clone's memset)", cu!(api.cuGraphMemsetNodeGetParams(mc, &mut mp)))?;
    t.check("the clone's memset sets p to 1", mp.dst == p && mp.value == 1)?;
    t.ok("cuGraphMemsetNodeSetParams(clone's memset: p = 2)", cu!(api.cuGraphMemsetNodeSetParams(mc, &memset_params(p, 2))))?;
    t.call("cuGraphNodeFindInClone(node not in the clone's origin)", cu!(api.cuGraphNodeFindInClone(&mut mc, cm, gc)));
    // Executable graphs: flags, nodes disabled and enabled.
    let (mut exec, mut execc): (CUgraphExec, CUgraphExec) = (null_mut(), null_mut());
    t.ok("cuGraphInstantiateWithFlags(0)", cu!(api.cuGraphInstantiateWithFlags(&mut exec, g, 0)))?;
    t.ok("cuGraphInstantiateWithFlags(clone, AUTO_FREE_ON_LAUNCH)", cu!(api.cuGraphInstantiateWithFlags(&mut execc, gc, 1)))?;
    let mut flags = 99u64;
    t.ok("cuGraphExecGetFlags", cu!(api.cuGraphExecGetFlags(exec, &mut flags)))?;
    t.value("flags of the first executable", flags);
    t.ok("cuGraphExecGetFlags(clone's)", cu!(api.cuGraphExecGetFlags(execc, &mut flags)))?;
    t.value("flags of the clone's executable", flags);
    let mut on = 9u32;
    t.ok("cuGraphNodeGetEnabled(memset)", cu!(api.cuGraphNodeGetEnabled(exec, m, &mut on)))?;
    t.value("memset enabled", on);
    t.call("cuGraphNodeGetEnabled(event record node)", cu!(api.cuGraphNodeGetEnabled(exec, rec, &mut on)));
    t.ok("cuGraphNodeSetEnabled(memset, 0)", cu!(api.cuGraphNodeSetEnabled(exec, m, 0)))?;
    t.ok("cuGraphNodeGetEnabled(memset, disabled)", cu!(api.cuGraphNodeGetEnabled(exec, m, &mut on)))?;
    t.value("memset enabled after disabling", on);
    t.ok("cuMemsetD32(p, 5)", cu!(api.cuMemsetD32_v2(p, 5, N)))?;
    t.ok("cuGraphLaunch (memset disabled)", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = words(api, t, q, "q")?;
    t.check("with the memset disabled the copy took p as it was (5)", w.iter().all(|x| *x == 5))?;
    let w = words(api, t, r, "r")?;
    t.check("the child graph's memset ran (r = 3)", w.iter().all(|x| *x == 3))?;
    t.ok("cuGraphNodeSetEnabled(memset, 1)", cu!(api.cuGraphNodeSetEnabled(exec, m, 1)))?;
    t.ok("cuGraphLaunch (memset enabled)", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = words(api, t, q, "q")?;
    t.check("with the memset enabled again q = 1", w.iter().all(|x| *x == 1))?;
    t.ok("cuGraphLaunch (clone: p = 2)", cu!(api.cuGraphLaunch(execc, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = words(api, t, q, "q")?;
    t.check("the clone's changed memset set q = 2 through the copy", w.iter().all(|x| *x == 2))?;
    // Changing an executable graph's event and child nodes.
    t.ok("cuGraphExecEventRecordNodeSetEvent(e1)", cu!(api.cuGraphExecEventRecordNodeSetEvent(exec, rec, e1)))?;
    t.ok("cuGraphExecEventWaitNodeSetEvent(e2)", cu!(api.cuGraphExecEventWaitNodeSetEvent(exec, wait, e2)))?;
    t.call("cuGraphExecEventRecordNodeSetEvent(memset node)", cu!(api.cuGraphExecEventRecordNodeSetEvent(exec, m, e1)));
    let mut cg2: CUgraph = null_mut();
    t.ok("cuGraphCreate (second child)", cu!(api.cuGraphCreate(&mut cg2, 0)))?;
    let mut cm2 = null_mut();
    t.ok("cuGraphAddMemsetNode(second child: r = 4)", cu!(api.cuGraphAddMemsetNode(&mut cm2, cg2, std::ptr::null(), 0, &memset_params(r, 4), ctx)))?;
    t.ok("cuGraphExecChildGraphNodeSetParams", cu!(api.cuGraphExecChildGraphNodeSetParams(exec, child, cg2)))?;
    t.ok("cuEventRecord(e2)", cu!(api.cuEventRecord(e2, s)))?;
    t.ok("cuGraphLaunch (changed child)", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = words(api, t, r, "r")?;
    t.check("the executable's child graph was replaced (r = 4)", w.iter().all(|x| *x == 4))?;
    t.call("cuGraphDestroy(the graph a child node holds)", cu!(api.cuGraphDestroy(held)));
    // The generic node API.
    let mut g3: CUgraph = null_mut();
    t.ok("cuGraphCreate (generic)", cu!(api.cuGraphCreate(&mut g3, 0)))?;
    // SAFETY: all-zero is a valid CUgraphNodeParams (the reserved words must be zero).
    let mut np: cuvm_abi::CUgraphNodeParams = unsafe { std::mem::zeroed() };
    np.type_ = CUgraphNodeType::CU_GRAPH_NODE_TYPE_MEMSET;
    np.__bindgen_anon_1.memset = cuvm_abi::CUDA_MEMSET_NODE_PARAMS_v2 { dst: r, pitch: 4 * N, value: 6, elementSize: 4, width: N, height: 1, ctx };
    let mut gm = null_mut();
    t.ok("cuGraphAddNode_v2(memset r = 6)", cu!(api.cuGraphAddNode_v2(&mut gm, g3, std::ptr::null(), std::ptr::null(), 0, &mut np)))?;
    let mut ty = CUgraphNodeType(99);
    t.ok("cuGraphNodeGetType(generic memset)", cu!(api.cuGraphNodeGetType(gm, &mut ty)))?;
    t.value("type of the generic node", ty.0);
    np.__bindgen_anon_1.memset.value = 7;
    t.ok("cuGraphNodeSetParams(r = 7)", cu!(api.cuGraphNodeSetParams(gm, &mut np)))?;
    let mut mp = CUDA_MEMSET_NODE_PARAMS::default();
    t.ok("cuGraphMemsetNodeGetParams(generic)", cu!(api.cuGraphMemsetNodeGetParams(gm, &mut mp)))?;
    t.value("generic memset value", mp.value);
    let mut exec3: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags (generic)", cu!(api.cuGraphInstantiateWithFlags(&mut exec3, g3, 0)))?;
    np.__bindgen_anon_1.memset.value = 8;
    t.ok("cuGraphExecNodeSetParams(r = 8)", cu!(api.cuGraphExecNodeSetParams(exec3, gm, &mut np)))?;
    t.ok("cuGraphLaunch (generic)", cu!(api.cuGraphLaunch(exec3, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let w = words(api, t, r, "r")?;
    t.check("the executable's generic memset set r = 8", w.iter().all(|x| *x == 8))?;
    t.ok("cuGraphExecDestroy (generic)", cu!(api.cuGraphExecDestroy(exec3)))?;
    t.ok("cuGraphDestroy (generic)", cu!(api.cuGraphDestroy(g3)))?;
    for (name, e) in [("exec", exec), ("clone's exec", execc)] {
        t.ok(&format!("cuGraphExecDestroy {name}"), cu!(api.cuGraphExecDestroy(e)))?;
    }
    for (name, gr) in [("g", g), ("clone", gc), ("child", cg), ("second child", cg2)] {
        t.ok(&format!("cuGraphDestroy {name}"), cu!(api.cuGraphDestroy(gr)))?;
    }
    for (name, e) in [("e1", e1), ("e2", e2)] {
        t.ok(&format!("cuEventDestroy {name}"), cu!(api.cuEventDestroy_v2(e)))?;
    }
    for (name, d) in [("p", p), ("q", q), ("r", r)] {
        t.ok(&format!("cuMemFree {name}"), cu!(api.cuMemFree_v2(d)))?;
    }
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    teardown(api, t)
}

fn kernel_nodes(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let (m, f) = super::kernels::load(api, t, super::modules::PTX, c"vadd")?;
    let mut s: CUstream = null_mut();
    t.ok("cuStreamCreate", cu!(api.cuStreamCreate(&mut s, 1)))?;
    let n = N as u32;
    let a: Vec<f32> = (0..N).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..N).map(|i| (i % 7) as f32).collect();
    let (mut da, mut db, mut dc) = (0, 0, 0);
    for (name, d, h) in [("a", &mut da, &a), ("b", &mut db, &b)] {
        t.ok(&format!("cuMemAlloc {name}"), cu!(api.cuMemAlloc_v2(d, 4 * N)))?;
        t.ok(&format!("cuMemcpyHtoD {name}"), cu!(api.cuMemcpyHtoD_v2(*d, h.as_ptr().cast(), 4 * N)))?;
    }
    t.ok("cuMemAlloc c", cu!(api.cuMemAlloc_v2(&mut dc, 4 * N)))?;
    let mut args: [*mut c_void; 4] = [(&raw mut da).cast(), (&raw mut db).cast(), (&raw mut dc).cast(), (&raw const n).cast_mut().cast()];
    let mut g: CUgraph = null_mut();
    t.ok("cuGraphCreate", cu!(api.cuGraphCreate(&mut g, 0)))?;
    let mut kp = CUDA_KERNEL_NODE_PARAMS {
        func: f,
        gridDimX: n.div_ceil(256),
        gridDimY: 1,
        gridDimZ: 1,
        blockDimX: 256,
        blockDimY: 1,
        blockDimZ: 1,
        sharedMemBytes: 0,
        kernelParams: args.as_mut_ptr(),
        extra: null_mut(),
        kern: null_mut(),
        ctx: null_mut(),
    };
    let mut k = null_mut();
    t.ok("cuGraphAddKernelNode_v2(vadd a b c)", cu!(api.cuGraphAddKernelNode_v2(&mut k, g, std::ptr::null(), 0, &kp)))?;
    let mut ty = CUgraphNodeType(99);
    t.ok("cuGraphNodeGetType(kernel)", cu!(api.cuGraphNodeGetType(k, &mut ty)))?;
    t.value("type of the kernel node", ty.0);
    {
        let mut got = CUDA_KERNEL_NODE_PARAMS::default();
        t.ok("cuGraphKernelNodeGetParams_v2", cu!(api.cuGraphKernelNodeGetParams_v2(k, &mut got)))?;
        t.check("same function and shape", got.func == f && got.gridDimX == n.div_ceil(256) && got.blockDimX == 256 && got.sharedMemBytes == 0)?;
        t.check("kernelParams names the arguments", !got.kernelParams.is_null())?;
        // SAFETY: the driver's (or cuvm's) copies of vadd's four arguments.
        let (pa, pn) = unsafe { (*(*got.kernelParams).cast::<u64>(), *(*got.kernelParams.add(3)).cast::<u32>()) };
        t.check("the arguments are those given (a, n)", pa == da && pn == n)?;
        let mut v = cuvm_abi::CUlaunchAttributeValue { pad: [0; 64] };
        v.priority = 0;
        let prio = cuvm_abi::CUlaunchAttributeID::CU_LAUNCH_ATTRIBUTE_PRIORITY;
        t.ok("cuGraphKernelNodeSetAttribute(priority 0)", cu!(api.cuGraphKernelNodeSetAttribute(k, prio, &v)))?;
        let mut back = cuvm_abi::CUlaunchAttributeValue { pad: [7; 64] };
        t.ok("cuGraphKernelNodeGetAttribute(priority)", cu!(api.cuGraphKernelNodeGetAttribute(k, prio, &mut back)))?;
        // SAFETY: the priority member of the value just read.
        t.value("kernel node priority", unsafe { back.priority });
        let mut k2 = null_mut();
        t.ok("cuGraphAddKernelNode_v2 (second)", cu!(api.cuGraphAddKernelNode_v2(&mut k2, g, &k, 1, &kp)))?;
        t.ok("cuGraphKernelNodeCopyAttributes", cu!(api.cuGraphKernelNodeCopyAttributes(k2, k)))?;
        t.ok("cuGraphDestroyNode (second)", cu!(api.cuGraphDestroyNode(k2)))?;
    }
    // The arguments were copied when the node was added.
    let a_alloc = da;
    // Written through a pointer: the node's and the next call's view of `da` is via `args`.
    // SAFETY: `da` is a live local.
    unsafe { (&raw mut da).write(db) };
    let mut exec: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags", cu!(api.cuGraphInstantiateWithFlags(&mut exec, g, 0)))?;
    t.ok("cuGraphLaunch", cu!(api.cuGraphLaunch(exec, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    let mut c = vec![0f32; N];
    t.ok("cuMemcpyDtoH c", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, 4 * N)))?;
    t.check("the kernel node computed a + b with the arguments of when it was added", (0..N).all(|i| c[i] == a[i] + b[i]))?;
    // New parameters (b + b), then a new instantiation.
    // args[0] points at `da`, which now holds b.
    kp.kernelParams = args.as_mut_ptr();
    t.ok("cuGraphKernelNodeSetParams_v2(vadd b b c)", cu!(api.cuGraphKernelNodeSetParams_v2(k, &kp)))?;
    let mut exec2: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags (again)", cu!(api.cuGraphInstantiateWithFlags(&mut exec2, g, 0)))?;
    t.ok("cuGraphLaunch (new executable)", cu!(api.cuGraphLaunch(exec2, s)))?;
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.ok("cuMemcpyDtoH c", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, 4 * N)))?;
    t.check("the changed kernel node computed b + b", (0..N).all(|i| c[i] == b[i] + b[i]))?;
    // A kernel captured from a stream, replayed three times: c = c + b each time.
    t.ok("cuMemsetD32(c, 0)", cu!(api.cuMemsetD32_v2(dc, 0, N)))?;
    let mut cap: CUgraph = null_mut();
    t.ok("cuStreamBeginCapture_v2", cu!(api.cuStreamBeginCapture_v2(s, CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_GLOBAL)))?;
    let mut args2: [*mut c_void; 4] = [(&raw mut dc).cast(), (&raw mut db).cast(), (&raw mut dc).cast(), (&raw const n).cast_mut().cast()];
    t.ok(
        "captured cuLaunchKernel(vadd c b c)",
        cu!(api.cuLaunchKernel(f, n.div_ceil(256), 1, 1, 256, 1, 1, 0, s, args2.as_mut_ptr(), null_mut())),
    )?;
    t.ok("cuStreamEndCapture", cu!(api.cuStreamEndCapture(s, &mut cap)))?;
    count_nodes(api, t, cap, "of the captured kernel")?;
    let mut nodes = [null_mut(); 1];
    let mut cnt = 1usize;
    t.ok("cuGraphGetNodes", cu!(api.cuGraphGetNodes(cap, nodes.as_mut_ptr(), &mut cnt)))?;
    t.ok("cuGraphNodeGetType(captured)", cu!(api.cuGraphNodeGetType(nodes[0], &mut ty)))?;
    t.value("type of the captured node", ty.0);
    let mut exec3: CUgraphExec = null_mut();
    t.ok("cuGraphInstantiateWithFlags (captured)", cu!(api.cuGraphInstantiateWithFlags(&mut exec3, cap, 0)))?;
    for round in 0..3 {
        t.ok(&format!("cuGraphLaunch (replay {round})"), cu!(api.cuGraphLaunch(exec3, s)))?;
    }
    t.ok("cuStreamSynchronize", cu!(api.cuStreamSynchronize(s)))?;
    t.ok("cuMemcpyDtoH c", cu!(api.cuMemcpyDtoH_v2(c.as_mut_ptr().cast(), dc, 4 * N)))?;
    t.check("three replays of the captured kernel: c = 3b", (0..N).all(|i| c[i] == 3.0 * b[i]))?;
    for (name, e) in [("exec", exec), ("exec2", exec2), ("exec3", exec3)] {
        t.ok(&format!("cuGraphExecDestroy {name}"), cu!(api.cuGraphExecDestroy(e)))?;
    }
    t.ok("cuGraphDestroy", cu!(api.cuGraphDestroy(g)))?;
    t.ok("cuGraphDestroy(captured)", cu!(api.cuGraphDestroy(cap)))?;
    for (name, d) in [("a", a_alloc), ("b", db), ("c", dc)] {
        t.ok(&format!("cuMemFree {name}"), cu!(api.cuMemFree_v2(d)))?;
    }
    t.ok("cuStreamDestroy", cu!(api.cuStreamDestroy_v2(s)))?;
    t.ok("cuModuleUnload", cu!(api.cuModuleUnload(m)))?;
    teardown(api, t)
}
