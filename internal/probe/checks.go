// checks.go holds what each check sends and how it judges the answer:
// signed deliveries, forged, unsigned and foreign-secret signatures, a
// re-delivery, loosely typed and extended payloads, old timestamps and
// replays.

package probe

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

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
