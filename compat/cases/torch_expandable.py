"""PyTorch's allocator with expandable segments (PYTORCH_CUDA_ALLOC_CONF is
set before torch loads): the virtual memory management API."""
import os

os.environ["PYTORCH_CUDA_ALLOC_CONF"] = "expandable_segments:True"
import torch  # noqa: E402

dev = torch.device("cuda")
xs = [torch.full((1 << 20,), float(i), device=dev) for i in range(64)]
total = sum(x.sum().item() for x in xs)
assert total == float(sum(i * (1 << 20) for i in range(64))), "sums"
del xs
big = torch.ones(256 << 20, dtype=torch.uint8, device=dev)
assert big.sum().item() == 256 << 20
stats = torch.cuda.memory_stats()
print("segments:", stats.get("segment.all.current"))
print("PASS expandable segments")
