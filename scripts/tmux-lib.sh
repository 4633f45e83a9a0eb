# shellcheck shell=bash
# tmux-lib.sh holds what the scripts that drive zegocb's terminal UIs in a
# private tmux server share (scripts/inspect-tmux.sh, scripts/listen-ui-tmux.sh):
# finding or building the binary, the colour setting, and the screen helpers.
# Source it, then call tmux_ui_setup; the helpers read these variables:
#   sock     the private tmux server's name (tmux -L)
#   pane     the target pane (the session's name)
#   out      the folder the screens are saved in
#   secret   text that must never show on a screen
#   settle   seconds to let a frame settle before a shot (default 0.2)
#   trim     when non-empty, shots lose trailing white space on each line
# and they set fail=1 when something is missing.

# tmux_ui_setup WORKDIR: ZEGOCB (built into WORKDIR unless already set),
# color_env and capture_flags (COLOR=1 keeps colour: capture-pane -e).
tmux_ui_setup() {
	if [[ -z ${ZEGOCB:-} ]]; then
		go build -o "$1/zegocb" ./cmd/zegocb
		ZEGOCB=$1/zegocb
	fi
	color_env="NO_COLOR=1"
	capture_flags=(-p)
	if [[ -n ${COLOR:-} ]]; then
		color_env="CLICOLOR_FORCE=1"
		capture_flags=(-p -e)
	fi
	fail=0
}

screen() { tmux -L "$sock" capture-pane -t "$pane" -p; }                  # plain text, to search
saved() { tmux -L "$sock" capture-pane -t "$pane" "${capture_flags[@]}"; } # as saved

# wait_for TEXT: poll the screen until TEXT shows (10 s at most).
wait_for() {
	for _ in $(seq 100); do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "FAIL: \"$1\" never appeared; the screen:" >&2
	screen >&2
	fail=1
	return 1
}

# shot NAME TEXT...: wait for each TEXT, then save the screen as NAME.txt.
shot() {
	local name=$1
	shift
	for want in "$@"; do
		wait_for "$want" || true
	done
	sleep "${settle:-0.2}" # let the frame settle
	if [[ -n ${trim:-} ]]; then
		saved | sed -e 's/[[:space:]]*$//' >"$out/$name.txt"
	else
		saved >"$out/$name.txt"
	fi
	if grep -qF -- "$secret" "$out/$name.txt"; then
		echo "FAIL: $name shows the secret" >&2
		fail=1
	fi
	echo "$out/$name.txt"
}

# keys KEY...: type keys. Esc goes alone, with a pause after it: a terminal
# sends Esc and a key right after it as one Alt+key sequence.
keys() {
	for k in "$@"; do
		tmux -L "$sock" send-keys -t "$pane" "$k"
		if [[ $k == Escape ]]; then
			sleep 0.3
		fi
	done
}
