#!/usr/bin/env bash
# Time-boxed fuzzing of every parser (FUZZING.md). Each Jazzer fuzz target (the *FuzzTest classes of vhd-core and
# validator) runs in fuzzing mode for SECONDS (default 15) in a JVM of its own with a 256 MiB heap, starting from its
# seeds; the other tests are skipped. A finding fails the run, and Jazzer writes the input to
# MODULE/src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>: fix the parser, give the input a name
# and a test of its own (FUZZING.md). The corpus each target grows is kept in MODULE/.cifuzz-corpus/ (git-ignored)
# and reused by the next run. The executions of each target are printed at the end, from target/fuzz.log.
#
# usage: scripts/fuzz.sh [SECONDS] [CLASS]      e.g. scripts/fuzz.sh 600 ExtFuzzTest (one target for ten minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
only=${2:-}
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS] [CLASS]" >&2; exit 2; }
args=()
if [ -n "$only" ]; then
  args+=("-Dtest=$only" -Dsurefire.failIfNoSpecifiedTests=false)
fi
mkdir -p target
log=target/fuzz.log
start=$(date +%s)
# coverage feedback from vhdkit's parsers and the decompressors they call, not from the test code driving them
export JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
  JAZZER_INSTRUMENT='io.vhdkit.**,org.apache.commons.compress.**,org.tukaani.xz.**,io.airlift.compress.**' \
  JAZZER_INSTRUMENTATION_EXCLUDES='io.vhdkit.testing.**'
set +e
# each target's JVM: the 256 MiB heap of the build's replays (fuzz.argLine), the serial collector (no GC threads on
# the two cores), and for short runs the quick compiler only: a target's start (Jazzer instrumenting the classes it
# loads, in a cold JVM) took 13.5-15.8 s instead of 17.1-20.6 s for 8 s of fuzzing, with about as many executions
# (FUZZING.md); long campaigns keep C2, which runs the parsers faster once warm
jvm="-Xmx256m -XX:+UseSerialGC"
if [ "$seconds" -le 60 ]; then
  jvm+=" -XX:TieredStopAtLevel=1"
fi
./mvnw -B -pl vhd-core,validator -am verify -Dvhdkit.fuzzing=true -Dfuzz.reuseForks=false "-Dfuzz.argLine=$jvm" \
  "${args[@]}" > "$log" 2>&1
rc=$?
set -e
# per target: the class surefire ran, and libFuzzer's "Done N runs in S second(s)"
awk '/Running io\.vhdkit\..*FuzzTest/ { cls = $NF }
     /^Done [0-9]+ runs in/ { printf "fuzz: %-50s %12s executions in %s s\n", cls, $2, $5 }' "$log"
grep -E "Tests run:.*Fail|FuzzTestFinding|== Java Exception|crash-|hung on one input|BUILD (SUCCESS|FAILURE)" "$log" \
  | grep -v "Failures: 0, Errors: 0" | head -40 || true
echo "fuzz: $(( $(date +%s) - start )) s in all (log: $log)"
exit $rc
