// forward.go holds listen's forwarder: relaying each callback to the developer's
// app and retrying on the event family's schedule.

package listen

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

// DeliveryHeader carries the forward attempt number (1 for the first
// delivery to the app, 2 for the first retry, ...).
const DeliveryHeader = "X-Zegocb-Delivery"

// Forwarding design. Each distinct callback (Event.Key) gets one delivery
// chain to the app, run by deliver.Deliver on ZEGO's schedule:
//
//   - The first attempt is synchronous: the sender (ZEGO, or zegocb send)
//     gets the app's answer — status and body — as ours, or 502/504 when
//     the app cannot be reached.
//   - When it fails, the chain goes on in the background: 2s, 4s, 8s, 16s,
//     32s later (times --retry-scale), each attempt reported through
//     ForwardOptions.OnAttempt, until the app accepts or the schedule ends.
//   - A re-delivery of a callback that already has a chain is not forwarded
//     again: it is answered from the chain's state (the accepted answer once
//     the app has accepted, else the app's last answer). The app therefore
//     sees exactly one ZEGO-shaped schedule per callback, however often the
//     sender retries in between, and a sender that does not retry (curl, a
//     replayed capture) still gets its callback retried.
//
// On shutdown (Close) pending retries are abandoned and counted.

// ForwardOptions configure a Forwarder.
type ForwardOptions struct {
	URL      string
	Client   *http.Client    // nil: a client with no overall timeout
	Timeout  time.Duration   // per attempt; 0: 10s
	Schedule []time.Duration // nil: each event's retry profile (deliver.ZEGOSchedule when unknown); empty (non-nil): no retries
	Scale    float64         // multiplies every gap (0 means 1)
	// OnAttempt is called for every background attempt (N >= 2). The first
	// attempt is reported in the Event's ForwardResult instead.
	OnAttempt func(ForwardAttempt)
	// Sleep and Now are for tests.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
}

// ForwardAttempt is a background attempt of a chain.
type ForwardAttempt struct {
	Seq     int    // the event that started the chain
	Event   string // its event name
	URL     string
	Attempt deliver.Attempt
	Max     int           // attempts the schedule allows (6 for ZEGO's)
	NextIn  time.Duration // > 0: another attempt follows after this gap
	Final   bool          // the chain ended with this attempt
}

// ForwardResult is what happened to one request's relay.
type ForwardResult struct {
	URL string
	// Attempt is the synchronous first attempt; zero for a re-delivery.
	Attempt deliver.Attempt
	// Redelivery: the callback already had a chain, so it was answered from
	// the chain's state and not forwarded again.
	Redelivery bool
	Attempts   int  // attempts made in the chain so far
	Max        int  // attempts the schedule allows
	Delivered  bool // the app has accepted the callback
	Retrying   bool // a background retry is pending
	NextIn     time.Duration
	Status     int    // our answer to the sender
	Body       string // its body
}

// ForwardStats summarise the chains.
type ForwardStats struct {
	Chains    int // callbacks forwarded
	Delivered int // accepted by the app
	GaveUp    int // every attempt failed
	Abandoned int // retries still pending at shutdown
}

// Forwarder relays callbacks to the developer's app. Create it with
// NewForwarder and Close it after the HTTP server has shut down.
type Forwarder struct {
	opts ForwardOptions
	// byEvent: no Schedule was given, so each callback is retried on its
	// event's retry profile.
	byEvent bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	mu     sync.Mutex
	chains map[string]*chain
	old    map[string]*chain
	stats  ForwardStats
}

type chain struct {
	mu        sync.Mutex
	attempts  int
	last      deliver.Attempt
	delivered bool
	accepted  deliver.Attempt
	done      bool
	nextIn    time.Duration
}

const maxChains = 4096

// NewForwarder returns a forwarder whose background retries end when ctx
// is done or Close is called.
func NewForwarder(ctx context.Context, opts ForwardOptions) *Forwarder {
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	byEvent := opts.Schedule == nil
	if byEvent {
		opts.Schedule = deliver.ZEGOSchedule
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	return &Forwarder{opts: opts, byEvent: byEvent, ctx: ctx, cancel: cancel, chains: map[string]*chain{}, old: map[string]*chain{}}
}

// Forward relays ev (or answers a re-delivery from its chain) and returns
// what to answer. It blocks for the first attempt only.
func (f *Forwarder) Forward(ev *Event) *ForwardResult {
	schedule := f.opts.Schedule
	if f.byEvent && ev.Spec != nil {
		schedule = ev.Spec.RetryProfile().Durations()
	}
	max := len(schedule) + 1
	f.mu.Lock()
	c := f.chains[ev.Key]
	if c == nil {
		c = f.old[ev.Key]
	}
	if c != nil {
		f.mu.Unlock()
		return c.answer(f.opts.URL, max)
	}
	c = &chain{}
	if len(f.chains) >= maxChains {
		f.old, f.chains = f.chains, map[string]*chain{}
	}
	f.chains[ev.Key] = c
	f.stats.Chains++
	f.mu.Unlock()

	header := http.Header{}
	if ev.ContentType != "" {
		header.Set("Content-Type", ev.ContentType)
	}
	req := deliver.Request{Method: ev.Method, URL: f.opts.URL, Header: header, Body: ev.Body}
	client := *f.opts.Client
	client.Transport = &numbering{base: transportOf(f.opts.Client)}
	dopts := deliver.Options{
		Client:   &client,
		Schedule: schedule,
		Scale:    f.opts.Scale,
		Timeout:  f.opts.Timeout,
		Sleep:    f.opts.Sleep,
		Now:      f.opts.Now,
	}
	first := make(chan *ForwardResult, 1)
	dopts.OnAttempt = func(a deliver.Attempt) {
		ok := a.Verdict == deliver.Accepted || a.Verdict == deliver.AcceptedWithWarning
		final := ok || a.N >= max || f.ctx.Err() != nil
		var next time.Duration
		if !final {
			next = dopts.Gap(a.N - 1)
		}
		c.mu.Lock()
		c.attempts, c.last, c.nextIn = a.N, a, next
		if ok {
			c.delivered, c.accepted = true, a
		}
		c.done = final
		c.mu.Unlock()
		if a.N == 1 {
			r := &ForwardResult{URL: f.opts.URL, Attempt: a, Attempts: 1, Max: max, Delivered: ok, Retrying: !final, NextIn: next}
			r.Status, r.Body = answerFor(a)
			first <- r
			return
		}
		if f.opts.OnAttempt != nil {
			f.opts.OnAttempt(ForwardAttempt{Seq: ev.Seq, Event: ev.Name, URL: f.opts.URL, Attempt: a, Max: max, NextIn: next, Final: final})
		}
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		res, _ := deliver.Deliver(f.ctx, req, dopts)
		f.mu.Lock()
		switch {
		case res.Delivered:
			f.stats.Delivered++
		case len(res.Attempts) >= max:
			f.stats.GaveUp++
		default:
			f.stats.Abandoned++
		}
		f.mu.Unlock()
	}()
	return <-first
}

// answer is the relay result for the chain's current state.
func (c *chain) answer(url string, max int) *ForwardResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &ForwardResult{URL: url, Redelivery: true, Attempts: c.attempts, Max: max, Delivered: c.delivered, Retrying: !c.done, NextIn: c.nextIn}
	a := c.last
	if c.delivered {
		a = c.accepted
	}
	r.Status, r.Body = answerFor(a)
	return r
}

// answerFor turns an attempt into our answer to the sender.
func answerFor(a deliver.Attempt) (int, string) {
	if a.Status != 0 {
		return a.Status, string(a.Body)
	}
	if errors.Is(a.Err, context.DeadlineExceeded) {
		return http.StatusGatewayTimeout, "forward failed: " + a.Reason
	}
	return http.StatusBadGateway, "forward failed: " + a.Reason
}

// Close abandons pending retries and waits for the chains to end.
func (f *Forwarder) Close() {
	f.cancel()
	f.wg.Wait()
}

// Stats returns the chains' outcomes so far (final after Close).
func (f *Forwarder) Stats() ForwardStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// numbering sets DeliveryHeader to the attempt number on each request of
// one chain.
type numbering struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (t *numbering) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.n++
	n := t.n
	t.mu.Unlock()
	r = r.Clone(r.Context())
	r.Header.Set(DeliveryHeader, strconv.Itoa(n))
	return t.base.RoundTrip(r)
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}
