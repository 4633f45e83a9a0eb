// Package listen is zegocb's callback receiver: an http.Handler that reads
// a callback, verifies its signature, checks it against the catalog,
// recognises re-deliveries, answers, and reports each request as an Event.
// It never prints; `zegocb listen` and `zegocb send`'s built-in receiver
// render the events.
package listen

import (
	"errors"
	"hash/maphash"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/signature"
)

// DefaultMaxBody is the default body limit (ZEGO callbacks are a few KiB).
const DefaultMaxBody = 1 << 20

// Config configures a Handler.
type Config struct {
	Catalog      *callback.Catalog
	Secret       string // empty: signatures are not checked ("unchecked")
	SecretName   string // where Secret came from, for diagnoses ("$ZEGO_CALLBACK_SECRET", ...)
	OtherSecrets []signature.NamedSecret
	Path         string // when set, other paths get 404
	MaxBody      int64  // 0: DefaultMaxBody
	// AcceptInvalid answers 200 even when the signature is bad.
	AcceptInvalid bool
	// ReplyBody is the body of a successful answer (default "1", which
	// satisfies the legacy record convention and is harmless elsewhere). A
	// synchronous callback (ZIM before_send_msg, Mini Game) is answered with
	// its documented JSON default ({"result":0}) instead, unless Replies
	// names it.
	ReplyBody string
	// Replies overrides the successful answer per event: a test of "block
	// this message" answers before_send_msg {"result":3,"reason":"..."}.
	Replies map[*callback.Event]string
	Now     func() time.Time
	// SkipCheck leaves Event.Problems empty: the catalog schema check is
	// not run (for callers that do not show problems, e.g. listen -q).
	SkipCheck bool
	// ReusePayloads tells ServeHTTP that emit keeps nothing of an Event
	// once it returns (listen -q renders the event there and then), so the
	// storage of its Payload is reused for a later request, and, when
	// nothing is forwarded, that of the Event and its Body too. Strings
	// taken from the payload point into Event.Body: with ReusePayloads they
	// are only valid during emit.
	ReusePayloads bool

	// The fields below set ServeHTTP's answering policy. Zero values change
	// nothing.

	// FailFirst answers 500 to the first FailFirst deliveries of each
	// callback (keyed by Event.Key) that would otherwise be acknowledged.
	FailFirst int
	// Status, when non-zero, answers every callback request that reached
	// judgement (including 400 and 401 ones) with Status and ReplyBody.
	Status int
	// Delay waits this long before answering (a slow receiver). The wait
	// ends early when the client goes away.
	Delay time.Duration
	// Save, when set, is given the capture record of every judged request
	// (not 404/405/413), encoded as one JSON line (capture.AppendRequest),
	// before the answer is written; the line is only valid during the call.
	// When it fails the answer becomes 500: nothing is acknowledged that
	// was not saved.
	Save func(line []byte) error
	// Forward, when set, relays acknowledged callbacks to the developer's
	// app; the app's answer becomes ours (see Forwarder).
	Forward *Forwarder
	// OnReject, when set, is told of requests answered 404, 405 or 413
	// (they are not callbacks, so no Event is emitted).
	OnReject func(r *http.Request, status int)
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
	Header      http.Header // the request's headers (may hold credentials: scrub before showing)
	Body        []byte

	Payload  *callback.Payload // nil when the body did not parse
	ParseErr error
	Spec     *callback.Event // nil when the event is not in the catalog
	// Name is the event's name: Spec.Ref (the name every command resolves
	// to it: zim/room_create) when known, else the routing value as sent
	// ("" if none).
	Name string
	// Family is the detected product family (also when the event is not
	// in the catalog but the routing field names one family).
	Family *callback.Family

	Sig       SigStatus
	SigResult signature.Result
	Problems  []callback.Problem

	// Delivery is 1 for a first delivery, k+1 for ZEGO's k-th retry
	// (same nonce and signature seen before).
	Delivery int
	// Replay is set when an earlier delivery had the same nonce and
	// signature but a different body (compared by a 64-bit digest): not a
	// retry (ZEGO re-sends the same bytes) but a possible replay or
	// tampering.
	Replay    bool
	SincePrev time.Duration // gap since the previous delivery of the same callback
	// Drift is SincePrev minus the gap ZEGO's schedule predicts for this retry.
	Drift time.Duration

	// Key identifies the callback across deliveries: its nonce and
	// signature, or a hash of the body when it has neither.
	Key string

	Status  int    // our answer
	Answer  string // our answer's body
	Latency time.Duration

	// Simulated says why ServeHTTP overrode the answer (--fail-first,
	// --status), "" when it did not.
	Simulated string
	// Forward is the relay to the developer's app, nil when not forwarded.
	Forward *ForwardResult
	// Saved is true when the capture record was written; SaveErr when
	// writing it failed (the answer is then 500).
	Saved   bool
	SaveErr error
}

// Handler is the receiver. Create it with NewHandler.
type Handler struct {
	cfg  Config
	emit func(Event)

	replySniffsPlain bool // net/http labels cfg.ReplyBody text/plain; charset=utf-8 itself

	seq   atomic.Int64
	seed  maphash.Seed // for body digests
	seen  *deliveries
	fails *deliveries // deliveries per Key, for FailFirst
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
	return &Handler{cfg: cfg, emit: emit, seed: maphash.MakeSeed(), seen: newDeliveries(4096), fails: newDeliveries(4096),
		replySniffsPlain: cfg.ReplyBody != "" && http.DetectContentType([]byte(cfg.ReplyBody)) == plainText[0]}
}

// ServeHTTP implements http.Handler: inspect, then the configured policy
// in this order: FailFirst or Forward (for callbacks that would be
// acknowledged), Status, Delay, Save, and finally answer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// With ReusePayloads and no forwarding nothing outlives this call:
	// the Event and the body buffer are recycled.
	recycle := h.cfg.ReusePayloads && h.cfg.Forward == nil
	var (
		ev *Event
		bp *[]byte
	)
	if recycle {
		ev, bp = events.Get().(*Event), bodyBufs.Get().(*[]byte)
		if !h.inspect(w, r, ev, bp) {
			putEvent(ev, bp)
			return
		}
		defer putEvent(ev, bp)
	} else {
		ev = new(Event)
		if !h.inspect(w, r, ev, nil) {
			return
		}
	}
	status, body := ev.Status, ev.Answer
	if status >= 200 && status < 300 {
		if n := h.cfg.FailFirst; n > 0 {
			if k, _, _ := h.fails.record(ev.Key, ev.Received, 0); k <= n {
				status, body = http.StatusInternalServerError, "simulated failure "+strconv.Itoa(k)+" of "+strconv.Itoa(n)
				ev.Simulated = "--fail-first " + strconv.Itoa(n) + ": failure " + strconv.Itoa(k) + " of " + strconv.Itoa(n)
			}
		}
		if ev.Simulated == "" && h.cfg.Forward != nil {
			ev.Forward = h.cfg.Forward.Forward(ev)
			status, body = ev.Forward.Status, ev.Forward.Body
		}
	}
	if h.cfg.Status != 0 {
		status, body = h.cfg.Status, h.cfg.ReplyBody
		ev.Simulated = "--status " + strconv.Itoa(h.cfg.Status)
	}
	if h.cfg.Delay > 0 {
		_ = deliver.Sleep(r.Context(), h.cfg.Delay) // cut short when the client goes away
	}
	if h.cfg.Save != nil {
		bp := lineBufs.Get().(*[]byte)
		line := capture.AppendRequest((*bp)[:0], r, ev.Body, ev.Received, h.cfg.Secret, &capture.Answer{Status: status, Body: body})
		err := h.cfg.Save(line)
		putLineBuf(bp, line)
		if err != nil {
			ev.SaveErr = err
			status, body = http.StatusInternalServerError, "capture failed: not acknowledged"
		} else {
			ev.Saved = true
		}
	}
	h.answer(w, ev, status, body)
	if h.cfg.ReusePayloads && ev.Payload != nil {
		putPayload(ev.Payload)
	}
}

// events and bodyBufs recycle ServeHTTP's Events and body buffers when
// Config.ReusePayloads is set and nothing is forwarded.
var (
	events   = sync.Pool{New: func() any { return new(Event) }}
	bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
)

func putEvent(ev *Event, bp *[]byte) {
	body := ev.Body
	*ev = Event{} // hold no request's data while pooled
	events.Put(ev)
	if cap(body) > cap(*bp) && cap(body) <= 64<<10 { // grown by a large body
		*bp = body[:0]
	}
	bodyBufs.Put(bp)
}

// payloads recycles parsed payloads when Config.ReusePayloads is set.
var payloads = sync.Pool{New: func() any {
	return &callback.Payload{Entries: make([]callback.Entry, 0, 32)} // stream_create has 26 fields
}}

func putPayload(p *callback.Payload) {
	if cap(p.Entries) > 256 {
		return
	}
	clear(p.Entries) // hold no request's strings while pooled
	p.Entries, p.Body = p.Entries[:0], nil
	payloads.Put(p)
}

// inspect reads and judges the request into ev (its Status and Answer: the
// answer it should get, not yet written), reading the body into *buf when
// buf is not nil. It writes an error answer itself and reports false for
// requests that are not callbacks (wrong path, method, size).
func (h *Handler) inspect(w http.ResponseWriter, r *http.Request, ev *Event, buf *[]byte) bool {
	start := h.cfg.Now()
	if h.cfg.Path != "" && r.URL.Path != h.cfg.Path {
		http.Error(w, "not found: zegocb listens on "+h.cfg.Path, http.StatusNotFound)
		h.reject(r, http.StatusNotFound)
		return false
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed: ZEGO callbacks are POST", http.StatusMethodNotAllowed)
		h.reject(r, http.StatusMethodNotAllowed)
		return false
	}
	body, err := readBody(w, r, h.cfg.MaxBody, buf)
	if err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			http.Error(w, "body over "+strconv.FormatInt(h.cfg.MaxBody, 10)+" bytes", http.StatusRequestEntityTooLarge)
			h.reject(r, http.StatusRequestEntityTooLarge)
		}
		return false // or the client went away or timed out mid-body; nothing to answer
	}
	*ev = Event{
		Seq:         int(h.seq.Add(1)),
		Received:    start,
		RemoteAddr:  r.RemoteAddr,
		Method:      r.Method,
		Path:        r.URL.RequestURI(),
		ContentType: r.Header.Get("Content-Type"),
		Header:      r.Header,
		Body:        body,
		Delivery:    1,
	}
	h.judge(ev)
	return true
}

// readBody reads at most max bytes, in one allocation when the request
// announces its length (net/http never reads past Content-Length), into
// *into when it is not nil and large enough.
func readBody(w http.ResponseWriter, r *http.Request, max int64, into *[]byte) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= max {
		var buf []byte
		if into != nil && int64(cap(*into)) >= n {
			buf = (*into)[:n]
		} else {
			buf = make([]byte, n) // net/http's body ends at Content-Length
		}
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, max))
}

func (h *Handler) reject(r *http.Request, status int) {
	if h.cfg.OnReject != nil {
		h.cfg.OnReject(r, status)
	}
}

// answer writes the answer and emits the event.
func (h *Handler) answer(w http.ResponseWriter, ev *Event, status int, body string) {
	ev.Status, ev.Answer = status, body
	// Every answer is text/plain but a JSON one (a synchronous callback's).
	// net/http infers text/plain itself for a body it would sniff as such
	// (the default "1"), and touching w.Header() makes WriteHeader copy the
	// header map: skip it when it is not needed.
	switch {
	case len(body) > 1 && body[0] == '{' && body[len(body)-1] == '}':
		w.Header()["Content-Type"] = jsonType // a synchronous callback's answer
	case body != h.cfg.ReplyBody || !h.replySniffsPlain:
		w.Header()["Content-Type"] = plainText
	}
	w.WriteHeader(status)
	io.WriteString(w, body)
	ev.Latency = h.cfg.Now().Sub(ev.Received)
	h.emit(*ev)
}

// plainText is every answer's Content-Type but JSON ones, shared (net/http
// only reads it).
var (
	plainText = []string{"text/plain; charset=utf-8"}
	jsonType  = []string{"application/json"}
)
