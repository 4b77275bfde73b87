#!/usr/bin/env bash
# Reproduces docs/forecasting.md (forecasting v2): tuning / held-out split of Bitbrains, the issue-15 protocol
# (5 daily origins, 24 h, 28 d windows) on both splits, and the CLI throughput against the median-of-7 baseline.
# Usage: bench/forecast/run.sh [OUT_DIR] [SERIES=2000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-/tmp/kvm-forecast-bench}"
n="${2:-2000}"
mkdir -p "$out"
python3 "$here/split.py" --out "$out"
echo "load: $(cat /proc/loadavg)"
(cd "$here" && dotnet run -c Release policies.cs -- 5 28 "$out/heldout-vms.csv" "$out/heldout-sums.csv") | tee "$out/heldout.txt"
(cd "$here" && dotnet run -c Release policies.cs -- 5 28 "$out/tune-vms.csv" "$out/tune-sums.csv") | tee "$out/tuning.txt"
"$here/throughput.sh" "$out" "$n" "$out/throughput" | tee "$out/throughput.txt"
