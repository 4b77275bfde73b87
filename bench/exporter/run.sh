#!/usr/bin/env bash
# Benchmark: the KvmMetrics exporter as shipped (Native AOT binary) vs Debian's prometheus-libvirt-exporter (the
# anchor), same machine, same guests, one run. At 100 and 40 domains (1 halted + paused guests: light on the host) it
# measures scrape latency p50/p95, series count, RSS after 1,000 scrapes, and CPU seconds per scrape of the exporter
# and of libvirtd (from /proc/<pid>/stat), next to the raw bulk libvirt call. Not a test. Needs root, libvirtd running
# (scripts/libvirtd.sh start) and prometheus-libvirt-exporter (scripts/setup.sh).
#   bash bench/exporter/run.sh [--domains 100,40] [--scrapes 1000] [--bulk-scrapes 200]
# Prints a Markdown table (also written to bench/exporter/results.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/out/exporter-aot"
echo "[bench] publishing the exporter (Native AOT) to $out" >&2
dotnet publish src/KvmMetrics.Exporter -c Release -r linux-x64 -o "$out" --nologo -v quiet >/dev/null
exec python3 "$root/bench/exporter/bench.py" --exporter "$out/KvmMetrics.Exporter" \
  --out "$root/bench/exporter/results.md" "$@"
