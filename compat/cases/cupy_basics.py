"""CuPy: elementwise, reductions, cuBLAS, a RawKernel, streams, managed
memory (written by a kernel, read by the CPU through its pointer)."""
import ctypes

import cupy as cp
import numpy as np

rng = np.random.default_rng(0)
a = rng.standard_normal((256, 256)).astype(np.float32)
b = rng.standard_normal((256, 256)).astype(np.float32)
ga, gb = cp.asarray(a), cp.asarray(b)
assert np.allclose(cp.asnumpy(ga * 2 + gb), a * 2 + b, atol=1e-5), "elementwise"
assert abs(float(ga.sum()) - float(a.sum())) < 1e-2, "reduction"
assert np.allclose(cp.asnumpy(ga @ gb), a @ b, rtol=1e-3, atol=1e-3), "cuBLAS"
k = cp.RawKernel(r'''
extern "C" __global__ void twice(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = 2.0f * x[i];
}''', "twice")
x = cp.arange(1000, dtype=cp.float32)
y = cp.empty_like(x)
k((4,), (256,), (x, y, cp.int32(1000)))
assert np.allclose(cp.asnumpy(y), 2 * np.arange(1000)), "RawKernel"
s = cp.cuda.Stream(non_blocking=True)
with s:
    z = cp.ones(1 << 20) * 3
s.synchronize()
assert float(z.sum()) == 3 * (1 << 20), "stream"
mem = cp.cuda.malloc_managed(4 * 1000)
m = cp.ndarray((1000,), cp.float32, mem)
k((4,), (256,), (x, m, cp.int32(1000)))
cp.cuda.Device().synchronize()
host = np.ctypeslib.as_array((ctypes.c_float * 1000).from_address(mem.ptr))
assert np.allclose(host, 2 * np.arange(1000)), "managed memory read by the CPU"
host[:] = 5.0
assert float(m.sum()) == 5000.0, "managed memory written by the CPU"
print("PASS elementwise, reduction, cuBLAS, RawKernel, streams, managed memory")
