#!/usr/bin/env bash
# Recreates the golden partition tables of this directory (see README.md). Run it here.
set -euo pipefail
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# GPT: 4 MiB, four partitions with fixed GUIDs, names and attributes
truncate -s 4M "$W/gpt.img"
sgdisk -o -U 0DD5EED5-0000-4000-8000-00000000D15C \
  -n 1:2048:+1M -t 1:ef00 -c 1:"EFI system partition" -u 1:11111111-2222-4333-8444-555555555501 -A 1:set:0 \
  -n 2:0:+512K -t 2:8300 -c 2:"Linux root" -u 2:11111111-2222-4333-8444-555555555502 -A 2:set:2 \
  -n 3:6144:+256K -t 3:0700 -c 3:"Basic data" -u 3:11111111-2222-4333-8444-555555555503 -A 3:set:63 \
  -n 5:6656:+512K -t 5:8200 -c 5:"swap ☃" -u 5:11111111-2222-4333-8444-555555555505 \
  "$W/gpt.img" >/dev/null
sgdisk -v "$W/gpt.img" | grep -q "No problems found"
# MBR: 4 MiB, a primary, an extended partition with three logical ones, another primary
truncate -s 4M "$W/mbr.img"
sfdisk -q "$W/mbr.img" <<'S'
label: dos
label-id: 0xc0de1234
unit: sectors
mbr.img1 : start=2048, size=1024, type=c, bootable
mbr.img2 : start=3072, size=4096, type=5
mbr.img3 : start=7168, size=1024, type=83
mbr.img5 : start=3080, size=1000, type=83
mbr.img6 : start=4096, size=1000, type=82
mbr.img7 : start=5120, size=2000, type=8e
S
sfdisk -d "$W/mbr.img"
sgdisk -p "$W/gpt.img" | tail -n 6
gzip -9n -c "$W/gpt.img" > gpt.img.gz
gzip -9n -c "$W/mbr.img" > mbr.img.gz
ls -l ./*.gz
