#!/usr/bin/env bash
# vhdkit convert against qemu-img convert, in one run, on three cases built from the same content (SIZE_MIB virtual,
# 3 MiB random runs every 10 MiB starting 512 bytes past a 2 MiB boundary: 30 % data, partly-zero blocks, runs that
# straddle 4 KiB pages):
#   dynamic->fixed  a qemu-img dynamic VHD       qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size=on
#   fixed->dynamic  a qemu-img fixed VHD (sparse) qemu-img convert -f vpc -O vpc -o subformat=dynamic,force_size=on
#   raw->fixed      the raw image (sparse)        qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on
# Each round runs vhdkit, qemu-img followed by `sync -f OUT`, vhdkit --no-sync and qemu-img, alternating. vhdkit
# (the ./vhdkit launcher, JVM start included) forces its output to disk before renaming it into place; qemu-img does
# not flush, so "qemu-img + sync" is the row with the same guarantee, and "vhdkit --no-sync" (no fsync) the row to
# compare with qemu-img alone. Median wall time of ROUNDS, the ratios, and the bytes each
# output allocates, measured after `sync -f` (ext4 allocates at write-back: an unflushed file can look a block
# smaller than it will be). Outputs are checked equal with qemu-img compare and clean with `vhdkit check`.
# Inputs come from the page cache (one warm-up run of each first).
#
# usage: benchmarks/convert-vs-qemu.sh [ROUNDS]     (default 5)
# env:   SIZE_MIB (default 1024), WORK (default benchmarks/target/convert-vs-qemu),
#        RESULTS=FILE appends one tab-separated line per row: case, tool, median s, allocated bytes, ROUNDS
set -euo pipefail
ROUNDS=${1:-5}
SIZE_MIB=${SIZE_MIB:-1024}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VHDKIT=$ROOT/vhdkit
W=${WORK:-$ROOT/benchmarks/target/convert-vs-qemu}/$SIZE_MIB
for t in qemu-img python3 bc sync; do
  command -v "$t" >/dev/null || { echo "needs $t (qemu-img: Debian package qemu-utils)" >&2; exit 1; }
done
mkdir -p "$W"; cd "$W"
M=1048576

if [ ! -f inputs.complete ]; then
  rm -f src.raw in-dynamic.vhd in-fixed.vhd
  truncate -s $((SIZE_MIB * M)) src.raw
  python3 - src.raw $((SIZE_MIB * M)) <<'P'
import random, sys
r = random.Random(20261122); size = int(sys.argv[2]); run = 3 << 20
with open(sys.argv[1], "r+b") as f:
    at = 512
    while at + run <= size:
        f.seek(at); f.write(r.randbytes(run)); at += 10 << 20
P
  qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on src.raw in-dynamic.vhd
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on src.raw in-fixed.vhd
  touch inputs.complete
fi

alloc() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
# qemu 7.2 sizes a dynamic VHD by its CHS geometry unless it knows the creator: a copy of vhdkit's dynamic output
# with creator "win " (checksum resealed) is read by current size, as Hyper-V and Azure do.
qemu_view() { # VHD COPY
  cp --sparse=always "$1" "$2"
  python3 - "$2" <<'P'
import os, struct, sys
with open(sys.argv[1], "r+b") as f:
    for at in (0, os.path.getsize(sys.argv[1]) - 512):
        f.seek(at); b = bytearray(f.read(512)); b[28:32] = b"win "; b[64:68] = b"\0\0\0\0"
        b[64:68] = struct.pack(">I", ~sum(b) & 0xFFFFFFFF); f.seek(at); f.write(b)
P
}

case_args() { # CASE -> "INPUT VHDKIT_ARGS|QEMU_FROM QEMU_SUBFORMAT"
  case $1 in
    dynamic-to-fixed) echo "in-dynamic.vhd --type fixed|vpc fixed" ;;
    fixed-to-dynamic) echo "in-fixed.vhd --type dynamic|vpc dynamic" ;;
    raw-to-fixed) echo "src.raw --source-format raw --type fixed|raw fixed" ;;
  esac
}

"$VHDKIT" --version > /dev/null   # builds the jar and the class-data archive if needed, outside the timing
echo "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $SIZE_MIB MiB virtual," \
  "$(( $(alloc src.raw) / M )) MiB of data; $ROUNDS rounds, alternating"
printf '%-17s %-17s %9s %9s %14s\n' case tool "median s" "ratio" "allocates B"
for c in dynamic-to-fixed fixed-to-dynamic raw-to-fixed; do
  IFS='|' read -r vargs qargs <<< "$(case_args $c)"
  read -r -a va <<< "$vargs"; read -r qfrom qsub <<< "$qargs"
  in=${va[0]}; vopts=("${va[@]:1}")
  # each run's previous output is removed before its timer starts: unlinking a synced output of 309 MiB takes ext4
  # 0.16-0.19 s here, which would be added to both tools' times and pull every ratio towards 1
  run_vhdkit() { "$VHDKIT" convert "${vopts[@]}" "$in" "out-$c-vhdkit.vhd" > /dev/null; }
  run_qemu() { qemu-img convert -f "$qfrom" -O vpc -o "subformat=$qsub,force_size=on" "$in" "out-$c-qemu.vhd"; }
  run_qemu_sync() { run_qemu; sync -f "out-$c-qemu.vhd"; }
  run_vhdkit_nosync() { "$VHDKIT" convert --no-sync "${vopts[@]}" "$in" "out-$c-vhdkit.vhd" > /dev/null; }
  rmv() { rm -f "out-$c-vhdkit.vhd"; }
  rmq() { rm -f "out-$c-qemu.vhd"; }
  rmv; run_vhdkit; rmq; run_qemu_sync   # warm-up
  tv=(); tq=(); ts=(); tn=()
  for _ in $(seq 1 "$ROUNDS"); do
    rmv; a=$(now); run_vhdkit; b=$(now); tv+=("$(echo "$b - $a" | bc)")
    rmq; a=$(now); run_qemu_sync; b=$(now); ts+=("$(echo "$b - $a" | bc)")
    rmv; rmq; sync   # the next two start with nothing left to write back
    a=$(now); run_vhdkit_nosync; b=$(now); tn+=("$(echo "$b - $a" | bc)")
    sync
    a=$(now); run_qemu; b=$(now); tq+=("$(echo "$b - $a" | bc)")
    sync
  done
  rmv; run_vhdkit   # the output checked and measured below is a default (synced) one
  sync -f "out-$c-vhdkit.vhd"; sync -f "out-$c-qemu.vhd"
  mv=$(median "${tv[@]}"); mq=$(median "${tq[@]}"); ms=$(median "${ts[@]}"); mn=$(median "${tn[@]}")
  av=$(alloc "out-$c-vhdkit.vhd"); aq=$(alloc "out-$c-qemu.vhd")
  printf '%-17s %-17s %9.3f %9s %14d\n' "$c" "vhdkit" "$mv" "" "$av"
  printf '%-17s %-17s %9.3f %9.2f %14d\n' "$c" "qemu-img + sync" "$ms" "$(echo "$ms / $mv" | bc -l)" "$aq"
  printf '%-17s %-17s %9.3f %9s %14d\n' "$c" "vhdkit --no-sync" "$mn" "" "$av"
  printf '%-17s %-17s %9.3f %9.2f %14d\n' "$c" "qemu-img" "$mq" "$(echo "$mq / $mn" | bc -l)" "$aq"
  if [ -n "${RESULTS:-}" ]; then
    printf '%s\t%s\t%s\t%s\t%s\n' "$c" vhdkit "$mv" "$av" "$ROUNDS" "$c" qemu-img "$mq" "$aq" "$ROUNDS" \
      "$c" "qemu-img + sync" "$ms" "$aq" "$ROUNDS" "$c" "vhdkit --no-sync" "$mn" "$av" "$ROUNDS" >> "$RESULTS"
  fi
  # checks: same content as the source, and a clean VHD
  mine=out-$c-vhdkit.vhd
  if [ "$c" = fixed-to-dynamic ]; then qemu_view "$mine" view.vhd; mine_opts="driver=vpc,file.driver=file,file.filename=view.vhd"
  else mine_opts="driver=raw,size=$((SIZE_MIB * M)),file.driver=file,file.filename=$mine"; fi
  qemu-img compare --image-opts "$mine_opts" "driver=raw,file.driver=file,file.filename=src.raw" > /dev/null \
    || { echo "$c: vhdkit's output differs from the source!" >&2; exit 1; }
  rm -f view.vhd
  "$VHDKIT" check "out-$c-vhdkit.vhd" > /dev/null || { echo "$c: vhdkit check found problems" >&2; exit 1; }
  # the data ranges (SEEK_DATA/SEEK_HOLE) of both outputs: what each tool chose to write. Allocation adds ext4's own
  # metadata (extent-tree blocks), whose count depends on when write-back ran, not on the tool
  ranges=$(PYTHONPATH="$ROOT/fixtures/vhd" python3 - "out-$c-vhdkit.vhd" "out-$c-qemu.vhd" <<'P'
import os, sys
from sparseio import data_extents
def ranges(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return data_extents(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)
v, q = ranges(sys.argv[1]), ranges(sys.argv[2])
sv, sq = sum(e - b for b, e in v), sum(e - b for b, e in q)
print(f"{'same' if v == q else 'different'} data ranges: vhdkit {len(v)} ranges, {sv} bytes; qemu-img {len(q)} ranges, {sq} bytes")
P
)
  echo "$c: $ranges"
  [ "$av" -le "$aq" ] || echo "$c: vhdkit's output allocates more than qemu-img's ($av > $aq; $ranges)" >&2
  rm -f "out-$c-vhdkit.vhd" "out-$c-qemu.vhd"   # 2x the data per case: only the inputs are kept for the next run
done
echo "ratio = qemu-img + sync / vhdkit, qemu-img / vhdkit --no-sync (>= 1: vhdkit at least as fast); outputs equal to the source" \
  "(qemu-img compare) and clean (vhdkit check); $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
