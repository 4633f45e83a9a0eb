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
//
// load.go holds the API (Config, Runner) and Run, which paces the
// requests; worker.go the workers off the event loop and every worker's
// tallies; report.go the Report they merge into; template.go the bodies;
// hist.go the latency histogram.
package load

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zegocb/zegocb/internal/httpwire"
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
		addr, rawTLS, useRaw = httpwire.Target(u, cfg.TLS)
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
