#!/usr/bin/env bash
# Drives the real `zegocb listen --ui` in a detached tmux window of 100x30:
# it sends a few callbacks with `zegocb send --to`, and saves what the
# screen shows after each step, as plain text (an honest screenshot for
# docs/): the live list, the detail of a callback, a replay with r to
# --forward-to (another `zegocb listen -q` stands in for the app), and the
# terminal after q (listen's banner, then its summary, then the exit status). It checks each
# screen for what must be there, that the capture file holds every request,
# and that the secret never shows; it exits 1 when something is missing.
#
#   scripts/listen-ui-tmux.sh                 # screens into a temp dir
#   scripts/listen-ui-tmux.sh OUTDIR          # screens into OUTDIR
#   ZEGOCB=/path/to/zegocb scripts/listen-ui-tmux.sh   # an already built binary
#   COLOR=1 scripts/listen-ui-tmux.sh         # keep colour (capture-pane -e)
#   COMBINED=docs/inspect/listen-ui.txt scripts/listen-ui-tmux.sh   # the screenshot in docs/
#
# Only 127.0.0.1 is used; the tmux server is private (-L) and killed at the
# end, with the stand-in app.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
sock="zegocb-listen-ui-$$"
app_pid=
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	if [[ -n $app_pid ]]; then
		kill -INT "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

. scripts/tmux-lib.sh
pane=ui
settle=0.3
trim=1
tmux_ui_setup "$work"
secret=listen-ui-demo-secret

# The app --forward-to relays to: another listener that answers "ok-from-app".
ZEGO_CALLBACK_SECRET=$secret "$ZEGOCB" listen -q --addr 127.0.0.1:0 --reply ok-from-app >/dev/null 2>"$work/app.err" &
app_pid=$!
app=
for _ in $(seq 100); do
	app=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/app.err" | head -1 || true)
	[[ -n $app ]] && break
	sleep 0.05
done
[[ -n $app ]] || { echo "FAIL: the stand-in app did not start: $(cat "$work/app.err")" >&2; exit 1; }

# listen runs in $work (the capture file is capture.jsonl there); the shell
# prints its exit status once it has ended, on the same terminal.
cap="$work/capture.jsonl"
tmux -L "$sock" -f /dev/null new-session -d -s ui -x 100 -y 30 -c "$work" \
	"env TERM=xterm-256color $color_env TZ=UTC ZEGO_CALLBACK_SECRET=$secret $ZEGOCB listen --ui --addr 127.0.0.1:0 --save capture.jsonl --forward-to $app/hook; echo \"[exit status \$?]\"; exec sleep 100000"

history() { tmux -L "$sock" capture-pane -t ui "${capture_flags[@]}" -S -; } # with the scrollback

# The listener's URL, from the inspector's title bar.
wait_for "waiting for callbacks" || exit 1
url=$(screen | grep -o 'listening on http://127.0.0.1:[0-9]*/' | head -1 | sed 's/^listening on //')
[[ -n $url ]] || { echo "FAIL: no URL in the title bar" >&2; exit 1; }

send() { ZEGO_CALLBACK_SECRET=${2:-$secret} "$ZEGOCB" send "$1" --to "$url" --no-retry "${@:3}" >/dev/null 2>&1 || true; }
send room_login
send stream_create
send stream_close
send room_logout wrong-secret # a bad signature: 401
send before_send_msg
shot 01-list "5 events" "1 failure" "before_send_msg" "BAD"
keys Up Up Enter # stream_close
shot 02-detail "stream_close" "signature ok" "payload"
keys r # replay it to --forward-to
shot 03-replay "replay: 200" "ok-from-app"
keys Escape f # back to the list, jump to the failure
shot 04-failure "> " "BAD 401"
keys q
wait_for "[exit status 0]" || echo "FAIL: q did not end listen with exit status 0" >&2
shot 05-after-q "stopped: 5 events" "5 lines saved to capture.jsonl" "[exit status 0]"
# The terminal after q, scrollback included: the banner printed before the
# inspector opened, then the summary printed after it closed.
history | sed -e 's/[[:space:]]*$//' | awk '{l[NR]=$0} $0!=""{n=NR} END{for(i=1;i<=n;i++)print l[i]}' >"$out/05-after-q.txt"
lines=$(wc -l <"$cap")
if [[ $lines != 5 ]]; then
	echo "FAIL: $lines capture lines, want 5" >&2
	fail=1
fi
# $COMBINED=FILE: the screens in one file, for docs/ (docs/inspect/listen-ui.txt).
if [[ -n ${COMBINED:-} ]]; then
	{
		echo "# zegocb listen --ui, driven in tmux (100x30) by scripts/listen-ui-tmux.sh; NO_COLOR=1, TZ=UTC."
		echo "# Five callbacks sent with \`zegocb send --to\` (one signed with the wrong secret); --forward-to"
		echo "# relays to a stand-in app (\`zegocb listen -q --reply ok-from-app\`)."
		for s in "01-list:the live list" "02-detail:Up Up Enter: the detail of stream_close" \
			"03-replay:r: replayed to --forward-to, the answer in place" "04-failure:Esc f: the list, the cursor on the failure" \
			"05-after-q:q: the terminal afterwards (scrollback included): the banner, then the summary"; do
			echo
			echo "=== ${s%%:*}: ${s#*:}"
			cat "$out/${s%%:*}.txt"
		done
	} >"$COMBINED"
	echo "$COMBINED"
fi
exit $fail
