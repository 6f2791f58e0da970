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
(nvcc,) = glob.glob(os.path.join(wheels, "nvidia_cuda_nvcc-13.0.88-*.whl"))
with zipfile.ZipFile(nvcc) as z:
    for tool in ("ptxas", "fatbinary"):
        path = os.path.join(bindir, tool)
        with open(path, "wb") as f:
            f.write(z.read("nvidia/cu13/bin/" + tool))
        os.chmod(path, 0o755)
PY
echo "$want" > "$dest.tmp/.fetched-from"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "CUDA headers ready in $dest"
