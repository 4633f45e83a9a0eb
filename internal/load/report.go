// report.go holds what a load run reports: the Report merged from the
// workers' tallies, and its summaries (percentiles, histogram).

package load

import "time"

// Report is the outcome of a run.
type Report struct {
	Requests   int64         // completed requests (answered or failed)
	Elapsed    time.Duration // wall time of the run
	Throughput float64       // 2xx answers per second: failures are not throughput
	Status     map[int]int64 // HTTP status -> count
	Errors     map[string]int64
	// BodyMismatch counts 2xx answers whose body was not Config.ExpectBody.
	BodyMismatch      int64
	FirstMismatchBody string
	Concurrency       int
	// Latency holds the latencies of the requests that were answered (any
	// status); a request that failed has none.
	Latency Hist
}

func merge(ws []*worker, elapsed time.Duration, cfg Config) *Report {
	rep := &Report{Elapsed: elapsed, Status: map[int]int64{}, Errors: map[string]int64{}, Concurrency: cfg.Concurrency}
	for _, w := range ws {
		rep.Latency.Merge(&w.lat)
		for c, k := range w.status {
			if k > 0 {
				rep.Status[c] += k
			}
		}
		if w.other > 0 {
			rep.Status[0] += w.other
		}
		for e, k := range w.errs {
			rep.Errors[e] += k
		}
		rep.BodyMismatch += w.mismatch
		if rep.FirstMismatchBody == "" {
			rep.FirstMismatchBody = w.first
		}
	}
	for _, k := range rep.Status {
		rep.Requests += k
	}
	for _, k := range rep.Errors {
		rep.Requests += k
	}
	if elapsed > 0 {
		rep.Throughput = float64(rep.OK()) / elapsed.Seconds()
	}
	return rep
}

// OK counts 2xx answers.
func (r *Report) OK() int64 {
	var n int64
	for c, k := range r.Status {
		if c >= 200 && c < 300 {
			n += k
		}
	}
	return n
}

// Failed counts requests that were not 2xx (errors included).
func (r *Report) Failed() int64 { return r.Requests - r.OK() }

// Percentile returns the latency at quantile q (0 < q <= 1), within 0.4%.
func (r *Report) Percentile(q float64) time.Duration { return r.Latency.Quantile(q) }

// Min, Max and Mean summarise the latencies (exactly).
func (r *Report) Min() time.Duration  { return r.Latency.Min() }
func (r *Report) Max() time.Duration  { return r.Latency.Max() }
func (r *Report) Mean() time.Duration { return r.Latency.Mean() }

// Bucket is one histogram bar: latencies in (previous Le, Le].
type Bucket struct {
	Le    time.Duration
	Count int
}

// Histogram splits [min, max] into n equal buckets.
func (r *Report) Histogram(n int) []Bucket {
	h := &r.Latency
	if h.Count() == 0 || n <= 0 {
		return nil
	}
	lo, hi := h.Min(), h.Max()
	if hi == lo {
		return []Bucket{{Le: hi, Count: int(h.Count())}}
	}
	step := (hi - lo) / time.Duration(n)
	if step <= 0 {
		step = 1
	}
	out := make([]Bucket, n)
	for i := range out {
		out[i].Le = lo + step*time.Duration(i+1)
	}
	out[n-1].Le = hi
	h.each(func(l time.Duration, k uint64) {
		i := int((l - lo) / step)
		if i >= n {
			i = n - 1
		}
		if i > 0 && l <= out[i-1].Le {
			i--
		}
		out[i].Count += int(k)
	})
	return out
}
