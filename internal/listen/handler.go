// Package listen is zegocb's callback receiver: an http.Handler that reads
// a callback, verifies its signature, checks it against the catalog,
// recognises re-deliveries, answers, and reports each request as an Event.
// It never prints; `zegocb listen` and `zegocb send`'s built-in receiver
// render the events.
package listen

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// DefaultMaxBody is the default body limit (ZEGO callbacks are a few KiB).
const DefaultMaxBody = 1 << 20

// Config configures a Handler.
type Config struct {
	Catalog      *callback.Catalog
	Secret       string // empty: signatures are not checked ("unchecked")
	OtherSecrets []signature.NamedSecret
	Path         string // when set, other paths get 404
	MaxBody      int64  // 0: DefaultMaxBody
	// AcceptInvalid answers 200 even when the signature is bad.
	AcceptInvalid bool
	// ReplyBody is the body of a successful answer (default "1", which
	// satisfies the legacy record convention and is harmless elsewhere).
	ReplyBody string
	Now       func() time.Time
}

// SigStatus is the signature verdict shown to the user.
type SigStatus string

const (
	SigOK        SigStatus = "ok"
	SigBad       SigStatus = "bad"
	SigUnchecked SigStatus = "unchecked"
)

// Event is one request and what the handler made of it.
type Event struct {
	Seq         int // arrival number, from 1
	Received    time.Time
	RemoteAddr  string
	Method      string
	Path        string
	ContentType string
	Body        []byte

	Payload  *callback.Payload // nil when the body did not parse
	ParseErr error
	Spec     *callback.Event // nil when the event is not in the catalog
	Name     string          // event name as sent ("" if none)

	Sig       SigStatus
	SigResult signature.Result
	Problems  []callback.Problem

	// Delivery is 1 for a first delivery, k+1 for ZEGO's k-th retry
	// (same nonce and signature seen before).
	Delivery  int
	SincePrev time.Duration // gap since the previous delivery of the same callback
	// Drift is SincePrev minus the gap ZEGO's schedule predicts for this retry.
	Drift time.Duration

	Status  int    // our answer
	Answer  string // our answer's body
	Latency time.Duration
}

// Handler is the receiver. Create it with NewHandler.
type Handler struct {
	cfg  Config
	emit func(Event)

	mu   sync.Mutex
	seq  int
	seen *deliveries
}

// NewHandler returns a handler that calls emit (which must not block for
// long) once per request, after the answer is written.
func NewHandler(cfg Config, emit func(Event)) *Handler {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.ReplyBody == "" {
		cfg.ReplyBody = "1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Catalog == nil {
		cfg.Catalog = callback.Default()
	}
	if emit == nil {
		emit = func(Event) {}
	}
	return &Handler{cfg: cfg, emit: emit, seen: newDeliveries(4096)}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev := h.Inspect(w, r)
	if ev == nil {
		return
	}
	h.Answer(w, ev, ev.Status, ev.Answer)
}

// Inspect reads and judges the request and fills in the answer it should
// get (Status, Answer) without writing it. It writes an error answer itself
// and returns nil for requests that are not callbacks (wrong path, method, size).
func (h *Handler) Inspect(w http.ResponseWriter, r *http.Request) *Event {
	start := h.cfg.Now()
	if h.cfg.Path != "" && r.URL.Path != h.cfg.Path {
		http.Error(w, "not found: zegocb listens on "+h.cfg.Path, http.StatusNotFound)
		return nil
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed: ZEGO callbacks are POST", http.StatusMethodNotAllowed)
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "body over "+strconv.FormatInt(h.cfg.MaxBody, 10)+" bytes", http.StatusRequestEntityTooLarge)
		return nil
	}
	if err != nil {
		return nil // client went away or timed out mid-body; nothing to answer
	}
	h.mu.Lock()
	h.seq++
	seq := h.seq
	h.mu.Unlock()
	ev := &Event{
		Seq:         seq,
		Received:    start,
		RemoteAddr:  r.RemoteAddr,
		Method:      r.Method,
		Path:        r.URL.RequestURI(),
		ContentType: r.Header.Get("Content-Type"),
		Body:        body,
		Delivery:    1,
	}
	h.judge(ev)
	return ev
}

// judge parses, verifies and labels ev, and decides the answer.
func (h *Handler) judge(ev *Event) {
	ev.Status, ev.Answer = http.StatusOK, h.cfg.ReplyBody
	p, err := callback.Parse(ev.Body, ev.ContentType)
	if err != nil {
		ev.ParseErr = err
		ev.Sig = SigUnchecked
		ev.Status, ev.Answer = http.StatusBadRequest, "bad request: "+err.Error()
		return
	}
	ev.Payload = p
	ev.Name = p.EventName()
	if spec, ok := h.cfg.Catalog.Lookup(ev.Name); ok {
		ev.Spec = spec
		ev.Problems = spec.Check(p)
	}
	in := callback.SignatureInput(ev.Spec, p, h.cfg.Secret)
	if h.cfg.Secret == "" {
		ev.Sig = SigUnchecked
	} else {
		in.OtherSecrets = h.cfg.OtherSecrets
		ev.SigResult = signature.Check(in)
		ev.Sig = SigBad
		if ev.SigResult.OK() {
			ev.Sig = SigOK
		}
	}
	if in.HasNonce && in.HasSignature {
		ev.Delivery, ev.SincePrev = h.seen.record(in.Nonce+"\x00"+in.Signature, ev.Received)
		if ev.Delivery > 1 {
			ev.Drift = ev.SincePrev - ScheduleGap(ev.Delivery-1)
		}
	}
	if ev.Sig == SigBad && !h.cfg.AcceptInvalid {
		ev.Status, ev.Answer = http.StatusUnauthorized, "invalid signature"
	}
}

// Answer writes the answer and emits the event.
func (h *Handler) Answer(w http.ResponseWriter, ev *Event, status int, body string) {
	ev.Status, ev.Answer = status, body
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
	ev.Latency = h.cfg.Now().Sub(ev.Received)
	h.emit(*ev)
}

// ScheduleGap is the gap ZEGO waits before retry k (1-based): 2s, 4s, ... 32s.
func ScheduleGap(k int) time.Duration {
	if k < 1 {
		return 0
	}
	if k > 5 {
		k = 5
	}
	return time.Duration(1<<k) * time.Second
}

// deliveries remembers the last sightings of callbacks, bounded in size.
type deliveries struct {
	mu   sync.Mutex
	max  int
	cur  map[string]sighting
	prev map[string]sighting
}

type sighting struct {
	count int
	last  time.Time
}

func newDeliveries(max int) *deliveries {
	return &deliveries{max: max, cur: map[string]sighting{}, prev: map[string]sighting{}}
}

// record notes a delivery of key and returns its delivery number and the
// gap since the previous one.
func (d *deliveries) record(key string, at time.Time) (int, time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.cur[key]
	if !ok {
		s, ok = d.prev[key]
	}
	var gap time.Duration
	if ok {
		gap = at.Sub(s.last)
	}
	s.count++
	s.last = at
	if len(d.cur) >= d.max {
		d.prev, d.cur = d.cur, map[string]sighting{}
	}
	d.cur[key] = s
	return s.count, gap
}
