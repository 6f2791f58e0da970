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
for whl in "$wheels"/nvidia_cuda_runtime-13.0.96-*.whl; do
    python3 - "$whl" "$dest.tmp" <<'PY'
import sys, zipfile, os
whl, out = sys.argv[1], sys.argv[2]
prefix = "nvidia/cu13/include/"
with zipfile.ZipFile(whl) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith(".h") and "/" not in name[len(prefix):]:
            with open(os.path.join(out, name[len(prefix):]), "wb") as f:
                f.write(z.read(name))
PY
done
echo "$want" > "$dest.tmp/.fetched-from"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "CUDA headers ready in $dest"
