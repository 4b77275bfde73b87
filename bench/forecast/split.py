#!/usr/bin/env python3
"""Tuning / held-out split of the Bitbrains Rnd trace for forecasting v2 (docs/forecasting.md).

VM ids with id % 5 != 0 are for tuning, id % 5 == 0 are held out (never looked at while tuning).
Writes hourly mean CPU cores (the analyzer's own 1 h mean resampling gives the same values):
  tune-vms.csv      the first 100 tuning VMs
  tune-sums.csv     10 host-like sums of 10 of those VMs (an hour only when all 10 have data)
  heldout-vms.csv   all 48 held-out VMs
  heldout-sums.csv  4 sums of 10 held-out VMs (the last 8 held-out VMs make no full group)
Usage: split.py --out DIR [--data DIR]
"""
import argparse
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(__file__))
from bitbrains_to_history import read_vm  # noqa: E402


def hourly(data, vm, stats):
    sums = defaultdict(lambda: [0.0, 0])
    for ts, value in read_vm(data, vm, stats, "skip"):
        b = sums[ts - ts % 3600]
        b[0] += value
        b[1] += 1
    return {h: s / n for h, (s, n) in sums.items()}


def write(path, series):
    with open(path, "w") as out:
        out.write("timestamp,entity,metric,value\n")
        for entity, values in series:
            for hour in sorted(values):
                out.write(f"{hour},{entity},cpu_cores,{values[hour]!r}\n")


def sums(per_vm, ids, group):
    result = []
    for start in range(0, len(ids) - group + 1, group):
        members = ids[start:start + group]
        hours = set.intersection(*(set(per_vm[v]) for v in members))
        result.append((f"sum-{members[0]:03d}-{members[-1]:03d}", {h: sum(per_vm[v][h] for v in members) for h in hours}))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data/bitbrains-rnd"))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    stats = defaultdict(int)
    tune = [v for v in range(1, 241) if v % 5 != 0][:100]
    held = [v for v in range(1, 241) if v % 5 == 0]
    per_vm = {v: hourly(args.data, v, stats) for v in tune + held}
    write(os.path.join(args.out, "tune-vms.csv"), [(f"vm-{v:03d}", per_vm[v]) for v in tune])
    write(os.path.join(args.out, "tune-sums.csv"), sums(per_vm, tune, 10))
    write(os.path.join(args.out, "heldout-vms.csv"), [(f"vm-{v:03d}", per_vm[v]) for v in held])
    write(os.path.join(args.out, "heldout-sums.csv"), sums(per_vm, held, 10))
    print(dict(stats), file=sys.stderr)


if __name__ == "__main__":
    main()
