#!/bin/busybox sh
# The test guest's init: load virtio and vsock, run every program in /tests
# through cuvm's libcuda.so.1 (which connects to vsock:2:2832 by default),
# print one result line per test on the console, power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci vsock \
         vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport; do
    insmod /lib/modules/$m.ko 2>/tmp/insmod || echo "cuvm-guest: insmod $m failed: $(cat /tmp/insmod)"
done
echo "cuvm-guest: init started"
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
export CUVM_LOG=warn
cmdline=$(cat /proc/cmdline)
seed=${cmdline##*cuvm_seed=}
seed=${seed%% *}
run() {
    name=$1
    shift
    "$@" >/tmp/out 2>&1
    rc=$?
    sed "s/^/cuvm-guest: [$name] /" /tmp/out
    echo "cuvm-guest: RESULT $name $rc"
}
for t in /tests/[0-9]*; do
    run "$(basename "$t")" "$t"
done
if [ -x /tests/cuvm-conformance ]; then
    for s in init_and_versions device_queries device_attributes context_stack primary_context \
             context_limits_and_config context_per_thread memory_alloc_free memory_copies \
             memory_async_copies memory_2d_copies memory_stream_ordered_and_pools host_functions_in_stream_order memory_memsets memory_bad_pointers memory_pinned_host \
             pointer_attributes_and_peer_copy streams events module_from_ptx occupancy_and_context_v2 library_and_kernels launch_errors; do
        CUVM_CONFORMANCE_SEED=$seed run "conformance:$s" /tests/cuvm-conformance --child $s --lib /usr/lib/x86_64-linux-gnu/libcuda.so.1
    done
fi
if [ -x /tests/hog ]; then
    # A guest process killed mid-transfer: its memory must come back.
    /tests/hog 50331648 spin >/tmp/hog.out 2>&1 &
    hog=$!
    sleep 3
    kill -9 $hog
    wait $hog 2>/dev/null
    ok=1
    for i in 1 2 3 4 5 6 7 8 9 10; do
        if /tests/hog 50331648 once >/tmp/hog2.out 2>&1; then ok=0; break; fi
        sleep 1
    done
    sed "s/^/cuvm-guest: [kill] /" /tmp/hog.out /tmp/hog2.out
    echo "cuvm-guest: RESULT killed-guest-returns-memory $ok"
fi
if [ -x /tests/driver-bench ]; then
    # Functional timings only: the guest's own instructions run under TCG.
    CUVM_BENCH_BULK_MIB=32 run driver-bench /tests/driver-bench
fi
echo "cuvm-guest: done"
poweroff -f
