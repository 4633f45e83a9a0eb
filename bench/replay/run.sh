#!/usr/bin/env bash
# `zegocb replay` without timing against `zegocb send` load mode on the same
# bare endpoint (bench/send/server), side by side, alternating which goes
# first; then replay's peak memory on captures of 10k, 100k and 1M lines.
# Loopback only.
#
#   bench/replay/run.sh                         # N=20000 C=32 ROUNDS=4
#   N=50000 ROUNDS=6 bench/replay/run.sh
#   MEM_SIZES="10000 100000" bench/replay/run.sh   # quicker memory part
#   SKIP_MEM=1 bench/replay/run.sh
#
# Assumes the command line `zegocb replay FILE --to URL -c 32 -q` (issue 11;
# the CLI is written separately from internal/replay). Both commands are
# timed the same way, wall clock of the whole process (replay's includes its
# validation pass, send's its startup); send's own throughput_rps (-o json)
# is shown beside it. Targets: replay >= 80% of send's throughput; replay's
# peak RSS the same for 10k and 1M lines (it streams). Captures go to
# bench/out/ (git-ignored) and are reused.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-20000}
C=${C:-32}
ROUNDS=${ROUNDS:-4}
MEM_SIZES=${MEM_SIZES:-"10000 100000 1000000"}
OUT=bench/out
mkdir -p "$OUT"
export ZEGO_CALLBACK_SECRET=bench-secret

[ -x /usr/bin/time ] || apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }

server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

go build -o "$OUT/zegocb" ./cmd/zegocb
go build -o "$OUT/send-server" ./bench/send/server
go build -o "$OUT/replay-gen" ./bench/replay/gen
rm -f "$OUT/replay-url"
"$OUT/send-server" -addr-file "$OUT/replay-url" &
server_pid=$!
for _ in $(seq 50); do [ -s "$OUT/replay-url" ] && break; sleep 0.1; done
URL=$(cat "$OUT/replay-url")

if ! "$OUT/zegocb" replay --help >/dev/null 2>&1; then
	echo "this zegocb has no replay command yet (issue 11): build it first" >&2
	exit 2
fi

gen() { # gen N [EVENT] -> path; records signed with $ZEGO_CALLBACK_SECRET, so replay sends them byte-exact
	local f="$OUT/replay-$1${2:+-$2}.jsonl"
	[ -s "$f" ] || "$OUT/replay-gen" -n "$1" ${2:+-event "$2"} -secret "$ZEGO_CALLBACK_SECRET" -o "$f"
	echo "$f"
}

# timed CMD... -> "seconds maxrss_kb", the command's stdout in $OUT/last.out;
# the seconds from bash's microsecond clock (time's %e counts hundredths,
# 4% of a 0.25 s run), the peak RSS from /usr/bin/time.
timed() {
	local t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$OUT/last.time" "$@" >"$OUT/last.out"
	local t1=$EPOCHREALTIME
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b-a}') $(tail -1 "$OUT/last.time")"
}

CAP=$(gen "$N" stream_create)
echo "endpoint  $URL (bare net/http, answers 200 \"1\")"
echo "input     $CAP: $N capture records of stream_create, $(($(stat -c %s "$CAP") / N)) B a line; -c $C; $ROUNDS rounds; $(nproc) cores"
echo "send      zegocb send stream_create --to URL -n $N -c $C -q -o json"
echo "replay    zegocb replay FILE --to URL -c $C -q"
echo

run_send() {
	read -r secs _ < <(timed "$OUT/zegocb" send stream_create --to "$URL" -n "$N" -c "$C" -q -o json)
	own=$(grep -o '"throughput_rps":[0-9.]*' "$OUT/last.out" | cut -d: -f2)
	echo "$(awk -v n="$N" -v s="$secs" 'BEGIN {printf "%.1f", n/s}') ${own:-0}"
}
run_replay() {
	read -r secs _ < <(timed "$OUT/zegocb" replay "$CAP" --to "$URL" -c "$C" -q)
	awk -v n="$N" -v s="$secs" 'BEGIN {printf "%.1f", n/s}'
}

ss=() rs=()
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		read -r s own < <(run_send); rp=$(run_replay)
	else
		rp=$(run_replay); read -r s own < <(run_send)
	fi
	ss+=("$s") rs+=("$rp")
	printf 'round %d   send %9.1f req/s (its own count %9.1f)   replay %9.1f req/s   ratio %.2f\n' "$r" "$s" "$own" "$rp" "$(awk -v a="$rp" -v b="$s" 'BEGIN {print a/b}')"
done
mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.1f", s/NR}'; }
sm=$(mean "${ss[@]}")
rm_=$(mean "${rs[@]}")
echo
printf 'mean      send %9.1f req/s   replay %9.1f req/s   ratio %.2f (target >= 0.80)\n' "$sm" "$rm_" "$(awk -v a="$rm_" -v b="$sm" 'BEGIN {print a/b}')"

[ -n "${SKIP_MEM:-}" ] && exit 0
echo
echo "peak memory of zegocb replay FILE --to URL -c $C -q (mixed events)"
for n in $MEM_SIZES; do
	f=$(gen "$n")
	read -r secs kb < <(timed "$OUT/zegocb" replay "$f" --to "$URL" -c "$C" -q)
	printf '%8d lines  %6d MB  peak RSS %7.1f MB  %6.1f s  %9.1f req/s\n' "$n" $(($(stat -c %s "$f") / 1000000)) "$(awk -v k="$kb" 'BEGIN {print k/1024}')" "$secs" "$(awk -v n="$n" -v s="$secs" 'BEGIN {print n/s}')"
done
