#!/usr/bin/env bash
# Write throughput of the KvmMetrics InfluxDB client against a local influxd 1.x started here
# (temp dir, free ports on 127.0.0.1, killed on exit). Prints one line per configuration.
# Usage: bench/influx/run.sh [points=1000000] [batch=5000]
set -euo pipefail
cd "$(dirname "$0")"
POINTS="${1:-1000000}"
BATCH="${2:-5000}"
INFLUXD="$(command -v influxd || echo /usr/bin/influxd)"
[ -x "$INFLUXD" ] || { echo "influxd not found; run scripts/setup.sh" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
DIR="$(mktemp -d /tmp/kvmm-influx-bench.XXXXXX)"
HTTP_PORT="$(free_port)"; RPC_PORT="$(free_port)"
cat > "$DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$RPC_PORT"
[meta]
  dir = "$DIR/meta"
[data]
  dir = "$DIR/data"
  wal-dir = "$DIR/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$HTTP_PORT"
  log-enabled = false
  max-body-size = 0
[logging]
  level = "warn"
CONF
"$INFLUXD" -config "$DIR/influxdb.conf" >"$DIR/influxd.log" 2>&1 &
PID=$!
trap 'kill -9 $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$HTTP_PORT/ping" >/dev/null && break; sleep 0.1; done

echo "# $(date -u +%FT%TZ) influxd $("$INFLUXD" version | head -1), $(nproc) CPUs, $POINTS points, batch $BATCH"
dotnet build InfluxBench.cs -c Release >/dev/null 2>&1 || dotnet build InfluxBench.cs -c Release
for gzip in true false; do
  for buffer in memory disk; do
    dotnet run --no-build -c Release InfluxBench.cs -- "http://127.0.0.1:$HTTP_PORT" "$POINTS" "$BATCH" "$gzip" "$buffer"
  done
done
