#!/usr/bin/env bash
# Builds the test guest: a Debian cloud kernel (from its .deb, with the
# virtio and vsock modules), busybox, the build machine's C library, cuvm's
# guest library installed as /usr/lib/x86_64-linux-gnu/libcuda.so.1, and the
# test programs. Only Debian's package archive is used.
#
# Usage: build-image.sh OUT_DIR SHIM_LIB PROGRAM...   (programs land in /tests)
# Leaves OUT_DIR/vmlinuz and OUT_DIR/initramfs.cpio.gz.
set -euo pipefail
out=$1 shim=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
cache=${CUVM_VM_CACHE:-$here/cache}
mkdir -p "$out" "$cache"

# The kernel and busybox, as Debian packages (downloaded once into the cache).
resolve() { apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
kernel_pkg=$(resolve)
if [ -z "$kernel_pkg" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1
    kernel_pkg=$(resolve)
fi
[ -n "$kernel_pkg" ] || { echo "cannot resolve linux-image-cloud-amd64: run apt-get update" >&2; exit 1; }
for pkg in "$kernel_pkg" busybox-static; do
    if ! ls "$cache/${pkg}"_*.deb >/dev/null 2>&1; then
        (cd "$cache" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "cannot download $pkg" >&2; exit 1; }
    fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$(ls "$cache/${kernel_pkg}"_*.deb | head -1)" "$work/kernel"
dpkg-deb -x "$(ls "$cache"/busybox-static_*.deb | head -1)" "$work/busybox"
cp "$work"/kernel/boot/vmlinuz-* "$out/vmlinuz"

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests,lib/modules,usr/lib/x86_64-linux-gnu,lib64,lib/x86_64-linux-gnu}
cp "$work/busybox/bin/busybox" "$root/bin/busybox"
moddir=$(ls -d "$work"/kernel/lib/modules/*)
for m in drivers/virtio/virtio drivers/virtio/virtio_ring drivers/virtio/virtio_pci_legacy_dev \
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/vmw_vsock/vsock \
         net/vmw_vsock/vmw_vsock_virtio_transport_common net/vmw_vsock/vmw_vsock_virtio_transport; do
    cp "$moddir/kernel/$m.ko"* "$root/lib/modules/"
done

# The guest library where NVIDIA's would be, and the test programs with the
# shared libraries they need (taken from this machine).
cp "$shim" "$root/usr/lib/x86_64-linux-gnu/libcuda.so.1"
ln -s libcuda.so.1 "$root/usr/lib/x86_64-linux-gnu/libcuda.so"
for p in "$@"; do cp "$p" "$root/tests/"; done
for f in "$shim" "$@"; do
    ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' | grep -v 'libcuda\.so'
done | sort -u | while read -r lib; do
    cp -L "$lib" "$root/lib/x86_64-linux-gnu/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
python3 "$here/mkcpio.py" "$root" "$out/initramfs.cpio.gz"
echo "guest image: $(du -h "$out/vmlinuz" | cut -f1) kernel ($kernel_pkg), $(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs"
