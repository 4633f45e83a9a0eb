package load

import (
	"context"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
	"time"
)

// Every value lands in a bucket whose bounds hold it, and buckets tile the
// line without gaps or overlaps.
func TestHistBuckets(t *testing.T) {
	prevHi := int64(-1)
	for i := 0; i < 40*histSub; i++ {
		lo, hi := histBounds(i)
		if int64(lo) != prevHi+1 || hi < lo {
			t.Fatalf("bucket %d = [%d, %d] after %d", i, lo, hi, prevHi)
		}
		if histIndex(lo) != i || histIndex(hi) != i {
			t.Fatalf("bucket %d = [%d, %d]: index(lo) %d index(hi) %d", i, lo, hi, histIndex(lo), histIndex(hi))
		}
		if lo >= 2*histSub && float64(hi-lo+1)/float64(lo) > 1.0/histSub {
			t.Fatalf("bucket %d = [%d, %d] wider than 1/%d of its values", i, lo, hi, histSub)
		}
		prevHi = int64(hi)
	}
}

// Percentiles, min, max and mean against a sorted reference, on random
// latencies of several shapes: within 0.5% (min, max, mean exact).
func TestHistMatchesSortedReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := map[string]func() time.Duration{
		"uniform 0-10ms":     func() time.Duration { return time.Duration(rng.Int64N(int64(10 * time.Millisecond))) },
		"lognormal ~200µs":   func() time.Duration { return time.Duration(200e3 * math.Exp(rng.NormFloat64())) },
		"bimodal with tail":  func() time.Duration { return bimodal(rng) },
		"tiny (exact range)": func() time.Duration { return time.Duration(rng.IntN(300)) },
	}
	for name, gen := range shapes {
		for _, n := range []int{1, 7, 1000, 200000} {
			var h Hist
			ref := make([]time.Duration, n)
			var sum int64
			for i := range ref {
				ref[i] = gen()
				sum += int64(ref[i])
				h.Record(ref[i])
			}
			slices.Sort(ref)
			if h.Count() != int64(n) || h.Min() != ref[0] || h.Max() != ref[n-1] || h.Mean() != time.Duration(sum/int64(n)) {
				t.Fatalf("%s n=%d: count %d min %v max %v mean %v; want %v %v %v", name, n, h.Count(), h.Min(), h.Max(), h.Mean(), ref[0], ref[n-1], time.Duration(sum/int64(n)))
			}
			for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999, 1} {
				i := int(math.Ceil(q*float64(n))) - 1
				want, got := ref[max(i, 0)], h.Quantile(q)
				if d := math.Abs(float64(got - want)); d > 0.005*float64(want) && d > 1 {
					t.Errorf("%s n=%d: p%v = %v, want %v (%.3f%% off)", name, n, q*100, got, want, 100*d/float64(want))
				}
			}
		}
	}
}

func bimodal(rng *rand.Rand) time.Duration {
	switch x := rng.Float64(); {
	case x < 0.9:
		return time.Duration(300e3 + rng.Int64N(100e3))
	case x < 0.999:
		return time.Duration(5e6 + rng.Int64N(5e6))
	default:
		return time.Duration(rng.Int64N(int64(30 * time.Second)))
	}
}

// Merging histograms is recording everything into one.
func TestHistMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var a, b, all Hist
	for i := 0; i < 10000; i++ {
		d := bimodal(rng)
		all.Record(d)
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	var m Hist
	m.Merge(&a)
	m.Merge(&b)
	m.Merge(&Hist{})
	for _, q := range []float64{0.5, 0.9, 0.99, 1} {
		if m.Quantile(q) != all.Quantile(q) {
			t.Errorf("p%v: merged %v, one histogram %v", q*100, m.Quantile(q), all.Quantile(q))
		}
	}
	if m.Count() != all.Count() || m.Min() != all.Min() || m.Max() != all.Max() || m.Mean() != all.Mean() {
		t.Errorf("merged %+v, one %+v", m, all)
	}
}

// Memory does not grow with the number of values: a million latencies up
// to a minute fit in a few tens of KiB.
func TestHistMemoryBounded(t *testing.T) {
	var h Hist
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 1000000; i++ {
		h.Record(time.Duration(rng.Int64N(int64(time.Minute))))
	}
	if kib := len(h.counts) * 8 / 1024; kib > 64 {
		t.Fatalf("%d KiB of buckets", kib)
	}
	allocs := testing.AllocsPerRun(1000, func() { h.Record(time.Duration(rng.Int64N(int64(time.Minute)))) })
	if allocs != 0 {
		t.Fatalf("Record allocates %v times", allocs)
	}
}

// A dead endpoint: every request fails, so nothing was delivered and the
// report says so: no throughput and no latencies.
func TestRunAgainstDeadEndpointReportsNothingDelivered(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r, err := New(Config{URL: "http://" + addr + "/", Template: template(t, "stream_create", false), Requests: 50, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 50 || rep.OK() != 0 || rep.Throughput != 0 || rep.Latency.Count() != 0 || rep.Percentile(0.5) != 0 {
		t.Fatalf("requests %d ok %d throughput %v latencies %d p50 %v errors %v", rep.Requests, rep.OK(), rep.Throughput, rep.Latency.Count(), rep.Percentile(0.5), rep.Errors)
	}
}

// Recording a latency: the per-request cost the histogram adds.
func BenchmarkHistRecord(b *testing.B) {
	var h Hist
	vals := make([]time.Duration, 4096)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range vals {
		vals[i] = bimodal(rng)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Record(vals[i&4095])
	}
}
