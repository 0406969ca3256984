#!/usr/bin/env bash
# Recreates the golden FAT images of this directory (see README.md). Run it here; it overwrites the .img.gz files.
set -euo pipefail
export MTOOLS_SKIP_CHECK=1 DEFAULT_CODEPAGE=437 TZ=UTC LC_ALL=C.UTF-8
ROOT=$(cd "$(dirname "$0")/../../../../../../../.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
/usr/bin/python3 - "$W" <<'PY'
import os, random, sys
w = sys.argv[1]
def put(name, n, t):
    p = os.path.join(w, "src", name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(random.Random("golden:" + name).randbytes(n) if n else b"")
    os.utime(p, (t, t))
put("hello.txt", 13, 1577934245)            # 2020-01-02T03:04:05Z: odd, FAT keeps 2020-01-02T03:04:04Z
put("Long File Name.txt", 600, 1600000000)
put("README.TXT", 20, 1600000002)
put("SubDir/nested.bin", 1500, 1600000004)
put("SubDir/Deeper/empty", 0, 1600000006)
put("frag/a.bin", 1024, 1600000008)
put("frag/gap.bin", 1024, 1600000010)
put("frag/b.bin", 1024, 1600000012)
put("frag/frag.bin", 2058, 1600000014)
put("Deleted Long Name.txt", 10, 1600000016)
for d, t in (("SubDir/Deeper", 1600000100), ("SubDir", 1600000102), ("frag", 1600000104)):
    os.utime(os.path.join(w, "src", d), (t, t))
PY
S=$W/src
golden() { # NAME MKFS-OPTIONS... (KiB last)
  local img=$W/$1.img; shift
  mkfs.vfat --invariant -C "$img" "$@" >/dev/null 2>&1
  mcopy -m -i "$img" "$S/hello.txt" "$S/Long File Name.txt" "$S/README.TXT" ::/
  mcopy -s -m -i "$img" "$S/SubDir" ::/
  rm -rf "$W/stage" && mkdir -p "$W/stage/frag" && cp -p "$S/frag/a.bin" "$W/stage/frag/"
  touch -r "$S/frag" "$W/stage/frag"
  mcopy -s -m -i "$img" "$W/stage/frag" ::/
  mcopy -m -i "$img" "$S/frag/gap.bin" "$S/frag/b.bin" ::/frag/
  mdel -i "$img" ::/frag/gap.bin
  if [ "$(dd if="$img" bs=1 skip=22 count=2 status=none | od -An -tx1 | tr -d ' ')" = 0000 ]; then
    /usr/bin/python3 "$ROOT/fixtures/fat/fattree.py" reset-hint "$img"
  fi
  mcopy -m -i "$img" "$S/frag/frag.bin" ::/frag/
  mattrib -i "$img" +r ::/README.TXT
  mcopy -m -i "$img" "$S/Deleted Long Name.txt" ::/
  mdel -i "$img" "::/Deleted Long Name.txt"
  fsck.fat -n "$img" >/dev/null
  mshowfat -i "$img" ::/frag/frag.bin
  gzip -9n -c "$img" > "$(basename "$img").gz"
}
golden fat12 -F 12 -s 1 -n GOLDEN12 -i 1234ABCD 1024
golden fat16 -F 16 -s 1 -n GOLDEN16 -i 1616ABCD 2560
golden fat32 -F 32 -s 1 -n GOLDEN32 -i 3232ABCD 34304
ls -l ./*.img.gz
