//! Contexts: the per-thread stack, created and primary contexts, limits.

use std::ptr::null_mut;

use cuvm_abi::{CUcontext, CUfunc_cache, CUlimit};

use super::setup;
use crate::{Api, Scenario, Transcript, cu};

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "context_stack", needs_kernels: false, native_only: false, run: context_stack },
        Scenario { name: "primary_context", needs_kernels: false, native_only: false, run: primary_context },
        Scenario { name: "context_limits_and_config", needs_kernels: false, native_only: false, run: limits },
        Scenario { name: "context_per_thread", needs_kernels: false, native_only: false, run: per_thread },
    ]
}

fn context_stack(api: &Api, t: &mut Transcript) -> Result<(), String> {
    t.ok("cuInit", cu!(api.cuInit(0)))?;
    let mut cur: CUcontext = 1 as CUcontext;
    t.ok("cuCtxGetCurrent (none)", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("no context current at start", cur.is_null())?;
    t.call("cuCtxGetCurrent(NULL)", cu!(api.cuCtxGetCurrent(null_mut())));
    let mut dev = 0;
    t.call("cuCtxGetDevice with no context", cu!(api.cuCtxGetDevice(&mut dev)));
    t.call("cuCtxSynchronize with no context", cu!(api.cuCtxSynchronize()));
    let mut popped: CUcontext = null_mut();
    t.call("cuCtxPopCurrent on an empty stack", cu!(api.cuCtxPopCurrent_v2(&mut popped)));
    let (mut a, mut b): (CUcontext, CUcontext) = (null_mut(), null_mut());
    t.ok("cuCtxCreate_v2 a", cu!(api.cuCtxCreate_v2(&mut a, 0, 0)))?;
    t.ok("cuCtxGetCurrent after create", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("a new context is current", cur == a)?;
    t.ok("cuCtxCreate_v2 b", cu!(api.cuCtxCreate_v2(&mut b, 0, 0)))?;
    t.check("two contexts differ", a != b)?;
    t.ok("cuCtxPopCurrent (b)", cu!(api.cuCtxPopCurrent_v2(&mut popped)))?;
    t.check("pop returns b", popped == b)?;
    t.ok("cuCtxGetCurrent after pop", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("a is current again", cur == a)?;
    t.ok("cuCtxPushCurrent (b)", cu!(api.cuCtxPushCurrent_v2(b)))?;
    t.ok("cuCtxGetDevice", cu!(api.cuCtxGetDevice(&mut dev)))?;
    t.value("device of the context", dev);
    t.ok("cuCtxSetCurrent(a)", cu!(api.cuCtxSetCurrent(a)))?;
    t.ok("cuCtxGetCurrent after set", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("set replaced the top", cur == a)?;
    t.ok("cuCtxPopCurrent (a)", cu!(api.cuCtxPopCurrent_v2(&mut popped)))?;
    t.ok("cuCtxPopCurrent (a, pushed by create)", cu!(api.cuCtxPopCurrent_v2(&mut popped)))?;
    t.ok("cuCtxSynchronize in no context? get current", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("stack empty again", cur.is_null())?;
    let mut version = 0;
    t.ok("cuCtxGetApiVersion(a)", cu!(api.cuCtxGetApiVersion(a, &mut version)))?;
    t.value("api version", version);
    t.ok("cuCtxDestroy(b)", cu!(api.cuCtxDestroy_v2(b)))?;
    t.ok("cuCtxDestroy(a)", cu!(api.cuCtxDestroy_v2(a)))?;
    t.call("cuCtxDestroy(NULL)", cu!(api.cuCtxDestroy_v2(null_mut())));
    Ok(())
}

fn primary_context(api: &Api, t: &mut Transcript) -> Result<(), String> {
    t.ok("cuInit", cu!(api.cuInit(0)))?;
    let (mut flags, mut active) = (99u32, 99i32);
    t.ok("cuDevicePrimaryCtxGetState before retain", cu!(api.cuDevicePrimaryCtxGetState(0, &mut flags, &mut active)))?;
    t.value("state before retain (flags, active)", (flags, active));
    t.ok("cuDevicePrimaryCtxSetFlags(SCHED_BLOCKING_SYNC)", cu!(api.cuDevicePrimaryCtxSetFlags_v2(0, 4)))?;
    t.call("cuDevicePrimaryCtxSetFlags(bad)", cu!(api.cuDevicePrimaryCtxSetFlags_v2(0, 0x1000)));
    let (mut p1, mut p2): (CUcontext, CUcontext) = (null_mut(), null_mut());
    t.ok("retain 1", cu!(api.cuDevicePrimaryCtxRetain(&mut p1, 0)))?;
    t.ok("retain 2", cu!(api.cuDevicePrimaryCtxRetain(&mut p2, 0)))?;
    t.check("retains return the same context", p1 == p2)?;
    t.ok("cuDevicePrimaryCtxGetState after retain", cu!(api.cuDevicePrimaryCtxGetState(0, &mut flags, &mut active)))?;
    t.value("state after retain (flags, active)", (flags, active));
    t.call("cuCtxDestroy(primary)", cu!(api.cuCtxDestroy_v2(p1)));
    t.ok("cuCtxSetCurrent(primary)", cu!(api.cuCtxSetCurrent(p1)))?;
    let mut ptr = 0;
    t.ok("cuMemAlloc in the primary context", cu!(api.cuMemAlloc_v2(&mut ptr, 4096)))?;
    t.ok("cuDevicePrimaryCtxReset", cu!(api.cuDevicePrimaryCtxReset_v2(0)))?;
    t.ok("release 1", cu!(api.cuDevicePrimaryCtxRelease_v2(0)))?;
    t.ok("release 2", cu!(api.cuDevicePrimaryCtxRelease_v2(0)))?;
    t.ok("cuDevicePrimaryCtxGetState after release", cu!(api.cuDevicePrimaryCtxGetState(0, &mut flags, &mut active)))?;
    t.value("active after the last release", active);
    t.call("release without retain", cu!(api.cuDevicePrimaryCtxRelease_v2(0)));
    t.call("cuDevicePrimaryCtxRetain(dev 99)", cu!(api.cuDevicePrimaryCtxRetain(&mut p1, 99)));
    Ok(())
}

fn limits(api: &Api, t: &mut Transcript) -> Result<(), String> {
    setup(api, t)?;
    let mut v = 0usize;
    t.ok("cuCtxGetLimit(STACK_SIZE)", cu!(api.cuCtxGetLimit(&mut v, CUlimit::CU_LIMIT_STACK_SIZE)))?;
    t.ok("cuCtxSetLimit(STACK_SIZE, 4096)", cu!(api.cuCtxSetLimit(CUlimit::CU_LIMIT_STACK_SIZE, 4096)))?;
    t.ok("cuCtxGetLimit(STACK_SIZE) again", cu!(api.cuCtxGetLimit(&mut v, CUlimit::CU_LIMIT_STACK_SIZE)))?;
    t.value("stack size after setting 4096", v);
    t.call("cuCtxGetLimit(bogus)", cu!(api.cuCtxGetLimit(&mut v, CUlimit(0x77))));
    let mut c = CUfunc_cache(9);
    t.ok("cuCtxSetCacheConfig(PREFER_SHARED)", cu!(api.cuCtxSetCacheConfig(CUfunc_cache::CU_FUNC_CACHE_PREFER_SHARED)))?;
    t.ok("cuCtxGetCacheConfig", cu!(api.cuCtxGetCacheConfig(&mut c)))?;
    t.value("cache config", c.0);
    let (mut least, mut greatest) = (9, 9);
    t.ok("cuCtxGetStreamPriorityRange", cu!(api.cuCtxGetStreamPriorityRange(&mut least, &mut greatest)))?;
    t.value("priority range", (least, greatest));
    let mut flags = 99u32;
    t.ok("cuCtxGetFlags", cu!(api.cuCtxGetFlags(&mut flags)))?;
    super::teardown(api, t)
}

fn per_thread(api: &Api, t: &mut Transcript) -> Result<(), String> {
    let ctx = setup(api, t)?;
    let ctx_bits = ctx as usize;
    // Another thread starts with no current context, and can adopt ours.
    let (seen, adopted) = std::thread::scope(|s| {
        s.spawn(|| {
            let mut cur: CUcontext = 1 as CUcontext;
            let r1 = cu!(api.cuCtxGetCurrent(&mut cur));
            let was_null = r1.is_success() && cur.is_null();
            let r2 = cu!(api.cuCtxSetCurrent(ctx_bits as CUcontext));
            let mut p = 0;
            let r3 = cu!(api.cuMemAlloc_v2(&mut p, 256));
            let r4 = cu!(api.cuMemFree_v2(p));
            (was_null, [r2, r3, r4].iter().all(|r| r.is_success()))
        })
        .join()
        .unwrap_or((false, false))
    });
    t.check("a new thread has no current context", seen)?;
    t.check("a new thread can set the context and allocate in it", adopted)?;
    let mut cur: CUcontext = null_mut();
    t.ok("cuCtxGetCurrent on the first thread", cu!(api.cuCtxGetCurrent(&mut cur)))?;
    t.check("the first thread's context is unchanged", cur == ctx)?;
    super::teardown(api, t)
}
