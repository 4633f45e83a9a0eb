// entry.go holds Entry, one request as the inspector shows it, and judge,
// which builds entries from capture records, bare bodies and listen's
// events (parse, signature check, re-delivery count).

package inspect

import (
	"net/http"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/signature"
)

// Sig is the signature verdict the inspector shows. The secret itself is
// never kept in an Entry.
type Sig string

const (
	SigOK        Sig = "ok"
	SigBad       Sig = "bad"
	SigUnchecked Sig = "unchecked"
)

// Entry is one request as the inspector shows it: built from a capture
// record (a file) or from listen's Event (live). Everything shown comes
// from here; nothing in it is a secret (headers are scrubbed).
type Entry struct {
	// Seq is listen's arrival number (live) or the line number in the
	// capture file.
	Seq      int
	Received time.Time
	Method   string
	Path     string
	Remote   string
	Header   map[string][]string // scrubbed of credentials and the secret
	Body     []byte              // exactly as received

	// Event is the event's name: Spec.Ref when the body identifies a
	// catalog event (its routing field, then the fields that tell events
	// sharing a routing value apart), else the routing value as sent; ""
	// when there is none or the body did not parse.
	Event     string
	Known     bool             // the event is in the catalog (Spec is set)
	Spec      *callback.Event  // the identified event, nil when none
	Family    *callback.Family // the body's family, nil when none identified
	IDs       []callback.KeyID // the key ids, as listen's header line shows them
	ParseErr  string
	Sig       Sig
	SigReason signature.Reason // when Sig is bad
	SigDetail string           // one sentence; never the secret
	Problems  []string         // catalog check, errors first

	// Status and Answer are what the receiver answered; Status is 0 when
	// the capture does not say.
	Status   int
	Answer   string
	Latency  time.Duration // 0 when unknown (capture files do not keep it)
	Delivery int           // 1 for a first delivery, k+1 for ZEGO's k-th retry
	// Rejected is set for a request answered 404, 405 or 413 before it was
	// judged (live only).
	Rejected bool
	Note     string // simulated failure, forwarding, capture error (live)

	// Replay is the last replay of this entry, nil before one.
	Replay *ReplayState

	id uint64 // the inspector's own arrival number, unique
}

// Failed reports whether the entry is a failure: a bad signature, a body
// that did not parse, a rejected request, an answer that is not 2xx, or a
// replay that failed.
func (e *Entry) Failed() bool {
	if e.Sig == SigBad || e.ParseErr != "" || e.Rejected {
		return true
	}
	if e.Status != 0 && (e.Status < 200 || e.Status > 299) {
		return true
	}
	if r := e.Replay; r != nil && !r.Pending && !r.Result.OK() {
		return true
	}
	return false
}

// ContentType is the request's Content-Type header, if any.
func (e *Entry) ContentType() string {
	for k, v := range e.Header {
		if http.CanonicalHeaderKey(k) == "Content-Type" && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// keyID returns the value of the key id labelled label ("" when absent).
func (e *Entry) keyID(label string) string {
	for _, k := range e.IDs {
		if k.Label == label {
			return k.Value
		}
	}
	return ""
}

// Judge turns bodies into entries: it parses, looks the event up, checks
// the signature when a secret is set and numbers re-deliveries. It is used
// from one goroutine.
type judge struct {
	cat    *callback.Catalog
	secret string
	seen   *sightings
}

func newJudge(cat *callback.Catalog, secret string) *judge {
	if cat == nil {
		cat = callback.Default()
	}
	return &judge{cat: cat, secret: secret, seen: newSightings(4096)}
}

// fromRecord builds the entry for capture record rec found on line n.
func (j *judge) fromRecord(rec *capture.Record, n int) *Entry {
	e := &Entry{
		Seq:      n,
		Received: rec.ReceivedAt,
		Method:   rec.Method,
		Path:     rec.Path,
		Remote:   rec.RemoteAddr,
		Header:   capture.ScrubHeaders(rec.Headers, j.secret), // captures are scrubbed already; a hand-made file may not be
		Delivery: 1,
		Sig:      SigUnchecked,
	}
	body, err := rec.RawBody()
	if err != nil {
		e.ParseErr = "body_base64: " + err.Error()
	}
	e.Body = body
	if rec.Answer != nil {
		e.Status, e.Answer = rec.Answer.Status, rec.Answer.Body
	}
	if err == nil {
		j.judgeBody(e, rec.ContentType())
	}
	return e
}

// fromBody builds the entry for a line that is a bare callback body.
func (j *judge) fromBody(body []byte, n int) *Entry {
	e := &Entry{Seq: n, Body: body, Delivery: 1, Sig: SigUnchecked}
	j.judgeBody(e, "")
	return e
}

func (j *judge) judgeBody(e *Entry, contentType string) {
	p, err := callback.Parse(e.Body, contentType)
	if err != nil {
		e.ParseErr = err.Error()
		return
	}
	// As listen's handler judges: the body names its family and event.
	var d callback.Detection
	j.cat.DetectInto(p, &d)
	e.Family = d.Family
	if spec := d.Event; spec != nil {
		e.Spec, e.Event, e.Known = spec, spec.Ref, true
		e.Problems = problemText(spec.Check(p))
	} else {
		e.Event = d.Value.Text
	}
	e.IDs = callback.KeyIDs(p)
	in := d.SignatureInput(p, j.secret)
	if j.secret != "" {
		r := signature.Check(in)
		if r.OK() {
			e.Sig = SigOK
		} else {
			e.Sig, e.SigReason, e.SigDetail = SigBad, r.Reason, r.Detail
		}
	}
	if in.HasNonce && in.HasSignature {
		e.Delivery = j.seen.record(in.Nonce + "\x00" + in.Signature)
	}
}

func problemText(ps []callback.Problem) []string {
	var out []string
	for _, sev := range []callback.Severity{callback.Error, callback.Warning} {
		for _, p := range ps {
			if p.Severity == sev {
				out = append(out, p.Severity.String()+": "+p.String())
			}
		}
	}
	return out
}

// fromEvent builds the entry for one of listen's events. The event's
// strings and body are kept (listen must not recycle them: see Feed).
func (j *judge) fromEvent(ev *listen.Event) *Entry {
	e := &Entry{
		Seq:      ev.Seq,
		Received: ev.Received,
		Method:   ev.Method,
		Path:     ev.Path,
		Remote:   ev.RemoteAddr,
		Header:   capture.ScrubHeaders(ev.Header, j.secret),
		Body:     ev.Body,
		Event:    ev.Name,
		Known:    ev.Spec != nil,
		Spec:     ev.Spec,
		Family:   ev.Family,
		Sig:      Sig(ev.Sig),
		Status:   ev.Status,
		Answer:   ev.Answer,
		Latency:  ev.Latency,
		Delivery: max(ev.Delivery, 1),
		Problems: problemText(ev.Problems),
		Note:     ev.Simulated,
	}
	if e.Sig == "" {
		e.Sig = SigUnchecked
	}
	if ev.Sig == listen.SigBad {
		e.SigReason, e.SigDetail = ev.SigResult.Reason, ev.SigResult.Detail
	}
	if ev.ParseErr != nil {
		e.ParseErr = ev.ParseErr.Error()
	}
	if ev.Payload != nil {
		e.IDs = callback.KeyIDs(ev.Payload)
	}
	if f := ev.Forward; f != nil {
		e.Note = joinNote(e.Note, "forwarded to "+f.URL+": "+strconv.Itoa(f.Attempts)+" of "+strconv.Itoa(f.Max)+" attempts, answered "+strconv.Itoa(f.Status))
	}
	if ev.SaveErr != nil {
		e.Note = joinNote(e.Note, "capture write failed, so answered 500: "+ev.SaveErr.Error())
	}
	return e
}

func fromReject(r Reject) *Entry {
	return &Entry{
		Seq: 0, Received: r.At, Method: r.Method, Path: r.Path, Remote: r.RemoteAddr,
		Status: r.Status, Rejected: true, Sig: SigUnchecked, Delivery: 1,
	}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// sightings counts deliveries per callback key, remembering at most about
// 2×max keys (two generations), as listen does.
type sightings struct {
	max       int
	cur, prev map[string]int
}

func newSightings(max int) *sightings {
	return &sightings{max: max, cur: map[string]int{}, prev: map[string]int{}}
}

func (s *sightings) record(key string) int {
	n, ok := s.cur[key]
	if !ok {
		n = s.prev[key]
	}
	n++
	if len(s.cur) >= s.max {
		s.prev, s.cur = s.cur, make(map[string]int, s.max)
	}
	s.cur[key] = n
	return n
}
