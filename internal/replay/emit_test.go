package replay

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A slow reader of the results (a paused terminal, a full pipe) holds up
// the reporting, not the deliveries: while the first result's emit blocks
// for 400 ms, the other answers, 50 ms away, are read and timed as they
// come, none of them taken for a timeout.
func TestSlowEmitLeavesLatency(t *testing.T) {
	path, _ := captureOf(t, 6)
	paths(t, func(t *testing.T, noLoop bool) {
		ep := newEndpoint(t)
		ep.delay = 50 * time.Millisecond
		var n atomic.Int32
		got := map[int]Result{}
		sum, err := Run(context.Background(), Options{URL: ep.srv.URL, Secret: testSecret, Concurrency: 2, Retry: true,
			Timeout: 300 * time.Millisecond, noLoop: noLoop}, files(path), func(r *Result) error {
			if n.Add(1) == 1 {
				time.Sleep(400 * time.Millisecond)
			}
			got[r.Seq] = *r // one emit at a time
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		if len(got) != 6 || sum.Delivered != 6 {
			t.Fatalf("%d results, summary %+v", len(got), sum)
		}
		for seq, r := range got {
			if r.Outcome != Delivered || r.Attempts != 1 || r.Latency < 50*time.Millisecond || r.Latency > 200*time.Millisecond {
				t.Errorf("delivery %d: %v after %d attempts, latency %v (want about 50ms)", seq, r.Outcome, r.Attempts, r.Latency)
			}
		}
	})
}

// An error of emit (stdout closed) stops the run and is Run's error, also
// when the loop has handed on results emit has not taken yet (at most
// emitBacklog of them, and the loop's turn in which it hears of it); the
// summary counts every delivery that ended.
func TestEmitErrorStops(t *testing.T) {
	const n = emitBacklog + 300
	path, _ := captureOf(t, n)
	paths(t, func(t *testing.T, noLoop bool) {
		ep := newEndpoint(t)
		closed := errors.New("stdout closed")
		var emitted int
		sum, err := Run(context.Background(), Options{URL: ep.srv.URL, Secret: testSecret, Concurrency: 4, noLoop: noLoop}, files(path), func(r *Result) error {
			emitted++
			if emitted == 3 {
				return closed
			}
			return nil
		})
		if !errors.Is(err, closed) {
			t.Fatalf("err %v, want emit's", err)
		}
		onPath(t, sum, noLoop)
		hits := len(ep.got())
		if emitted != 3 || sum.Done < 3 || sum.Done == n || hits > 3+emitBacklog+2*4+128 {
			t.Fatalf("emit called %d times, %d requests, %d deliveries ended", emitted, hits, sum.Done)
		}
	})
}

// While emit is stuck (a paused terminal), the loop goes on delivering
// until emitBacklog results wait for it, then starts no more (memory stays
// bounded) until emit takes them; then the run completes.
func TestStuckEmitHoldsDeliveries(t *testing.T) {
	const n, c = emitBacklog + 100, 4
	path, _ := captureOf(t, n)
	paths(t, func(t *testing.T, noLoop bool) {
		ep := newEndpoint(t)
		release := make(chan struct{})
		var emitted int
		done := make(chan struct{})
		var sum Summary
		var err error
		go func() {
			defer close(done)
			sum, err = Run(context.Background(), Options{URL: ep.srv.URL, Secret: testSecret, Concurrency: c, noLoop: noLoop}, files(path), func(r *Result) error {
				if emitted++; emitted == 1 {
					<-release
				}
				return nil
			})
		}()
		time.Sleep(500 * time.Millisecond)
		held := len(ep.got())
		close(release)
		<-done
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		// The loop: the one being emitted and emitBacklog waiting, and what
		// was in flight then. The goroutine path: each worker waits for emit.
		if held > 1+emitBacklog+c || (!noLoop && runtime.GOOS == "linux" && held < emitBacklog) {
			t.Fatalf("%d requests while emit was stuck", held)
		}
		if emitted != n || sum.Delivered != n || len(ep.got()) != n {
			t.Fatalf("%d emitted, %d delivered, %d requests, want %d", emitted, sum.Delivered, len(ep.got()), n)
		}
	})
}
