#!/usr/bin/env bash
# Makes the golden initramfs images of the cpio reader's tests, with the real tools (GNU cpio, gzip, xz, zstd, lz4),
# the way initramfs-tools' mkinitramfs writes them: `find . | cpio -o -H newc | COMPRESSOR`, with an early microcode
# archive in front (the kernel's Documentation/arch/x86/microcode.rst recipe). Run it here; see README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
export SOURCE_DATE_EPOCH=1795300000 LC_ALL=C
cd "$t"
mkdir -p main/usr/lib/modules/6.1.0-golden/kernel/drivers/hv main/usr/lib/modules/6.1.0-golden/kernel/drivers/scsi \
  main/usr/lib/modules/6.1.0-golden/kernel/drivers/net/hyperv main/usr/bin main/etc
printf 'vmbus module stand-in\n' > main/usr/lib/modules/6.1.0-golden/kernel/drivers/hv/hv_vmbus.ko.xz
printf 'storvsc module stand-in\n' > main/usr/lib/modules/6.1.0-golden/kernel/drivers/scsi/hv_storvsc.ko.zst
printf 'netvsc module stand-in\n' > main/usr/lib/modules/6.1.0-golden/kernel/drivers/net/hyperv/hv_netvsc.ko
printf '#!/bin/sh\nexec /bin/sh\n' > main/init; chmod 755 main/init
printf 'root:x:0:0:root:/root:/bin/sh\n' > main/etc/passwd
ln -s usr/bin main/bin
mkdir -p early/kernel/x86/microcode
printf 'AuthenticAMD microcode stand-in\n' > early/kernel/x86/microcode/AuthenticAMD.bin
find main early -exec touch -h -d @1795300000 {} +
(cd main && find . | sort | cpio --quiet -o -H newc -R 0:0 --reproducible) > newc.cpio
(cd main && find . | sort | cpio --quiet -o -H crc -R 0:0 --reproducible) > crc.cpio
(cd main && find . | sort | cpio --quiet -o -H odc -R 0:0 --reproducible) > odc.cpio
(cd early && find . | sort | cpio --quiet -o -H newc -R 0:0 --reproducible) > early.cpio
gzip -n -9 -c newc.cpio > newc.cpio.gzip
xz --check=crc32 -c newc.cpio > newc.cpio.xz
zstd -q -19 -c newc.cpio > newc.cpio.zst
lz4 -q -9 -l -c newc.cpio > newc.cpio.lz4
lzma -9 -c newc.cpio > newc.cpio.lzma
cat early.cpio newc.cpio.gzip > early-gzip.img
# every compressor in a row, each part starting where the one before ends (lz4 has no end, so it comes last)
cat early.cpio newc.cpio.gzip newc.cpio.xz newc.cpio.zst newc.cpio.lzma newc.cpio.lz4 > chain.img
for f in newc.cpio crc.cpio early.cpio; do cpio --quiet -t < $f > $f.list; done
cp newc.cpio crc.cpio odc.cpio early.cpio newc.cpio.gzip newc.cpio.xz newc.cpio.zst newc.cpio.lz4 newc.cpio.lzma \
   early-gzip.img chain.img newc.cpio.list crc.cpio.list early.cpio.list "$here/"
