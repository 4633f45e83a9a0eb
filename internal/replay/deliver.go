// deliver.go holds replay's delivery pass: deliverAll hands the jobs the
// feeder reads back from the spool (paced by --preserve-timing and --rate)
// to the event loop (evloop.go) when it applies, else to a pool of
// workers; each worker sends one callback (deliver), with its transport
// and headers. A delivery's result is begun and ended (the secret masked
// in its answers) the same way on both paths.

package replay

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
)

// job is one selected callback on its way to a worker.
type job struct {
	Delivery
	room        string
	reason      string
	spec        *callback.Event
	method      string
	contentType string
	received    time.Time
	scheduled   time.Duration
	buf         *[]byte // the body, pooled
}

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// deliverAll is the second pass: read the validated selection back from
// the spool, wait for each callback's slot, hand it to a worker.
func (r *run) deliverAll(ctx context.Context, sum *Summary) error {
	o := r.opts
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	u, _ := url.Parse(o.URL) // checked by defaults
	start := time.Now()
	sum.lat = newHistogram()
	f, err := r.newFeeder(start)
	if err != nil {
		return err
	}
	defer f.close()
	if lp := r.newLoop(ctx, u, start); lp != nil {
		err := lp.run(f, sum)
		sum.Elapsed = time.Since(start)
		sum.finish()
		return err
	}
	// senderFor returns a worker's way of sending and what to do when it
	// stops: its own connection (the fast path), or o.Client, or a
	// net/http Transport shared by all workers when a proxy applies.
	var shared *http.Transport
	senderFor := func() (sender, func()) {
		switch {
		case o.DryRun:
			return sender{}, func() {}
		case o.Client != nil:
			return sender{client: o.Client}, func() {}
		}
		if c := newConn(u, o.Timeout, o.TLS); c != nil {
			return sender{send: c.send}, c.stop
		}
		return sender{client: &http.Client{Transport: shared, CheckRedirect: noRedirect}}, func() {}
	}
	if o.Client == nil && !o.DryRun {
		shared = newTransport(o.Concurrency, o.Timeout, o.TLS)
		defer shared.CloseIdleConnections()
	}
	// A little buffer lets the reader run ahead of the workers (fewer
	// hand-offs); every buffered job is already due.
	jobs := make(chan *job, o.Concurrency)
	var (
		mu      sync.Mutex // serialises emit and the summary
		emitErr error
		wg      sync.WaitGroup
	)
	report := func(res *Result) {
		mu.Lock()
		defer mu.Unlock()
		sum.add(res)
		if emitErr == nil && r.emit != nil {
			if err := r.emit(res); err != nil {
				emitErr = err
				cancel()
			}
		}
	}
	for w := 0; w < o.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snd, done := senderFor()
			defer done()
			wk := &worker{r: r, sender: snd, start: start}
			for j := range jobs {
				res := wk.deliver(ctx, j)
				report(res)
				j.release()
			}
		}()
	}

	readErr := func() error {
		for {
			j, err := f.next(ctx)
			if err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}()
	close(jobs)
	wg.Wait()
	sum.Elapsed = time.Since(start)
	sum.finish()
	if emitErr != nil {
		return emitErr
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted, maybe after the last job was handed out
	}
	return readErr
}

// sender is how a worker sends: send (deliver.Options.Send) or client.
type sender struct {
	send   func(context.Context, *deliver.Request) (int, http.Header, []byte, error)
	client *http.Client
}

// worker delivers jobs one at a time.
type worker struct {
	r *run
	sender
	start   time.Time
	headers map[string]http.Header // per content type, built once
	events  map[*callback.Event]eventKit
}

// eventKit is what a worker builds once per event: its response check and
// retry schedule.
type eventKit struct {
	judge    func(int, []byte, time.Duration) (deliver.Verdict, string)
	schedule []time.Duration
}

func (w *worker) kit(spec *callback.Event) eventKit {
	if k, ok := w.events[spec]; ok {
		return k
	}
	k := eventKit{judge: judgeFor(spec, w.r.opts.Strict), schedule: retryProfile(spec)}
	if w.events == nil {
		w.events = map[*callback.Event]eventKit{}
	}
	w.events[spec] = k
	return k
}

func (w *worker) header(ct string) http.Header {
	if h, ok := w.headers[ct]; ok {
		return h
	}
	h := w.r.opts.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", ct)
	if w.headers == nil {
		w.headers = map[string]http.Header{}
	}
	if len(w.headers) < maxCached { // a capture can carry any number
		w.headers[ct] = h
	}
	return h
}

func (w *worker) deliver(ctx context.Context, j *job) *Result {
	o := w.r.opts
	res, req, ok := w.begin(j)
	if !ok || o.DryRun {
		return res
	}
	kit := w.kit(j.spec)
	dopts := deliver.Options{
		Client:  w.client,
		Send:    w.send,
		Timeout: o.Timeout,
		Scale:   o.RetryScale,
		Judge:   kit.judge,
	}
	if o.Retry {
		dopts.Schedule = kit.schedule
	}
	if o.OnAttempt != nil {
		d := j.Delivery
		dopts.OnAttempt = func(a deliver.Attempt) {
			if o.Secret != "" {
				maskSecret(&a, o.Secret)
			}
			o.OnAttempt(&d, a)
		}
	}
	dr, _ := deliver.Deliver(ctx, *req, dopts) // its error is ctx's, seen by the caller
	w.end(res, dr.Attempts)
	return res
}

// begin starts j's result and builds its request (re-stamped when its
// mode says so; res.Request). ok is false when the delivery ended already:
// the re-stamp failed.
func (w *worker) begin(j *job) (res *Result, req *deliver.Request, ok bool) {
	o := w.r.opts
	res = &Result{Delivery: j.Delivery, Room: j.room, ModeReason: j.reason, Received: j.received, Scheduled: j.scheduled}
	body := *j.buf
	if j.Mode == ModeRestamp {
		b, st, err := Restamp(j.spec, body, j.contentType, o.Secret, o.Now(), o.Nonce())
		if err != nil { // validated already; only a file changed between passes
			res.Outcome, res.Error = Rejected, "cannot re-stamp: "+err.Error()
			return res, nil, false
		}
		body, res.Stamp = b, st
	}
	req = &deliver.Request{Method: j.method, URL: o.URL, Header: w.header(j.contentType), Body: body}
	res.Request = req
	res.Started = time.Since(w.start)
	if o.DryRun {
		res.Outcome = DryRun
	}
	return res, req, true
}

// end completes res from the attempts made (the secret masked in them).
func (w *worker) end(res *Result, attempts []deliver.Attempt) {
	if s := w.r.opts.Secret; s != "" {
		for i := range attempts {
			maskSecret(&attempts[i], s)
		}
	}
	res.AttemptLog = attempts
	res.Attempts = len(attempts)
	last := &attempts[len(attempts)-1]
	res.Status, res.Latency = last.Status, last.Latency
	res.AnswerBytes = len(last.Body)
	res.Answer = excerpt(last.Body, AnswerExcerpt)
	switch {
	case last.Verdict == deliver.Accepted:
		res.Outcome = Delivered
	case last.Verdict == deliver.AcceptedWithWarning:
		res.Outcome, res.Error = Warned, last.Reason
	case last.Status != 0:
		res.Outcome, res.Error = Rejected, last.Reason
	default:
		res.Outcome, res.Error = Unreachable, last.Reason
	}
}

// MaskedSecret replaces the secret wherever an endpoint echoed it.
const MaskedSecret = "[masked]"

// maskSecret replaces the secret in an answer's headers and body, so that
// no excerpt or dump shows it. It never writes to what a points to: a
// body or header map that shows the secret is replaced by a masked copy
// (on the event loop, attempts share header maps, which emit may be
// reading on its own goroutine).
func maskSecret(a *deliver.Attempt, secret string) {
	if bytes.Contains(a.Body, []byte(secret)) {
		a.Body = bytes.ReplaceAll(a.Body, []byte(secret), []byte(MaskedSecret))
	}
	h, copied := a.Header, false
	for k, vs := range h {
		for i, v := range vs {
			if strings.Contains(v, secret) {
				if !copied {
					a.Header, copied = h.Clone(), true
				}
				a.Header[k][i] = strings.ReplaceAll(v, secret, MaskedSecret)
			}
		}
	}
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// newTransport is a keep-alive transport with a connection per worker.
func newTransport(concurrency int, timeout time.Duration, tlsConf *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		TLSClientConfig:       tlsConf,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   timeout,
		MaxIdleConns:          concurrency + 16,
		MaxIdleConnsPerHost:   concurrency + 16,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     true,
		WriteBufferSize:       8 << 10,
		ReadBufferSize:        8 << 10,
		ExpectContinueTimeout: time.Second,
	}
}
