// send_build.go builds the callback send delivers: the base payload (a
// catalog sample or --data), --set/--unset overrides, timestamp, nonce,
// signature and request headers.

package cli

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
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
	if o.Event == "" && base == nil {
		return nil, nil, flagErrorf("send needs an EVENT, e.g. `zegocb send stream_create`; `zegocb events` lists them")
	}
	var (
		spec *callback.Event
		alts []*callback.Event
	)
	if o.Event != "" {
		if spec, alts = cat.Resolve(o.Event); spec == nil {
			_, err := lookupEvent(cat, o.Event)
			return nil, nil, err
		}
	}
	if base == nil && len(alts) > 0 {
		f.Hintf("%s", collisionHint(o.Event, spec, alts))
	}
	if base != nil {
		// The body names its family and event: its routing field, then the
		// fields that tell events sharing a routing value apart.
		d := cat.Detect(base)
		switch {
		case spec == nil && d.Event == nil && d.Field == "":
			return nil, nil, inputErrorf("--data %s has no event field (%s); name the EVENT: zegocb send EVENT --data %s", o.Data, routingFields(cat), o.Data)
		case spec == nil && d.Event == nil && d.Unknown && d.Value.Kind == callback.KindString:
			return nil, nil, inputErrorf("--data %s: field %q is %q, not an event zegocb knows: %s", o.Data, d.Field, d.Value.Text, eventHint(cat, d.Value.Text))
		case d.Event == nil && d.Field != "" && !d.Unknown:
			return nil, nil, inputErrorf("--data %s: field %q %s", o.Data, d.Field, strings.TrimPrefix(d.Problem, d.Field+": "))
		case spec == nil && d.Event == nil:
			return nil, nil, inputErrorf("--data %s: %s", o.Data, d.Problem)
		case d.Event == nil && d.Field != "":
			return nil, nil, flagErrorf("--data %s holds event %q but EVENT is %s: drop EVENT, or use --set %s=%s", o.Data, d.Value.Text, spec.Ref, spec.RoleField(callback.RoleEvent).Name, spec.RouteValue())
		case spec == nil:
			spec = d.Event
			if d.Ambiguous {
				f.Hintf("--data %s: %s (%s); name the EVENT to pick another", o.Data, d.Rule, detectedAlternatives(d))
			}
		case d.Event == nil || d.Event == spec:
			if len(alts) > 0 && d.Event == nil {
				f.Hintf("%s", collisionHint(o.Event, spec, alts))
			}
		case slices.Contains(alts, d.Event) && !d.Ambiguous:
			spec = d.Event // a shared bare name, and the body's fields say which family's
		case d.Event.RouteValue() != spec.RouteValue():
			return nil, nil, flagErrorf("--data %s holds event %s but EVENT is %s: drop EVENT, or use --set %s=%s", o.Data, d.Event.Ref, spec.Ref, spec.RoleField(callback.RoleEvent).Name, spec.RouteValue())
		default:
			// Same routing value, another family's fields (zim/room_create
			// data sent as rtc/room_create): EVENT decides, but say so.
			f.Warnf("--data %s looks like %s (%s); sending it as %s, as EVENT says", o.Data, d.Event.Qualified, d.Rule, spec.Qualified)
		}
		if err := misspeltRoles(o.Data, spec, base); err != nil {
			return nil, nil, err
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
	b.Timestamp = spec.Timestamp(o.F.Now()) // seconds, or 13-digit ms for the ms families
	if o.KeepTimestamp {
		v, ok := p.Get(tsName)
		if !ok || v.Text == "" {
			return nil, inputErrorf("--keep-timestamp: --data %s has no %s field", o.Data, tsName)
		}
		b.Timestamp, b.fixedTimestamp = v.Text, true
		if err := timestampUnitMatches(spec, tsName, v.Text); err != nil {
			return nil, inputErrorf("--keep-timestamp: --data %s: %v", o.Data, err)
		}
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

// misspeltRoles refuses a body whose timestamp, nonce or signature field is
// spelt in another casing than the event's family spells it (a PascalCase
// event with snake_case signature fields): signing would add a second set.
func misspeltRoles(data string, spec *callback.Event, p *callback.Payload) error {
	for _, r := range []callback.Role{callback.RoleTimestamp, callback.RoleNonce, callback.RoleSignature} {
		want := spec.RoleField(r).Name
		if _, ok := p.Get(want); ok {
			continue
		}
		if k, _, ok := p.GetFold(want); ok && k != want {
			return inputErrorf("--data %s: field %q: %s spells it %q (its common fields are %s); rename it, or signing would add a second one",
				data, k, spec.Ref, want, commonNames(spec))
		}
	}
	return nil
}

// commonNames lists an event's common fields as its family spells them.
func commonNames(spec *callback.Event) string {
	names := make([]string, 0, len(commonRoles))
	for _, r := range commonRoles {
		names = append(names, spec.RoleField(r).Name)
	}
	return strings.Join(names, ", ")
}

// timestampUnitMatches refuses a kept timestamp in the other unit: 13
// digits (milliseconds) for a seconds timestamp, 10 (seconds) for an ms one
// (as the schema check does: only where the event's page states the unit).
func timestampUnitMatches(spec *callback.Event, name, ts string) error {
	if !callback.IsInteger(ts) {
		return nil
	}
	switch unit := spec.RoleField(callback.RoleTimestamp).Unit; {
	case unit == "s" && len(ts) >= 13:
		return fmt.Errorf("%s is %s, %d digits: milliseconds, but %s signs Unix seconds", name, ts, len(ts), spec.Ref)
	case unit == "ms" && len(ts) <= 10:
		return fmt.Errorf("%s is %s, %d digits: seconds, but %s signs Unix milliseconds (13 digits)", name, ts, len(ts), spec.Ref)
	}
	return nil
}

// routingFields names the fields that name an event, for a message:
// "event, Event, EventType, event_type or ReportType".
func routingFields(c *callback.Catalog) string {
	var names []string
	for _, f := range c.Families() {
		for _, r := range f.Routing {
			if !slices.Contains(names, r.Field) {
				names = append(names, r.Field)
			}
		}
	}
	return joinWords(names, "or")
}

// detectedAlternatives names the events a detection did not pick.
func detectedAlternatives(d callback.Detection) string {
	names := make([]string, len(d.Alternatives))
	for i, a := range d.Alternatives {
		names[i] = a.Qualified
	}
	return "also possible: " + strings.Join(names, ", ")
}

// unknownSet reports a --set of a field the event does not have (nor the
// --data payload): a warning with the closest field names, or with
// --strict a usage error.
func (o *sendOptions) unknownSet(spec *callback.Event, s setOp) error {
	msg := "--set " + s.key + "=" + s.value + ": " + spec.Ref + " has no field " + strconv.Quote(s.key)
	hint := "`zegocb events " + spec.Ref + "` lists its fields"
	if names := spec.SuggestField(s.key, 2); len(names) > 0 {
		hint = "did you mean " + joinWords(names, "or") + "?"
	}
	if o.Strict {
		return flagErrorf("%s (%s); --strict refuses fields the event does not have", msg, hint)
	}
	o.F.Warnf("%s (%s); sent as an extra string field, which --strict refuses", msg, hint)
	return nil
}
