#!/usr/bin/env python3
"""Independent re-computation of the simple baselines (no analyzer code involved), to check the evaluation.

Hourly mean per series (NaN for empty hours, no gap filling), the last ORIGINS days as daily origins at the
series' own end; seasonal naive / weekly naive / mean-7 / median-7 of the same hour (NaN-skipping); MAE over
hours where the actual and every forecast exist; geometric mean over series of MAE / MAE(seasonal naive).
Usage: baselines.py HISTORY.csv [ORIGINS]
"""
import math
import statistics
import sys
from collections import defaultdict

path = sys.argv[1]
origins = int(sys.argv[2]) if len(sys.argv) > 2 else 14
align = len(sys.argv) > 3 and sys.argv[3] == "midnight"  # end the last origin's day at 00:00 UTC
sums = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
with open(path) as handle:
    next(handle)
    for line in handle:
        ts, entity, _, value = line.rstrip("\n").split(",")
        bucket = sums[entity][int(ts) // 3600]
        bucket[0] += float(value)
        bucket[1] += 1

def nan_median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def nan_mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None

models = ["snaive", "last", "weekly", "mean7", "median7"]
logs = defaultdict(list)
skipped = 0
for entity, hours in sums.items():
    first, last = min(hours), max(hours)
    y = [None] * (last - first + 1)
    for h, (s, n) in hours.items():
        y[h - first] = s / n
    n = len(y)
    if align:
        while (first + n) % 24 != 0:
            n -= 1
    errors = defaultdict(float)
    count = 0
    for j in range(origins):
        o = n - 24 - (origins - 1 - j) * 24
        if o - 7 * 24 < 0:
            break
        for h in range(24):
            actual = y[o + h]
            last_value = next((y[k] for k in range(o - 1, -1, -1) if y[k] is not None), None)
            f = {
                "snaive": y[o - 24 + h],
                "last": last_value,
                "weekly": y[o - 168 + h],
                "mean7": nan_mean([y[o - 24 * d + h] for d in range(1, 8)]),
                "median7": nan_median([y[o - 24 * d + h] for d in range(1, 8)]),
            }
            if actual is None or any(v is None for v in f.values()):
                continue
            count += 1
            for m in models:
                errors[m] += abs(actual - f[m])
    if count == 0 or errors["snaive"] <= 1e-9 * count:
        skipped += 1
        continue
    for m in models:
        logs[m].append(math.log(max(errors[m], 1e-300) / errors["snaive"]))
print(f"{len(logs['snaive'])} series, {skipped} skipped (no data or constant)")
for m in models:
    print(f"{m:10s} {math.exp(sum(logs[m]) / len(logs[m])):.3f}")
