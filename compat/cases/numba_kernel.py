"""numba-cuda: a @cuda.jit kernel, on device arrays and on a managed array
(written by the CPU, updated by the kernel, read by the CPU). (numba-cuda on the GPU machine still
uses numpy.row_stack, which numpy 2.5 removed: restored as its alias
vstack before numba loads, natively and through cuvm alike.)"""
import numpy as np

if not hasattr(np, "row_stack"):
    np.row_stack = np.vstack
from numba import cuda  # noqa: E402


@cuda.jit
def axpy(a, x, y, out):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a * x[i] + y[i]


x = np.arange(10000, dtype=np.float32)
y = np.ones(10000, dtype=np.float32)
out = cuda.device_array_like(x)
axpy[40, 256](np.float32(3.0), cuda.to_device(x), cuda.to_device(y), out)
assert np.allclose(out.copy_to_host(), 3 * x + y), "axpy"
m = cuda.managed_array(10000, dtype=np.float32)
m[:] = x
axpy[40, 256](np.float32(2.0), m, cuda.to_device(y), m)
cuda.synchronize()
assert np.allclose(m, 2 * x + 1), "axpy on a managed array"
print("PASS @cuda.jit kernel, managed array")
