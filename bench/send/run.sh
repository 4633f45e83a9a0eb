#!/usr/bin/env bash
# Throughput of zegocb's load mode (`zegocb send --duration D -c C`) against
# wrk and hey on the same bare endpoint, same concurrency, same body size,
# side by side, rotating which goes first. Loopback only. wrk (C, epoll) and
# hey send one fixed body; zegocb signs a fresh one per request.
# Target: zegocb >= 0.9x wrk's requests/s at -c 32.
#   bench/send/run.sh                       # DURATION=3s C=32 ROUNDS=4
#   DURATION=5s ROUNDS=6 bench/send/run.sh
#   ZEGOCB_OLD=/tmp/zegocb-before bench/send/run.sh   # also an older build
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-3s}
C=${C:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-4}
EVENT=${EVENT:-stream_create}
# ZEGOCB_OLD=path: a second zegocb binary (say, the build before a change),
# run in the same rounds as a fourth column.
ZEGOCB_OLD=${ZEGOCB_OLD:-}

for tool in hey wrk; do
	if ! command -v "$tool" >/dev/null; then
		apt-get install -y "$tool" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }
	fi
done

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
echo "load      $EVENT, ${size} B JSON body, -c $C for $DURATION, $ROUNDS rounds, $(nproc) cores"
echo "wrk       wrk -t$THREADS -c$C -d$DURATION -s bench/send/post.lua URL -- body.json   (one fixed body)"
echo "hey       hey -z $DURATION -c $C -m POST -T application/json -D body.json URL   (one fixed body)"
echo "zegocb    zegocb send $EVENT --to URL --duration $DURATION -c $C -o json -q   (a freshly signed body per request)"
[ -n "$ZEGOCB_OLD" ] && echo "old       $ZEGOCB_OLD send $EVENT --to URL --duration $DURATION -c $C -o json -q"
echo

run_wrk() {
	local line
	line=$(wrk -t"$THREADS" -c"$C" -d"$DURATION" -s bench/send/post.lua "$URL" -- "$tmp/body.json" | grep '^RESULT')
	if ! grep -q 'non2xx=0 connect=0 read=0 write=0 timeout=0' <<<"$line"; then echo "wrk: $line" >&2; fi
	awk '{for(i=1;i<=NF;i++){split($i,a,"=");v[a[1]]=a[2]}} END {printf "%.1f", v["requests"]/(v["duration_us"]/1e6)}' <<<"$line"
}
run_hey() {
	hey -z "$DURATION" -c "$C" -m POST -T application/json -D "$tmp/body.json" "$URL" |
		awk '/Requests\/sec/ {print $2}'
}
run_zegocb() { # run_zegocb BINARY
	"$1" send "$EVENT" --to "$URL" --duration "$DURATION" -c "$C" -o json -q |
		grep -o '"throughput_rps":[0-9.]*' | cut -d: -f2
}

ws=() hs=() zs=() os=()
tools=(wrk hey zegocb)
[ -n "$ZEGOCB_OLD" ] && tools+=(old)
for r in $(seq "$ROUNDS"); do
	# rotate the order each round, so no tool always runs first
	n=${#tools[@]}
	for k in $(seq 0 $((n - 1))); do
		case ${tools[$(((k + r) % n))]} in
		wrk) w=$(run_wrk) ;;
		hey) h=$(run_hey) ;;
		zegocb) z=$(run_zegocb "$tmp/zegocb") ;;
		old) o=$(run_zegocb "$ZEGOCB_OLD") ;;
		esac
	done
	ws+=("$w") hs+=("$h") zs+=("$z")
	printf 'round %d   wrk %9.1f   hey %9.1f   zegocb %9.1f req/s   zegocb/wrk %.2f   zegocb/hey %.2f' \
		"$r" "$w" "$h" "$z" "$(awk -v a="$z" -v b="$w" 'BEGIN {print a/b}')" "$(awk -v a="$z" -v b="$h" 'BEGIN {print a/b}')"
	if [ -n "$ZEGOCB_OLD" ]; then
		os+=("$o")
		printf '   old %9.1f  old/wrk %.2f' "$o" "$(awk -v a="$o" -v b="$w" 'BEGIN {print a/b}')"
	fi
	echo
done

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.1f", s/NR}'; }
wm=$(mean "${ws[@]}")
hm=$(mean "${hs[@]}")
zm=$(mean "${zs[@]}")
echo
printf 'mean      wrk %9.1f   hey %9.1f   zegocb %9.1f req/s   zegocb/wrk %.2f (target >= 0.90)   zegocb/hey %.2f\n' \
	"$wm" "$hm" "$zm" "$(awk -v a="$zm" -v b="$wm" 'BEGIN {print a/b}')" "$(awk -v a="$zm" -v b="$hm" 'BEGIN {print a/b}')"
if [ -n "$ZEGOCB_OLD" ]; then
	om=$(mean "${os[@]}")
	printf 'mean old  %9.1f req/s   old/wrk %.2f   new/old %.2f\n' "$om" "$(awk -v a="$om" -v b="$wm" 'BEGIN {print a/b}')" "$(awk -v a="$zm" -v b="$om" 'BEGIN {print a/b}')"
fi
