// Package load sends many distinct signed callbacks at an endpoint with a
// pool of workers and measures how it holds the burst: throughput, status
// counts, errors and latency percentiles. There are no retries: each
// callback is sent once. It never prints; callers poll Runner.Done for
// progress and render the Report.
//
// Hot path: bodies are stamped in place from a Template (a fresh nonce,
// the current second and the signature, no re-encoding), and each worker
// speaks HTTP/1.1 over its own kept-alive connection, one write per
// request. On Linux, plain http:// without a rate limit, one goroutine
// drives every connection through an epoll set (evloop.go);
// otherwise (https://, --rate, other systems) each worker runs in its own
// goroutine (raw.go). URLs behind a proxy, and tests that pass a
// Transport, go through net/http instead.
package load

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

// Config describes a load run.
type Config struct {
	URL    string
	Method string // POST when empty
	Header http.Header
	// Template makes the bodies (a fresh nonce and signature each).
	Template *Template

	Requests    int           // total requests; 0: until Duration
	Concurrency int           // workers (default 1)
	Rate        float64       // total requests per second; 0: as fast as possible
	Duration    time.Duration // stop after this long; 0: until Requests are sent
	Timeout     time.Duration // per request, until the response headers (default 5s)

	TLS *tls.Config
	// Transport overrides the tuned transport (tests).
	Transport http.RoundTripper
	// ExpectBody, when set, counts 2xx answers whose trimmed body differs.
	ExpectBody string
}

// Runner runs one load test.
type Runner struct {
	cfg Config
	// goroutines keeps a run off the event loop (tests compare the paths).
	goroutines bool
	done       []counter // completed requests, one counter per worker
	seq        atomic.Int64
}

// counter is one worker's completed-request count, alone on its cache
// line: a shared counter bounced between the cores on every request.
type counter struct {
	n atomic.Int64
	_ [56]byte
}

// New validates cfg and returns a runner.
func New(cfg Config) (*Runner, error) {
	if cfg.Template == nil {
		return nil, errors.New("load: no body template")
	}
	if cfg.Requests <= 0 && cfg.Duration <= 0 {
		return nil, errors.New("load: need a request count or a duration")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.Requests > 0 && cfg.Concurrency > cfg.Requests {
		cfg.Concurrency = cfg.Requests
	}
	if cfg.Method == "" {
		cfg.Method = http.MethodPost
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if _, err := url.Parse(cfg.URL); err != nil {
		return nil, err
	}
	return &Runner{cfg: cfg, done: make([]counter, cfg.Concurrency)}, nil
}

// Done is the number of requests completed so far (safe to call while running).
func (r *Runner) Done() int64 {
	var n int64
	for i := range r.done {
		n += r.done[i].n.Load()
	}
	return n
}

// Total is the planned request count (0 when the run is bounded by time).
func (r *Runner) Total() int { return r.cfg.Requests }

// transport returns the transport a run uses: keep-alive connections, one
// idle connection kept per worker, no compression, a dial and a
// response-header timeout instead of per-request timers.
func transport(concurrency int, timeout time.Duration, tlsConf *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          concurrency + 16,
		MaxIdleConnsPerHost:   concurrency + 16,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		WriteBufferSize:       8 << 10,
		ReadBufferSize:        8 << 10,
	}
}

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

// Run sends the callbacks and returns the report. A cancelled ctx stops
// the run early; the report covers what was sent and the error is ctx's.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	cfg := r.cfg
	rt := cfg.Transport
	if rt == nil {
		tr := transport(cfg.Concurrency, cfg.Timeout, cfg.TLS)
		defer tr.CloseIdleConnections()
		rt = tr
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, err
	}
	header := cfg.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	base := &http.Request{
		Method:     cfg.Method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		Host:       u.Host,
	}
	if h := header.Get("Host"); h != "" {
		base.Host = h
	}
	base = base.WithContext(ctx)

	workers := make([]*worker, cfg.Concurrency)
	start := time.Now()
	var deadline time.Time
	if cfg.Duration > 0 {
		deadline = start.Add(cfg.Duration)
	}
	var (
		addr    string
		rawTLS  *tls.Config
		head    []byte
		useRaw  bool
		stopRaw = make(chan struct{})
		conns   = make([]*rawConn, len(workers))
	)
	if cfg.Transport == nil {
		addr, rawTLS, useRaw = rawTarget(u, cfg.TLS)
		if useRaw {
			if head, err = rawHead(cfg.Method, u, header, cfg.Template.Len()); err != nil {
				return nil, err
			}
			for i := range conns {
				conns[i] = newRawConn(addr, rawTLS, head, cfg.Template.Len(), cfg.Timeout)
			}
			// Ctrl-C: unblock workers waiting on their connections.
			go func() {
				select {
				case <-ctx.Done():
					for _, rc := range conns {
						rc.interrupt()
					}
				case <-stopRaw:
				}
			}()
		}
	}
	for i := range workers {
		workers[i] = &worker{done: &r.done[i].n}
	}
	seed := func(i int) uint64 { return uint64(start.UnixNano()) + uint64(i)*0x9e3779b97f4a7c15 }
	// Plain http:// without --rate, on Linux: one event loop for every
	// connection (evloop.go, internal/evloop).
	var el *evLoop
	if useRaw && rawTLS == nil && cfg.Rate <= 0 && !r.goroutines {
		el = newEvLoop(ctx, r, addr, cfg.Timeout)
	}
	if el != nil {
		stampers := make([]*Stamper, len(workers))
		for i := range stampers {
			stampers[i] = cfg.Template.NewStamper(seed(i))
		}
		el.start, el.deadline = start, deadline
		el.run(workers, stampers, head, cfg.Template.Len())
	} else {
		var wg sync.WaitGroup
		for i, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := cfg.Template.NewStamper(seed(i))
				if useRaw {
					r.workRaw(ctx, w, conns[i], st, start, deadline)
					return
				}
				r.work(ctx, w, rt, base, st, start, deadline)
			}()
		}
		wg.Wait()
	}
	close(stopRaw)
	elapsed := time.Since(start)
	rep := merge(workers, elapsed, cfg)
	return rep, ctx.Err()
}

// next claims the next request slot, waiting for it under --rate. now is
// a fresh reading of the clock (the end of the worker's previous request);
// next reads the clock again only when it had to wait. It returns the
// time the request starts at, and false when the run is over.
func (r *Runner) next(ctx context.Context, start, deadline, now time.Time) (time.Time, bool) {
	cfg := &r.cfg
	var k int64
	if cfg.Requests > 0 || cfg.Rate > 0 { // a run bounded by time alone needs no slot numbers
		k = r.seq.Add(1) - 1
	}
	if cfg.Requests > 0 && k >= int64(cfg.Requests) {
		return now, false
	}
	if ctx.Err() != nil {
		return now, false
	}
	if cfg.Rate > 0 {
		due := start.Add(time.Duration(float64(k) / cfg.Rate * float64(time.Second)))
		if d := due.Sub(now); d > 0 {
			if !deadline.IsZero() && due.After(deadline) {
				return now, false
			}
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return now, false
			case <-t.C:
			}
			now = time.Now()
		}
	}
	return now, deadline.IsZero() || now.Before(deadline)
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
