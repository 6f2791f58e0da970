#!/usr/bin/env bash
# Run on the GPU machine from the repository root, after make gpu-bundle
# (carry gpu-bundle); OUT names a folder for the host log.
# A guest process held in cuStreamSynchronize for ever, killed: its worker
# must end and its memory and quota come back.
B=${B:-gpu-bundle}; S=/tmp/w.sock; export CUVM_HOST=unix:$S
mem() { nvidia-smi --query-gpu=memory.used --format=csv,noheader; }
echo "GPU memory used before: $(mem)"
$B/bin/cuvm-host --listen unix:$S --backend native --quota 1536M 2>$OUT/host-w.log & H=$!
sleep 2
LD_LIBRARY_PATH=$B/lib $B/bin/stall stall > $OUT/stall.txt 2>&1 & P=$!
sleep 6
cat $OUT/stall.txt
echo "GPU memory used while it stalls: $(mem)"
echo "workers: $(pgrep -f -- --session-worker | wc -l)"
LD_LIBRARY_PATH=$B/lib $B/bin/stall alloc 1024 | sed 's/^/while stalled: /'
kill -9 $P; t0=$(date +%s.%N)
for i in $(seq 80); do grep -q "ending the worker" $OUT/host-w.log && break; sleep 0.25; done
t1=$(date +%s.%N)
sleep 2
echo "watchdog fired $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s after the kill"
echo "workers now: $(pgrep -f -- --session-worker | wc -l)"
echo "GPU memory used after: $(mem)"
LD_LIBRARY_PATH=$B/lib $B/bin/stall alloc 1024 | sed 's/^/after: /'
kill $H
grep -E "ending the worker|worker ended|took back" $OUT/host-w.log
