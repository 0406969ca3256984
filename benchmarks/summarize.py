#!/usr/bin/env python3
"""Turns JMH's JSON results (-rf json) into the Markdown tables of benchmarks/README.md.

    python3 benchmarks/summarize.py benchmarks/jmh-result.json
    python3 benchmarks/summarize.py --paired benchmarks/target/paired/*.json     (what paired.sh prints)

DynamicReadBench scores are ms per full pass over sizeMiB; throughput is sizeMiB / (score / 1000) MiB/s, and
its +- is the same relative half-width as JMH's 99.9% confidence interval on the score. The ratio is
vhdImage throughput / plain throughput (plain = plainSource, the same FileByteSource the VHD reader uses);
vhdFileChannel (the VHD file read at the BAT's offsets without vhd-core) splits the gap into layout and code.

PathLookupBench: ns per lookup by filesystem and path kind; openLayoutRead in us per sequence, with the image
bytes read per sequence (the bytesRead / opens secondary counters, which JMH sums over the iterations).
FileReadBench: ms per pass over sizeMiB as MiB/s, and fsRead / plainChannel per filesystem.
With -prof gc, the allocation per operation (gc.alloc.rate.norm) is shown too.
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
    lookups = {}          # (fs, path) -> (score, err, alloc)
    cold = {}             # fs -> (score, err, bytes per sequence, alloc)
    fsreads = defaultdict(dict)   # (bufferKiB, sizeMiB) -> variant -> (score, err, rate, half, alloc)
    for r in results:
        name = r["benchmark"].removeprefix(PREFIX)
        cls, method = name.split(".")
        p = r.get("params", {})
        score = r["primaryMetric"]["score"]
        err = float(r["primaryMetric"]["scoreError"])  # "NaN" with fewer than 3 iterations
        if err != err:
            err = 0.0
        secondary = {k.lstrip("\u00b7"): v for k, v in r.get("secondaryMetrics", {}).items()}
        alloc = secondary.get("gc.alloc.rate.norm", {}).get("score")
        if cls == "PathLookupBench" and method == "lookup":
            lookups[(p["fs"], p["path"])] = (score, err, alloc)
            continue
        if cls == "PathLookupBench" and method == "openLayoutRead":
            opens = secondary.get("opens", {}).get("score")
            total = secondary.get("bytesRead", {}).get("score")
            per = total / opens if opens and total is not None else None
            cold[p["fs"]] = (score, err, per, alloc)
            continue
        if cls == "FileReadBench":
            key = (int(p["bufferKiB"]), int(p["sizeMiB"]))
            variant = p["fs"] if method == "fsRead" else "plain"
            rate = key[1] * 1000.0 / score
            fsreads[key][variant] = (score, err, rate, rate * err / score, alloc)
            continue
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

    if lookups:
        print_lookups(lookups, cold)

    if fsreads:
        print_fsreads(fsreads)

    if footer:
        print("| benchmark | virtualMiB | score | ops/s |")
        print("|---|---:|---:|---:|")
        for method, vmib, score, err, unit in footer:
            per_s = {"ns/op": 1e9, "us/op": 1e6, "ms/op": 1e3}.get(unit)
            ops = f"{per_s / score:,.0f}" if per_s else "-"
            print(f"| {method} | {vmib} | {score:,.1f} ± {err:,.1f} {unit} | {ops} |")


def fmt_alloc(b):
    if b is None:
        return "-"
    return f"{b / 1024:,.1f} KiB" if b >= 10240 else f"{b:,.0f} B"


def print_lookups(lookups, cold):
    kinds = [k for k in ("shallow", "deep", "symlink", "bigdir") if any(key[1] == k for key in lookups)]
    kinds += sorted({key[1] for key in lookups} - set(kinds))
    systems = [f for f in ("ext4", "xfs") if any(key[0] == f for key in lookups)]
    gc = any(v[2] is not None for v in lookups.values())
    head = "| path |" + "".join(f" {f} ns/op |" for f in systems)
    if gc:
        head += "".join(f" {f} allocated/op |" for f in systems)
    print(head)
    print("|---|" + "---:|" * (len(systems) * (2 if gc else 1)))
    for k in kinds:
        row = f"| {k} |"
        for f in systems:
            v = lookups.get((f, k))
            row += f" {v[0]:,.0f} ± {v[1]:,.0f} |" if v else " - |"
        if gc:
            for f in systems:
                v = lookups.get((f, k))
                row += f" {fmt_alloc(v[2]) if v else '-'} |"
        print(row)
    print()
    if cold:
        print("| fs | openLayoutRead us/op | sequences/s | image bytes read per sequence | allocated/op |")
        print("|---|---:|---:|---:|---:|")
        for f in sorted(cold):
            score, err, per, alloc = cold[f]
            per_s = f"{per:,.0f}" if per is not None else "-"
            print(f"| {f} | {score:,.1f} ± {err:,.1f} | {1e6 / score:,.0f} | {per_s} | {fmt_alloc(alloc)} |")
        print()


def print_fsreads(fsreads):
    systems = [f for f in ("ext4", "xfs") if any(f in m for m in fsreads.values())]
    head = "| bufferKiB | sizeMiB | plainChannel MiB/s |" + "".join(f" {f} fsRead MiB/s |" for f in systems)
    head += "".join(f" **{f} / plain** |" for f in systems)
    print(head)
    print("|---:|---:|---:|" + "---:|" * (2 * len(systems)))
    for key in sorted(fsreads):
        m = fsreads[key]

        def rate(v):
            return f"{m[v][2]:,.0f} ± {m[v][3]:,.0f}" if v in m else "-"

        def ratio(v):
            return f"**{m[v][2] / m['plain'][2] * 100:.0f} %**" if v in m and "plain" in m else "-"

        print(f"| {key[0]} | {key[1]} | {rate('plain')} |" + "".join(f" {rate(f)} |" for f in systems)
              + "".join(f" {ratio(f)} |" for f in systems))
    print()
    variants = ["plain"] + systems
    gc = any(v[4] is not None for m in fsreads.values() for v in m.values())
    print("| bufferKiB | " + " | ".join(f"{'plainChannel' if v == 'plain' else v + ' fsRead'} ms/pass"
                                       for v in variants)
          + (" | " + " | ".join(f"{v} allocated/pass" for v in systems) if gc else "") + " |")
    print("|---:|" + "---:|" * (len(variants) + (len(systems) if gc else 0)))
    for key in sorted(fsreads):
        m = fsreads[key]
        cells = [f"{m[v][0]:.1f} ± {m[v][1]:.1f}" if v in m else "-" for v in variants]
        if gc:
            cells += [fmt_alloc(m[v][4]) if v in m else "-" for v in systems]
        print(f"| {key[0]} | " + " | ".join(cells) + " |")
    print()


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
