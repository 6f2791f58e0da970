"""PyTorch: CUDA graph capture and replay (torch.cuda.graphs)."""
import torch

dev = torch.device("cuda")
static_in = torch.randn(1024, 1024, device=dev)
w = torch.randn(1024, 1024, device=dev)
s = torch.cuda.Stream()
s.wait_stream(torch.cuda.current_stream())
with torch.cuda.stream(s):
    for _ in range(3):
        static_out = torch.relu(static_in @ w)
torch.cuda.current_stream().wait_stream(s)
g = torch.cuda.CUDAGraph()
with torch.cuda.graph(g):
    static_out = torch.relu(static_in @ w)
for i in range(5):
    static_in.copy_(torch.randn(1024, 1024, device=dev))
    g.replay()
    torch.cuda.synchronize()
    ref = torch.relu(static_in @ w)
    assert torch.allclose(static_out, ref, rtol=1e-3, atol=1e-3), f"replay {i}"
print("PASS graph captured once, replayed 5 times")
