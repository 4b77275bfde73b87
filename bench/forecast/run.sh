#!/usr/bin/env bash
# Reproduces docs/forecasting.md: convert Bitbrains to history CSV, backtest per VM and per host-like sum,
# independent baseline check, and the throughput bench. Usage: bench/forecast/run.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-/tmp/kvm-forecast-bench}"
mkdir -p "$out"
python3 "$here/bitbrains_to_history.py" --out "$out"
dotnet build -c Release "$root/src/KvmMetrics.Analyzer" >/dev/null
analyzer="$root/src/KvmMetrics.Analyzer/bin/Release/net10.0/KvmMetrics.Analyzer.dll"
for f in vms hosts; do
  dotnet "$analyzer" backtest --history "$out/$f.csv" --step 1h --horizon 24h --origins 14 | tee "$out/backtest-$f.txt"
  python3 "$here/baselines.py" "$out/$f.csv" 14 | tee "$out/baselines-$f.txt"
done
(cd "$here" && dotnet run -c Release throughput.cs -- "$out/vms.csv" 5) | tee "$out/throughput.txt"
