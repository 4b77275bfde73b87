#!/usr/bin/env bash
# Benchmark: KvmMetrics exporter vs Debian's prometheus-libvirt-exporter (the anchor), same machine, same
# guests, one run. At 40 domains (37 paused + idle/spin/disk reader) and at 3 domains it measures scrape
# latency p50/p95, series count, age of the samples served, RSS, and CPU seconds per scrape of the exporter
# and of libvirtd (from /proc/<pid>/stat). Not a test. Needs root, libvirtd running (scripts/libvirtd.sh start).
#   bash bench/exporter/run.sh [--scrapes 50] [--interval 1.5]
# Prints a Markdown table (also written to bench/exporter/results.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
echo "[bench] building the exporter (Release)" >&2
dotnet build src/KvmMetrics.Exporter -c Release --nologo -v quiet >/dev/null
exec python3 "$root/bench/exporter/bench.py" --exporter "$root/src/KvmMetrics.Exporter/bin/Release/net10.0/KvmMetrics.Exporter" \
  --out "$root/bench/exporter/results.md" "$@"
