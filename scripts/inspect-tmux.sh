#!/usr/bin/env bash
# Drives the real `zegocb inspect FILE` in a detached tmux window of 100x30
# and saves what the screen shows after each step, as plain text (an honest
# screenshot for docs/): the list, the detail, the raw body, a filter, the
# jump to failures, the help, a resize to 80x24, and that q ends the program. It checks each
# screen for what must be there and exits 1 when something is missing.
#
#   scripts/inspect-tmux.sh                    # the test fixture, into a temp dir
#   scripts/inspect-tmux.sh FILE OUTDIR        # another capture, screens into OUTDIR
#   ZEGOCB=/path/to/zegocb scripts/inspect-tmux.sh   # an already built binary
#   COLOR=1 scripts/inspect-tmux.sh            # keep colour (capture-pane -e)
#
# It assumes the command line `zegocb inspect FILE` (issue 12); INSPECT_CMD
# replaces the whole command if it is spelled differently. The secret for the
# fixture's signatures is passed in the environment (ZEGO_CALLBACK_SECRET),
# as a user would; it is never on the screen (the script checks).
set -euo pipefail
cd "$(dirname "$0")/.."

file=${1:-internal/inspect/testdata/capture.jsonl}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
sock="zegocb-inspect-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

. scripts/tmux-lib.sh
pane=inspect
tmux_ui_setup "$work"
secret=${ZEGO_CALLBACK_SECRET:-fixture-secret}
cmd=${INSPECT_CMD:-"$ZEGOCB inspect $(printf %q "$file")"}

# A private tmux server (-L): no other session is touched. The window stays
# after the program ends (remain-on-exit) so its end can be checked.
tmux -L "$sock" -f /dev/null new-session -d -s inspect -x 100 -y 30 \
	"env TERM=xterm-256color $color_env ZEGO_CALLBACK_SECRET=$(printf %q "$secret") $cmd"
tmux -L "$sock" set-option -t inspect remain-on-exit on >/dev/null

shot 01-list "zegocb inspect" "keeps last 10,000" "room_close"
keys g Down Down Enter
shot 02-detail "stream_create" "signature ok" "payload"
keys PageDown
shot 03-detail-scrolled "JSON in a string, expanded"
keys b
shot 04-raw-body "raw body"
keys Escape / e v e n t : r o o m Enter
shot 05-filter "4 of 7 events" 'filter "event:room"'
keys Escape g f
wait_for "> 12:00:02" || true
keys f
shot 06-failure "> 12:00:09"
keys '?'
shot 07-help "keys" "any key closes this help"
keys Escape
tmux -L "$sock" resize-window -t inspect -x 80 -y 24 # follows the resize
shot 08-list-80x24 "> 12:00:09"
if [[ $(screen | wc -L) -gt 80 || $(screen | wc -l) -gt 24 ]]; then # wc -L: display width
	echo "FAIL: the 80x24 screen is larger than 80x24" >&2
	fail=1
fi
keys q
for _ in $(seq 50); do
	if [[ $(tmux -L "$sock" display-message -p -t inspect '#{pane_dead}') == 1 ]]; then
		break
	fi
	sleep 0.1
done
if [[ $(tmux -L "$sock" display-message -p -t inspect '#{pane_dead}') != 1 ]]; then
	echo "FAIL: q did not end the program" >&2
	fail=1
else
	status=$(tmux -L "$sock" display-message -p -t inspect '#{pane_dead_status}')
	echo "program ended with exit status $status"
	[[ $status == 0 ]] || fail=1
fi
exit $fail
