#!/usr/bin/env bash
# vhdkit convert against qemu-img convert on the same dynamic VHD (1 GiB virtual, ~300 MiB of data in 2 MiB-aligned
# and unaligned runs across the disk), in one run, alternating (ABAB...) so drift hits both: the whole commands
# (vhdkit's JVM start included), median wall time of ROUNDS each, the ratio, and the disk each output allocates.
# The outputs are checked equal with qemu-img compare. Inputs from the page cache (a warm-up run of each first).
# usage: benchmarks/convert-vs-qemu.sh [ROUNDS]      (needs cli/target/vhdkit.jar: ./mvnw -B -q install -DskipTests)
set -euo pipefail
ROUNDS=${1:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/cli/target/vhdkit.jar
W=$ROOT/benchmarks/target/convert-vs-qemu
command -v qemu-img >/dev/null || { echo "needs qemu-img (Debian package qemu-utils)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "needs $JAR: ./mvnw -B -q install -DskipTests" >&2; exit 1; }
mkdir -p "$W"; cd "$W"
M=1048576
if [ ! -f in.vhd ]; then
  rm -f src.raw; truncate -s $((1024 * M)) src.raw
  # 100 runs of 3 MiB (300 MiB) of random data, every 10 MiB, starting 512 bytes off a block boundary
  for i in $(seq 0 99); do
    head -c $((3 * M)) /dev/urandom | dd of=src.raw bs=512 seek=$(( (i * 10 * M + 512) / 512 )) conv=notrunc status=none
  done
  qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on src.raw in.vhd
  rm -f src.raw
fi
alloc() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }
now() { date +%s.%N; }
run_vhdkit() { rm -f out-vhdkit.vhd; java -jar "$JAR" convert in.vhd out-vhdkit.vhd >/dev/null; }
run_qemu() { rm -f out-qemu.vhd; qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size=on in.vhd out-qemu.vhd; }
run_vhdkit; run_qemu   # warm-up: page cache, JIT-less first start
tv=(); tq=()
for r in $(seq 1 "$ROUNDS"); do
  a=$(now); run_vhdkit; b=$(now); tv+=("$(echo "$b - $a" | bc)")
  a=$(now); run_qemu;   b=$(now); tq+=("$(echo "$b - $a" | bc)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
mv=$(median "${tv[@]}"); mq=$(median "${tq[@]}")
qemu-img compare --image-opts "driver=raw,size=$((1024 * M)),file.driver=file,file.filename=out-vhdkit.vhd" \
  "driver=vpc,file.driver=file,file.filename=out-qemu.vhd" >/dev/null || { echo "outputs differ!" >&2; exit 1; }
echo "input: dynamic VHD, 1 GiB virtual, $(alloc in.vhd) bytes allocated; $ROUNDS rounds each, alternating"
echo "vhdkit convert  : median ${mv}s  (${tv[*]})  output allocates $(alloc out-vhdkit.vhd) bytes"
echo "qemu-img convert: median ${mq}s  (${tq[*]})  output allocates $(alloc out-qemu.vhd) bytes"
echo "ratio qemu-img/vhdkit time: $(echo "scale=2; $mq / $mv" | bc)  (>= 1 means vhdkit is at least as fast)"
echo "outputs: equal content (qemu-img compare)"
