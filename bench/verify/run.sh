#!/usr/bin/env bash
# Benchmark `zegocb verify` against a straightforward Python implementation of
# ZEGO's published signature check (bench/verify/baseline.py), and show that
# zegocb's peak memory does not grow with the input.
#
#   bash bench/verify/run.sh            # 100k lines for speed; 10k/100k/1M for memory
#   LINES=20000 MEM_SIZES="10000 100000" bash bench/verify/run.sh   # quicker
#
# Needs go and python3; uses hyperfine when installed (apt-get install -y
# hyperfine), else a bash `time` loop; /usr/bin/time (apt-get install -y time)
# for peak RSS. Outputs go to bench/out/ (git-ignored). Target: zegocb at
# least 10x faster than the baseline on 100k lines, peak memory flat.
set -euo pipefail

cd "$(dirname "$0")/../.."
OUT=bench/out
mkdir -p "$OUT"
LINES=${LINES:-100000}
MEM_SIZES=${MEM_SIZES:-"10000 100000 1000000"}
RUNS=${RUNS:-5}
export ZEGO_CALLBACK_SECRET=bench-secret

echo "== building"
go build -o "$OUT/zegocb" ./cmd/zegocb
go build -o "$OUT/gen" ./bench/verify/gen
echo "go: $(go version | cut -d' ' -f3)  python: $(python3 --version 2>&1)  cores: $(nproc)"

gen() { # gen N -> path
	local f="$OUT/verify-$1.jsonl"
	[ -s "$f" ] || "$OUT/gen" -n "$1" -o "$f" -secret "$ZEGO_CALLBACK_SECRET"
	echo "$f"
}

DATA=$(gen "$LINES")
echo "== input: $DATA, $LINES lines, $(($(stat -c %s "$DATA") / LINES)) bytes/line, $(($(stat -c %s "$DATA") / 1000000)) MB"

# Both must agree that every payload verifies before being timed.
"$OUT/zegocb" verify "$DATA" | tail -1
python3 bench/verify/baseline.py "$DATA" | tail -1

# The interpreter itself, not a version-manager shim (pyenv adds ~0.4 s a start).
PYTHON=$(python3 -c "import sys; print(sys.executable)")
ZEGOCB="$OUT/zegocb verify $DATA"
PY="$PYTHON bench/verify/baseline.py $DATA"

echo "== speed ($LINES lines, output to /dev/null)"
if command -v hyperfine >/dev/null; then
	hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
		-n zegocb "$ZEGOCB >/dev/null" -n python-baseline "$PY >/dev/null"
	python3 - "$OUT/hyperfine.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
z, p = r["zegocb"], r["python-baseline"]
print(f"zegocb {z['mean']:.3f}s (median {z['median']:.3f}s), python {p['mean']:.3f}s (median {p['median']:.3f}s)")
print(f"ratio (python / zegocb, mean): {p['mean'] / z['mean']:.1f}x   median: {p['median'] / z['median']:.1f}x")
EOF
else
	best() { # best-of-RUNS wall time in seconds
		local best=999999 t
		for _ in $(seq "$RUNS"); do
			t=$({ TIMEFORMAT=%R; time eval "$1" >/dev/null; } 2>&1)
			best=$(python3 -c "print(min($best, $t))")
		done
		echo "$best"
	}
	z=$(best "$ZEGOCB")
	p=$(best "$PY")
	echo "zegocb best of $RUNS: ${z}s   python best of $RUNS: ${p}s"
	python3 -c "print(f'ratio (python / zegocb): {$p / $z:.1f}x')"
fi

echo "== peak memory (max RSS) by input size"
if [ ! -x /usr/bin/time ]; then
	echo "install GNU time for this part: apt-get install -y time" >&2
	exit 0
fi
for n in $MEM_SIZES; do
	f=$(gen "$n")
	rss=$(/usr/bin/time -v "$OUT/zegocb" verify "$f" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')
	wall=$( { /usr/bin/time -f %e "$OUT/zegocb" verify "$f" >/dev/null; } 2>&1 )
	printf "%9d lines  %5d MB input  max RSS %6d KB  wall %ss\n" "$n" $(($(stat -c %s "$f") / 1000000)) "$rss" "$wall"
done
