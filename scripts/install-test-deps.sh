#!/usr/bin/env bash
# Installs the real tools the tests build their images with and cross-check against (Debian/Ubuntu packages).
# Does nothing when everything is already there. Needs root (or sudo).
set -euo pipefail
# tool  package  (what for)
tools=(
  "qemu-img qemu-utils"              # fixed, dynamic, VHDX images and the reference reads
  "vhdiinfo libvhdi-utils"           # an independent VHD parser
  "sfdisk fdisk"                     # MBR disks
  "sgdisk gdisk"                     # GPT disks
  "parted parted"                    # partition tables made by parted
  "mkfs.ext4 e2fsprogs"              # ext2/3/4 images (mkfs.ext4 -d)
  "debugfs e2fsprogs"                # ext cross-checks
  "mkfs.xfs xfsprogs"                # XFS images (mkfs.xfs -p)
  "xfs_db xfsprogs"                  # XFS cross-checks
  "mkfs.vfat dosfstools"             # FAT images
  "mcopy mtools"                     # files into FAT images
  "mkntfs ntfs-3g"                   # NTFS volumes; ntfsls, ntfscat, ntfsinfo cross-checks
  "gcc gcc"                          # the fixtures' small libntfs-3g writer
  "pkg-config pkg-config"            # its build flags
  "hivexregedit libwin-hivex-perl"   # registry hives from .reg files
  "hivexget libhivex-bin"            # an independent hive reader
  "regfexport libregf-utils"         # another one (libregf)
  "mkfs.btrfs btrfs-progs"           # Btrfs signature
  "cryptsetup cryptsetup-bin"        # LUKS signature
  "blkid util-linux"                 # the probe's oracle; mkswap
  "pvcreate lvm2"                    # LVM metadata written by the real tools
  "losetup mount"                    # loop devices for lvm2
  "debootstrap debootstrap"          # a real Debian root
  "node nodejs"                      # Azurite, the Azure Storage emulator the upload tests run against
  "npm npm"                          # installs Azurite (below)
  "script bsdutils"                  # a pseudo-terminal for the upload progress test (util-linux's script)
)
need=()
for t in "${tools[@]}"; do
  set -- $t
  command -v "$1" >/dev/null || need+=("$2")
done
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import pyvhdi' 2>/dev/null || need+=(python3-libvhdi)   # libvhdi's reads of differencing chains
/usr/bin/python3 -c 'import hivex' 2>/dev/null || need+=(python3-hivex)       # hive dumps for the registry corpus
[ -f /usr/include/ntfs-3g/volume.h ] || need+=(ntfs-3g-dev)                   # libntfs-3g headers for the writer
# Azurite from npm, in a user-level prefix (3.35.0: the last release that runs on Debian 12's Node 18/20)
azurite="$HOME/.cache/vhdkit-azurite/node_modules/.bin/azurite-blob"
install_azurite() {
  [ -x "$azurite" ] || [ -n "${VHDKIT_AZURITE:-}" ] && return 0
  echo "install-test-deps: installing azurite@3.35.0 into ~/.cache/vhdkit-azurite"
  npm install --prefix "$HOME/.cache/vhdkit-azurite" --no-audit --no-fund azurite@3.35.0
}
if [ ${#need[@]} -eq 0 ]; then
  install_azurite
  echo "install-test-deps: all test tools present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-test-deps: installing ${need[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
install_azurite
