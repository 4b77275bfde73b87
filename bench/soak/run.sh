#!/usr/bin/env bash
# Soak of the exporter (not a test: it takes long). Builds the Release exporter, creates 40 paused boot-sector
# guests (free: no CPU), serves N scrapes from 10 concurrent keep-alive clients while one guest is destroyed and a
# new one created every 10 s, samples RSS, open fds, threads, Private_Dirty (smaps_rollup) and the GC's committed memory every
# N/200 scrapes,
# and reports first/last/min/max, the growth of the post-warm-up band (second half vs first half; peaks and troughs,
# because of the GC sawtooth) and the exporter's own round counters (coalescing).
# Exit code 1 when a bound stated in soak.py is exceeded. Needs root and libvirtd (scripts/libvirtd.sh start).
#   bash bench/soak/run.sh [--scrapes 100000] [--concurrency 10] [--modes off,5s | off:5000,5s:30000] [--churn-every 10]
# Writes bench/soak/results.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
echo "[soak] building the exporter (Release)" >&2
dotnet build src/KvmMetrics.Exporter -c Release --nologo -v quiet >/dev/null
# Run a private copy: a rebuild during the hour-long run would otherwise rewrite the assemblies the process maps.
copy="$(mktemp -d /tmp/kvm-soak-exporter.XXXXXX)"
trap 'rm -rf "$copy"' EXIT
cp -a src/KvmMetrics.Exporter/bin/Release/net10.0/. "$copy/"
export SOAK_ARGS="$*"
python3 "$root/bench/soak/soak.py" --exporter "$copy/KvmMetrics.Exporter" --out "$root/bench/soak/results.md" "$@"
