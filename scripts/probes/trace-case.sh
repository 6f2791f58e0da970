#!/usr/bin/env bash
# Runs one compat case through cuvm with CUVM_LOG=trace (every call and its
# result) and keeps what explains a failure: each call that did not return
# CUDA_SUCCESS (with counts), the last 60 calls, and the case's own output.
# Usage (GPU machine, from the bundle): trace-case.sh CASE|nvcc:PROGRAM [VAR=VALUE...]
B=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/cuvm-trace}; mkdir -p "$OUT"
c=$1; shift
NVLIBS=$(python3 -c 'import glob, site; print(":".join(sorted({d for p in site.getsitepackages() for d in glob.glob(p + "/nvidia/*/lib") + glob.glob(p + "/nvidia/cu*/lib")})))' 2>/dev/null)
case $c in
    nvcc:*) c=${c#nvcc:}; run=("$B/examples/$c") ;;
    *) run=(python3 "$B/compat/cases/$c.py") ;;
esac
REAL=$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')
SOCK=/tmp/cuvm-trace-$$.sock
CUVM_LOG=${CUVM_HOST_LOG:-warn} "$B/bin/cuvm-host" --listen "unix:$SOCK" --backend native --driver-lib "$REAL" 2>"$OUT/$c.host.log" &
H=$!
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
env "$@" LD_LIBRARY_PATH="$B/lib:$NVLIBS" CUVM_HOST="unix:$SOCK" TRITON_LIBCUDA_PATH="$B/lib" CUVM_LOG=trace \
    PYTHONUNBUFFERED=1 timeout 120 "${run[@]}" >"$OUT/$c.raw" 2>&1
echo "exit $?"
kill $H
{
    echo "== calls that did not succeed"
    grep -a "TRACE" "$OUT/$c.raw" | grep -av "CUDA_SUCCESS" | sed 's/^cuvm\[[0-9]*\] //' | sort | uniq -c | sort -rn | head -40
    echo "== warnings"
    grep -a "WARN\|ERROR" "$OUT/$c.raw" | sort | uniq -c | head -20
    echo "== last 60 calls"
    grep -a "TRACE" "$OUT/$c.raw" | tail -60
    echo "== host log (CUVM_HOST_LOG=${CUVM_HOST_LOG:-warn}): first 40 lines not about sessions"
    grep -av "connected\|disconnected\|cleaned up" "$OUT/$c.host.log" | head -40
    echo "== output"
    grep -av "TRACE\|DEBUG" "$OUT/$c.raw" | tail -15
} >"$OUT/$c.trace.txt"
rm -f "$OUT/$c.raw"
cat "$OUT/$c.trace.txt" | head -120
