#!/usr/bin/env bash
# Compares `vhdkit upload` with the Azure CLI (`az storage blob upload --type page`, Debian package azure-cli) in one
# go against one fresh Azurite, on the issue's two inputs:
#   z80-4g.vhd  a 4 GiB fixed VHD that is 80% zeros (random 4 MiB chunks, 20% of them, seeded; the rest zeros
#               written as data, not holes, so that neither tool can skip them without reading)
#   rand-2g.vhd 2 GiB of random data as a fixed VHD
# and prints wall time per run (process start included), MB/s of file size, and the ratio az/vhdkit (>1: vhdkit is
# faster). Then it times the client pipeline alone (read, zero scan, MD5, HTTP) against DiscardServer.java, an
# endpoint that drops what it gets, so that the emulator's ceiling (~250 MB/s on 2 cores) is out of the picture.
#
#   benchmarks/upload-vs-az.sh [REPS] [WORKDIR]      # default 3 reps, /tmp/vhdkit-upload-bench
# Needs: qemu-img, node + azurite (npm install --prefix ~/.cache/vhdkit-azurite azurite@3.35.0), az, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-3}
work=${2:-/tmp/vhdkit-upload-bench}
mkdir -p "$work"
azurite=${VHDKIT_AZURITE:-$HOME/.cache/vhdkit-azurite/node_modules/.bin/azurite-blob}
for t in qemu-img az python3 "$azurite"; do
  command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
done
# the launcher builds the jar when stale and trains the upload class-data archive (untimed, here)
vhdkit="$root/vhdkit"
"$vhdkit" upload --help > /dev/null

# inputs
if [ ! -f "$work/z80-4g.vhd" ]; then
  python3 - "$work/z80.raw" <<'P'
import random, sys
r = random.Random(80); chunk = 4 << 20; n = 1024
with open(sys.argv[1], "wb") as f:
    for i in range(n):
        f.write(r.randbytes(chunk) if r.random() < 0.2 else bytes(chunk))
P
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on -S 0 "$work/z80.raw" "$work/z80-4g.vhd"
  rm "$work/z80.raw"
fi
if [ ! -f "$work/rand-2g.vhd" ]; then
  head -c 2G /dev/urandom > "$work/rand.raw"
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$work/rand.raw" "$work/rand-2g.vhd"
  rm "$work/rand.raw"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
apid=
# A fresh in-memory Azurite for each repetition: one that keeps every upload of the run grows past its extent
# memory limit (MemoryExtentStoreAtSizeLimit after about 11 GiB here) and, long before that, slows everything down
# by pushing the inputs out of the page cache.
fresh_azurite() {
  [ -n "$apid" ] && { kill "$apid" 2>/dev/null || true; wait "$apid" 2>/dev/null || true; }
  "$azurite" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence --loose --skipApiVersionCheck \
    --disableTelemetry --silent > "$work/azurite.log" 2>&1 &
  apid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/devstoreaccount1?comp=list" && break; sleep 0.2; done
  az storage container create -n vhds -o none 2>/dev/null
}
dport=$((port + 1))
java "$root/benchmarks/upload/DiscardServer.java" "$dport" > "$work/discard.log" 2>&1 &
dpid=$!
trap 'kill $apid $dpid 2>/dev/null || true' EXIT

now() { date +%s.%N; }
declare -A times
run() { # label file command...
  local label=$1 file=$2; shift 2
  local t0 t1
  t0=$(now); "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; t1=$(now)
  local s; s=$(echo "$t1 - $t0" | bc -l)
  times[$label]="${times[$label]:-} $s"
  printf '%-28s %-12s %7.2f s %8.1f MB/s  load %s\n' "$label" "$(basename "$file")" "$s" \
    "$(echo "$(stat -c %s "$file") / $s / 1000000" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for f in z80-4g.vhd rand-2g.vhd; do
  for r in $(seq "$reps"); do
    fresh_azurite
    run "vhdkit $f" "$work/$f" "$vhdkit" upload "$work/$f" --container vhds --name "v$r-$f" --progress none \
      --threads 8 --journal "$work/j"
    run "az $f" "$work/$f" az storage blob upload --type page -c vhds -n "a$r-$f" -f "$work/$f" --max-connections 8 \
      --no-progress -o none
  done
done
echo
for f in z80-4g.vhd rand-2g.vhd; do
  v=$(echo "${times[vhdkit $f]}" | median); a=$(echo "${times[az $f]}" | median)
  printf '%-12s median vhdkit %.2f s, az %.2f s, ratio az/vhdkit %.2f (n=%s)\n' "$f" "$v" "$a" "$(echo "$a / $v" | bc -l)" "$reps"
done

# the client pipeline alone
echo
echo "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
for f in rand-2g.vhd z80-4g.vhd; do
  for r in $(seq "$reps"); do
    /usr/bin/time -f "discard $f: %e s wall, %U s user, %S s sys" "$vhdkit" upload "$work/$f" \
      --to "http://127.0.0.1:$dport/devstoreaccount1/c/$r-$f?sv=2021-06-08&sp=rw&sig=x" --progress none --threads 8 \
      --journal "$work/jd" --no-validate 2>&1 | sed -n -e 's/^  \(.*MB\/s.*\)/discard '"$f"': \1/p' -e t -e '/^discard/p'
  done
done
echo "$(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
