#!/usr/bin/env bash
# The whole `vhdkit validate` command as a user runs it, JVM start included: wall time over RUNS runs (min and
# median) and the bytes it read from the image (from its JSON stats), per image.
# usage: benchmarks/validate-command.sh IMAGE...   (RUNS=10 by default; runs ./vhdkit, which builds the jar if needed)
set -euo pipefail
images=()
for i in "$@"; do images+=("$(realpath "$i")"); done
cd "$(dirname "$0")/.."
./vhdkit --version > /dev/null
RUNS=${RUNS:-10}
printf '%-60s %10s %10s %14s %s\n' image min_ms median_ms bytes_read os
for img in "${images[@]}"; do
  times=()
  for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    ./vhdkit validate --format json "$img" > /tmp/vhdkit-validate.$$.json || true
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  read -r bytes os < <(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["stats"]["bytesRead"], d["os"]["name"])' /tmp/vhdkit-validate.$$.json)
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  printf '%-60s %10s %10s %14s %s\n' "$(basename "$img") ($(( $(stat -c %s "$img") >> 30 )) GiB)" "${sorted[0]}" \
    "${sorted[$((RUNS / 2))]}" "$bytes" "$os"
done
rm -f /tmp/vhdkit-validate.$$.json
