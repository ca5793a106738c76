#!/usr/bin/env python3
"""Markdown tables of the last criterion run, one per benchmark group.

    python3 benches/python/criterion_tables.py [FILTER]

Reads target/criterion/*/*/new/{benchmark,estimates}.json (the run that
`cargo bench` just made; CRITERION_DIR names another copy) and prints, for every group whose name contains
FILTER, each function's median time and throughput, and its time relative to
the group's `nn` row when there is one (above 1: nn is faster).
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
        nn = next((m for b, m in rows if b["function_id"] == "nn"), None)
        print(f"**{group}**\n")
        head = "| system | median time | throughput |" + (" nn speed-up |" if nn else "")
        print(head)
        print("| --- | ---: | ---: |" + (" ---: |" if nn else ""))
        for bench, median in rows:
            line = f"| {bench['function_id']} | {fmt_time(median)} | {throughput(bench, median)} |"
            if nn:
                line += f" {median / nn:.2f}x |"
            print(line)
        print()


if __name__ == "__main__":
    main()
