#!/usr/bin/env bash
# Durability under SIGKILL: load `zegocb listen -q --save FILE` with wrk, kill
# it with SIGKILL mid-run, and check that every request wrk saw acknowledged
# (2xx) is a whole line in the capture file.
#
#   bench/listen/sigkill.sh            # 3 s of load, SIGKILL after 2 s
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SECRET=bench-secret-$RANDOM
go build -o "$work/zegocb" ./cmd/zegocb
go run ./bench/listen/gen "$SECRET" 20000 >"$work/bodies.txt"
ZEGO_CALLBACK_SECRET=$SECRET "$work/zegocb" listen -q --addr 127.0.0.1:0 --save "$work/cap.jsonl" >/dev/null 2>"$work/err" &
pid=$!
for _ in $(seq 1 500); do grep -q 'listening on' "$work/err" && break; sleep 0.01; done
addr=$(grep -o 'http://[^/ ]*' "$work/err" | head -1)
(sleep 2; kill -9 "$pid") &
out=$(wrk -t2 -c64 -d3s -s bench/listen/post.lua "$addr/" -- "$work/bodies.txt")
wait "$pid" 2>/dev/null || true
line=$(grep '^RESULT' <<<"$out")
req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
acked=$((req - non2xx))
lines=$(wc -l <"$work/cap.jsonl")
whole=$(go run ./bench/listen/gen -count-records "$work/cap.jsonl")
echo "wrk: $acked requests acknowledged before SIGKILL; capture: $lines lines, $whole whole records"
[ "$whole" -ge "$acked" ] && [ "$whole" = "$lines" ] && echo OK || { echo FAIL; exit 1; }
