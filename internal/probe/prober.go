// prober.go holds the plan of a run: the checks (per event and wire format,
// then the protocol checks on the representative event), the events an
// --events list resolves to, and how one request is built and sent.

package probe

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
)

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
