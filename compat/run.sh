#!/usr/bin/env bash
# The compatibility runner (`make compat` builds it into the GPU bundle):
# runs every case natively, then through cuvm (the guest library first in
# the library path, cuvm-host with the native backend on a Unix socket), and
# prints one table (case, native, cuvm) and totals. A case passes when it
# exits 0 (each checks its own results); torch_train also compares cuvm's
# loss curve with native's. Logs under $OUT (default /tmp/cuvm-compat).
# Usage: run.sh [CASE...]   (default: all)
set -u
C=$(cd "$(dirname "$0")" && pwd)
B=$(cd "$C/.." && pwd)
OUT=${OUT:-/tmp/cuvm-compat}
LIMIT=${COMPAT_TIMEOUT:-300}
mkdir -p "$OUT"
REAL=${CUVM_REAL_DRIVER:-$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')}
SOCK=/tmp/cuvm-compat.sock
rm -f "$SOCK"
CUVM_LOG=${CUVM_HOST_LOG:-warn} "$B/bin/cuvm-host" --listen "unix:$SOCK" --backend native --driver-lib "$REAL" 2>"$OUT/host.log" &
HOST=$!
trap 'kill $HOST 2>/dev/null' EXIT
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done

cases=()
for p in "$B"/examples/1[0-9]-*; do cases+=("nvcc:$(basename "$p")"); done
for p in "$C"/cases/*.py; do cases+=("py:$(basename "$p" .py)"); done
if [ $# -gt 0 ]; then cases=(); for a in "$@"; do cases+=("$a"); done; fi

# The CUDA libraries Python wheels ship (cuBLAS, cuFFT...), for the nvcc
# program that opens them at run time (14-runtime-libraries).
NVLIBS=$(python3 -c 'import glob, site; print(":".join(sorted({d for p in site.getsitepackages() for d in glob.glob(p + "/nvidia/*/lib") + glob.glob(p + "/nvidia/cu*/lib")})))' 2>/dev/null)

run_case() { # MODE CASE -> exit code; output in $OUT/CASE.MODE.log
    local mode=$1 c=$2 kind=${2%%:*} name=${2#*:}
    local log="$OUT/$name.$mode.log"
    local -a env=(COMPAT_OUT="$OUT" COMPAT_MODE="$mode" PYTHONUNBUFFERED=1)
    if [ "$mode" = cuvm ]; then
        env+=(LD_LIBRARY_PATH="$B/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" CUVM_HOST="unix:$SOCK"
              TRITON_LIBCUDA_PATH="$B/lib" NUMBA_CUDA_DRIVER="$B/lib/libcuda.so.1" CUVM_LOG=warn)
    fi
    case $kind in
        nvcc) local lp=$NVLIBS
              [ "$mode" = cuvm ] && lp="$B/lib${lp:+:$lp}"
              env "${env[@]}" LD_LIBRARY_PATH="$lp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout "$LIMIT" "$B/examples/$name" >"$log" 2>&1 ;;
        py) env "${env[@]}" timeout "$LIMIT" python3 "$C/cases/$name.py" >"$log" 2>&1 ;;
    esac
}

reason() { # the last informative line of a log
    grep -v '^\s*$' "$1" | grep -iE 'error|fail|assert|exception|not supported|PASS|verified' | tail -1 | cut -c1-110
}

printf '%-36s %-8s %-8s %s\n' case native cuvm "cuvm note" | tee "$OUT/compat.txt"
np=0 cp=0 both=0 total=0
for c in "${cases[@]}"; do
    name=${c#*:}
    t0=$(date +%s.%N); run_case native "$c"; nrc=$?; t1=$(date +%s.%N)
    run_case cuvm "$c"; crc=$?; t2=$(date +%s.%N)
    note=""
    if [ "$name" = torch_train ] && [ $nrc = 0 ] && [ $crc = 0 ]; then
        if ! python3 - "$OUT/torch_train-native.txt" "$OUT/torch_train-cuvm.txt" >"$OUT/torch_train.compare" 2>&1 <<'PY'
import sys
a = [float(x) for x in open(sys.argv[1])]
b = [float(x) for x in open(sys.argv[2])]
worst = max(abs(x - y) / max(1e-6, abs(x)) for x, y in zip(a, b))
print(f"loss curves: {len(a)} vs {len(b)} steps, worst relative difference {worst:.2e}")
sys.exit(0 if len(a) == len(b) == 200 and worst < 1e-3 else 1)
PY
        then crc=99; fi
        note="$(cat "$OUT/torch_train.compare") "
    fi
    nv=pass; [ $nrc = 0 ] || nv="FAIL($nrc)"
    cv=pass; [ $crc = 0 ] || cv="FAIL($crc)"
    [ $crc = 0 ] || note="$note$(reason "$OUT/$name.cuvm.log")"
    note="$note [$(awk "BEGIN{printf \"%.1f s / %.1f s\", $t1 - $t0, $t2 - $t1}")]"
    printf '%-36s %-8s %-8s %s\n' "$c" "$nv" "$cv" "$note" | tee -a "$OUT/compat.txt"
    total=$((total + 1)); [ $nrc = 0 ] && np=$((np + 1)); [ $crc = 0 ] && cp=$((cp + 1))
    [ $nrc = 0 ] && [ $crc = 0 ] && both=$((both + 1))
done
echo "compat: $total cases; native passed $np, cuvm passed $cp; passing natively but not through cuvm: $((np - both))" | tee -a "$OUT/compat.txt"
# What cuvm refused during the cuvm runs (each is logged once per process):
# the names and export-table slots the clients reached that cuvm does not
# serve. Clients that pass lived with these.
{
    echo "refused through cuvm (processes that hit each):"
    grep -h "not supported by cuvm\|which cuvm does not implement\|unknown export table" "$OUT"/*.cuvm.log 2>/dev/null \
        | sed 's/^cuvm\[[0-9]*\] //' | sort | uniq -c | sort -rn
} | tee -a "$OUT/compat.txt"
