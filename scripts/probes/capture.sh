#!/usr/bin/env bash
# Runs on the GPU machine from the folder `make gpu-bundle` made: copies of
# host memory inside a stream capture, natively and through cuvm.
B=$(cd "$(dirname "$0")/.." && pwd)
REAL=$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')
SOCK=/tmp/cuvm-cap.sock; rm -f $SOCK
"$B/bin/cuvm-host" --listen "unix:$SOCK" --backend native --driver-lib "$REAL" 2>/dev/null & H=$!; sleep 1
echo "### native"; "$B/probe/capture-copy"
echo "### cuvm"; CUVM_HOST=unix:$SOCK LD_LIBRARY_PATH="$B/lib" "$B/probe/capture-copy"
kill $H
