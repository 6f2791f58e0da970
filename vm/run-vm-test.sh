#!/usr/bin/env bash
# Boots test guests under QEMU with a virtio-vsock device served by
# vhost-device-vsock (hybrid vsock: the guest's connections to CID 2 port
# 2832 reach the Unix socket <uds>_2832), with cuvm-host listening there, and
# checks what the guests print. KVM is used only if a guest actually boots
# with it (tried with a timeout), else TCG.
#
# Environment: CUVM_HOST_BIN, CUVM_SHIM, CUVM_VM_PROGRAMS (space-separated),
# VHOST_DEVICE_VSOCK, CUVM_VM_BACKEND (emulated|native), CUVM_VM_GUESTS (1|2),
# CUVM_VM_OUT (logs), QEMU (qemu-system-x86_64).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${CUVM_VM_OUT:-$here/../build/vm}
backend=${CUVM_VM_BACKEND:-emulated}
guests=${CUVM_VM_GUESTS:-2}
qemu=${QEMU:-qemu-system-x86_64}
vhost=${VHOST_DEVICE_VSOCK:-vhost-device-vsock}
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)

if [ -n "${CUVM_VM_IMAGE:-}" ]; then
    # A prebuilt image (the GPU bundle carries one).
    mkdir -p "$out/image" && cp "$CUVM_VM_IMAGE"/vmlinuz "$CUVM_VM_IMAGE"/initramfs.cpio.gz "$out/image/"
else
    # shellcheck disable=SC2086
    "$here/build-image.sh" "$out/image" "$CUVM_SHIM" $CUVM_VM_PROGRAMS || exit 1
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

# One VMM socket per guest: each is a VM of its own for cuvm-host.
listen=()
for g in $(seq "$guests"); do listen+=(--listen "hybrid:$out/vm$g.vsock:2832"); done
CUVM_LOG=info "$CUVM_HOST_BIN" "${listen[@]}" --backend "$backend" --quota 64M 2>"$out/host.log" &
pids+=($!)
for g in $(seq "$guests"); do
    "$vhost" --guest-cid $((g + 2)) --socket "$out/vhost$g.sock" --uds-path "$out/vm$g.vsock" >"$out/vhost$g.log" 2>&1 &
    pids+=($!)
done
for i in $(seq 100); do
    ready=1
    for g in $(seq "$guests"); do [ -S "$out/vhost$g.sock" ] && [ -S "$out/vm$g.vsock_2832" ] || ready=0; done
    [ $ready = 1 ] && break
    sleep 0.1
done

boot() { # boot GUEST ACCEL TIMEOUT
    local g=$1 accel=$2 limit=$3
    timeout "$limit" "$qemu" -machine "q35,accel=$accel" -cpu max -m 512M -smp 2 \
        -object memory-backend-memfd,id=mem,size=512M,share=on -numa node,memdev=mem \
        -chardev socket,id=vsock,path="$out/vhost$g.sock" -device vhost-user-vsock-pci,chardev=vsock \
        -kernel "$out/image/vmlinuz" -initrd "$out/image/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 quiet cuvm_seed=$g" \
        -display none -vga none -nic none -serial "file:$out/console$g.log" -no-reboot ${QEMU_EXTRA:-}
}

accel=tcg
if [ -w /dev/kvm ] && [ "${CUVM_VM_TRY_KVM:-1}" = 1 ]; then
    # A KVM that cannot run a stock guest hangs silently: give it 20 s to
    # reach our init, then fall back to TCG (the devices are reused).
    boot 1 kvm 20 >/dev/null 2>&1
    if grep -q "cuvm-guest: done" "$out/console1.log" 2>/dev/null; then
        accel=kvm
    fi
fi
echo "accelerator: $accel"
if [ "$accel" = tcg ] || [ "$guests" -gt 1 ]; then
    for g in $(seq "$guests"); do
        if [ "$accel" = kvm ] && [ "$g" = 1 ]; then continue; fi
        boot "$g" "$accel" 600 &
        vms[$g]=$!
    done
    for g in "${!vms[@]}"; do wait "${vms[$g]}"; done
fi
end=$(date +%s)

status=0
for g in $(seq "$guests"); do
    log="$out/console$g.log"
    echo "== guest $g (vsock CID $((g + 2)), $backend backend)"
    if ! grep -q "cuvm-guest: done" "$log"; then
        echo "guest $g did not finish; console:"; tail -30 "$log"; status=1; continue
    fi
    grep -a "cuvm-guest: RESULT" "$log" | sed 's/^.*RESULT //' | while read -r name rc; do
        want=0
        case "$name" in 01-*|02-*|03-*|04-*|1[0-9]-*) [ "$backend" = emulated ] && want=3 ;; esac
        rc=${rc%$(printf "\r")}
        verdict=pass; [ "$rc" = "$want" ] || verdict=FAIL
        printf '  %-48s exit %-3s %s\n' "$name" "$rc" "$verdict"
    done | tee "$out/results$g.txt"
    if grep -aq "\[00-driver-info\] cuInit: CUDA_SUCCESS" "$log"; then
        echo "  cuInit over virtio-vsock                         pass" | tee -a "$out/results$g.txt"
    else
        echo "  cuInit over virtio-vsock                         FAIL" | tee -a "$out/results$g.txt"
    fi
    grep -q FAIL "$out/results$g.txt" && status=1
    n=$(grep -c . "$out/results$g.txt")
    [ "$n" -ge 1 ] || status=1
done
grep -h "cleaned up" "$out/host.log" | tail -3
passed=$(cat "$out"/results*.txt 2>/dev/null | grep -c ' pass$')
failed=$(cat "$out"/results*.txt 2>/dev/null | grep -c ' FAIL$')
if [ $status != 0 ]; then
    for g in $(seq "$guests"); do echo "== console of guest $g (kept in $out/console$g.log)"; tail -60 "$out/console$g.log"; done
    echo "== cuvm-host log"; tail -30 "$out/host.log"
fi
echo "vm-test: $guests guest(s) under $accel in $((end - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ $status = 0 ]
