#!/usr/bin/env bash
# On a GPU machine: boots the test guest (TCG) with cuvm-host's native
# backend, so that unmodified programs in a real VM compute on the GPU over
# virtio-vsock; runs the same programs natively for comparison; and measures
# cuvm's host half over the hybrid Unix socket that vhost-device-vsock uses,
# against a plain socketpair. Output in $OUT.
set -u
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/cuvm-gpu-vm}
mkdir -p "$OUT"
rm -rf /tmp/cuvm-vm && mkdir -p /tmp/cuvm-vm && tar -C /tmp/cuvm-vm -xJf "$B/vm.tar.xz"
V=/tmp/cuvm-vm/vm
REAL=${CUVM_REAL_DRIVER:-$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')}
echo "== the programs natively" | tee "$OUT/vm-summary.txt"
for e in "$B"/examples/0* "$B"/examples/10-*; do
    printf '%-22s %s\n' "$(basename "$e")" "$("$e" 2>&1 | tail -1)" | tee -a "$OUT/vm-summary.txt"
done
echo "== the same programs in a TCG guest, through cuvm over virtio-vsock (native backend)" | tee -a "$OUT/vm-summary.txt"
CUVM_HOST_BIN="$B/bin/cuvm-host" CUVM_VM_IMAGE="$V/image" QEMU="$V/bin/qemu" VHOST_DEVICE_VSOCK="$V/bin/vhost-device-vsock" \
    CUVM_VM_BACKEND=native CUVM_VM_GUESTS=${CUVM_VM_GUESTS:-1} CUVM_VM_OUT="$OUT/vm" CUVM_VM_TRY_KVM=1 \
    bash "$V/run-vm-test.sh" 2>&1 | tee -a "$OUT/vm-summary.txt"
vm_rc=${PIPESTATUS[0]}
grep -a 'cuvm-guest: \[[01][0-9]-' "$OUT/vm/console1.log" | grep -a -E ': ok$|wrong|difference|FAIL' | tee -a "$OUT/vm-summary.txt"
echo "== in-guest driver-bench (TCG: functional numbers only)" | tee -a "$OUT/vm-summary.txt"
grep -a 'cuvm-guest: \[driver-bench\]' "$OUT/vm/console1.log" | sed 's/^.*\] //' | tee -a "$OUT/vm-summary.txt"
echo "== cuvm's host half over the hybrid Unix socket (what vhost-device-vsock connects to)" | tee -a "$OUT/vm-summary.txt"
rm -f /tmp/hb.vsock_2832
"$B/bin/cuvm-host" --listen hybrid:/tmp/hb.vsock:2832 --backend native --driver-lib "$REAL" 2>/dev/null &
H=$!
for i in $(seq 100); do [ -S /tmp/hb.vsock_2832 ] && break; sleep 0.1; done
CUVM_HOST=unix:/tmp/hb.vsock_2832 CUVM_LIB="$B/lib" "$B/bench/compare.sh" "$B/bench/driver-bench" 2>&1 | tee -a "$OUT/vm-summary.txt"
kill $H; wait $H 2>/dev/null
echo "== transport floor: Unix socketpair, same machine, same run" | tee -a "$OUT/vm-summary.txt"
"$B/bench/socketpair" | tee -a "$OUT/vm-summary.txt"
(cd "$OUT" && tar czf vm-logs.tgz vm && rm -rf vm)
exit $vm_rc
