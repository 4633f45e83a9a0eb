// judge.go holds how the handler judges a callback: parsing, the signature,
// the catalog's checks, re-delivery labels, and the answer it gets.

package listen

import (
	"hash/maphash"
	"net/http"
	"strconv"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// judge parses, verifies and labels ev, and decides the answer.
func (h *Handler) judge(ev *Event) {
	ev.Status, ev.Answer = http.StatusOK, h.cfg.ReplyBody
	var (
		p   *callback.Payload
		err error
	)
	// ev.Body is ours and never written again: parse it in place.
	if h.cfg.ReusePayloads {
		p = payloads.Get().(*callback.Payload)
		if err = callback.ParseOwnedInto(p, ev.Body, ev.ContentType); err != nil {
			putPayload(p)
		}
	} else {
		p, err = callback.ParseOwned(ev.Body, ev.ContentType)
	}
	if err != nil {
		ev.ParseErr = err
		ev.Sig = SigUnchecked
		ev.Key = bodyKey(ev.Body)
		ev.Status, ev.Answer = http.StatusBadRequest, "bad request: "+err.Error()
		return
	}
	ev.Payload = p
	// The body names its family and event: the routing field, then the
	// fields that tell events sharing a routing value apart.
	var d callback.Detection
	h.cfg.Catalog.DetectInto(p, &d)
	ev.Family = d.Family
	if spec := d.Event; spec != nil {
		ev.Spec, ev.Name = spec, spec.Ref
		if !h.cfg.SkipCheck {
			ev.Problems = d.Event.Check(p)
		}
		ev.Answer = h.replyFor(spec)
	} else {
		ev.Name = d.Value.Text
	}
	in := d.SignatureInput(p, h.cfg.Secret)
	if h.cfg.Secret == "" {
		ev.Sig = SigUnchecked
	} else {
		in.OtherSecrets, in.SecretName = h.cfg.OtherSecrets, h.cfg.SecretName
		ev.SigResult = signature.Check(in)
		ev.Sig = SigBad
		if ev.SigResult.OK() {
			ev.Sig = SigOK
		}
	}
	if !in.HasNonce || !in.HasSignature {
		ev.Key = bodyKey(ev.Body)
	} else {
		ev.Key = in.Nonce + "\x00" + in.Signature
		var same bool
		ev.Delivery, ev.SincePrev, same = h.seen.record(ev.Key, ev.Received, maphash.Bytes(h.seed, ev.Body))
		ev.Replay = !same
		if ev.Delivery > 1 && !ev.Replay {
			ev.Drift = ev.SincePrev - RetryGap(ev.Spec, ev.Delivery-1)
		}
	}
	var roleProblem string
	if ev.Spec != nil && in.HasTimestamp {
		roleProblem = signedFieldsProblem(ev.Spec, p, in.Timestamp)
	}
	switch {
	case roleProblem != "":
		// The signature inputs are not what the family signs: a 13-digit
		// timestamp where seconds are signed, or a PascalCase event's
		// signature fields spelt in snake case (even when the digest
		// matches, ZEGO never sends these).
		ev.Status, ev.Answer = http.StatusBadRequest, "bad request: "+roleProblem
	case d.Problem != "" && !(d.Unknown && d.Value.Kind == callback.KindString):
		// No routing field, one of the wrong JSON type, or an undocumented
		// numeric event type: not a callback zegocb can route. (An unknown
		// event name is accepted: ZEGO adds events.)
		ev.Status, ev.Answer = http.StatusBadRequest, "bad request: "+d.Problem
	case ev.Sig == SigBad && !h.cfg.AcceptInvalid:
		ev.Status, ev.Answer = http.StatusUnauthorized, "invalid signature"
	}
}

// signedFieldsProblem says, in one line, what is wrong with the signed
// fields of a body of spec: its timestamp in the other unit than spec's page
// states (13 digits for seconds, 10 for milliseconds), or its timestamp
// field spelt in another casing than spec's family spells it. "" when
// neither (the usual case costs a length comparison and one look-up).
func signedFieldsProblem(spec *callback.Event, p *callback.Payload, ts string) string {
	f := spec.RoleField(callback.RoleTimestamp)
	if f.Unit != "" && ts != "" && ts[0] != '-' {
		switch n := len(ts); {
		case f.Unit == "s" && n == 13:
			return f.Name + " is " + ts + ", 13 digits: milliseconds, but " + spec.Ref + " signs Unix seconds"
		case f.Unit == "ms" && n == 10:
			return f.Name + " is " + ts + ", 10 digits: seconds, but " + spec.Ref + " signs Unix milliseconds"
		}
	}
	if _, ok := p.Get(f.Name); !ok {
		if k, _, found := p.GetFold(f.Name); found {
			return "found " + strconv.Quote(k) + ", but " + spec.Ref + " spells its signature fields " +
				f.Name + ", " + spec.RoleField(callback.RoleNonce).Name + ", " + spec.RoleField(callback.RoleSignature).Name
		}
	}
	return ""
}

// replyFor is the successful answer to spec: Replies' override, else a
// synchronous callback's documented JSON default, else ReplyBody.
func (h *Handler) replyFor(spec *callback.Event) string {
	if len(h.cfg.Replies) > 0 {
		if b, ok := h.cfg.Replies[spec]; ok {
			return b
		}
	}
	if r := spec.Answer(); r.Sync != nil && r.Sync.Default != "" {
		return r.Sync.Default
	}
	return h.cfg.ReplyBody
}
