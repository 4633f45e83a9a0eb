#!/usr/bin/env bash
# Load without failure: `zegocb listen --save` under 256 concurrent
# connections for DURATION (default 10s), driven by zegocb's own load mode.
# Passes when every request got 200 (no resets, no 5xx) and every
# acknowledged callback is a capture line; prints throughput, latency
# percentiles and listen's peak RSS (VmHWM).
#
#   bench/listen/load256.sh                 # 10 s, 256 connections
#   DURATION=30s CONNS=512 bench/listen/load256.sh
#
# The CI-sized version is TestListen256Connections (internal/cli).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
DURATION=${DURATION:-10s}
CONNS=${CONNS:-256}
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
SECRET=load-secret-$RANDOM
export ZEGO_CALLBACK_SECRET=$SECRET
go build -o "$work/zegocb" ./cmd/zegocb
"$work/zegocb" listen -q --addr 127.0.0.1:0 --save "$work/cap.jsonl" >/dev/null 2>"$work/err" &
pid=$!
for _ in $(seq 1 500); do grep -q 'listening on' "$work/err" && break; sleep 0.01; done
url=$(grep -o 'http://[^ ]*' "$work/err" | head -1)
[[ -n $url ]] || { cat "$work/err"; exit 1; }

code=0
"$work/zegocb" send stream_create --to "$url" --duration "$DURATION" -c "$CONNS" -o json >"$work/load.json" || code=$?
hwm=$(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status" 2>/dev/null || echo "?")
kill -INT "$pid"
wait "$pid" || true
pid=
lines=$(wc -l <"$work/cap.jsonl")

python3 - "$work/load.json" "$lines" "$hwm" "$code" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
lines, hwm, code = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
lat = r["latency_ms"]
print(f"{r['requests']} requests, {r['concurrency']} connections, {r['elapsed_ms']/1000:.1f}s: "
      f"{r['throughput_rps']:.0f} req/s; ok {r['ok']}, failed {r['failed']}, statuses {r['status_counts']}, errors {r.get('errors') or {}}")
print(f"latency ms: p50 {lat['p50']:.2f}  p90 {lat['p90']:.2f}  p99 {lat['p99']:.2f}  max {lat['max']:.2f}")
print(f"listen peak RSS (VmHWM): {hwm}; capture lines: {lines}")
bad = r["failed"] != 0 or code != 0 or lines < r["ok"] or set(r["status_counts"]) != {"200"}
print("FAIL" if bad else "OK")
sys.exit(1 if bad else 0)
EOF
