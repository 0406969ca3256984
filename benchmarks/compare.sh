#!/usr/bin/env bash
# Every peer comparison of vhdkit, side by side in one run, on inputs this script builds (cached under WORK), written
# as markdown tables (median of N runs, ratio to the peer) into benchmarks/README.md between the markers
# "<!-- compare.sh:SECTION begin -->" and "<!-- compare.sh:SECTION end -->", each with the date, the machine (nproc,
# MemTotal), the load average and the tool versions. Sections:
#   upload   vhdkit upload vs az storage blob upload --type page, same fresh Azurite per run: a fixed VHD that is 80 %
#            zeros, random data, a sparse fixed VHD with little data (full: 4 GiB, 2 GiB - both through
#            upload-vs-az.sh - and 100 GiB virtual with 1 GiB of data)
#   convert  vhdkit convert vs qemu-img convert (and qemu-img + sync -f): dynamic->fixed, fixed->dynamic, raw->fixed
#            (convert-vs-qemu.sh) at 1, 2 and 4 GiB virtual (--quick: 256 MiB and 1 GiB)
#   inspect  vhdkit inspect / validate / cat vs qemu-img info -f vpc, virt-inspector, virt-cat (libguestfs) on one
#            Debian 12 image (the tests' target/fixtures/linux-validate/deprovisioned.vhd)
#   scaling  validate and upload of the same content (GPT + ext4 with a data file) at virtual sizes 1 GiB, 16 GiB,
#            256 GiB and 2040 GiB (the VHD maximum): time, bytes read, peak heap, upload RSS
#
# usage: benchmarks/compare.sh [--quick] [--only upload|convert|inspect|scaling] [--runs N] [--work DIR]
#                              [--no-readme]
#   --quick      1 run each and small inputs (a smoke test of the harness; figures are not comparable)
#   --runs N     runs per measurement (default 5; --quick: 1)
#   --work DIR   inputs and logs (default benchmarks/target/compare; about 9 GB for the full run, 1 GB quick)
#   --no-readme  print the tables only
# Needs: qemu-img (qemu-utils), az (azure-cli), node with azurite (npm install --prefix ~/.cache/vhdkit-azurite
# azurite@3.35.0, or VHDKIT_AZURITE=path/to/azurite-blob), virt-inspector and virt-cat (libguestfs-tools),
# mkfs.ext4 (e2fsprogs), sgdisk (gdisk), python3, bc, curl, GNU time (/usr/bin/time). A missing tool skips the rows
# that need it, saying so in the table.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=0; ONLY=all; RUNS=; WORK=$ROOT/benchmarks/target/compare; README=1
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --only) ONLY=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --work) WORK=$2; shift ;;
    --no-readme) README=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case $ONLY in all|upload|convert|inspect|scaling) ;; *) echo "compare.sh: --only upload|convert|inspect|scaling" >&2; exit 2 ;; esac
[ -n "$RUNS" ] || RUNS=$([ $QUICK = 1 ] && echo 1 || echo 5)
MODE=$([ $QUICK = 1 ] && echo "quick (smoke test: 1 run, small inputs)" || echo "full, $RUNS runs")
mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
VHDKIT=$ROOT/vhdkit
AZURITE=${VHDKIT_AZURITE:-$HOME/.cache/vhdkit-azurite/node_modules/.bin/azurite-blob}
export LIBGUESTFS_BACKEND=${LIBGUESTFS_BACKEND:-direct}
G=1073741824; M=1048576
STARTED=$SECONDS

# ---- helpers ------------------------------------------------------------------------------------------------------
apid=
cleanup() {
  if [ -n "$apid" ]; then kill "$apid" 2>/dev/null || true; wait "$apid" 2>/dev/null || true; apid=; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
have() { command -v "$1" > /dev/null 2>&1; }
median() { printf '%s\n' "$@" | awk 'NF' | sort -g | awk '{v[NR]=$1} END {if (NR) print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then echo "scale=4; $1 / $2" | bc | awk '{printf "%.2f", $1}'; else echo "-"; fi; }
fmt() { [ -n "$1" ] && awk -v s="$1" 'BEGIN {printf "%.2f", s}' || echo "-"; }
# timed LIMIT CMD...: runs CMD (stdout/stderr to $WORK/last.log), sets T (seconds) and RSS (KiB, GNU time's %M);
# T is empty on a timeout, and a failure (exit >= 2; validate's 1 is findings) stops the script, unless
# PEER_MAY_FAIL is set (a peer tool that may not work here): then any failure leaves T empty
timed() {
  local limit=$1; shift
  local a b rc=0
  a=$(date +%s.%N)
  timeout --kill-after=10 "$limit" /usr/bin/time -f '%M' -o "$WORK/rss" "$@" > "$WORK/last.log" 2>&1 || rc=$?
  b=$(date +%s.%N)
  RSS=$(tail -1 "$WORK/rss" 2>/dev/null | grep -E '^[0-9]+$' || true)
  if [ $rc = 124 ] || [ $rc = 137 ]; then T=; echo "  timed out after $limit s: $*" >&2; return 0; fi
  if [ $rc != 0 ] && [ -n "${PEER_MAY_FAIL:-}" ]; then
    T=; echo "  failed ($rc), not timed: $* (log: $WORK/peer-failure.log)" >&2; cp "$WORK/last.log" "$WORK/peer-failure.log"; return 0
  fi
  if [ $rc -ge 2 ]; then echo "compare.sh: failed ($rc): $*" >&2; tail -20 "$WORK/last.log" >&2; exit 1; fi
  T=$(echo "$b - $a" | bc)
}
versions() {
  local v=()
  v+=("java: $(java -version 2>&1 | head -1)")
  have qemu-img && v+=("$(qemu-img --version | head -1)")
  for t in "$@"; do
    case $t in
      az) have az && v+=("azure-cli $(az version --query '"azure-cli"' -o tsv 2>/dev/null)") ;;
      azurite) [ -x "$AZURITE" ] && v+=("azurite $("$AZURITE" --version 2>/dev/null)") ;;
      libguestfs) have virt-inspector && v+=("$(virt-inspector --version 2>/dev/null | head -1)") ;;
    esac
  done
  local IFS=';'; echo "${v[*]}" | sed 's/;/; /g'
}
SECTIONS=()
section_header() { # NAME TITLE TOOLS...
  local name=$1 title=$2; shift 2
  SECTIONS+=("$name")
  {
    echo "#### $title"
    echo
    echo "\`benchmarks/compare.sh$([ $QUICK = 1 ] && echo ' --quick') --only $name\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $MODE;" \
      "$(nproc) cores, MemTotal $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo), load average" \
      "$(cut -d' ' -f1-3 /proc/loadavg) at the start; $(versions "$@"); vhdkit $(git -C "$ROOT" rev-parse --short HEAD)."
    echo
  } > "$WORK/section-$name.md"
}
out() { echo "$*" >> "$WORK/section-${SECTIONS[-1]}.md"; }

"$VHDKIT" --version > /dev/null   # builds the jar and its class-data archive if needed, outside any timing

# ---- Azurite ------------------------------------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
# A fresh in-memory Azurite per run, as upload-vs-az.sh does (one that keeps every blob slows down and runs out of
# extent memory).
fresh_azurite() {
  cleanup
  "$AZURITE" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence --loose --skipApiVersionCheck \
    --disableTelemetry --silent > "$WORK/azurite.log" 2>&1 &
  apid=$!
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$port/devstoreaccount1?comp=list" && break; sleep 0.2; done
  AZURE_STORAGE_CONNECTION_STRING=$CONN timeout 120 az storage container create -n vhds -o none > /dev/null 2>&1 \
    || { echo "compare.sh: Azurite did not start (see $WORK/azurite.log)" >&2; exit 1; }
}
# The upload commands, as arrays for `timed` (GNU time runs programs, not shell functions): set CMD.
vhdkit_upload() { # FILE NAME
  rm -rf "$WORK/journal"
  CMD=(env "AZURE_STORAGE_CONNECTION_STRING=$CONN" "$VHDKIT" upload "$1" --container vhds --name "$2" --progress none
    --threads 8 --journal "$WORK/journal")
}
az_upload() { # FILE NAME
  CMD=(env "AZURE_STORAGE_CONNECTION_STRING=$CONN" az storage blob upload --type page -c vhds -n "$2" -f "$1"
    --max-connections 8 --no-progress -o none)
}

# ---- inputs -------------------------------------------------------------------------------------------------------
# A fixed VHD of VIRTUAL bytes holding DATA bytes of random data in 16 MiB runs spread evenly (holes elsewhere).
sparse_vhd() { # OUT VIRTUAL DATA
  [ -f "$1" ] && return 0
  rm -f "$1.raw"; truncate -s "$2" "$1.raw"
  python3 - "$1.raw" "$2" "$3" <<'P'
import random, sys
r = random.Random(100); size, data, run = int(sys.argv[2]), int(sys.argv[3]), 16 << 20
n = max(1, data // run); step = (size // n) // (1 << 20) * (1 << 20)
with open(sys.argv[1], "r+b") as f:
    for i in range(n):
        f.seek(i * step); f.write(r.randbytes(min(run, data - i * run)))
P
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$1.raw" "$1.tmp" && mv "$1.tmp" "$1"
  rm -f "$1.raw"
}
# A fixed VHD of SIZE bytes that is 80 % zeros (written as data), as upload-vs-az.sh makes its 4 GiB one.
z80_vhd() { # OUT SIZE
  [ -f "$1" ] && return 0
  python3 - "$1.raw" "$2" <<'P'
import random, sys
r = random.Random(80); chunk = 4 << 20; n = int(sys.argv[2]) // chunk
with open(sys.argv[1], "wb") as f:
    for i in range(n):
        f.write(r.randbytes(chunk) if r.random() < 0.2 else bytes(chunk))
P
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on -S 0 "$1.raw" "$1.tmp" && mv "$1.tmp" "$1"
  rm -f "$1.raw"
}
rand_vhd() { # OUT SIZE
  [ -f "$1" ] && return 0
  head -c "$2" /dev/urandom > "$1.raw"
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$1.raw" "$1.tmp" && mv "$1.tmp" "$1"
  rm -f "$1.raw"
}

# ---- upload -------------------------------------------------------------------------------------------------------
upload_pair() { # LABEL FILE AZ_TIMEOUT AZ_RUNS: RUNS runs of vhdkit, AZ_RUNS of az, alternating, on fresh Azurites
  local label=$1 f=$2 aztime=$3 azruns=$4 tv=() ta=() rss=()
  for r in $(seq "$RUNS"); do
    fresh_azurite
    vhdkit_upload "$f" "v$r"; timed 1800 "${CMD[@]}"; tv+=("$T"); rss+=("$RSS")
    if have az && [ "$r" -le "$azruns" ]; then
      fresh_azurite; az_upload "$f" "a$r"; PEER_MAY_FAIL=1 timed "$aztime" "${CMD[@]}"; ta+=("${T:-}")
    fi
  done
  cleanup
  local mv ma; mv=$(median "${tv[@]}"); ma=$(median "${ta[@]}")
  local size; size=$(stat -c %s "$f")
  local mrss; mrss=$(median "${rss[@]}")
  out "| $label | $(awk -v s="$size" 'BEGIN {printf "%.1f", s / 1073741824}') GiB, $(( $(stat -c %b "$f") * 512 / M )) MiB on disk | $(fmt "$mv") | $( [ -n "$ma" ] && fmt "$ma" || echo "timeout ($aztime s) / missing") | **$(ratio "$ma" "$mv")** | $( [ -n "$mrss" ] && echo "$(( mrss / 1024 )) MiB" || echo "-") |"
}
# The client pipeline alone (read, zero scan, checksum, HTTP) against benchmarks/upload/DiscardServer.java, as
# upload-vs-az.sh runs it: vhdkit's summary line per run.
discard_pipeline() { # FILE...
  local dport dpid
  dport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  java "$ROOT/benchmarks/upload/DiscardServer.java" "$dport" > "$WORK/discard.log" 2>&1 &
  dpid=$!
  for _ in $(seq 100); do grep -q endpoint "$WORK/discard.log" 2>/dev/null && break; sleep 0.2; done
  for f in "$@"; do
    for r in $(seq "$RUNS"); do
      rm -rf "$WORK/journal-d"
      timed 1800 "$VHDKIT" upload "$f" --to "http://127.0.0.1:$dport/devstoreaccount1/c/$r-$(basename "$f")?sv=2021-06-08&sp=rw&sig=x" \
        --progress none --threads 8 --journal "$WORK/journal-d" --no-validate
      out "| $(basename "$f") | $(fmt "$T") | $(sed -n 's/^  \(.*MB\/s.*\)/\1/p' "$WORK/last.log" | head -1) |"
    done
  done
  kill "$dpid" 2>/dev/null || true; wait "$dpid" 2>/dev/null || true
}
run_upload() {
  section_header upload "Upload: vhdkit upload vs az storage blob upload --type page (same fresh Azurite per run)" az azurite
  [ -x "$AZURITE" ] || { out "Skipped: no Azurite at $AZURITE (npm install --prefix ~/.cache/vhdkit-azurite azurite@3.35.0)."; return; }
  have az || out "az is missing (Debian package azure-cli): vhdkit rows only."
  local d=$WORK/upload
  mkdir -p "$d"
  out "| input | size | vhdkit s (median) | az s (median) | **az / vhdkit** | vhdkit peak RSS |"
  out "|---|---|---:|---:|---:|---:|"
  if [ $QUICK = 1 ]; then
    z80_vhd "$d/z80-256m.vhd" $((256 * M)); rand_vhd "$d/rand-128m.vhd" $((128 * M))
    sparse_vhd "$d/sparse-8g.vhd" $((8 * G)) $((64 * M))
    upload_pair "80 % zeros" "$d/z80-256m.vhd" 300 "$RUNS"
    upload_pair "random" "$d/rand-128m.vhd" 300 "$RUNS"
    upload_pair "sparse, 64 MiB of data" "$d/sparse-8g.vhd" 600 1
  else
    # the two inputs of upload-vs-az.sh (owned by the uploader's work), run by it; its medians are copied here
    if have az; then
      "$ROOT/benchmarks/upload-vs-az.sh" "$RUNS" "$d" | tee "$WORK/upload-vs-az.log"
      for f in z80-4g.vhd rand-2g.vhd; do
        awk -v f="$f" -v size="$(stat -c %s "$d/$f")" '$1 == f && /median/ {
          gsub(/,/, ""); printf "| %s (upload-vs-az.sh) | %.1f GiB | %s | %s | **%s** | - |\n", f, size / 1073741824, $4, $7, $11 }' \
          "$WORK/upload-vs-az.log" >> "$WORK/section-upload.md"
      done
    fi
    sparse_vhd "$d/sparse-100g.vhd" $((100 * G)) $((1 * G))
    # az reads every byte of the 100 GiB (its zero check runs at about 130 MB/s here): one run of it, capped
    upload_pair "sparse, 1 GiB of data" "$d/sparse-100g.vhd" 1800 1
  fi
  out
  out "The client pipeline alone against DiscardServer (\`vhdkit upload --to URL --no-validate --threads 8\`), one line per run:"
  out
  out "| input | wall s | vhdkit's summary |"
  out "|---|---:|---|"
  if [ $QUICK = 1 ]; then
    discard_pipeline "$d/rand-128m.vhd" "$d/z80-256m.vhd"
  else
    grep '^discard ' "$WORK/upload-vs-az.log" 2>/dev/null | sed 's/^discard \([^:]*\): \(.*\)/| \1 (upload-vs-az.sh) | - | \2 |/' \
      >> "$WORK/section-upload.md" || true
  fi
  out
  out "vhdkit: \`vhdkit upload FILE --container vhds --name N --threads 8 --progress none\` (validation included);" \
    "az: \`az storage blob upload --type page --max-connections 8 --no-progress\`; wall time, process start included." \
    "az runs once on the sparse input (it reads all of it), capped by a timeout."
}

# ---- convert ------------------------------------------------------------------------------------------------------
run_convert() {
  section_header convert "Convert: vhdkit convert vs qemu-img convert -O vpc (convert-vs-qemu.sh)"
  # the issue's case (1 GiB) and two larger ones: vhdkit's fixed cost is its JVM's start, qemu-img's is its copy
  local sizes=$([ $QUICK = 1 ] && echo "256 1024" || echo "1024 2048 4096")
  local size tsvs=()
  rm -f "$WORK/convert.log"
  for size in $sizes; do
    local tsv=$WORK/convert-$size.tsv
    rm -f "$tsv"
    WORK="$WORK/convert" SIZE_MIB=$size RESULTS="$tsv" "$ROOT/benchmarks/convert-vs-qemu.sh" "$RUNS" \
      | tee -a "$WORK/convert.log"
    tsvs+=("$size=$tsv")
  done
  out "Inputs: $(echo $sizes | sed 's/ / MiB, /g') MiB virtual, 30 % of each random data in 3 MiB runs every 10 MiB" \
    "starting 512 bytes past a 2 MiB boundary. vhdkit forces its output to disk before the rename; \`qemu-img + sync\`" \
    "is qemu-img followed by \`sync -f OUT\`, the same guarantee; \`vhdkit --no-sync\` and bare qemu-img both leave the" \
    "write-back to the kernel. Allocation measured after \`sync -f\`; outputs checked equal to the source (qemu-img" \
    "compare) and clean (vhdkit check)."
  out
  out "| virtual | case | vhdkit s | qemu-img + sync s | **(qemu-img + sync) / vhdkit** | vhdkit --no-sync s | qemu-img s | **qemu-img / vhdkit --no-sync** | vhdkit allocates | qemu-img allocates |"
  out "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  python3 - "${tsvs[@]}" >> "$WORK/section-convert.md" <<'P'
import sys, collections
for arg in sys.argv[1:]:
    size, path = arg.split("=", 1)
    rows = collections.OrderedDict()
    for line in open(path):
        c, tool, s, alloc, _ = line.rstrip("\n").split("\t")
        rows.setdefault(c, {})[tool] = (float(s), int(alloc))
    for c, t in rows.items():
        v, q, qs, n = t["vhdkit"], t["qemu-img"], t["qemu-img + sync"], t["vhdkit --no-sync"]
        print(f"| {size} MiB | {c} | {v[0]:.2f} | {qs[0]:.2f} | **{qs[0] / v[0]:.2f}** | {n[0]:.2f} | {q[0]:.2f} "
              f"| **{q[0] / n[0]:.2f}** | {v[1]:,} | {q[1]:,} |")
P
}

# ---- inspect / validate -------------------------------------------------------------------------------------------
run_inspect() {
  section_header inspect "Inspect and validate: vhdkit vs qemu-img info and libguestfs" libguestfs
  local img=${VHDKIT_BENCH_LINUX_IMAGE:-$ROOT/target/fixtures/linux-validate/deprovisioned.vhd}
  if [ ! -f "$img" ]; then
    out "Skipped: no Debian image at $img. The tests build it (fixtures/linux-validate/build.sh, through" \
      "\`./mvnw -B -pl cli -am verify -Dtest=ValidateLinuxTest -Dsurefire.failIfNoSpecifiedTests=false\`), or set" \
      "VHDKIT_BENCH_LINUX_IMAGE to a fixed VHD holding a Linux root."
    return
  fi
  out "Image: \`$(basename "$img")\`, $(( $(stat -c %s "$img") / M )) MiB fixed VHD, a Debian 12 root made by debootstrap" \
    "(the tests' linux-validate fixture); in the page cache. libguestfs runs with LIBGUESTFS_BACKEND=$LIBGUESTFS_BACKEND" \
    "(its appliance boots under emulation here), one run of each (the vhdkit and qemu-img figures are medians)."
  out
  out "| what | vhdkit command | vhdkit s (median) | peer command | peer s (median) | **peer / vhdkit** |"
  out "|---|---|---:|---|---:|---:|"
  cat "$img" > /dev/null
  local v_inspect=() v_validate=() v_cat=() q_info=() g_insp=() g_cat=()
  for _ in $(seq "$RUNS"); do
    timed 120 "$VHDKIT" inspect "$img"; v_inspect+=("$T")
    timed 120 "$VHDKIT" validate "$img"; v_validate+=("$T")
    timed 120 "$VHDKIT" cat "$img" /etc/os-release; v_cat+=("$T")
    timed 60 qemu-img info -f vpc "$img"; q_info+=("$T")
  done
  # libguestfs boots its appliance under emulation here (minutes per call, a whole core): one run of each, capped
  # by GUESTFS_LIMIT seconds (default 900; --quick 300)
  if have virt-inspector; then
    local lim=${GUESTFS_LIMIT:-$([ $QUICK = 1 ] && echo 300 || echo 900)}
    PEER_MAY_FAIL=1 timed "$lim" virt-inspector --format=vpc -a "$img"; g_insp+=("${T:-}")
    PEER_MAY_FAIL=1 timed "$lim" virt-cat --format=vpc -a "$img" /etc/os-release; g_cat+=("${T:-}")
  fi
  local vi vv vc qi gi gc
  vi=$(median "${v_inspect[@]}"); vv=$(median "${v_validate[@]}"); vc=$(median "${v_cat[@]}")
  qi=$(median "${q_info[@]}"); gi=$(median "${g_insp[@]}"); gc=$(median "${g_cat[@]}")
  local miss="not installed (libguestfs-tools)"
  have virt-inspector && miss="timed out or failed (peer-failure.log in the work dir)"
  out "| container metadata | \`vhdkit inspect\` | $(fmt "$vi") | \`qemu-img info -f vpc\` | $(fmt "$qi") | **$(ratio "$qi" "$vi")** |"
  out "| container + OS rules | \`vhdkit validate\` | $(fmt "$vv") | \`qemu-img info -f vpc\` | $(fmt "$qi") | **$(ratio "$qi" "$vv")** |"
  out "| the OS inside | \`vhdkit inspect\` | $(fmt "$vi") | \`virt-inspector --format=vpc -a\` | $( [ -n "$gi" ] && fmt "$gi" || echo "$miss") | **$(ratio "$gi" "$vi")** |"
  out "| one file | \`vhdkit cat IMG /etc/os-release\` | $(fmt "$vc") | \`virt-cat --format=vpc -a IMG /etc/os-release\` | $( [ -n "$gc" ] && fmt "$gc" || echo "$miss") | **$(ratio "$gc" "$vc")** |"
}

# ---- scaling ------------------------------------------------------------------------------------------------------
# The same content at every size: a GPT disk whose partition 1 (at 1 MiB) is an ext4 filesystem with a small Linux
# /etc (os-release, fstab, hostname) and a random data file; the rest of the disk is holes.
scaling_vhd() { # OUT VIRTUAL FSIMG
  [ -f "$1" ] && return 0
  rm -f "$1.raw"; truncate -s "$2" "$1.raw"
  sgdisk -q -o -n "1:2048:+$(( $(stat -c %s "$3") / 1024 ))K" -t 1:8300 -c 1:root "$1.raw" > /dev/null
  dd if="$3" of="$1.raw" bs=1M seek=1 conv=notrunc,sparse status=none
  qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$1.raw" "$1.tmp" && mv "$1.tmp" "$1"
  rm -f "$1.raw"
}
peak_heap_mib() { # GC_LOG: the most heap in use at any point the log shows (before each collection, and at exit)
  python3 - "$1" <<'P'
import re, sys
peak = 0.0
unit = {"K": 1 / 1024, "M": 1, "G": 1024}
text = open(sys.argv[1]).read()
for m in re.finditer(r"Pause .*? (\d+)([KMG])->\d+[KMG]\(", text):
    peak = max(peak, int(m.group(1)) * unit[m.group(2)])
used = sum(int(m.group(1)) * unit[m.group(2)] for m in re.finditer(r"(?:generation|space|region).*?used (\d+)([KMG])", text)
           if "Metaspace" not in m.group(0) and "class space" not in m.group(0))
print(f"{max(peak, used):.0f}")
P
}
run_scaling() {
  section_header scaling "Scaling: the same content at virtual sizes from 1 GiB to 2 TiB" azurite
  have sgdisk && have mkfs.ext4 || { out "Skipped: needs sgdisk (gdisk) and mkfs.ext4 (e2fsprogs)."; return; }
  local d=$WORK/scaling fsmib datamib
  if [ $QUICK = 1 ]; then fsmib=96; datamib=32; else fsmib=384; datamib=256; fi
  mkdir -p "$d"
  local fs=$d/root-${fsmib}m.ext4
  if [ ! -f "$fs" ]; then
    rm -rf "$d/tree"; mkdir -p "$d/tree/etc" "$d/tree/var/lib"
    printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' > "$d/tree/etc/os-release"
    printf 'LABEL=root / ext4 defaults 0 1\n' > "$d/tree/etc/fstab"
    echo scaling > "$d/tree/etc/hostname"
    head -c $((datamib * M)) /dev/urandom > "$d/tree/var/lib/data.bin"
    mkfs.ext4 -q -F -L root -d "$d/tree" "$fs.tmp" "${fsmib}M" && mv "$fs.tmp" "$fs"
    rm -rf "$d/tree"
  fi
  out "Content: GPT, partition 1 an ext4 filesystem of $fsmib MiB with /etc/os-release, /etc/fstab and a" \
    "$datamib MiB random file (mkfs.ext4 -d); the rest of the disk is holes (sparse fixed VHD, qemu-img)." \
    "Targets: validate < 2 s, < 64 MiB read, < 256 MiB heap; upload RSS < 512 MiB."
  out
  out "| virtual size | validate s (median) | validate bytes read | validate peak heap | upload s (median) | upload peak RSS |"
  out "|---|---:|---:|---:|---:|---:|"
  for gib in 1 16 256 2040; do
    local img=$d/disk-${gib}g.vhd
    scaling_vhd "$img" $((gib * G)) "$fs"
    local tv=() tu=() rss=() heap=0 bytes=
    for _ in $(seq "$RUNS"); do
      rm -f "$WORK/gc.log"
      export VHDKIT_JAVA_OPTS="-Xlog:gc*=info,gc+heap+exit=info:file=$WORK/gc.log"
      timed 120 "$VHDKIT" validate --format json "$img"
      unset VHDKIT_JAVA_OPTS
      tv+=("$T")
      bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["bytesRead"])' "$WORK/last.log" 2>/dev/null || echo "?")
      local h; h=$(peak_heap_mib "$WORK/gc.log"); [ "$h" -gt "$heap" ] && heap=$h
    done
    if [ -x "$AZURITE" ]; then
      for r in $(seq "$RUNS"); do
        fresh_azurite
        vhdkit_upload "$img" "s$gib-$r"; timed 1800 "${CMD[@]}"; tu+=("$T"); rss+=("$RSS")
      done
      cleanup
    fi
    local label=$([ $gib = 2040 ] && echo "2040 GiB (2 TiB class: the VHD maximum)" || echo "$gib GiB")
    out "| $label | $(fmt "$(median "${tv[@]}")") | $( [ "$bytes" = "?" ] && echo "?" || awk -v b="$bytes" 'BEGIN {printf "%.1f MiB", b / 1048576}') | $heap MiB | $( [ ${#tu[@]} -gt 0 ] && fmt "$(median "${tu[@]}")" || echo "no Azurite") | $( [ -n "$(median "${rss[@]}")" ] && echo "$(( $(median "${rss[@]}") / 1024 )) MiB" || echo "-") |"
  done
  out
  out "validate: \`vhdkit validate --format json IMG\` (bytes read from its stats; peak heap from the GC log:" \
    "the most in use before any collection or at exit); upload: as in the upload table, to a fresh Azurite."
}

# ---- run ----------------------------------------------------------------------------------------------------------
echo "compare.sh: $MODE, work dir $WORK; $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for s in convert inspect scaling upload; do
  if [ "$ONLY" = all ] || [ "$ONLY" = "$s" ]; then
    echo "== $s ($(date -u +%T))"
    "run_$s"
    echo; cat "$WORK/section-$s.md"; echo
  fi
done
echo "compare.sh: done in $((SECONDS - STARTED)) s; load average now $(cut -d' ' -f1-3 /proc/loadavg)"

if [ $README = 1 ]; then
  python3 - "$ROOT/benchmarks/README.md" "$WORK" "${SECTIONS[@]}" <<'P'
import sys, pathlib
readme, work, names = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
text = readme.read_text()
for name in names:
    begin, end = f"<!-- compare.sh:{name} begin -->", f"<!-- compare.sh:{name} end -->"
    body = (work / f"section-{name}.md").read_text().rstrip("\n")
    block = f"{begin}\n{body}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
readme.write_text(text)
P
  echo "compare.sh: tables written into benchmarks/README.md (${SECTIONS[*]})"
fi
