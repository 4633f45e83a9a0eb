// hist.go holds the latency histogram of a load run: fixed memory whatever
// the number of requests, percentiles within half a percent.

package load

import (
	"math/bits"
	"time"
)

// histSubBits sets the precision: each power of two is split into
// 1<<histSubBits buckets, so a bucket is at most 1/128 of the values it
// holds and its midpoint is within 0.4% of any of them. Values below 256 ns
// are counted exactly.
const (
	histSubBits = 7
	histSub     = 1 << histSubBits
)

// Hist is a log-linear (HDR-style) histogram of durations. Its memory is
// bounded by the largest value recorded (about 30 KiB for values up to a
// minute), not by how many are. The zero Hist is empty and ready to use.
type Hist struct {
	counts   []uint64 // by histIndex
	n        uint64
	sum      int64 // nanoseconds; int64 holds 290 years
	min, max time.Duration
}

// histIndex is the bucket of v (v >= 0).
func histIndex(v uint64) int {
	if v < 2*histSub {
		return int(v)
	}
	shift := bits.Len64(v) - histSubBits - 1
	return (shift+1)*histSub + int(v>>shift) - histSub
}

// histBounds is the range [lo, hi] of values bucket i holds.
func histBounds(i int) (lo, hi uint64) {
	if i < 2*histSub {
		return uint64(i), uint64(i)
	}
	shift := i/histSub - 1
	lo = uint64(i-shift*histSub) << shift
	return lo, lo + (1 << shift) - 1
}

// Record adds one duration; a negative one counts as 0.
func (h *Hist) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	i := histIndex(uint64(d))
	if i >= len(h.counts) {
		h.grow(i)
	}
	h.counts[i]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += int64(d)
}

func (h *Hist) grow(i int) {
	n := max(2*len(h.counts), i+1, 4*histSub)
	c := make([]uint64, n)
	copy(c, h.counts)
	h.counts = c
}

// Merge adds o's values to h.
func (h *Hist) Merge(o *Hist) {
	if o.n == 0 {
		return
	}
	if len(o.counts) > len(h.counts) {
		h.grow(len(o.counts) - 1)
	}
	for i, k := range o.counts {
		h.counts[i] += k
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count is the number of values recorded.
func (h *Hist) Count() int64 { return int64(h.n) }

// Min, Max and Mean are exact; 0 when empty.
func (h *Hist) Min() time.Duration { return h.min }
func (h *Hist) Max() time.Duration { return h.max }
func (h *Hist) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / int64(h.n))
}

// Quantile is the value at quantile q (0 < q <= 1): the ceil(q*n)-th
// smallest, as its bucket's midpoint clamped to [Min, Max]. 0 when empty.
func (h *Hist) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999999)
	rank = min(max(rank, 1), h.n)
	var cum uint64
	for i, k := range h.counts {
		if cum += k; cum >= rank {
			lo, hi := histBounds(i)
			return min(max(time.Duration(lo+(hi-lo)/2), h.min), h.max)
		}
	}
	return h.max
}

// each calls fn with every non-empty bucket's midpoint (clamped to
// [Min, Max]) and count, in ascending order.
func (h *Hist) each(fn func(v time.Duration, count uint64)) {
	for i, k := range h.counts {
		if k > 0 {
			lo, hi := histBounds(i)
			fn(min(max(time.Duration(lo+(hi-lo)/2), h.min), h.max), k)
		}
	}
}
