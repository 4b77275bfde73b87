#!/usr/bin/env bash
# Planner benchmark (docs/planning.md): fixed scenarios built from the real Bitbrains traces, scored on the
# real 7 days after plan time for the no-migration baseline, a Watcher-style greedy and the planner.
# The benchmark is its own project (bench/planner/PlannerBench.csproj); the shipped analyzer holds none of it.
#   bash bench/planner/run.sh --seed-offsets 1000,1100,1200,1300                 # training samples (tuning allowed)
#   bash bench/planner/run.sh --seed-offsets 3000,3100,3200,3300,3400,3500 --plan-day-offset 3   # held-out samples
#   bash bench/planner/run.sh --scenario 3                      # one scenario
#   bash bench/planner/run.sh --diagnose                        # per-host remaining hot hours, issues and moves
#   bash bench/planner/run.sh --policy minBenefit=0.3           # policy overrides (tuning runs on training offsets only)
#   bash bench/planner/run.sh --export DIR                      # also write each scenario as cluster.json + history.csv
#   RESULTS=bench/planner/results-heldout.md bash bench/planner/run.sh ...   # also save the output there
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${KVM_BENCH_DATA:-$root/../shared/data/bitbrains-rnd}"
[ -d "$data" ] || data=/work/shared/data/bitbrains-rnd
dotnet build "$root/bench/planner/PlannerBench.csproj" -c Release -nologo -v q >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')" | tee "${RESULTS:-/dev/null}"
dotnet "$root/bench/planner/bin/Release/net10.0/PlannerBench.dll" --data "$data" "$@" \
  | tee -a "${RESULTS:-/dev/null}"
