"""JAX: jit, matmul, grad."""
import jax
import jax.numpy as jnp
import numpy as np

devs = jax.devices()
assert devs[0].platform == "gpu", f"JAX sees {devs}"
key = jax.random.PRNGKey(0)
a = jax.random.normal(key, (256, 256))
b = jax.random.normal(jax.random.PRNGKey(1), (256, 256))
f = jax.jit(lambda x, y: jnp.tanh(x @ y).sum())
v = float(f(a, b))
ref = float(np.tanh(np.asarray(a, dtype=np.float64) @ np.asarray(b, dtype=np.float64)).sum())
assert abs(v - ref) < 1e-1 * max(1.0, abs(ref)) , f"jit matmul {v} vs {ref}"
g = jax.grad(lambda x: (x ** 3).sum())(jnp.arange(4.0))
assert np.allclose(np.asarray(g), 3 * np.arange(4.0) ** 2), "grad"
print("PASS jit, matmul, grad on", devs[0])
