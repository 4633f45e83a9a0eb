// send_build.go builds the callback send delivers: the base payload (a
// catalog sample or --data), --set/--unset overrides, timestamp, nonce,
// signature and request headers.

package cli

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/replay"
)

// built is a signed callback ready to send.
type built struct {
	Spec      *callback.Event
	Payload   *callback.Payload
	Format    callback.Format
	Body      []byte
	Header    http.Header
	Timestamp string
	Nonce     string
	Signature string
	// fixedTimestamp: the timestamp came from the user (load mode keeps it).
	fixedTimestamp bool
}

// buildPayload makes the base payload (sample or --data) and applies the
// non-signature overrides.
func (o *sendOptions) buildPayload() (*callback.Event, *callback.Payload, error) {
	f := o.F
	cat := f.Catalog
	var base *callback.Payload
	if o.Data != "" {
		b, _, err := f.readBody(o.Data)
		if fe := (*FlagError)(nil); errors.As(err, &fe) {
			return nil, nil, err // stdin claimed twice: a usage error of its own
		} else if err != nil {
			return nil, nil, inputErrorf("--data %v", err)
		}
		// A capture record (listen --save) is unwrapped, saying so; a whole
		// capture file is replay's job.
		info, err := replay.InspectData(o.Data, b)
		if err != nil {
			return nil, nil, &InputError{Err: fmt.Errorf("--data %w", err)}
		}
		ct := ""
		switch info.Kind {
		case replay.DataRecord:
			f.Hintf("%s", info.Hint(o.Data))
			b, ct = info.Body, info.ContentType
		case replay.DataRecords, replay.DataLines:
			return nil, nil, inputErrorf("--data %s", info.Hint(o.Data))
		}
		base, err = callback.Parse(b, ct)
		if err != nil {
			return nil, nil, inputErrorf("--data %s: %v", o.Data, err)
		}
	}
	name := o.Event
	if name == "" && base != nil {
		k, v, ok := base.GetFold("event")
		switch {
		case !ok || v.Text == "":
			return nil, nil, inputErrorf("--data %s has no event field; name the EVENT: zegocb send EVENT --data %s", o.Data, o.Data)
		case v.Kind != callback.KindString:
			return nil, nil, inputErrorf("--data %s: field %q is a JSON %s (%.40s), want an event name", o.Data, k, v.Kind, v.Raw)
		}
		name = v.Text
		if _, ok := cat.Lookup(name); !ok {
			return nil, nil, inputErrorf("--data %s: field %q is %q, not an event zegocb knows: %s", o.Data, k, name, eventHint(cat, name))
		}
	}
	if name == "" {
		return nil, nil, flagErrorf("send needs an EVENT, e.g. `zegocb send stream_create`; `zegocb events` lists them")
	}
	spec, err := lookupEvent(cat, name)
	if err != nil {
		return nil, nil, err
	}
	if base != nil {
		if got := base.EventName(); o.Event != "" && got != "" && got != spec.Name {
			return nil, nil, flagErrorf("--data %s holds event %q but EVENT is %q: drop EVENT, or use --set %s=%s", o.Data, got, spec.Name, spec.RoleField(callback.RoleEvent).Name, spec.Name)
		}
		if err := rewrittenTwice("--data "+o.Data, base, spec.RoleField(callback.RoleTimestamp).Name,
			spec.RoleField(callback.RoleNonce).Name, spec.RoleField(callback.RoleSignature).Name); err != nil {
			return nil, nil, err
		}
	} else {
		base = spec.Sample(callback.SampleOptions{Now: f.Now(), Rand: f.sampleRand(), AppID: f.AppID()})
		if o.vars != nil {
			base = spec.SampleFrom(o.vars) // one of several EVENTs: shared ids
		}
	}
	return spec, base, nil
}

type setOp struct{ key, value string }

func parseSets(sets []string) ([]setOp, error) {
	var out []setOp
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, flagErrorf("--set %q: want field=value (field= sets an empty value)", s)
		}
		out = append(out, setOp{k, v})
	}
	return out, nil
}

// build makes the signed callback.
func (o *sendOptions) build(secret string) (*built, error) {
	sets, err := parseSets(o.Sets)
	if err != nil {
		return nil, err
	}
	spec, p, err := o.buildPayload()
	if err != nil {
		return nil, err
	}
	tsName := spec.RoleField(callback.RoleTimestamp).Name
	nonceName := spec.RoleField(callback.RoleNonce).Name
	sigName := spec.RoleField(callback.RoleSignature).Name

	b := &built{Spec: spec, Format: callback.FormatJSON}
	switch {
	case o.Encoding != "":
		b.Format = callback.Format(o.Encoding)
	case o.Form || p.Format == callback.FormatForm:
		b.Format = callback.FormatForm
	}
	if o.FormArrays != "" && b.Format != callback.FormatForm {
		return nil, flagErrorf("--form-arrays shapes form bodies; add --encoding form")
	}
	b.Timestamp = strconv.FormatInt(o.F.Now().Unix(), 10)
	if o.KeepTimestamp {
		v, ok := p.Get(tsName)
		if !ok || v.Text == "" {
			return nil, inputErrorf("--keep-timestamp: --data %s has no %s field", o.Data, tsName)
		}
		b.Timestamp, b.fixedTimestamp = v.Text, true
	}
	b.Nonce = ""
	var sigSet *setOp
	for i := range sets {
		s := sets[i]
		switch s.key {
		case tsName:
			b.Timestamp, b.fixedTimestamp = s.value, true
		case nonceName:
			b.Nonce = s.value
		case sigName:
			sigSet = &sets[i]
		default:
			if fs := spec.Field(s.key); fs != nil {
				p.Set(s.key, fs.Typed(s.value))
				continue
			}
			if _, ok := p.Get(s.key); !ok {
				if err := o.unknownSet(spec, s); err != nil {
					return nil, err
				}
			}
			p.Set(s.key, callback.String(s.value))
		}
	}
	if b.Nonce == "" {
		b.Nonce = o.F.Nonce()
	}
	spec.Stamp(p, secret, b.Timestamp, b.Nonce)
	if sigSet != nil {
		p.Set(sigName, callback.String(sigSet.value))
	}
	for _, k := range o.Unsets {
		p.Delete(k)
	}
	if v, ok := p.Get(sigName); ok {
		b.Signature = v.Text
	}
	b.Payload = p
	b.Body = p.Encode(b.Format)
	if b.Format == callback.FormatForm && o.FormArrays == "brackets" {
		b.Body = p.FormWith(callback.ArraysBrackets)
	}

	h, err := parseHeaderFlags(o.Headers)
	if err != nil {
		return nil, err
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", b.Format.ContentType())
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", zegocbUserAgent())
	}
	b.Header = h
	return b, nil
}

// unknownSet reports a --set of a field the event does not have (nor the
// --data payload): a warning with the closest field names, or with
// --strict a usage error.
func (o *sendOptions) unknownSet(spec *callback.Event, s setOp) error {
	msg := "--set " + s.key + "=" + s.value + ": " + spec.Name + " has no field " + strconv.Quote(s.key)
	hint := "`zegocb events " + spec.Name + "` lists its fields"
	if names := spec.SuggestField(s.key, 2); len(names) > 0 {
		hint = "did you mean " + joinWords(names, "or") + "?"
	}
	if o.Strict {
		return flagErrorf("%s (%s); --strict refuses fields the event does not have", msg, hint)
	}
	o.F.Warnf("%s (%s); sent as an extra string field, which --strict refuses", msg, hint)
	return nil
}
