"""PyTorch: torch.compile with the Triton backend (inductor)."""
import torch

dev = torch.device("cuda")


def f(x, y):
    return torch.sin(x) * torch.cos(y) + x * y


cf = torch.compile(f, backend="inductor")
x = torch.randn(4096, device=dev)
y = torch.randn(4096, device=dev)
assert torch.allclose(cf(x, y), f(x, y), rtol=1e-5, atol=1e-5), "compiled result"
print("PASS torch.compile (inductor, Triton kernels)")
