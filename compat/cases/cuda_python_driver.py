"""cuda-python's cuda.bindings.driver: a driver-API walkthrough (init,
device, primary context, memory, a PTX module, a launch, copies back)."""
import ctypes

import numpy as np
from cuda.bindings import driver as cu


def ok(r):
    """Checks a (CUresult, values...) answer; returns the value(s)."""
    if not isinstance(r, tuple):
        r = (r,)
    assert r[0] == cu.CUresult.CUDA_SUCCESS, r[0]
    return r[1] if len(r) == 2 else r[1:]


PTX = b"""
.version 8.0
.target sm_90
.address_size 64
.visible .entry inc(.param .u64 p, .param .u32 n) {
  .reg .u64 %rd<4>; .reg .u32 %r<6>; .reg .pred %p; .reg .f32 %f<3>;
  ld.param.u64 %rd1, [p]; ld.param.u32 %r1, [n];
  mov.u32 %r2, %ctaid.x; mov.u32 %r3, %ntid.x; mov.u32 %r4, %tid.x;
  mad.lo.u32 %r5, %r2, %r3, %r4;
  setp.ge.u32 %p, %r5, %r1; @%p ret;
  cvta.to.global.u64 %rd2, %rd1; mul.wide.u32 %rd3, %r5, 4; add.u64 %rd2, %rd2, %rd3;
  ld.global.f32 %f1, [%rd2]; add.f32 %f2, %f1, 0f3F800000; st.global.f32 [%rd2], %f2;
  ret;
}
"""
ok(cu.cuInit(0))
dev = ok(cu.cuDeviceGet(0))
name = ok(cu.cuDeviceGetName(64, dev))
print("device:", name.split(b"\0")[0].decode())
ctx = ok(cu.cuDevicePrimaryCtxRetain(dev))
ok(cu.cuCtxSetCurrent(ctx))
n = 4096
host = np.arange(n, dtype=np.float32)
dptr = ok(cu.cuMemAlloc(host.nbytes))
ok(cu.cuMemcpyHtoD(dptr, host.ctypes.data, host.nbytes))
mod = ok(cu.cuModuleLoadData(PTX))
fn = ok(cu.cuModuleGetFunction(mod, b"inc"))
p = ctypes.c_uint64(int(dptr))
cnt = ctypes.c_uint32(n)
args = (ctypes.c_void_p * 2)(ctypes.addressof(p), ctypes.addressof(cnt))
ok(cu.cuLaunchKernel(fn, (n + 255) // 256, 1, 1, 256, 1, 1, 0, 0, ctypes.addressof(args), 0))
ok(cu.cuCtxSynchronize())
out = np.empty_like(host)
ok(cu.cuMemcpyDtoH(out.ctypes.data, dptr, out.nbytes))
assert np.array_equal(out, host + 1), "kernel result"
ok(cu.cuMemFree(dptr))
ok(cu.cuModuleUnload(mod))
ok(cu.cuDevicePrimaryCtxRelease(dev))
print("PASS driver-API walkthrough")
