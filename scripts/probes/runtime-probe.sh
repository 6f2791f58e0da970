#!/usr/bin/env bash
# Runs on the GPU machine from the folder `make gpu-bundle` made: a vector
# add written against the runtime API, built there by nvcc with static and
# with shared libcudart, natively and through cuvm. Logs under $OUT.
B=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/cuvm-probe}; mkdir -p "$OUT"
REAL=$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')
cd /tmp && nvcc -O2 -o vadd-static "$B/probe/vadd-runtime.cu" && nvcc -O2 -cudart shared -o vadd-shared "$B/probe/vadd-runtime.cu" || { echo "nvcc failed"; exit 1; }
SOCK=/tmp/cuvm-probe.sock; rm -f $SOCK
CUVM_LOG=info "$B/bin/cuvm-host" --listen "unix:$SOCK" --backend native --driver-lib "$REAL" 2>"$OUT/probe-host.log" &
H=$!; sleep 1
for p in vadd-static vadd-shared; do
  echo "### $p native"; ./$p; echo "exit $?"
  echo "### $p cuvm"; CUVM_LOG=debug CUVM_HOST=unix:$SOCK LD_LIBRARY_PATH="$B/lib" ./$p 2>&1 | head -40; echo "exit ${PIPESTATUS[0]}"
done
kill $H
