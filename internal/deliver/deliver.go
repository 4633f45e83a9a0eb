// Package deliver POSTs a callback and, when the receiver fails, retries it
// on a schedule (the event family's retry profile; RTC's is 2s, 4s, 8s, 16s
// and 32s after the previous attempt), then gives up. Each retry re-sends the same bytes, as ZEGO does. It never
// prints: callers watch attempts through Options hooks.
package deliver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ZEGOSchedule is RTC's gap before each retry (zego-callbacks.md §0.5), the
// schedule of a callback whose family is unknown. A known event's is
// callback.Event.RetryProfile().
var ZEGOSchedule = []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second}

// MaxBodyKeep is how much of each response body an Attempt keeps.
const MaxBodyKeep = 64 << 10

// Request is what to deliver. Body is sent unchanged on every attempt.
type Request struct {
	Method string // POST when empty
	URL    string
	Header http.Header
	Body   []byte
}

// Verdict judges one attempt.
type Verdict int

const (
	// Accepted: delivered; stop.
	Accepted Verdict = iota
	// AcceptedWithWarning: delivered, but the answer is not what ZEGO's docs ask for.
	AcceptedWithWarning
	// Rejected: the receiver failed (non-2xx, or a body rule with --strict); retry.
	Rejected
	// Unreachable: no HTTP answer (connection refused, timeout, reset); retry.
	Unreachable
)

func (v Verdict) String() string {
	return [...]string{"ok", "warn", "fail", "unreachable"}[v]
}

// Attempt is one POST and its outcome.
type Attempt struct {
	N       int           // 1-based attempt number
	Start   time.Time     // when the request was sent
	Offset  time.Duration // Start minus the first attempt's Start
	Latency time.Duration // until the response body was read (or the error)
	Status  int           // HTTP status; 0 when there was no answer
	Header  http.Header
	Body    []byte // at most MaxBodyKeep bytes
	Err     error  // transport error, when Status is 0
	Verdict Verdict
	Reason  string // why the verdict, in words
}

// Result is the whole delivery.
type Result struct {
	Attempts []Attempt
	// Delivered is true when an attempt was accepted (possibly with a warning).
	Delivered bool
}

// Last returns the final attempt.
func (r *Result) Last() *Attempt { return &r.Attempts[len(r.Attempts)-1] }

// Answered reports whether any attempt got an HTTP answer.
func (r *Result) Answered() bool {
	for _, a := range r.Attempts {
		if a.Status != 0 {
			return true
		}
	}
	return false
}

// Options tune a delivery. The zero value sends once with http.DefaultClient.
type Options struct {
	Client   *http.Client
	Schedule []time.Duration // gaps before each retry; nil: no retries
	Scale    float64         // multiplies every gap (0 means 1)
	Timeout  time.Duration   // per attempt; 0: the client's own
	// Judge decides the verdict of an answered attempt, given how long the
	// answer took (a synchronous callback has a deadline); nil: 2xx accepted.
	Judge func(status int, body []byte, took time.Duration) (Verdict, string)
	// OnAttempt is called after every attempt.
	OnAttempt func(Attempt)
	// OnWait is called before waiting d for attempt next.
	OnWait func(next int, d time.Duration)
	// Sleep waits d or until ctx is done (tests may replace it).
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// Send, when set, makes each attempt instead of Client, for a caller
	// that keeps its own connections (replay's workers). It applies
	// Timeout itself (a net.Error whose Timeout() is true when it runs
	// out) and ends when ctx does. It returns the answer's status (0 when
	// there was none), headers and at most MaxBodyKeep bytes of its body;
	// an error with a status means the body was cut short.
	Send func(ctx context.Context, req *Request) (status int, header http.Header, body []byte, err error)
}

// Gap returns the scaled wait before retry i (0-based).
func (o *Options) Gap(i int) time.Duration {
	scale := o.Scale
	if scale <= 0 {
		scale = 1
	}
	return time.Duration(float64(o.Schedule[i]) * scale)
}

// Judge2xx accepts any 2xx answer.
func Judge2xx(status int, _ []byte, _ time.Duration) (Verdict, string) {
	if status >= 200 && status < 300 {
		return Accepted, strconv.Itoa(status)
	}
	return Rejected, "status " + strconv.Itoa(status) + " is not 2xx"
}

// Deliver sends req and retries on opts.Schedule until it is accepted or
// the schedule is exhausted. The error is non-nil only when ctx ends.
func Deliver(ctx context.Context, req Request, opts Options) (*Result, error) {
	if opts.Client == nil {
		opts.Client = http.DefaultClient
	}
	if opts.Judge == nil {
		opts.Judge = Judge2xx
	}
	if opts.Sleep == nil {
		opts.Sleep = Sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	res := &Result{}
	var first time.Time
	for n := 1; ; n++ {
		a := attempt(ctx, req, &opts)
		a.N = n
		if n == 1 {
			first = a.Start
		}
		a.Offset = a.Start.Sub(first)
		res.Attempts = append(res.Attempts, a)
		if opts.OnAttempt != nil {
			opts.OnAttempt(a)
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if a.Verdict == Accepted || a.Verdict == AcceptedWithWarning {
			res.Delivered = true
			return res, nil
		}
		if n > len(opts.Schedule) {
			return res, nil
		}
		d := opts.Gap(n - 1)
		if opts.OnWait != nil {
			opts.OnWait(n+1, d)
		}
		if err := opts.Sleep(ctx, d); err != nil {
			return res, err
		}
	}
}

func attempt(ctx context.Context, req Request, opts *Options) Attempt {
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}
	actx := ctx
	if opts.Timeout > 0 && opts.Send == nil {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	a := Attempt{Start: opts.Now()}
	if opts.Send != nil {
		status, header, body, err := opts.Send(actx, &req)
		a.Latency = opts.Now().Sub(a.Start)
		a.Status, a.Header, a.Body = status, header, body
		switch {
		case err != nil && status == 0:
			a.Err, a.Verdict, a.Reason = err, Unreachable, DescribeError(err, opts.Timeout)
		case err != nil:
			a.Verdict, a.Reason = Rejected, "status "+strconv.Itoa(status)+", body cut short: "+DescribeError(err, opts.Timeout)
		default:
			a.Verdict, a.Reason = opts.Judge(status, body, a.Latency)
		}
		return a
	}
	hreq, err := http.NewRequestWithContext(actx, method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		a.Err, a.Verdict, a.Reason = err, Unreachable, err.Error()
		return a
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	resp, err := opts.Client.Do(hreq)
	if err != nil {
		a.Latency = opts.Now().Sub(a.Start)
		a.Err, a.Verdict, a.Reason = err, Unreachable, DescribeError(err, opts.Timeout)
		return a
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, MaxBodyKeep))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	a.Latency = opts.Now().Sub(a.Start)
	a.Status, a.Header, a.Body = resp.StatusCode, resp.Header, body
	if rerr != nil {
		a.Verdict, a.Reason = Rejected, "status "+strconv.Itoa(resp.StatusCode)+", body cut short: "+DescribeError(rerr, opts.Timeout)
		return a
	}
	a.Verdict, a.Reason = opts.Judge(resp.StatusCode, body, a.Latency)
	return a
}

// DescribeError turns a transport error into the short, stable words a user
// needs: "connection refused", not "Post \"http://...\": dial tcp ...:
// connect: connection refused". timeout is the per-attempt limit, if any.
func DescribeError(err error, timeout time.Duration) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		if timeout > 0 {
			return "no answer within " + timeout.String() + " (timeout)"
		}
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the endpoint"
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		s := oe.Err.Error() // "connect: connection refused"
		if k := strings.LastIndex(s, ": "); k >= 0 {
			s = s[k+2:]
		}
		return s
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// Sleep waits d or until ctx is done: the default Options.Sleep, and the
// plain wait a caller's own Sleep can fall back to.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
