#!/usr/bin/env bash
# Installs the real tools the tests build their images with and cross-check against (Debian/Ubuntu packages):
#   qemu-utils       qemu-img: fixed, dynamic and VHDX images, and the reference reads
#   libvhdi-utils    vhdiinfo: an independent VHD parser
#   python3-libvhdi  pyvhdi for /usr/bin/python3: libvhdi's reads of differencing chains
#   fdisk            sfdisk: MBR test disks
#   python3          the fixture generators
# Does nothing when everything is already there. Needs root (or sudo).
set -euo pipefail
need=()
command -v qemu-img >/dev/null || need+=(qemu-utils)
command -v vhdiinfo >/dev/null || need+=(libvhdi-utils)
command -v sfdisk >/dev/null || need+=(fdisk)
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import pyvhdi' 2>/dev/null || need+=(python3-libvhdi)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: all test tools present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-test-deps: installing ${need[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
