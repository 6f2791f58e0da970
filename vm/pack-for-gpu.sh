#!/usr/bin/env bash
# Packs what the GPU machine needs to boot the test guest there (it has no
# QEMU, no Rust and no network): QEMU with the shared libraries it needs
# (glibc excluded: the GPU machine has its own), its TCG module and firmware,
# vhost-device-vsock, and a prebuilt guest image. Usage:
#   pack-for-gpu.sh OUT.tar.xz VHOST_DEVICE_VSOCK IMAGE_DIR
set -euo pipefail
out=$1 vhost=$2 image=$3
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/vm/{bin,lib,modules,firmware,image}
cp /usr/bin/qemu-system-x86_64 "$stage/vm/bin/"
cp "$vhost" "$stage/vm/bin/"
ldd /usr/bin/qemu-system-x86_64 | awk '/=> \//{print $3}' \
    | grep -v -E '/(libc|libm|libpthread|libdl|librt|libresolv)\.so' \
    | while read -r lib; do cp -L "$lib" "$stage/vm/lib/"; done
cp /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so "$stage/vm/modules/"
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin /usr/share/qemu/linuxboot_dma.bin \
         /usr/share/qemu/linuxboot.bin /usr/share/qemu/multiboot_dma.bin /usr/share/qemu/pvh.bin; do
    cp -L "$f" "$stage/vm/firmware/"
done
cp "$image"/vmlinuz "$image"/initramfs.cpio.gz "$stage/vm/image/"
cp "$here/run-vm-test.sh" "$stage/vm/"
cat >"$stage/vm/bin/qemu" <<'QEMU'
#!/usr/bin/env bash
# QEMU from the bundle: its own libraries, TCG module and firmware.
d=$(cd "$(dirname "$0")/.." && pwd)
export LD_LIBRARY_PATH="$d/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" QEMU_MODULE_DIR="$d/modules"
exec "$d/bin/qemu-system-x86_64" -L "$d/firmware" "$@"
QEMU
chmod +x "$stage/vm/bin/qemu"
tar -C "$stage" -cJf "$out" vm
echo "$(du -h "$out" | cut -f1) $out"
