#!/usr/bin/env bash
# Rebuilds the analyzer's bundled sample cluster from the Bitbrains GWA-T-12 Rnd traces.
# Deterministic: the same traces give byte-identical files (tests/KvmMetrics.Analyzer.Tests/Sample checks it).
# Usage: scripts/build-sample.sh [TRACE_DIR]   (default: ../shared/data/bitbrains-rnd next to the repository)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
traces="${1:-$root/../shared/data/bitbrains-rnd}"
out="$root/src/KvmMetrics.Analyzer/Sample/Data"
dotnet run --project "$root/src/KvmMetrics.Analyzer" -- build-sample --traces "$traces" --output "$out"
ls -l "$out"
