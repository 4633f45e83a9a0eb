// latency.go holds the latency histogram behind replay's summary percentiles.

package replay

import (
	"math/bits"
	"time"
)

// LatencyStats summarises delivery latencies (each delivery's last attempt).
// Percentiles come from a log-linear histogram: within 1/32 (about 3%) of
// the true value, in constant memory however many deliveries there are.
type LatencyStats struct {
	Count          int
	Min, Mean, Max time.Duration
	P50, P90, P99  time.Duration
}

// histogram buckets durations by their power of two and 32 steps within it.
type histogram struct {
	counts   []int64
	n        int64
	sum      time.Duration
	min, max time.Duration
}

const subBits = 5 // 32 sub-buckets per power of two

func newHistogram() histogram { return histogram{counts: make([]int64, 64<<subBits)} }

func bucketOf(d time.Duration) int {
	v := uint64(d)
	if v < 1<<subBits {
		return int(v)
	}
	exp := bits.Len64(v) - 1 - subBits // shift that leaves subBits+1 significant bits
	return (exp+1)<<subBits | int(v>>uint(exp))&(1<<subBits-1)
}

// bucketTop is the largest duration in bucket i.
func bucketTop(i int) time.Duration {
	if i < 1<<subBits {
		return time.Duration(i)
	}
	exp := i>>subBits - 1
	mant := uint64(i&(1<<subBits-1)) | 1<<subBits
	return time.Duration((mant+1)<<uint(exp) - 1)
}

func (h *histogram) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if h.counts == nil {
		*h = newHistogram()
	}
	h.counts[bucketOf(d)]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
}

func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.999999999)
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(max(bucketTop(i), h.min), h.max)
		}
	}
	return h.max
}

func (h *histogram) stats() LatencyStats {
	if h.n == 0 {
		return LatencyStats{}
	}
	return LatencyStats{
		Count: int(h.n), Min: h.min, Max: h.max, Mean: h.sum / time.Duration(h.n),
		P50: h.quantile(0.50), P90: h.quantile(0.90), P99: h.quantile(0.99),
	}
}
