#!/usr/bin/env bash
# Runs every fuzz target in the module, one after another, for FUZZTIME each
# (default 60s), and prints a summary: target, executions, new corpus
# entries, result. A failure leaves its input in the package's
# testdata/fuzz/<FuzzName>/ (commit it: `go test` then replays it as a
# regular test) and makes the script exit 1 after the other targets ran.
#
#   scripts/fuzz.sh                       # every target, 60 s each
#   FUZZTIME=10s scripts/fuzz.sh          # a quick pass
#   scripts/fuzz.sh FuzzHandler FuzzParse # only these
#
# Seed corpora under testdata/fuzz/ run in every plain `go test ./...`.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-60s}
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

targets=()
for pkg in $(go list ./...); do
	for name in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		if [[ $# -gt 0 ]] && ! printf '%s\n' "$@" | grep -qx "$name"; then
			continue
		fi
		targets+=("$pkg $name")
	done
done
if [[ ${#targets[@]} -eq 0 ]]; then
	echo "no fuzz targets found" >&2
	exit 2
fi

status=0
summary=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	log="$log_dir/$name.log"
	echo "==> $name ($pkg) for $FUZZTIME" >&2
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
		result=ok
	else
		result=FAIL
		status=1
		tail -n 30 "$log" >&2
	fi
	last=$(grep -E '^fuzz: elapsed' "$log" | tail -n 1)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
	new=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
	summary+=("$(printf '%-22s %12s execs %6s new  %s' "$name" "${execs:-?}" "${new:-?}" "$result")")
done
echo
printf '%s\n' "${summary[@]}"
exit $status
