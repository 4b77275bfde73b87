#!/usr/bin/env python3
"""Convert the Bitbrains GWA-T-12 Rnd trace into the analyzer's history CSV (timestamp,entity,metric,value).

Per VM id, the three monthly files (2013-7, 2013-8, 2013-9) are concatenated in time order; CPU cores in use
= CPU usage [MHz] / (CPU capacity provisioned [MHz] / CPU cores). The timestamp column says [ms] but holds
Unix seconds. Rows with 0 cores and 0 provisioned MHz (a powered-off VM, usage 0) count as 0 cores in use;
unparsable rows are skipped and counted.

Outputs:
  vms.csv    raw 5-minute samples of every VM (metric cpu_cores; the analyzer resamples to 1 h by mean)
  hosts.csv  host-like aggregates: VMs 1-10, 11-20, ... summed per hour (hourly mean per VM first, because the
             VMs' 5-minute timestamps are not aligned); an hour is written only when all VMs of the group
             have data in it, so a gap in one VM is a gap in the sum, never a silent drop of its load.
"""
import argparse
import gzip
import os
import sys
from collections import defaultdict


def read_vm(directory, vm, stats, powered_off):
    samples = {}
    for month in (7, 8, 9):
        path = os.path.join(directory, f"2013-{month}-{vm}.csv.gz")
        if not os.path.exists(path):
            stats["missing_files"] += 1
            continue
        with gzip.open(path, "rt") as handle:
            next(handle, None)
            for line in handle:
                parts = line.split(";")
                if len(parts) < 4:
                    stats["bad_rows"] += 1
                    continue
                try:
                    ts = int(float(parts[0]))
                    cores = float(parts[1])
                    capacity = float(parts[2])
                    usage = float(parts[3])
                except ValueError:
                    stats["bad_rows"] += 1
                    continue
                if cores <= 0 or capacity <= 0:
                    # Rows with 0 cores and 0 provisioned MHz are a VM that is powered off (usage is 0 too):
                    # no demand, so 0 cores in use, as the README's MHz-based measurement counts them.
                    if usage == 0 and powered_off == "zero":
                        samples[ts] = 0.0
                        stats["powered_off_rows"] += 1
                    elif usage == 0:
                        stats["powered_off_rows_skipped"] += 1
                    else:
                        stats["bad_rows"] += 1
                    continue
                samples[ts] = usage / (capacity / cores)
    return sorted(samples.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data/bitbrains-rnd"))
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--vms", type=int, default=240)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--group", type=int, default=10)
    parser.add_argument("--powered-off", choices=["zero", "skip"], default="skip",
                        help="rows with 0 cores/0 MHz provisioned: 0 cores in use or a gap (default: the formula is 0/0 there)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    stats = defaultdict(int)
    hourly = {}
    with open(os.path.join(args.out, "vms.csv"), "w") as out:
        out.write("timestamp,entity,metric,value\n")
        for vm in range(args.first, args.first + args.vms):
            samples = read_vm(args.data, vm, stats, args.powered_off)
            entity = f"vm-{vm:03d}"
            sums = defaultdict(lambda: [0.0, 0])
            for ts, value in samples:
                out.write(f"{ts},{entity},cpu_cores,{value!r}\n")
                bucket = sums[ts - ts % 3600]
                bucket[0] += value
                bucket[1] += 1
            hourly[vm] = {hour: s / n for hour, (s, n) in sums.items()}
            stats["rows"] += len(samples)
            if vm % 40 == 0:
                print(f"vm {vm}: {stats['rows']} rows", file=sys.stderr)
    with open(os.path.join(args.out, "hosts.csv"), "w") as out:
        out.write("timestamp,entity,metric,value\n")
        for start in range(args.first, args.first + args.vms, args.group):
            members = [vm for vm in range(start, min(start + args.group, args.first + args.vms))]
            if len(members) < args.group:
                continue
            hours = set.intersection(*(set(hourly[vm]) for vm in members))
            entity = f"host-{start:03d}-{members[-1]:03d}"
            for hour in sorted(hours):
                out.write(f"{hour},{entity},cpu_cores,{sum(hourly[vm][hour] for vm in members)!r}\n")
            stats["host_hours"] += len(hours)
    print(dict(stats), file=sys.stderr)


if __name__ == "__main__":
    main()
