#!/usr/bin/env bash
# Measures libvirt stats call cost on the local libvirtd: each stats group alone, and every group as one bulk
# call versus 2/4/8 parallel chunks, at 40 paused + 3 running test guests (p50/p95 of 20 runs).
# Needs root (creates guests) and a running libvirtd (bash scripts/libvirtd.sh start).
# Output: bench/results/libvirt-calls.md
set -euo pipefail
cd "$(dirname "$0")/.."
KMT_BENCH=1 dotnet test tests/KvmMetrics.Libvirt.Tests --filter "FullyQualifiedName~LibvirtCallsBench" \
  --logger "console;verbosity=detailed" 2>&1 | sed -n '/^# libvirt call cost/,/^Load average at end/p'
echo "written: bench/results/libvirt-calls.md"
