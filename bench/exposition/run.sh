#!/usr/bin/env bash
# 5,000 per-domain series: our exposition writer vs prometheus-net 8.2.1, interleaved in one process (Release).
# Usage: bench/exposition/run.sh [domains=100] [families=50] [scrapes=200]
set -euo pipefail
cd "$(dirname "$0")"
echo "date: $(date -u +%FT%TZ)  loadavg: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release -- "${1:-100}" "${2:-50}" "${3:-200}"
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
