#!/usr/bin/env bash
# Fetches the pinned CUDA header wheel(s) listed in requirements.txt, checks
# their sha256 (pip --require-hashes) and unpacks the headers into
# cuda-headers/include/. Idempotent: does nothing when the headers are there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/include"
stamp="$dest/.fetched-from"
want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
wheels="$here/wheels"
mkdir -p "$wheels"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
    --only-binary=:all: --python-version 3.11 \
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
    -r "$here/requirements.txt" -d "$wheels"
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
tools="$here/toolkit"
rm -rf "$tools"
mkdir -p "$tools/bin"
python3 - "$wheels" "$dest.tmp" "$tools/bin" <<'PY'
import sys, zipfile, os, glob
wheels, include, bindir = sys.argv[1], sys.argv[2], sys.argv[3]
(runtime,) = glob.glob(os.path.join(wheels, "nvidia_cuda_runtime-13.0.96-*.whl"))
prefix = "nvidia/cu13/include/"
with zipfile.ZipFile(runtime) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith(".h") and "/" not in name[len(prefix):]:
            with open(os.path.join(include, name[len(prefix):]), "wb") as f:
                f.write(z.read(name))
# The toolkit: every wheel's nvidia/cu13/ tree, as a CUDA installation.
toolkit = os.path.dirname(bindir)
pins = [line.split()[0].replace("-", "_").replace("==", "-")
        for line in open(os.path.join(os.path.dirname(toolkit), "requirements.txt"))
        if line.strip() and not line.startswith("#")]
for pin in pins:
    (wheel,) = glob.glob(os.path.join(wheels, pin + "-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            if info.is_dir() or not info.filename.startswith("nvidia/cu13/"):
                continue
            path = os.path.join(toolkit, info.filename[len("nvidia/cu13/"):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(z.read(info))
            os.chmod(path, 0o755 if (info.external_attr >> 16) & 0o111 else 0o644)
# nvcc.profile looks for headers and libraries under targets/x86_64-linux.
target = os.path.join(toolkit, "targets", "x86_64-linux")
os.makedirs(target, exist_ok=True)
for link, to in (("include", "../../include"), ("lib64", "../../lib"), ("lib", "../../lib")):
    os.symlink(to, os.path.join(target, link))
os.symlink("libcudart.so.13", os.path.join(toolkit, "lib", "libcudart.so"))
PY
echo "$want" > "$dest.tmp/.fetched-from"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "CUDA headers ready in $dest; nvcc in $tools/bin"
