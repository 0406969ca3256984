#!/usr/bin/env python3
"""Turns JMH's JSON results (-rf json) into the Markdown tables of benchmarks/README.md.

    python3 benchmarks/summarize.py benchmarks/jmh-result.json
    python3 benchmarks/summarize.py --paired benchmarks/target/paired/*.json     (what paired.sh prints)

DynamicReadBench scores are ms per full pass over sizeMiB; throughput is sizeMiB / (score / 1000) MiB/s, and
its +- is the same relative half-width as JMH's 99.9% confidence interval on the score. The ratio is
vhdImage throughput / plain throughput (plain = plainSource, the same FileByteSource the VHD reader uses);
vhdFileChannel (the VHD file read at the BAT's offsets without vhd-core) splits the gap into layout and code.
"""
import json
import os
import re
import statistics
import sys
from collections import defaultdict

PREFIX = "io.vhdkit.bench."


def main(path):
    with open(path) as f:
        results = json.load(f)
    reads = defaultdict(dict)
    footer = []
    for r in results:
        name = r["benchmark"].removeprefix(PREFIX)
        cls, method = name.split(".")
        p = r.get("params", {})
        score = r["primaryMetric"]["score"]
        err = float(r["primaryMetric"]["scoreError"])  # "NaN" with fewer than 3 iterations
        if err != err:
            err = 0.0
        if cls == "DynamicReadBench":
            key = (p["buffer"], int(p["bufferKiB"]), int(p["sizeMiB"]))
            mib = key[2]
            rate = mib * 1000.0 / score
            reads[key][method] = (score, err, rate, rate * err / score)
        else:
            footer.append((method, p.get("virtualMiB", "-"), score, err, r["primaryMetric"]["scoreUnit"]))

    if reads:
        methods = ("plainChannel", "plainSource", "vhdFileChannel", "vhdImage")
        order = sorted(reads, key=lambda k: (k[0] != "heap", k[1], k[2]))

        def rate(m, method):
            if method not in m:
                return "-"
            _, _, r, half = m[method]
            return f"{r:,.0f} ± {half:,.0f}"

        def ratio(m, a, b):
            if a not in m or b not in m:
                return "-"
            return f"{m[a][2] / m[b][2] * 100:.0f} %"

        print("| buffer | bufferKiB | " + " | ".join(f"{x} MiB/s" for x in methods)
              + " | **vhdImage / plainSource** | vhdFileChannel / plainChannel | vhdImage / vhdFileChannel |")
        print("|---|---:|" + "---:|" * (len(methods) + 3))
        for key in order:
            m = reads[key]
            print(f"| {key[0]} | {key[1]} | " + " | ".join(rate(m, x) for x in methods)
                  + f" | **{ratio(m, 'vhdImage', 'plainSource')}** | {ratio(m, 'vhdFileChannel', 'plainChannel')}"
                  + f" | {ratio(m, 'vhdImage', 'vhdFileChannel')} |")
        print()
        print("| buffer | bufferKiB | sizeMiB | " + " | ".join(f"{x} ms/pass" for x in methods) + " |")
        print("|---|---:|---:|" + "---:|" * len(methods))
        for key in order:
            m = reads[key]
            cells = [f"{m[x][0]:.1f} ± {m[x][1]:.1f}" if x in m else "-" for x in methods]
            print(f"| {key[0]} | {key[1]} | {key[2]} | " + " | ".join(cells) + " |")
        print()

    if footer:
        print("| benchmark | virtualMiB | score | ops/s |")
        print("|---|---:|---:|---:|")
        for method, vmib, score, err, unit in footer:
            per_s = {"ns/op": 1e9, "us/op": 1e6, "ms/op": 1e3}.get(unit)
            ops = f"{per_s / score:,.0f}" if per_s else "-"
            print(f"| {method} | {vmib} | {score:,.1f} ± {err:,.1f} {unit} | {ops} |")


def paired(paths):
    """Per (buffer, bufferKiB): the ratio vhdImage / plainSource throughput of each round's back-to-back pair."""
    runs = defaultdict(dict)  # (buffer, kib, mib) -> round -> method -> ms/pass
    for path in paths:
        m = re.match(r"r(\d+)-", os.path.basename(path))
        if not m:
            continue
        with open(path) as f:
            for r in json.load(f):
                method = r["benchmark"].rsplit(".", 1)[1]
                p = r["params"]
                key = (p["buffer"], int(p["bufferKiB"]), int(p["sizeMiB"]))
                runs[key].setdefault(int(m.group(1)), {})[method] = r["primaryMetric"]["score"]
    print("| buffer | bufferKiB | pairs | plainSource MiB/s (median) | vhdImage MiB/s (median) "
          "| **vhdImage / plainSource, median** | min - max of the pairs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key in sorted(runs, key=lambda k: (k[0] != "heap", k[1], k[2])):
        pairs = [v for v in runs[key].values() if "plainSource" in v and "vhdImage" in v]
        if not pairs:
            continue
        ratios = [v["plainSource"] / v["vhdImage"] for v in pairs]
        plain = statistics.median(key[2] * 1000.0 / v["plainSource"] for v in pairs)
        vhd = statistics.median(key[2] * 1000.0 / v["vhdImage"] for v in pairs)
        print(f"| {key[0]} | {key[1]} | {len(pairs)} | {plain:,.0f} | {vhd:,.0f} "
              f"| **{statistics.median(ratios) * 100:.0f} %** | {min(ratios) * 100:.0f} - {max(ratios) * 100:.0f} % |")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--paired":
        paired(sys.argv[2:])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
