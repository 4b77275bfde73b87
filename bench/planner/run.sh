#!/usr/bin/env bash
# Planner benchmark (docs/planning.md): fixed scenarios built from the real Bitbrains traces, scored on the
# real 7 days after plan time for the no-migration baseline, a Watcher-style greedy and the planner.
#   bash bench/planner/run.sh                                   # default sample (seed offset 0), table on stdout
#   bash bench/planner/run.sh --seed-offsets 1000,1100,1200,1300  # several VM samples: per-offset tables + totals
#   bash bench/planner/run.sh --scenario 3                      # one scenario
#   bash bench/planner/run.sh --diagnose                        # per-host remaining hot hours, issues and moves
#   bash bench/planner/run.sh --policy minBenefit=0.3           # policy overrides (tuning runs on training offsets only)
#   bash bench/planner/run.sh --export DIR                      # also write each scenario as cluster.json + history.csv
#   RESULTS=bench/planner/results-heldout.md bash bench/planner/run.sh ...   # also save the output there
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${KVM_BENCH_DATA:-$root/../shared/data/bitbrains-rnd}"
[ -d "$data" ] || data=/work/shared/data/bitbrains-rnd
dotnet build "$root/src/KvmMetrics.Analyzer" -c Release -nologo -v q >/dev/null
dotnet "$root/src/KvmMetrics.Analyzer/bin/Release/net10.0/KvmMetrics.Analyzer.dll" bench-planner --data "$data" "$@" \
  | tee "${RESULTS:-/dev/null}"
