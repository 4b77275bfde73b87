#!/usr/bin/env python3
"""A synthetic fleet of N series for the forecast throughput bench, cut from real Bitbrains VMs.

Each series is 28 days (672 hours) of hourly CPU cores of one real VM (from split.py's tune/held-out files),
starting at a seeded random hour, so the fleet has real shapes and no two series are identical windows.
Usage: make_fleet.py SPLIT_DIR N OUT.csv[.gz] [--days 28]
"""
import argparse
import gzip
import os
import random
from collections import defaultdict


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("split_dir")
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args()
    series = defaultdict(dict)
    for name in ("tune-vms.csv", "heldout-vms.csv"):
        with open(os.path.join(args.split_dir, name)) as handle:
            next(handle)
            for line in handle:
                ts, entity, _, value = line.rstrip("\n").split(",")
                series[entity][int(ts)] = value
    hours = args.days * 24
    pool = []
    for entity, values in sorted(series.items()):
        stamps = sorted(values)
        if len(stamps) > hours + 24:
            pool.append((entity, stamps, values))
    rng = random.Random(7)
    opener = gzip.open if args.out.endswith(".gz") else open
    end = 1_700_000_000 - 1_700_000_000 % 3600
    with opener(args.out, "wt") as out:
        out.write("timestamp,entity,metric,value\n")
        for i in range(args.n):
            entity, stamps, values = pool[i % len(pool)]
            first = rng.randrange(0, len(stamps) - hours)
            window = stamps[first:first + hours]
            shift = end - window[-1]
            for ts in window:
                out.write(f"{ts + shift},s{i:05d}-{entity},cpu_cores,{values[ts]}\n")


if __name__ == "__main__":
    main()
