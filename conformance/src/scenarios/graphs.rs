//! Graphs: stream capture, instantiate, launch (replayed), upload, destroy.

use std::ptr::null_mut;

use cuvm_abi::{CUgraph, CUgraphExec, CUstream, CUstreamCaptureMode, CUstreamCaptureStatus};

use super::{setup, teardown};
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![Scenario { name: "graphs_stream_capture", needs_kernels: false, native_only: true, run: capture }]
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
