"""numba-cuda: a @cuda.jit kernel."""
import numpy as np
from numba import cuda


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
print("PASS @cuda.jit kernel")
