"""PyTorch: 200 training steps of a small CNN on fixed random data; writes
the loss curve to $COMPAT_OUT/torch_train-$COMPAT_MODE.txt (the runner
compares cuvm's with native's)."""
import os
import torch

torch.manual_seed(1234)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
dev = torch.device("cuda")
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, 10),
).to(dev)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
g = torch.Generator().manual_seed(99)
data = torch.randn(64, 1, 28, 28, generator=g).to(dev)
labels = torch.randint(0, 10, (64,), generator=g).to(dev)
losses = []
for step in range(200):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(data), labels)
    loss.backward()
    opt.step()
    losses.append(loss.item())
out = os.environ.get("COMPAT_OUT", ".")
with open(os.path.join(out, f"torch_train-{os.environ.get('COMPAT_MODE', 'run')}.txt"), "w") as f:
    f.write("\n".join(f"{l:.6f}" for l in losses) + "\n")
assert losses[-1] < losses[0], "the loss did not fall"
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
print("PASS 200 training steps")
