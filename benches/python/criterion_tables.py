#!/usr/bin/env python3
"""Markdown tables of the last criterion run, one per benchmark group.

    python3 benches/python/criterion_tables.py [FILTER]

Reads target/criterion/*/*/new/{benchmark,estimates}.json (the run that
`cargo bench` just made; CRITERION_DIR names another copy) and prints, for every group whose name contains
FILTER, each function's median time and throughput, its time relative to the
group's nn row of the best tier (`nn avx512`, else `nn avx2`, ...; above 1:
nn is faster) and, for each nn row, the best peer's time over the row's (above
1: that tier beats every peer). When the run has the `peak (flops)` group, a
last table gives W2 per tier as a share of the measured mul+add and FMA peaks
and, for AVX2, of the forward's inner loop run in L1 (`avx2 Block`, aligned).
"""

import glob
import json
import os
import sys

UNITS = [(1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns")]
RATES = [(1e9, "G"), (1e6, "M"), (1e3, "K"), (1.0, "")]


def fmt_time(ns):
    scale, unit = next((s, u) for s, u in UNITS if ns >= s)
    return f"{ns / scale:.4g} {unit}"


def fmt_rate(per_second, what):
    scale, prefix = next(((s, p) for s, p in RATES if per_second >= s), RATES[-1])
    return f"{per_second / scale:.4g} {prefix}{what}/s"


def throughput(bench, ns):
    kind, amount = next(iter((bench.get("throughput") or {"": None}).items()))
    if amount is None:
        return ""
    if kind == "Bytes":
        return f"{amount / ns * 1e9 / 2**30:.4g} GiB/s"
    return fmt_rate(amount / ns * 1e9, "elem")


NN_ROWS = ["nn avx512", "nn avx2", "nn portable", "nn"]
W2_GROUP = "W2 784-128-10 batch 256"
W2_FLOPS = 2 * (784 * 128 + 128 * 10) * 256


def is_nn(function_id):
    return function_id == "nn" or function_id.startswith("nn ") or function_id.startswith("nn-")


def peak_table(groups):
    """W2's GFLOP/s per tier against the peak group's rows of that tier."""
    peaks = {b["function_id"]: b["throughput"]["Elements"] / m for b, m in groups.get("peak (flops)", [])}
    w2 = {b["function_id"]: m for b, m in groups.get(W2_GROUP, [])}
    if not peaks or not w2:
        return
    print("**W2 against the measured peak**\n")
    print("| tier | W2 GFLOP/s | mul+add peak GFLOP/s | % of mul+add | FMA peak GFLOP/s | % of FMA "
          "| kernel loop in L1 GFLOP/s | % of loop |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in NN_ROWS[:3]:
        if row not in w2:
            continue
        tier = row.removeprefix("nn ")
        got = W2_FLOPS / w2[row]
        mul_add, fma = peaks.get(f"{tier} MulAdd"), peaks.get(f"{tier} Fma")
        block = peaks.get(f"{tier} Block")
        cells = [f"{got:.1f}"]
        for p in (mul_add, fma, block):
            cells += [f"{p:.1f}", f"{100 * got / p:.0f} %"] if p else ["", ""]
        print(f"| {tier} | " + " | ".join(cells) + " |")
    print()


def main():
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    default = os.path.join(os.path.dirname(__file__), "..", "..", "target", "criterion")
    root = os.environ.get("CRITERION_DIR", default)
    groups = {}
    for path in glob.glob(os.path.join(root, "*", "*", "new", "benchmark.json")):
        with open(path) as f:
            bench = json.load(f)
        with open(os.path.join(os.path.dirname(path), "estimates.json")) as f:
            median = json.load(f)["median"]["point_estimate"]
        groups.setdefault(bench["group_id"], []).append((bench, median))
    for group in sorted(groups):
        if wanted not in group:
            continue
        rows = sorted(groups[group], key=lambda r: r[0]["function_id"])
        medians = {b["function_id"]: m for b, m in rows}
        nn = next((medians[r] for r in NN_ROWS if r in medians), None)
        peer = min((m for f, m in medians.items() if not is_nn(f)), default=None)
        print(f"**{group}**\n")
        head = "| system | median time | throughput |" + (" nn speed-up | best peer / row |" if nn else "")
        print(head)
        print("| --- | ---: | ---: |" + (" ---: | ---: |" if nn else ""))
        for bench, median in rows:
            f = bench["function_id"]
            line = f"| {f} | {fmt_time(median)} | {throughput(bench, median)} |"
            if nn:
                vs_peer = f"{peer / median:.2f}x" if peer and is_nn(f) else ""
                line += f" {median / nn:.2f}x | {vs_peer} |"
            print(line)
        print()
    if wanted in W2_GROUP or wanted in "peak (flops)":
        peak_table(groups)


if __name__ == "__main__":
    main()
