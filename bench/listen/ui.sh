#!/usr/bin/env bash
# listen --ui against the build before it, side by side (issue 12): under
# the bench/listen load (wrk, signed stream_create bodies), alternating,
# requests/s and CPU per request of
#
#   old -q    BASE's  zegocb listen -q --save FILE
#   new -q    HEAD's  zegocb listen -q --save FILE
#   old tty   BASE's  zegocb listen --save FILE        (pretty, on a tmux terminal)
#   new ui    HEAD's  zegocb listen --ui --save FILE   (the inspector, on a tmux terminal)
#
# The terminal modes run inside a private tmux server (-L), in a 100x30
# window; stderr goes to a file. Every server is stopped with SIGINT and its
# capture is checked against its own summary (lines = events acknowledged).
#
#   bench/listen/ui.sh BASE_COMMIT            # 3 rounds of 10 s
#   DURATION=5s ROUNDS=1 MODES="oldq newui" bench/listen/ui.sh 629c316
#
# Run it alone: flock /tmp/zegocb-heavy.lock bench/listen/ui.sh BASE
set -euo pipefail

base=${1:?usage: bench/listen/ui.sh BASE_COMMIT}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
BODIES=${BODIES:-20000}
MODES=${MODES:-"oldq newq oldtty newui"}
SECRET=bench-secret-$RANDOM$RANDOM

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
sock="zegocb-uibench-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	[[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/new" ./cmd/zegocb
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"
(cd "$work/base" && go build -o "$work/old" ./cmd/zegocb)
rm -rf "$work/base"
go run ./bench/listen/gen "$SECRET" "$BODIES" >"$work/bodies.txt"
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wait_addr() {
	for _ in $(seq 1 500); do
		if addr=$(grep -ao 'listening on http://[^/ ]*' "$1" 2>/dev/null | head -1) && [[ -n $addr ]]; then
			echo "${addr#listening on http://}"
			return 0
		fi
		sleep 0.01
	done
	echo "server did not start: $(cat "$1")" >&2
	return 1
}

tmux -L "$sock" -f /dev/null new-session -d -s idle -x 100 -y 30 "sleep 100000"

# one MODE ROUND: prints one result line
one() {
	local mode=$1 round=$2
	local bin args tty=0 cap="$work/cap.jsonl" err="$work/err-$mode-$round.txt" pid addr t0 out line req dur rps cpu lines events non2xx
	case $mode in
	oldq) bin=$work/old args="-q" ;;
	newq) bin=$work/new args="-q" ;;
	oldtty) bin=$work/old args="" tty=1 ;;
	newui) bin=$work/new args="--ui" tty=1 ;;
	esac
	rm -f "$cap" "$work/pid"
	sync
	local cmd="echo \$\$ >$work/pid; exec env TERM=xterm-256color ZEGO_CALLBACK_SECRET=$SECRET $bin listen $args --addr 127.0.0.1:0 --save $cap 2>$err"
	if [[ $tty == 1 ]]; then
		tmux -L "$sock" new-window -d -t idle -n run "sh -c '$cmd'"
	else
		sh -c "$cmd >/dev/null" &
	fi
	for _ in $(seq 100); do [[ -s $work/pid ]] && break; sleep 0.02; done
	pid=$(cat "$work/pid")
	addr=$(wait_addr "$err")
	sleep 0.3 # let the inspector open
	t0=$(cpu_ticks "$pid")
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/listen/post.lua "http://$addr/" -- "$work/bodies.txt")
	cpu=$(cpu_ticks "$pid")
	kill -INT "$pid"
	# stopped: gone, or a zombie its parent (tmux) has not reaped yet
	alive() { [[ -e /proc/$1 && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
	for _ in $(seq 600); do alive "$pid" || break; sleep 0.05; done
	if alive "$pid"; then
		echo "$mode did not stop within 30 s of SIGINT; goroutines in $err.stuck" >&2
		kill -QUIT "$pid"
		sleep 1
		cp "$err" "${STUCK_DIR:-/tmp}/$(basename "$err").stuck" 2>/dev/null || true
		kill -KILL "$pid" 2>/dev/null || true
	fi
	[[ $tty == 1 ]] && { tmux -L "$sock" kill-window -t run 2>/dev/null || true; }
	wait 2>/dev/null || true
	line=$(grep '^RESULT' <<<"$out")
	req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
	dur=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")
	non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
	rps=$(awk -v r="$req" -v d="$dur" 'BEGIN{printf "%.0f", r/(d/1e6)}')
	cpu=$(awk -v a="$t0" -v b="$cpu" -v hz="$hz" -v r="$req" 'BEGIN{printf "%.1f", (b-a)/hz*1e6/r}')
	lines=$(wc -l <"$cap")
	events=$(sed -E 's/\x1b\[[0-9;]*m//g' "$err" | grep -a '^stopped:' | sed -E 's/^stopped: ([0-9,]+) event.*/\1/' | tr -d ,)
	printf '%-6s %-7s %9s %9s %10s %7s %9s %9s\n' "$round" "$mode" "$req" "$rps" "$cpu" "$non2xx" "$lines" "${events:-?}"
	[[ $lines == "${events:-x}" ]] || echo "       MISMATCH: $lines capture lines, ${events:-no summary} acknowledged: $(tail -c 300 "$err")" >&2
	rm -f "$cap"
	echo "$mode $rps $cpu" >>"$work/results"
}

echo "base $(git rev-parse --short "$base") vs HEAD $(git rev-parse --short HEAD); wrk -t$THREADS -c$CONNS -d$DURATION, $(nproc) cores"
printf '%-6s %-7s %9s %9s %10s %7s %9s %9s\n' round mode requests req/s cpu_us/req non2xx captured acked
read -r -a modes <<<"$MODES"
for round in $(seq 1 "$ROUNDS"); do
	# rotate the order each round
	n=${#modes[@]}
	for i in $(seq 0 $((n - 1))); do
		one "${modes[$(((i + round - 1) % n))]}" "$round"
	done
done
awk '{r[$1]+=$2; c[$1]+=$3; n[$1]++} END{
  for (m in r) printf "mean %-7s %9.0f req/s %8.1f cpu_us/req\n", m, r[m]/n[m], c[m]/n[m]
  if (n["oldq"] && n["newq"]) printf "new -q / old -q: %.1f%% req/s\n", 100*(r["newq"]/n["newq"])/(r["oldq"]/n["oldq"])
  if (n["oldq"] && n["newui"]) printf "new --ui / old -q: %.1f%% req/s\n", 100*(r["newui"]/n["newui"])/(r["oldq"]/n["oldq"])
  if (n["oldtty"] && n["newui"]) printf "new --ui / old pretty on a terminal: %.1f%% req/s\n", 100*(r["newui"]/n["newui"])/(r["oldtty"]/n["oldtty"])
}' "$work/results"
