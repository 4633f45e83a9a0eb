// check.go holds the check of one payload: parsing, detection, the schema, the
// signature, the timestamp and re-deliveries, into a Result.

package verify

import (
	"bytes"
	"errors"
	"hash/maphash"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/input"
	"github.com/zegocb/zegocb/internal/signature"
)

// checker holds what every worker shares (read-only during a run).
type checker struct {
	opts *Options
	now  time.Time
	seed maphash.Seed
}

func newChecker(opts *Options) *checker {
	return &checker{opts: opts, now: opts.Now(), seed: maphash.MakeSeed()}
}

// state is one worker's scratch space, reused from payload to payload.
type state struct {
	errs, warns, notes []string
	// outer is the line as parsed (a callback body or a capture record),
	// inner the body a capture record holds; each decodes its escaped
	// strings into its own scratch buffer, reused from payload to payload.
	outer, inner parsed
	// det is the payload's detection, reused from payload to payload; its
	// strings may point into the last body and are read only during check.
	det callback.Detection
	// at locates the detected event's common fields in the payload
	// (CheckRoles), for the signature input.
	at callback.RoleEntries
}

type parsed struct {
	payload callback.Payload
	scratch []byte
}

func (c *checker) newState() *state { return &state{} }

func (c *checker) checkBatch(st *state, b *batch) {
	if cap(b.results) < len(b.items) {
		b.results, b.used = make([]Result, len(b.items)), 0
	}
	b.results = b.results[:len(b.items)]
	for i := range b.items {
		it := &b.items[i]
		r := &b.results[i]
		// A result used before keeps its Reasons storage. One never used
		// is not read: on a fresh page the read would map the kernel's
		// shared zero page, and the write after it take a copy-on-write
		// fault that flushes the TLB on every core (an IPI each on a VM),
		// several percent of a 100k-line run's CPU.
		var reasons []string
		if i < b.used {
			reasons = r.Reasons[:0]
		}
		*r = Result{File: b.file, Line: it.line, Signature: SigUnchecked, Reasons: reasons}
		if it.errMsg != "" {
			r.unreadable(it.errMsg)
			continue
		}
		c.check(st, r, b.buf[it.start:it.end], it.torn)
	}
	b.used = max(b.used, len(b.results))
}

func (r *Result) unreadable(msg string) {
	r.Unreadable = true
	r.Verdict = Fail
	r.Reasons = append(r.Reasons, msg)
}

// check fills r for one payload. data is only valid during the call.
func (c *checker) check(st *state, r *Result, data []byte, torn bool) {
	st.errs, st.warns, st.notes = st.errs[:0], st.warns[:0], st.notes[:0]
	defer func() { c.finish(st, r) }()

	if len(data) == 0 {
		r.Unreadable = true
		st.errs = append(st.errs, "unreadable: empty body")
		return
	}

	body := data
	p, err := c.parse(&st.outer, body, "")
	isRecord := false
	var received time.Time
	stamped := false // a received_at field: a capture record or a listen -o json callback line (one look-up for a plain body)
	kinded := false  // a kind field: perhaps a listen -o json line
	if err == nil {
		for i := range p.Entries { // one pass for both keys
			switch k := p.Entries[i].Key; len(k) {
			case len("received_at"):
				stamped = stamped || k == "received_at"
			case len("kind"):
				kinded = kinded || k == "kind"
			}
		}
	}
	get := func(k string) (string, string, bool) {
		v, ok := p.Get(k)
		return v.Raw, v.Text, ok
	}
	if stamped && capture.IsRecordKeys(func(k string) bool { _, ok := p.Get(k); return ok }) {
		// A capture record: check the body it holds, as received.
		isRecord = true
		rec, rerr := capture.EssentialsFrom(get)
		if rerr != nil {
			r.Unreadable = true
			st.errs = append(st.errs, "unreadable: capture record: "+rerr.Error())
			return
		}
		received, body = rec.ReceivedAt, rec.Body
		p, err = c.parse(&st.inner, body, rec.ContentType) // body points into st.outer
	} else if kinded {
		switch k := capture.ListenKindOf(get); k {
		case capture.ListenCallback:
			// A `listen -o json` callback line: check the payload it holds.
			isRecord = true
			l, lerr := capture.ListenFrom(get)
			if lerr != nil {
				r.Unreadable = true
				st.errs = append(st.errs, "unreadable: listen -o json line: "+lerr.Error())
				return
			}
			received, body = l.ReceivedAt, l.Body
			p, err = c.parse(&st.inner, body, l.ContentType) // body points into st.outer
		case capture.ListenRejected, capture.ListenForwardAttempt:
			r.Skipped = k.NoCallback() // not a callback: Run counts it and reports nothing
			return
		}
	}
	if err != nil {
		r.Unreadable = true
		if torn && !isRecord {
			if off, ok := input.TornAt(data, err); ok {
				msg := "unreadable: torn last line: byte " + strconv.Itoa(off) + ": the input ends in the middle of a JSON object " +
					"with no final newline (what a killed `listen --save` leaves)"
				if r.Line > 1 {
					msg += "; the lines before it are intact"
				}
				st.errs = append(st.errs, msg)
				return
			}
		}
		msg := err.Error()
		if errors.Is(err, callback.ErrEmpty) {
			msg = "empty body"
		}
		if b := input.FirstByte(body); b != '{' && b != '[' && b != '"' && b != '%' && !bytes.ContainsRune(body, '=') && strings.Contains(msg, "invalid JSON") {
			msg = "neither JSON nor a form body"
		}
		if isRecord {
			msg = "captured body: " + msg
		}
		st.errs = append(st.errs, "unreadable: "+msg)
		return
	}

	// Family and event, from the body alone; then the schema.
	d := &st.det
	c.opts.Catalog.DetectInto(p, d)
	ev := d.Event
	switch {
	case ev != nil:
		r.Event, r.Family, r.Rule = ev.Ref, ev.Product.Name, d.Rule
		if d.Ambiguous {
			st.notes = append(st.notes, d.Rule)
		}
		if d.Warning != "" {
			st.warns = append(st.warns, d.Warning)
		}
		for _, pr := range ev.CheckRoles(p, &st.at) {
			if pr.Severity == callback.Error {
				st.errs = append(st.errs, pr.String())
			} else {
				st.warns = append(st.warns, pr.String())
			}
		}
		// The schema check accepts an empty signature (an unsigned
		// sample is well-formed), but a received callback must carry
		// one, secret or no secret.
		if k := st.at[4]; k > 0 {
			if v := p.Entries[k-1].Value; v.Kind == callback.KindString && v.Text == "" {
				st.errs = append(st.errs, ev.RoleField(callback.RoleSignature).Name+": is empty")
			}
		}
	case d.Unknown:
		r.Event = strings.Clone(d.Value.Text)
		if d.Value.Kind == callback.KindNumber {
			r.Event = d.Field + " " + r.Event // "EventType 99"
		}
		if d.Family != nil {
			r.Family = d.Family.Name
		}
		if c.opts.AllowUnknown {
			st.notes = append(st.notes, d.Problem+": schema not checked (--allow-unknown)")
		} else {
			st.errs = append(st.errs, d.Problem+" (--allow-unknown accepts it)")
		}
	default:
		// 123 is no event name, known or unknown: --allow-unknown must not pass it.
		st.errs = append(st.errs, d.Problem)
	}

	// Signature.
	var in signature.Input
	if ev != nil {
		in = callback.SignatureInputAt(ev, p, c.opts.Secret, &st.at)
	} else {
		in = d.SignatureInput(p, c.opts.Secret)
	}
	if in.HasNonce && in.HasSignature && in.Nonce != "" && in.Signature != "" {
		// Two one-shot hashes, the second rotated so that swapping nonce
		// and signature changes the key (cheaper than a streaming Hash).
		r.key = maphash.String(c.seed, in.Nonce) ^ bits.RotateLeft64(maphash.String(c.seed, in.Signature), 31)
		r.hasKey = true
		r.body = maphash.Bytes(c.seed, body) // a retry repeats the body byte for byte; a replay may not
	}
	if c.opts.Secret == "" {
		r.SignatureReason = signature.MissingSecret
		if c.opts.RequireSignature {
			st.errs = append(st.errs, "signature unchecked: no callback secret configured (--require-signature)")
		} else if in.HasSignature && in.Signature != "" { // an absent or empty one is an error already
			st.notes = append(st.notes, "signature not checked: no callback secret")
		}
	} else {
		in.OtherSecrets, in.SecretName = c.opts.OtherSecrets, c.opts.SecretName
		res := signature.Check(in)
		switch res.Reason {
		case signature.OK:
			r.Signature, r.SignatureReason = SigOK, signature.OK
		case signature.MissingSignature, signature.MissingTimestamp, signature.MissingNonce:
			r.Signature, r.SignatureReason = SigMissing, res.Reason
			if ev == nil { // for a known event the schema check already said which field is missing or empty
				st.errs = append(st.errs, "signature: "+res.Detail)
			}
		default:
			r.Signature, r.SignatureReason = SigBad, res.Reason
			st.errs = append(st.errs, "signature: "+res.Detail)
			if c.opts.Explain {
				want, sorted := signature.Explain(in)
				src := ""
				if c.opts.SecretName != "" {
					src = " (" + c.opts.SecretName + ")"
				}
				got := in.Signature
				if len(got) > 64 {
					got = got[:64] + "…"
				}
				st.notes = append(st.notes, "expected signature "+want+" with the configured secret"+src+", got "+strconv.Quote(got),
					"hashed: sha1 of "+sorted+" (sorted; the secret masked)")
			}
		}
	}

	// Timestamp age.
	if in.HasTimestamp && in.Timestamp != "" {
		ref, refName := c.now, "now"
		if isRecord && !received.IsZero() {
			ref, refName = received, "received_at"
		}
		c.checkAge(st, in.Timestamp, ref, refName)
	}
}

// parse parses body with the callback codec. JSON bodies, the bulk of any
// capture, take the reusing path: the payload's strings point into body
// (through unsafe.String, no copy) or into into's scratch buffer, which
// stay unchanged until check returns; nothing that outlives check keeps
// them (Result strings are copies or catalog constants).
func (c *checker) parse(into *parsed, body []byte, contentType string) (*callback.Payload, error) {
	if len(body) == 0 || callback.Detect(body, contentType) != callback.FormatJSON {
		return callback.Parse(body, contentType)
	}
	p := &into.payload
	if err := callback.ParseJSONScratch(p, unsafe.String(&body[0], len(body)), &into.scratch); err != nil {
		return nil, err
	}
	return p, nil
}

func (c *checker) checkAge(st *state, ts string, ref time.Time, refName string) {
	if ageOK(ts, ref, c.opts.MaxAge) {
		return
	}
	c.checkAgeSlow(st, ts, ref, refName)
}

// checkAgeSlow is checkAge without the fast path.
func (c *checker) checkAgeSlow(st *state, ts string, ref time.Time, refName string) {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		if c.opts.MaxAge > 0 {
			st.errs = append(st.errs, "timestamp "+strconv.Quote(ts)+" is not a Unix time: cannot check --max-age")
		}
		return
	}
	var t time.Time
	if n > 1e11 || n < -1e11 { // 12+ digits: milliseconds
		t = time.UnixMilli(n)
	} else {
		t = time.Unix(n, 0)
	}
	age := ref.Sub(t) // both saturate far out; negating would overflow
	switch {
	case age < -time.Minute:
		st.warns = append(st.warns, "timestamp is "+t.Sub(ref).Round(time.Second).String()+" in the future (relative to "+refName+"): sender clock skew?")
	case c.opts.MaxAge > 0 && age > c.opts.MaxAge:
		st.errs = append(st.errs, "timestamp is "+age.Round(time.Second).String()+" old (relative to "+refName+"), over --max-age "+c.opts.MaxAge.String())
	}
}

// finish sets the verdict and the ordered reasons.
func (c *checker) finish(st *state, r *Result) {
	if c.opts.Strict && len(st.warns) > 0 {
		for _, w := range st.warns {
			st.errs = append(st.errs, w+" (--strict)")
		}
		st.warns = st.warns[:0]
	}
	switch {
	case len(st.errs) > 0:
		r.Verdict = Fail
	case len(st.warns) > 0:
		r.Verdict = Warn
	default:
		r.Verdict = Pass
	}
	if len(st.errs)+len(st.warns)+len(st.notes) == 0 {
		return
	}
	r.Reasons = append(r.Reasons, st.errs...)
	for _, w := range st.warns {
		r.Reasons = append(r.Reasons, "warning: "+w)
	}
	for _, n := range st.notes {
		r.Reasons = append(r.Reasons, "note: "+n)
	}
}

// ageOK is checkAge's fast path: true when ts is a plain Unix time in
// seconds or milliseconds (digits only, in a range whose nanoseconds fit
// an int64) at most a minute ahead of ref and, with a positive maxAge, at
// most maxAge old: the case with nothing to report. false means: let
// checkAge look (and word what it finds).
func ageOK(ts string, ref time.Time, maxAge time.Duration) bool {
	if len(ts) == 0 || len(ts) > 13 {
		return false
	}
	var n int64
	for i := 0; i < len(ts); i++ {
		d := ts[i] - '0'
		if d > 9 {
			return false
		}
		n = n*10 + int64(d)
	}
	var t int64 // nanoseconds, below 9e18
	switch {
	case n > 1e11 && n < 9e12: // 12+ digits: milliseconds, as checkAge reads them
		t = n * int64(time.Millisecond)
	case n < 9e9:
		t = n * int64(time.Second)
	default:
		return false
	}
	if s := ref.Unix(); s < 0 || s > 8e9 { // ref between 1970 and 2223: the difference fits
		return false
	}
	age := time.Duration(ref.UnixNano() - t)
	return age >= -time.Minute && (maxAge <= 0 || age <= maxAge)
}
