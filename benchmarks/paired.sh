#!/usr/bin/env bash
# Paired, interleaved runs of DynamicReadBench.vhdImage and DynamicReadBench.plainSource.
#
# On a shared VM the page-cache copy rate drifts by +-10-15 % over tens of seconds, more than the difference being
# measured, and JMH runs all forks of one benchmark before the next. This script runs the two benchmarks back to
# back, one short fork each, for every buffer setting, and alternates which goes first (ABBA) from round to round;
# summarize.py --paired then reports, per setting, the median of the per-pair ratios vhdImage / plainSource.
#
#   benchmarks/paired.sh                       # 4 rounds x {direct,heap} x {64,1024,4096} KiB: about 6 minutes
#   ROUNDS=2 BUFFERS=direct SIZES=1024 SIZE_MIB=256 benchmarks/paired.sh     # a quick look
#
# Build first: ./mvnw -q -B -DskipTests -pl benchmarks -am package
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=benchmarks/target/benchmarks.jar
ROUNDS=${ROUNDS:-4}
BUFFERS=${BUFFERS:-"direct heap"}
SIZES=${SIZES:-"64 1024 4096"}
SIZE_MIB=${SIZE_MIB:-1024}
OUT=benchmarks/target/paired

[[ -f "$JAR" ]] || { echo "missing $JAR: build it first (see benchmarks/README.md)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order="plainSource vhdImage"; else order="vhdImage plainSource"; fi
  for buffer in $BUFFERS; do
    for kib in $SIZES; do
      for m in $order; do
        name="r$round-$buffer-$kib-$m"
        echo "round $round/$ROUNDS: $m buffer=$buffer bufferKiB=$kib" >&2
        java -jar "$JAR" "DynamicReadBench\.$m\$" -p "buffer=$buffer" -p "bufferKiB=$kib" -p "sizeMiB=$SIZE_MIB" \
          -f 1 -wi 2 -w 1s -i 3 -r 1s -rf json -rff "$OUT/$name.json" > "$OUT/$name.log" 2>&1 \
          || { echo "failed: see $OUT/$name.log" >&2; exit 1; }
      done
    done
  done
done
python3 benchmarks/summarize.py --paired "$OUT"/*.json
