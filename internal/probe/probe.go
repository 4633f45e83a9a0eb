// Package probe is zegocb's conformance suite for a callback endpoint: it
// sends correctly signed callbacks of every catalog event (JSON and form),
// forged and unsigned ones, re-deliveries, loosely typed and extended
// payloads, old timestamps and replays, and judges each answer. It never
// prints: it returns rows (and reports them through Config.OnRow).
package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/signature"
)

// Verdict is a row's outcome.
type Verdict string

const (
	Pass Verdict = "PASS"
	Warn Verdict = "WARN"
	Fail Verdict = "FAIL"
	Info Verdict = "INFO"
	// Skip: the check was not judged (its baseline, a correctly signed
	// delivery of the same event and format, was refused); Reason says why.
	Skip Verdict = "SKIP"
)

// Expectation says what a correct endpoint does with a check's request.
type Expectation string

const (
	Accept Expectation = "accept" // 2xx (and the catalog's body)
	Reject Expectation = "reject" // 4xx, ideally 401/403
	Report Expectation = "report" // policy is the endpoint's: reported as INFO
)

// Row is one check and its outcome.
type Row struct {
	ID      string // stable id, e.g. "stream_create/json", "security/forged-signature"
	Event   string
	Check   string // what was sent, in words
	Expect  Expectation
	Verdict Verdict
	Reason  string
	Status  int           // HTTP status of the judged answer; 0: no answer
	Latency time.Duration // of the judged answer
	Body    []byte        // the judged answer's body (first 64 KiB)
	Err     error         // transport error, when Status is 0
	// Format is the wire form the check sent.
	Format callback.Format
	// Baseline: the row is a correctly signed delivery of its event in its
	// format, the row other checks of that event and format depend on.
	Baseline bool
}

// Config configures a probe run.
type Config struct {
	URL     string
	Catalog *callback.Catalog
	Secret  string
	// Events names the events of the per-event checks: event names
	// (stream_create, zim/room_create), family names (zim: all its events)
	// or "all" (the whole catalog). nil: one representative per family
	// (stream_create for RTC, else the family's first event). The first
	// event also carries the protocol checks.
	Events  []string
	Timeout time.Duration // per request (default 5s)
	Header  http.Header   // extra headers on every request
	Client  *http.Client
	Now     func() time.Time
	Nonce   func() string
	Rand    *rand.Rand // sample values (nil: random)
	AppID   string
	// OnRow is called after each check.
	OnRow func(Row)
}

// Result is a whole run.
type Result struct {
	URL  string
	Rows []Row
	// Unreachable is set when the endpoint never answered; Rows is then empty
	// and Err says why.
	Unreachable bool
	Err         string
	Elapsed     time.Duration
	// Notes say, one line each, what the run's pattern of answers shows
	// (the endpoint rejected valid callbacks; it parses only JSON; ...).
	Notes []string
}

// Counts tallies the rows by verdict.
func (r *Result) Counts() map[Verdict]int {
	c := map[Verdict]int{Pass: 0, Warn: 0, Fail: 0, Info: 0, Skip: 0}
	for _, row := range r.Rows {
		c[row.Verdict]++
	}
	return c
}

// Failed reports whether any row failed.
func (r *Result) Failed() bool { return r.Counts()[Fail] > 0 }

// ErrUnknownEvent is returned for an --events name not in the catalog.
var ErrUnknownEvent = errors.New("unknown event")

// Plan returns the ids of the checks a run makes, in order.
func Plan(cfg Config) ([]string, error) {
	p, err := newProber(&cfg)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(p.checks))
	for i, c := range p.checks {
		ids[i] = c.id
	}
	return ids, nil
}

// Run makes every check in order and returns the rows. ctx ending stops the
// run and returns the rows so far with ctx's error.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	p, err := newProber(&cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{URL: cfg.URL}
	start := cfg.Now()
	judged := map[string]Row{} // baseline rows by id
	for i, c := range p.checks {
		var row Row
		if base, ok := judged[c.dep]; ok && base.Verdict == Fail {
			row = Row{Verdict: Skip, Reason: notJudged(base)}
		} else {
			row = c.run(ctx)
		}
		row.ID, row.Event, row.Check, row.Expect = c.id, c.event, c.check, c.expect
		row.Format, row.Baseline = c.format, c.dep == ""
		if row.Baseline {
			judged[c.id] = row
		}
		if ctx.Err() != nil {
			res.Elapsed = cfg.Now().Sub(start)
			return res, ctx.Err()
		}
		if i == 0 && row.Status == 0 {
			res.Unreachable = true
			res.Err = strings.TrimPrefix(row.Reason, "no answer: ")
			res.Elapsed = cfg.Now().Sub(start)
			return res, nil
		}
		res.Rows = append(res.Rows, row)
		if cfg.OnRow != nil {
			cfg.OnRow(row)
		}
	}
	res.Elapsed = cfg.Now().Sub(start)
	analyze(res, p.rep.Ref, cfg.Catalog)
	return res, nil
}

type check struct {
	id, event, check string
	expect           Expectation
	format           callback.Format
	// dep is the id of the baseline check this one depends on: when that
	// one failed, this one is not judged. "": the check is a baseline.
	dep string
	run func(ctx context.Context) Row
}

// formats are the wire forms every event is checked in, in order.
var formats = []struct {
	f     callback.Format
	label string
}{
	{callback.FormatJSON, "signed JSON"},
	{callback.FormatForm, "signed form"},
	{callback.FormatURLEncodedJSON, "signed UrlEncoded JSON"},
}

type prober struct {
	cfg    *Config
	rep    *callback.Event // carries the protocol checks
	checks []check
	other  string // a secret that is not cfg.Secret
}

func newProber(cfg *Config) (*prober, error) {
	if cfg.Catalog == nil {
		cfg.Catalog = callback.Default()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Nonce == nil {
		cfg.Nonce = callback.NewNonce
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if cfg.Secret == "" {
		return nil, errors.New("probe: no secret")
	}
	events, err := Events(cfg.Catalog, cfg.Events)
	if err != nil {
		return nil, err
	}
	p := &prober{cfg: cfg, other: "other-" + strconv.FormatUint(cfg.Rand.Uint64(), 36)}
	p.rep = events[0]
	for _, e := range events {
		for _, f := range formats {
			p.checks = append(p.checks, check{id: e.Ref + "/" + string(f.f), event: e.Ref, check: f.label, expect: Accept, format: f.f, run: p.signed(e, f.f)})
		}
	}
	// The protocol checks send the representative event as JSON: each
	// depends on that event's JSON baseline.
	r := p.rep.Ref
	base := r + "/" + string(callback.FormatJSON)
	for _, c := range []check{
		{id: "security/forged-signature", check: "forged signature", expect: Reject, run: p.forged},
		{id: "security/missing-signature", check: "no signature field", expect: Reject, run: p.missing},
		{id: "security/other-secret", check: "signed with another secret", expect: Reject, run: p.otherSecret},
		{id: "delivery/redelivered", check: "same callback delivered twice", expect: Accept, run: p.redelivered},
		{id: "payload/numbers-for-strings", check: "numeric fields as JSON numbers", expect: Accept, run: p.numbers},
		{id: "payload/unknown-fields", check: "unknown extra fields", expect: Accept, run: p.unknownFields},
		{id: "timestamp/retry-age", check: "timestamp 70 s old", expect: Accept, run: p.retryAge},
		{id: "timestamp/stale", check: "timestamp 1 hour old", expect: Report, run: p.stale},
		{id: "replay/reused-nonce", check: "new body, reused nonce", expect: Report, run: p.reusedNonce},
		{id: "replay/changed-body", check: "changed body, valid signature", expect: Report, run: p.changedBody},
	} {
		c.event, c.format, c.dep = r, callback.FormatJSON, base
		p.checks = append(p.checks, c)
	}
	return p, nil
}

// Events resolves names as Config.Events says: event names, family names,
// "all"; none: one representative per family with events (stream_create
// for RTC, else its first event), in catalog order. Each event comes once.
func Events(cat *callback.Catalog, names []string) ([]*callback.Event, error) {
	var out []*callback.Event
	add := func(evs ...*callback.Event) {
		for _, e := range evs {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	if len(names) == 0 {
		for _, f := range cat.Families() {
			evs := cat.FamilyEvents(f)
			if len(evs) == 0 {
				continue
			}
			rep := evs[0]
			if e, ok := cat.Lookup(f.Name + "/stream_create"); ok {
				rep = e
			}
			add(rep)
		}
	}
	for _, name := range names {
		name = strings.TrimSpace(name)
		if e, _ := cat.Resolve(name); e != nil {
			add(e)
			continue
		}
		if f := cat.Family(name); f != nil && len(cat.FamilyEvents(f)) > 0 {
			add(cat.FamilyEvents(f)...)
			continue
		}
		if strings.EqualFold(name, "all") {
			add(cat.Events()...)
			continue
		}
		return nil, fmt.Errorf("%w %q", ErrUnknownEvent, name)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no events to probe", ErrUnknownEvent)
	}
	return out, nil
}

// sample builds a fresh payload of e, stamped at now-age (in the family's
// unit) with a fresh nonce, and signed with the family's scheme.
func (p *prober) sample(e *callback.Event, age time.Duration) *callback.Payload {
	now := p.cfg.Now()
	pl := e.SampleFrom(callback.NewVars(callback.SampleOptions{Now: now, Rand: p.cfg.Rand, AppID: p.cfg.AppID}))
	ts := e.Timestamp(now.Add(-age))
	e.Stamp(pl, p.cfg.Secret, ts, p.cfg.Nonce())
	return pl
}

func (p *prober) send(ctx context.Context, body []byte, f callback.Format) deliver.Attempt {
	h := p.cfg.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", f.ContentType())
	}
	res, _ := deliver.Deliver(ctx, deliver.Request{URL: p.cfg.URL, Header: h, Body: body}, deliver.Options{
		Client:  p.cfg.Client,
		Timeout: p.cfg.Timeout,
		Now:     p.cfg.Now,
	})
	return *res.Last()
}

func rowOf(a deliver.Attempt) Row {
	return Row{Status: a.Status, Latency: a.Latency, Body: a.Body, Err: a.Err}
}

// excerpt is a body quoted for a reason: one line, at most n bytes.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(bytes.TrimSpace(b))), " ")
	if len(s) > n {
		i := n
		for i > 0 && !utf8.RuneStart(s[i]) { // not inside a character
			i--
		}
		s = s[:i] + "…"
	}
	return strconv.Quote(s)
}

// judgeAccept judges an answer to a callback a correct endpoint accepts: a
// 2xx, with the family's answer: a synchronous callback's JSON (a
// documented decision, within the deadline), or record's legacy "1".
func judgeAccept(e *callback.Event, a deliver.Attempt) (Verdict, string) {
	answer := e.Answer()
	switch {
	case a.Status == 0:
		return Fail, "no answer: " + a.Reason
	case a.Status >= 200 && a.Status < 300:
		if answer.Sync != nil {
			v := answer.Sync.Judge(a.Body, a.Latency)
			if !v.OK {
				return Fail, fmt.Sprintf("%d, but %s: %s is synchronous, ZEGO reads the answer (%s)", a.Status, strings.Join(v.Problems, "; "), e.Ref, answer.Describe(func(s string) string { return s }))
			}
			return Pass, fmt.Sprintf("accepted (%d, %s)", a.Status, v.Summary)
		}
		if !answer.BodyOK(a.Body) {
			return Warn, fmt.Sprintf("%d, but the body is %s: legacy docs for %s treat only %q as success", a.Status, excerpt(a.Body, 40), e.Ref, answer.Body)
		}
		if len(a.Body) == 0 {
			return Pass, fmt.Sprintf("accepted (%d)", a.Status)
		}
		return Pass, fmt.Sprintf("accepted (%d, body %s)", a.Status, excerpt(a.Body, 24))
	case a.Status >= 300 && a.Status < 400:
		return Fail, fmt.Sprintf("answered a redirect (%d to %s): ZEGO counts non-2xx as failure; configure the final URL", a.Status, a.Header.Get("Location"))
	case a.Status == 401 || a.Status == 403:
		return Fail, fmt.Sprintf("rejected a correctly signed callback (%d %s)", a.Status, excerpt(a.Body, 40))
	}
	return Fail, fmt.Sprintf("answered %d %s: ZEGO %s, then drops the callback", a.Status, excerpt(a.Body, 40), retriesText(e))
}

// retriesText says how ZEGO retries e: "retries 5 times", "does not retry".
func retriesText(e *callback.Event) string {
	switch n := len(e.RetryProfile().Delays); n {
	case 0:
		return "documents no retries"
	case 1:
		return "retries once"
	default:
		return "retries " + strconv.Itoa(n) + " times"
	}
}

// judgeReject judges an answer to a callback a correct endpoint refuses.
func judgeReject(a deliver.Attempt, what string) (Verdict, string) {
	switch {
	case a.Status == 0:
		return Warn, "no answer (" + a.Reason + "): refused, but answer 401 so the sender knows why"
	case a.Status >= 200 && a.Status < 300:
		return Fail, fmt.Sprintf("accepted %s (%d): anyone who knows the URL can fake callbacks; verify the signature", what, a.Status)
	case a.Status == 401 || a.Status == 403:
		return Pass, fmt.Sprintf("rejected (%d)", a.Status)
	case a.Status >= 400 && a.Status < 500:
		return Pass, fmt.Sprintf("rejected (%d; 401 or 403 says why more clearly)", a.Status)
	case a.Status >= 500:
		return Warn, fmt.Sprintf("rejected but with a server error (%d): answer 401 or 403", a.Status)
	}
	return Warn, fmt.Sprintf("answered %d: rejected, but answer 401 or 403", a.Status)
}

func (p *prober) signed(e *callback.Event, f callback.Format) func(context.Context) Row {
	return func(ctx context.Context) Row {
		a := p.send(ctx, p.sample(e, 0).Encode(f), f)
		row := rowOf(a)
		row.Verdict, row.Reason = judgeAccept(e, a)
		return row
	}
}

func (p *prober) forged(ctx context.Context) Row {
	return p.mustReject(ctx, "a forged signature", func(e *callback.Event, pl *callback.Payload) {
		forged := signature.Sign("forged-"+strconv.FormatUint(p.cfg.Rand.Uint64(), 36), "0", "0")
		pl.Set(e.RoleField(callback.RoleSignature).Name, callback.String(forged))
	})
}

func (p *prober) missing(ctx context.Context) Row {
	return p.mustReject(ctx, "a callback without a signature", func(e *callback.Event, pl *callback.Payload) {
		pl.Delete(e.RoleField(callback.RoleSignature).Name)
	})
}

func (p *prober) otherSecret(ctx context.Context) Row {
	return p.mustReject(ctx, "a signature made with another secret", func(e *callback.Event, pl *callback.Payload) {
		e.Sign(pl, p.other)
	})
}

// mustReject sends the representative event's sample, spoiled by spoil, as
// JSON, and judges the answer: the endpoint must refuse what.
func (p *prober) mustReject(ctx context.Context, what string, spoil func(*callback.Event, *callback.Payload)) Row {
	e := p.rep
	pl := p.sample(e, 0)
	spoil(e, pl)
	a := p.send(ctx, pl.JSON(), callback.FormatJSON)
	row := rowOf(a)
	row.Verdict, row.Reason = judgeReject(a, what)
	return row
}

func (p *prober) redelivered(ctx context.Context) Row {
	e := p.rep
	body := p.sample(e, 0).JSON()
	first := p.send(ctx, body, callback.FormatJSON)
	if v, why := judgeAccept(e, first); v == Fail {
		row := rowOf(first)
		row.Verdict, row.Reason = Fail, "first delivery: "+why
		return row
	}
	second := p.send(ctx, body, callback.FormatJSON)
	row := rowOf(second)
	v, why := judgeAccept(e, second)
	if v == Fail {
		why = "the re-delivery " + why + "; ZEGO re-sends the same body when it saw no 2xx, so answer 2xx to duplicates (deduplicate by nonce, don't reject)"
	} else {
		why = "accepted both deliveries (" + strconv.Itoa(first.Status) + ", " + strconv.Itoa(second.Status) + ")"
	}
	row.Verdict, row.Reason = v, why
	return row
}

// numbers sends every integer-looking string field (but the nonce and the
// signature) as a JSON number, as some of ZEGO's pages show them.
func (p *prober) numbers(ctx context.Context) Row {
	e := p.rep
	pl := p.sample(e, 0)
	nonce := e.RoleField(callback.RoleNonce).Name
	sig := e.RoleField(callback.RoleSignature).Name
	n := 0
	for i := range pl.Entries {
		en := &pl.Entries[i]
		if en.Key == nonce || en.Key == sig || en.Value.Kind != callback.KindString || !callback.IsInteger(en.Value.Text) {
			continue
		}
		if t := en.Value.Text; len(strings.TrimLeft(t, "-")) > 1 && strings.HasPrefix(strings.TrimLeft(t, "-"), "0") {
			continue // a leading zero is not a JSON number
		}
		en.Value = callback.Number(en.Value.Text)
		n++
	}
	a := p.send(ctx, pl.JSON(), callback.FormatJSON)
	row := rowOf(a)
	row.Verdict, row.Reason = judgeAccept(e, a)
	if row.Verdict == Fail {
		row.Reason += fmt.Sprintf(" (%d fields were JSON numbers; ZEGO's pages disagree on string vs number, accept both)", n)
	}
	return row
}

func (p *prober) unknownFields(ctx context.Context) Row {
	e := p.rep
	pl := p.sample(e, 0)
	pl.Set("zegocb_probe_extra", callback.String("fields ZEGO may add later"))
	obj, _ := callback.RawValue(`{"added_by":"zegocb probe","n":1}`)
	pl.Set("zegocb_probe_object", obj)
	a := p.send(ctx, pl.JSON(), callback.FormatJSON)
	row := rowOf(a)
	row.Verdict, row.Reason = judgeAccept(e, a)
	if row.Verdict == Fail {
		row.Reason += " (ZEGO adds fields over time: ignore unknown ones)"
	}
	return row
}

func (p *prober) retryAge(ctx context.Context) Row {
	e := p.rep
	a := p.send(ctx, p.sample(e, 70*time.Second).JSON(), callback.FormatJSON)
	row := rowOf(a)
	row.Verdict, row.Reason = judgeAccept(e, a)
	if a.Status >= 400 && a.Status < 500 {
		row.Verdict = Warn
		row.Reason = fmt.Sprintf("rejected a 70-s-old timestamp (%d): ZEGO's last retry comes 62 s after the first attempt with the same body, so a window this short drops it; allow a few minutes", a.Status)
	}
	return row
}

func (p *prober) stale(ctx context.Context) Row {
	e := p.rep
	a := p.send(ctx, p.sample(e, time.Hour).JSON(), callback.FormatJSON)
	row := rowOf(a)
	switch {
	case a.Status == 0:
		row.Verdict, row.Reason = Warn, "no answer: "+a.Reason
	case a.Status >= 200 && a.Status < 300:
		row.Verdict, row.Reason = Info, fmt.Sprintf("accepted (%d): the policy is yours; rejecting timestamps older than a few minutes limits replays of captured callbacks", a.Status)
	case a.Status >= 400 && a.Status < 500:
		row.Verdict, row.Reason = Info, fmt.Sprintf("rejected (%d): a replay window; keep it longer than ZEGO's 62 s of retries plus clock skew", a.Status)
	default:
		row.Verdict, row.Reason = Warn, fmt.Sprintf("answered %d: answer 2xx or 4xx, not a server error", a.Status)
	}
	return row
}

// businessField returns a string field that is not one of the common ones.
func businessField(e *callback.Event, pl *callback.Payload) string {
	for _, en := range pl.Entries {
		if f := e.Field(en.Key); f != nil && f.Role == "" && en.Value.Kind == callback.KindString && f.Type == callback.TypeString && en.Value.Text != "" {
			return en.Key
		}
	}
	return "zegocb_probe_changed"
}

func (p *prober) reusedNonce(ctx context.Context) Row {
	e := p.rep
	orig := p.sample(e, 0)
	first := p.send(ctx, orig.JSON(), callback.FormatJSON)
	if v, why := judgeAccept(e, first); v == Fail {
		row := rowOf(first)
		row.Verdict, row.Reason = Info, "not judged: the first delivery failed ("+why+")"
		return row
	}
	changed := orig.Clone()
	key := businessField(e, changed)
	changed.Set(key, callback.String("replayed-"+strconv.FormatUint(p.cfg.Rand.Uint64()%1e6, 10)))
	a := p.send(ctx, changed.JSON(), callback.FormatJSON)
	row := rowOf(a)
	switch {
	case a.Status >= 200 && a.Status < 300:
		row.Verdict, row.Reason = Info, fmt.Sprintf("accepted (%d): ZEGO's signature covers only timestamp and nonce, so a new body under a used nonce verifies; deduplicate by nonce and rely on HTTPS", a.Status)
	case a.Status >= 400 && a.Status < 500:
		row.Verdict, row.Reason = Info, fmt.Sprintf("rejected (%d): the endpoint remembers nonces; keep answering 2xx to identical re-deliveries", a.Status)
	case a.Status == 0:
		row.Verdict, row.Reason = Warn, "no answer: "+a.Reason
	default:
		row.Verdict, row.Reason = Warn, fmt.Sprintf("answered %d: answer 2xx or 4xx, not a server error", a.Status)
	}
	return row
}

func (p *prober) changedBody(ctx context.Context) Row {
	e := p.rep
	pl := p.sample(e, 0)
	key := businessField(e, pl)
	pl.Set(key, callback.String("changed-in-transit"))
	a := p.send(ctx, pl.JSON(), callback.FormatJSON)
	row := rowOf(a)
	switch {
	case a.Status >= 200 && a.Status < 300:
		row.Verdict, row.Reason = Info, fmt.Sprintf("accepted (%d), as it must be: the signature does not cover the body (%s was changed), so only HTTPS keeps callbacks from being altered in transit", a.Status, key)
	case a.Status == 0:
		row.Verdict, row.Reason = Warn, "no answer: "+a.Reason
	default:
		row.Verdict, row.Reason = Info, fmt.Sprintf("answered %d to a validly signed callback with a changed %s: the signature cannot tell, so the endpoint must have judged the content", a.Status, key)
	}
	return row
}
