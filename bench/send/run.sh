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

# Each run_* prints "REQ/S CPU": CPU is the load generator's own user+system
# CPU time per completed request in microseconds (GNU time), steadier than
# req/s on a busy machine, where the generator shares the cores with the
# endpoint and with whatever else runs.
timed() { # timed CMD...: runs CMD, its user+sys seconds go to $tmp/cpu
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@"
	else
		"$@"
		echo "0 0" >"$tmp/cpu"
	fi
}
per_req() { awk -v n="$1" '{printf "%.2f", ($1 + $2) * 1e6 / n}' "$tmp/cpu"; }
run_wrk() {
	local line req
	line=$(timed wrk -t"$THREADS" -c"$C" -d"$DURATION" -s bench/send/post.lua "$URL" -- "$tmp/body.json" | grep '^RESULT')
	if ! grep -q 'non2xx=0 connect=0 read=0 write=0 timeout=0' <<<"$line"; then echo "wrk: $line" >&2; fi
	req=$(grep -o 'requests=[0-9]*' <<<"$line" | cut -d= -f2)
	echo "$(awk '{for(i=1;i<=NF;i++){split($i,a,"=");v[a[1]]=a[2]}} END {printf "%.1f", v["requests"]/(v["duration_us"]/1e6)}' <<<"$line") $(per_req "$req")"
}
run_hey() {
	local out
	out=$(timed hey -z "$DURATION" -c "$C" -m POST -T application/json -D "$tmp/body.json" "$URL")
	echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(per_req "$(awk '/responses/ {s += $2} END {print s}' <<<"$out")")"
}
run_zegocb() { # run_zegocb BINARY
	local out
	out=$(timed "$1" send "$EVENT" --to "$URL" --duration "$DURATION" -c "$C" -o json -q)
	echo "$(grep -o '"throughput_rps":[0-9.]*' <<<"$out" | cut -d: -f2) $(per_req "$(grep -o '"requests":[0-9]*' <<<"$out" | cut -d: -f2)")"
}

ws=() hs=() zs=() os=() wc=() hc=() zc=() oc=()
tools=(wrk hey zegocb)
[ -n "$ZEGOCB_OLD" ] && tools+=(old)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
for r in $(seq "$ROUNDS"); do
	# rotate the order each round, so no tool always runs first
	n=${#tools[@]}
	for k in $(seq 0 $((n - 1))); do
		case ${tools[$(((k + r) % n))]} in
		wrk) read -r w wcpu < <(run_wrk) ;;
		hey) read -r h hcpu < <(run_hey) ;;
		zegocb) read -r z zcpu < <(run_zegocb "$tmp/zegocb") ;;
		old) read -r o ocpu < <(run_zegocb "$ZEGOCB_OLD") ;;
		esac
	done
	ws+=("$w") hs+=("$h") zs+=("$z") wc+=("$wcpu") hc+=("$hcpu") zc+=("$zcpu")
	printf 'round %d  req/s: wrk %8.0f  hey %8.0f  zegocb %8.0f  zegocb/wrk %s  zegocb/hey %s' \
		"$r" "$w" "$h" "$z" "$(ratio "$z" "$w")" "$(ratio "$z" "$h")"
	if [ -n "$ZEGOCB_OLD" ]; then
		os+=("$o") oc+=("$ocpu")
		printf '  old %8.0f  old/wrk %s' "$o" "$(ratio "$o" "$w")"
	fi
	printf '   cpu us/req: wrk %s  hey %s  zegocb %s' "$wcpu" "$hcpu" "$zcpu"
	[ -n "$ZEGOCB_OLD" ] && printf '  old %s' "$ocpu"
	echo
done

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.1f", s/NR}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.2f", (v[NR/2]+v[NR/2+1])/2}'; }
wm=$(mean "${ws[@]}") hm=$(mean "${hs[@]}") zm=$(mean "${zs[@]}")
# per-round ratios: each from tools run within seconds of each other
zw=() zh=() ow=()
for i in "${!ws[@]}"; do
	zw+=("$(ratio "${zs[$i]}" "${ws[$i]}")") zh+=("$(ratio "${zs[$i]}" "${hs[$i]}")")
	[ -n "$ZEGOCB_OLD" ] && ow+=("$(ratio "${os[$i]}" "${ws[$i]}")")
done
echo
printf 'mean req/s  wrk %8.0f  hey %8.0f  zegocb %8.0f   zegocb/wrk %s (target >= 0.90), median of rounds %s   zegocb/hey %s, median %s\n' \
	"$wm" "$hm" "$zm" "$(ratio "$zm" "$wm")" "$(median "${zw[@]}")" "$(ratio "$zm" "$hm")" "$(median "${zh[@]}")"
printf 'median cpu us/req  wrk %s  hey %s  zegocb %s\n' "$(median "${wc[@]}")" "$(median "${hc[@]}")" "$(median "${zc[@]}")"
if [ -n "$ZEGOCB_OLD" ]; then
	om=$(mean "${os[@]}")
	printf 'old: mean %8.0f req/s   old/wrk %s, median of rounds %s   new/old %s   median cpu us/req %s\n' \
		"$om" "$(ratio "$om" "$wm")" "$(median "${ow[@]}")" "$(ratio "$zm" "$om")" "$(median "${oc[@]}")"
fi
