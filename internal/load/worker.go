// worker.go holds a load run's workers off the event loop, one goroutine
// each (workRaw on its own connection, work through net/http), and the
// private tallies every worker keeps, on either path, of what it sent.

package load

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

// worker is one worker's private tallies, merged at the end.
type worker struct {
	done     *atomic.Int64 // its Runner.done counter
	lat      Hist          // latencies of the answered requests
	status   [600]int64
	other    int64 // statuses outside 100-599
	errs     map[string]int64
	mismatch int64
	first    string // first mismatching body
}

// record tallies one answered request.
func (r *Runner) record(w *worker, status int, peek []byte, rest int64) {
	if status >= 100 && status < 600 {
		w.status[status]++
	} else {
		w.other++
	}
	if want := r.cfg.ExpectBody; want != "" && status/100 == 2 {
		if got := bytes.TrimSpace(peek); rest > 0 || string(got) != want {
			w.mismatch++
			if w.first == "" {
				w.first = string(got)
			}
		}
	}
	w.done.Add(1)
}

func (r *Runner) fail(w *worker, err error) {
	w.addErr(err, r.cfg.Timeout)
	w.done.Add(1)
}

// workRaw is a worker on the fast path (see rawConn).
func (r *Runner) workRaw(ctx context.Context, w *worker, rc *rawConn, st *Stamper, start, deadline time.Time) {
	defer rc.close()
	var peekBuf [64]byte
	peek := peekBuf[:0]
	if r.cfg.ExpectBody != "" {
		peek = peekBuf[:]
	}
	body := rc.body()
	restamp := func() { st.Restamp(body, time.Now()) }
	st.Into(body, start) // the fixed part of the body, once
	// One clock reading per request: the end of one is the start of the next.
	now := time.Now()
	for {
		t0, ok := r.next(ctx, start, deadline, now)
		if !ok {
			return
		}
		st.Restamp(body, t0)
		status, n, rest, err := rc.roundTrip(t0, peek, restamp)
		now = time.Now()
		if err != nil {
			if ctx.Err() != nil {
				return // interrupted: not the endpoint's error
			}
			r.fail(w, err)
			continue
		}
		w.lat.Record(now.Sub(t0))
		r.record(w, status, peek[:n], rest)
	}
}

// work is a worker on net/http (proxies, tests' transports).
func (r *Runner) work(ctx context.Context, w *worker, rt http.RoundTripper, base *http.Request, st *Stamper, start, deadline time.Time) {
	cfg := &r.cfg
	var peekBuf [64]byte
	for {
		now, ok := r.next(ctx, start, deadline, time.Now())
		if !ok {
			return
		}
		body := st.Body(now)
		req := new(http.Request)
		*req = *base
		// io.NopCloser(*bytes.Reader) is a body net/http knows is in memory:
		// it then writes headers and body in one write. Any other wrapper
		// costs a second syscall and TCP segment per request.
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		resp, err := rt.RoundTrip(req)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.fail(w, err)
			continue
		}
		n := 0
		if cfg.ExpectBody != "" && resp.StatusCode/100 == 2 {
			n, _ = io.ReadFull(resp.Body, peekBuf[:])
		}
		rest, rerr := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if rerr != nil {
			r.fail(w, rerr)
			continue
		}
		w.lat.Record(time.Since(now))
		r.record(w, resp.StatusCode, peekBuf[:n], rest)
	}
}

func (w *worker) addErr(err error, timeout time.Duration) {
	if w.errs == nil {
		w.errs = map[string]int64{}
	}
	w.errs[deliver.DescribeError(err, timeout)]++
}
