"""PyTorch: tensor ops, matmul (cuBLAS), conv2d (cuDNN), autograd; checked
against the same computations on the CPU."""
import torch

torch.manual_seed(0)
dev = torch.device("cuda")
print("device:", torch.cuda.get_device_name(0))
a = torch.randn(512, 512)
b = torch.randn(512, 512)
ga, gb = a.to(dev), b.to(dev)
assert torch.allclose((ga + gb * 2).cpu(), a + b * 2), "elementwise"
assert torch.allclose((ga @ gb).cpu(), a @ b, rtol=1e-3, atol=1e-3), "matmul"
assert abs(ga.sum().item() - a.sum().item()) < 1e-2, "reduction"
x = torch.randn(8, 3, 32, 32)
conv = torch.nn.Conv2d(3, 16, 3, padding=1)
y_cpu = conv(x)
y_gpu = conv.to(dev)(x.to(dev))
assert torch.allclose(y_gpu.cpu(), y_cpu, rtol=1e-3, atol=1e-3), "conv2d"
w = torch.randn(64, 64, device=dev, requires_grad=True)
loss = (torch.tanh(torch.randn(32, 64, device=dev) @ w) ** 2).mean()
loss.backward()
assert w.grad is not None and torch.isfinite(w.grad).all().item(), "autograd"
print("allocated MiB:", torch.cuda.memory_allocated() >> 20)
print("PASS tensor ops, matmul, conv2d (cuDNN), autograd")
