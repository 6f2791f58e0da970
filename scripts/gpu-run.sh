#!/usr/bin/env bash
# Runs on a GPU machine from the folder `make gpu-bundle` made: the
# conformance suite against NVIDIA's driver and through cuvm (native
# backend), then every example natively and through cuvm; prints a summary.
# Logs go to $OUT (default /tmp/cuvm-gpu-run).
set -u
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/cuvm-gpu-run}
mkdir -p "$OUT"
REAL=${CUVM_REAL_DRIVER:-$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')}
{
    date -u
    nvidia-smi -L
    nvidia-smi --query-gpu=driver_version --format=csv,noheader
    echo "real driver: $REAL"
} | tee "$OUT/summary.txt"

echo "== conformance: native vs cuvm (native backend)" | tee -a "$OUT/summary.txt"
"$B/bin/cuvm-conformance" --native "$REAL" --cuvm "$B/lib/libcuda.so.1" --host-bin "$B/bin/cuvm-host" \
    --backend native --transcripts "$OUT/transcripts" >"$OUT/conformance.txt" 2>&1
conf_rc=$?
cat "$OUT/conformance.txt"
tail -1 "$OUT/conformance.txt" | sed 's/^/conformance: /' >>"$OUT/summary.txt"
(cd "$OUT" && tar czf transcripts.tgz transcripts && rm -rf transcripts)

echo "== examples: native, then through cuvm" | tee -a "$OUT/summary.txt"
SOCK=/tmp/cuvm-gpu-run.sock
rm -f "$SOCK"
CUVM_LOG=info "$B/bin/cuvm-host" --listen "unix:$SOCK" --backend native --driver-lib "$REAL" 2>"$OUT/host.log" &
HOST=$!
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
pass=0 fail=0
: >"$OUT/examples.txt"
for e in "$B"/examples/*; do
    case "$e" in *.so*) continue ;; esac
    name=$(basename "$e")
    native=$("$e" 2>&1); nrc=$?
    cuvm=$(CUVM_HOST="unix:$SOCK" LD_LIBRARY_PATH="$B/lib" "$e" 2>&1); crc=$?
    {
        echo "### $name native (exit $nrc)"; echo "$native"
        echo "### $name cuvm (exit $crc)"; echo "$cuvm"
    } >>"$OUT/examples.txt"
    verdict=FAIL
    # Same exit code and the same verdict line; 00-driver-info differs in
    # nothing but the device count line format.
    if [ $nrc -eq 0 ] && [ $crc -eq 0 ] && [ "$(echo "$native" | tail -1)" = "$(echo "$cuvm" | tail -1)" ]; then
        verdict=pass; pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
    printf '%-22s native exit %d, cuvm exit %d: %s | %s\n' "$name" $nrc $crc "$(echo "$cuvm" | tail -1)" "$verdict" | tee -a "$OUT/summary.txt"
done
echo "examples: $pass passed, $fail failed" | tee -a "$OUT/summary.txt"
echo "== benchmark: native and through cuvm (unix socket), same run" | tee -a "$OUT/summary.txt"
CUVM_HOST="unix:$SOCK" CUVM_LIB="$B/lib" "$B/bench/compare.sh" "$B/bench/driver-bench" 2>&1 | tee -a "$OUT/summary.txt"
kill $HOST 2>/dev/null; wait $HOST 2>/dev/null
cat "$OUT/examples.txt"
[ $conf_rc -eq 0 ] && [ $fail -eq 0 ]
