#!/usr/bin/env bash
# Benchmark `zegocb verify -q` against two Python implementations of ZEGO's
# published signature check (bench/verify/baseline_lean.py: check and count;
# bench/verify/baseline.py: also a row per line) and `wc -l` (the floor: read
# the file once), side by side in one hyperfine run, and show that zegocb's
# peak memory does not grow with the input.
#
#   bash bench/verify/run.sh            # 100k lines for speed; 10k/100k/1M for memory
#   LINES=20000 MEM_SIZES="10000 100000" bash bench/verify/run.sh   # quicker
#
# Needs go and python3; uses hyperfine when installed (apt-get install -y
# hyperfine), else a bash `time` loop; /usr/bin/time (apt-get install -y time)
# for peak RSS. Outputs go to bench/out/ (git-ignored). Target: zegocb at
# least 10x faster than the lean baseline on 100k lines, peak memory flat.
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

# All three must agree that every payload verifies before being timed.
"$OUT/zegocb" verify -q "$DATA"
python3 bench/verify/baseline.py "$DATA" | tail -1
python3 bench/verify/baseline_lean.py "$DATA"

# The interpreter itself, not a version-manager shim (pyenv adds ~0.4 s a start).
PYTHON=$(python3 -c "import sys; print(sys.executable)")
ZEGOCB="$OUT/zegocb verify -q $DATA"
PY="$PYTHON bench/verify/baseline.py $DATA"
LEAN="$PYTHON bench/verify/baseline_lean.py $DATA"
WC="wc -l $DATA"

echo "== speed ($LINES lines, output to /dev/null)"
echo "   zegocb:          $ZEGOCB"
echo "   python-lean:     $LEAN"
echo "   python-baseline: $PY"
echo "   wc-l (floor):    $WC"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
		-n zegocb "$ZEGOCB" -n python-lean "$LEAN" -n python-baseline "$PY" -n wc-l "$WC" \
		--output=null
	python3 - "$OUT/hyperfine.json" <<'PYEOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
z = r["zegocb"]
print(f"{'':16} {'mean':>8} {'median':>8} {'min':>8}   {'mean/zegocb':>11} {'min/zegocb':>10}")
for name in ("zegocb", "python-lean", "python-baseline", "wc-l"):
    x = r[name]
    print(f"{name:16} {x['mean']:8.3f} {x['median']:8.3f} {x['min']:8.3f}   "
          f"{x['mean'] / z['mean']:10.2f}x {x['min'] / z['min']:9.2f}x")
lean = r["python-lean"]
ratio = lean["mean"] / z["mean"]
print(f"zegocb verify -q vs lean baseline: {ratio:.1f}x mean, {lean['median'] / z['median']:.1f}x median, "
      f"{lean['min'] / z['min']:.1f}x min (target >= 10x)")
PYEOF
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
	l=$(best "$LEAN")
	p=$(best "$PY")
	w=$(best "$WC")
	echo "best of $RUNS: zegocb ${z}s   python-lean ${l}s   python-baseline ${p}s   wc -l ${w}s"
	python3 -c "print(f'lean / zegocb: {$l / $z:.1f}x (target >= 10x)   baseline / zegocb: {$p / $z:.1f}x   zegocb / wc -l: {$z / $w:.1f}x')"
fi

echo "== peak memory (max RSS) by input size"
if [ ! -x /usr/bin/time ]; then
	echo "install GNU time for this part: apt-get install -y time" >&2
	exit 0
fi
for n in $MEM_SIZES; do
	f=$(gen "$n")
	rss=$( { /usr/bin/time -f %M "$OUT/zegocb" verify -q "$f" >/dev/null; } 2>&1 | tail -1)
	wall=$( { /usr/bin/time -f %e "$OUT/zegocb" verify -q "$f" >/dev/null; } 2>&1 | tail -1)
	printf "%9d lines  %5d MB input  max RSS %6d KB  wall %ss\n" "$n" $(($(stat -c %s "$f") / 1000000)) "$rss" "$wall"
done
