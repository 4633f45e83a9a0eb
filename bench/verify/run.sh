#!/usr/bin/env bash
# Benchmark `zegocb verify -q` against two Python implementations of ZEGO's
# published signature check (bench/verify/baseline_lean.py: check and count;
# bench/verify/baseline.py: also a row per line) and `wc -l` (the floor: read
# the file once), side by side in one hyperfine run, and show that zegocb's
# peak memory does not grow with the input. zegocb also runs, in the same
# hyperfine run, on a file of the same number of lines that mixes every
# family (gen -families all), and both files' MB/s are reported.
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

gen() { # gen N [all] -> path: RTC events, or every family with "all"
	local f="$OUT/verify-$1.jsonl"
	[ "${2:-}" = all ] && f="$OUT/verify-all-$1.jsonl"
	[ -s "$f" ] || "$OUT/gen" -n "$1" -o "$f" -secret "$ZEGO_CALLBACK_SECRET" -families "${2:-rtc}"
	echo "$f"
}

DATA=$(gen "$LINES")
echo "== input: $DATA, $LINES lines, $(($(stat -c %s "$DATA") / LINES)) bytes/line, $(($(stat -c %s "$DATA") / 1000000)) MB"
ALL=$(gen "$LINES" all)
echo "== input: $ALL, $LINES lines of every family, $(($(stat -c %s "$ALL") / LINES)) bytes/line, $(($(stat -c %s "$ALL") / 1000000)) MB"

# All three must agree that every payload verifies before being timed.
"$OUT/zegocb" verify -q "$DATA"
"$OUT/zegocb" verify -q "$ALL"
python3 bench/verify/baseline.py "$DATA" | tail -1
python3 bench/verify/baseline_lean.py "$DATA"

# The interpreter itself, not a version-manager shim (pyenv adds ~0.4 s a start).
PYTHON=$(python3 -c "import sys; print(sys.executable)")
ZEGOCB="$OUT/zegocb verify -q $DATA"
ZEGOALL="$OUT/zegocb verify -q $ALL"
PY="$PYTHON bench/verify/baseline.py $DATA"
LEAN="$PYTHON bench/verify/baseline_lean.py $DATA"
WC="wc -l $DATA"

echo "== speed ($LINES lines, output to /dev/null)"
echo "   zegocb:          $ZEGOCB"
echo "   zegocb-families: $ZEGOALL"
echo "   python-lean:     $LEAN"
echo "   python-baseline: $PY"
echo "   wc-l (floor):    $WC"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
		-n zegocb "$ZEGOCB" -n zegocb-families "$ZEGOALL" -n python-lean "$LEAN" -n python-baseline "$PY" -n wc-l "$WC" \
		--output=null
	python3 - "$OUT/hyperfine.json" "$(stat -c %s "$DATA")" "$(stat -c %s "$ALL")" <<'PYEOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
size = {"zegocb": int(sys.argv[2]), "zegocb-families": int(sys.argv[3])}
z = r["zegocb"]
print(f"{'':16} {'mean':>8} {'median':>8} {'min':>8}   {'mean/zegocb':>11} {'min/zegocb':>10}   {'user+sys':>8}")
for name in ("zegocb", "zegocb-families", "python-lean", "python-baseline", "wc-l"):
    x = r[name]
    print(f"{name:16} {x['mean']:8.3f} {x['median']:8.3f} {x['min']:8.3f}   "
          f"{x['mean'] / z['mean']:10.2f}x {x['min'] / z['min']:9.2f}x   {x['user'] + x['system']:8.3f}")
# issue 10: the file of every family at least as many MB/s as the RTC one.
for name in ("zegocb", "zegocb-families"):
    x = r[name]
    mb = size[name] / 1e6
    print(f"{name:16} {mb:6.1f} MB: {mb / x['mean']:6.0f} MB/s mean, {mb / x['median']:6.0f} median, "
          f"{mb / x['min']:6.0f} at the min; {mb / (x['user'] + x['system']):6.0f} MB per CPU second")
f, z2 = r["zegocb-families"], r["zegocb"]
print(f"every family vs RTC only, MB/s: {size['zegocb-families'] / f['mean'] / (size['zegocb'] / z2['mean']):.2f}x mean, "
      f"{size['zegocb-families'] / f['median'] / (size['zegocb'] / z2['median']):.2f}x median (target >= 1)")
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
