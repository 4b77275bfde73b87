#!/usr/bin/env bash
# Forecast throughput end to end through the CLI (CSV read, model, CSV write): the full engine (global model +
# per-series choice) against the median-of-7 baseline alone, in the same run, on N series of 28 days hourly
# history cut from real Bitbrains VMs, 24 h horizon. Prints series/s, the ratio and peak RSS of each.
# Usage: bench/forecast/throughput.sh SPLIT_DIR [N=2000] [OUT_DIR=/tmp/kvm-forecast-throughput]
# (SPLIT_DIR from bench/forecast/split.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
split="$1"; n="${2:-2000}"; out="${3:-/tmp/kvm-forecast-throughput}"
mkdir -p "$out"
[ -f "$out/fleet-$n.csv" ] || python3 "$here/make_fleet.py" "$split" "$n" "$out/fleet-$n.csv"
dotnet build -c Release "$root/src/KvmMetrics.Analyzer" >/dev/null
dll="$root/src/KvmMetrics.Analyzer/bin/Release/net10.0/KvmMetrics.Analyzer.dll"
run() { # engine -> "seconds rss_kb"
  /usr/bin/time -f "%e %M" -o "$out/time-$1.txt" dotnet "$dll" forecast --history "$out/fleet-$n.csv" --step 1h --horizon 24h \
    --engine "$1" --output "$out/forecast-$1.csv" 2>"$out/stderr-$1.txt"
  cat "$out/time-$1.txt"
}
echo "load before: $(cat /proc/loadavg)"
read -r tm rm < <(run median-of-7)
read -r ta ra < <(run auto)
echo "load after:  $(cat /proc/loadavg)"
awk -v cores="$(nproc)" -v n="$n" -v tm="$tm" -v ta="$ta" -v rm="$rm" -v ra="$ra" 'BEGIN {
  printf "series %d, 28 d hourly, horizon 24 h, %s cores\n", n, cores;
  printf "median-of-7 : %6.1f s  %7.0f series/s  peak RSS %5.0f MiB\n", tm, n / tm, rm / 1024;
  printf "auto (v2)   : %6.1f s  %7.0f series/s  peak RSS %5.0f MiB\n", ta, n / ta, ra / 1024;
  printf "auto / median-of-7 rate: %.2f\n", (n / ta) / (n / tm) }'
tail -n 1 "$out/stderr-auto.txt"
