#!/usr/bin/env bash
# Throughput of `zegocb send -n N -c C` against hey on the same bare endpoint,
# side by side, alternating which goes first. Loopback only.
#   bench/send/run.sh            # N=20000 C=32 ROUNDS=4
#   N=50000 ROUNDS=6 bench/send/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-20000}
C=${C:-32}
ROUNDS=${ROUNDS:-4}
EVENT=${EVENT:-stream_create}

if ! command -v hey >/dev/null; then
	apt-get install -y hey >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y hey >/dev/null; }
fi

tmp=$(mktemp -d)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/zegocb" ./cmd/zegocb
go build -o "$tmp/server" ./bench/send/server
"$tmp/server" -addr-file "$tmp/url" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
URL=$(cat "$tmp/url")

export ZEGO_CALLBACK_SECRET=bench-secret
# The same kind of body zegocb sends: a signed sample of EVENT.
"$tmp/zegocb" send "$EVENT" --to "$URL" --dry-run | sed '1,/^$/d' | head -c -1 >"$tmp/body.json"
size=$(wc -c <"$tmp/body.json")

echo "endpoint  $URL (bare net/http, answers 200 \"1\")"
echo "load      $EVENT, ${size} B JSON body, -n $N -c $C, $ROUNDS rounds, $(nproc) cores"
echo "hey       hey -n $N -c $C -m POST -T application/json -D body.json URL"
echo "zegocb    zegocb send $EVENT --to URL -n $N -c $C"
echo

run_hey() {
	hey -n "$N" -c "$C" -m POST -T application/json -D "$tmp/body.json" "$URL" |
		awk '/Requests\/sec/ {print $2}'
}
run_zegocb() {
	"$tmp/zegocb" send "$EVENT" --to "$URL" -n "$N" -c "$C" -o json -q |
		grep -o '"throughput_rps":[0-9.]*' | cut -d: -f2
}

hs=() zs=()
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		h=$(run_hey); z=$(run_zegocb)
	else
		z=$(run_zegocb); h=$(run_hey)
	fi
	hs+=("$h") zs+=("$z")
	printf 'round %d   hey %10.1f req/s   zegocb %10.1f req/s   ratio %.2f\n' "$r" "$h" "$z" "$(awk -v a="$z" -v b="$h" 'BEGIN {print a/b}')"
done

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.1f", s/NR}'; }
hm=$(mean "${hs[@]}")
zm=$(mean "${zs[@]}")
echo
printf 'mean      hey %10.1f req/s   zegocb %10.1f req/s   ratio %.2f (target >= 1.20)\n' "$hm" "$zm" "$(awk -v a="$zm" -v b="$hm" 'BEGIN {print a/b}')"
