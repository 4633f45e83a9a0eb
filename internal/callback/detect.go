// detect.go holds detection: which family and event a payload is, from its
// routing field and spelling.

package callback

import (
	"strconv"
	"strings"

	"github.com/zegocb/zegocb/internal/signature"
)

// Detection is what a body alone says about its family and event.
type Detection struct {
	// Event is the identified event, nil when there is none.
	Event *Event
	// Family is the event's family; also set when the routing field names
	// only one family but the value is not one of its known events.
	Family *Family
	// Field and Value are the routing field as found in the body.
	Field string
	Value Value
	// Rule says which rule chose Event among the events that share the
	// routing value ("" when the value alone decided).
	Rule string
	// Ambiguous is true when no distinguishing field was present and Event
	// is the default (the RTC event, else the first family's).
	Ambiguous bool
	// Alternatives are the other events the routing value can mean.
	Alternatives []*Event
	// Problem is a one-line reason when no event was identified.
	Problem string
	// Unknown is true when the routing field is well-formed but its value
	// is no catalog event (an --allow-unknown caller may accept the body).
	Unknown bool
	// Warning is a one-line remark on a body that was still identified (a
	// numeric event type sent as a string).
	Warning string
}

// Detect identifies a body's family and event from its fields: the first
// routing field present ("event", "Event", "EventType", "event_type",
// "ReportType"), then, among the events sharing its value, the first whose
// marker fields are present (zim/room_create has operator_account). It
// allocates nothing on a known event.
func (c *Catalog) Detect(p *Payload) Detection {
	var d Detection
	c.DetectInto(p, &d)
	return d
}

// DetectInto is Detect writing into d (the hot path of verify, which keeps
// one Detection per worker).
func (c *Catalog) DetectInto(p *Payload, d *Detection) {
	*d = Detection{}
	var t *routeTable
	for i := range p.Entries {
		k := p.Entries[i].Key
		if len(k) >= 64 || c.routeLens&(1<<len(k)) == 0 {
			continue // no routing field has this length
		}
		for _, rt := range c.routeList() {
			if rt.field == k {
				t = rt
				break
			}
		}
		if t != nil {
			d.Field, d.Value = k, p.Entries[i].Value
			break
		}
	}
	if t == nil {
		// Compatibility: "EVENT" or "Event " is no routing field, but it
		// names the event the schema check will then explain.
		if k, v, ok := p.GetFold("event"); ok {
			t, d.Field, d.Value = c.routes["event"], k, v
		}
	}
	if t == nil {
		d.Problem = "no event field: not a ZEGO callback body"
		return
	}
	if len(t.families) == 1 {
		d.Family = t.families[0]
	}
	v := d.Value
	switch t.typ {
	case RouteString:
		if v.Kind != KindString {
			d.Problem = d.Field + ": is a JSON " + v.Kind.String() + ", want a string"
			return
		}
		if v.Text == "" {
			d.Problem = "event field is empty"
			return
		}
	case RouteNumber:
		switch {
		case v.Kind == KindNumber && IsInteger(v.Text):
		case v.Kind == KindString && IsInteger(v.Text):
			if p.Format != FormatForm { // a form body has only strings
				d.Warning = d.Field + " is a JSON string (" + strconv.Quote(v.Text) + "); ZEGO sends a number"
			}
		case v.Kind == KindString || v.Kind == KindNumber:
			d.Problem = d.Field + ": is " + clip(v.Raw) + ", want an integer event type"
			return
		default:
			d.Problem = d.Field + ": is a JSON " + v.Kind.String() + ", want a number"
			return
		}
	}
	r := t.byValue[v.Text]
	if r == nil {
		d.Unknown = true
		if t.typ == RouteNumber {
			d.Problem = d.Field + " " + v.Text + " is not a documented value (" + t.describe() + ")"
		} else {
			d.Problem = "unknown event " + strconv.Quote(v.Text)
		}
		return
	}
	pick := 0
	if len(r.events) > 1 {
		pick = -1
		for i, e := range r.events {
			for _, m := range e.Markers {
				if _, ok := p.Get(m); ok {
					pick = i
					break
				}
			}
			if pick >= 0 {
				break
			}
		}
		if pick >= 0 {
			d.Rule = r.rules[pick]
		} else {
			pick, d.Rule, d.Ambiguous = 0, r.fallback, true
		}
		d.Alternatives = r.alts[pick]
	}
	d.Event = r.events[pick]
	d.Family = d.Event.Product
	return
}

// routeList is the routing tables in detection order.
func (c *Catalog) routeList() []*routeTable { return c.routeOrder }

// describe lists the families routing on t and their documented values.
func (t *routeTable) describe() string {
	names := make([]string, len(t.families))
	for i, f := range t.families {
		names[i] = f.Name
	}
	s := strings.Join(names, ", ")
	if t.documented == "" {
		return s + ": no events in the catalog"
	}
	return s + ": " + t.documented
}

// SignatureInput extracts what the signature check needs from p, with the
// detected event's names and scheme, else its family's, else the usual
// names in any casing.
func (d *Detection) SignatureInput(p *Payload, secret string) signature.Input {
	if d.Event != nil {
		return SignatureInput(d.Event, p, secret)
	}
	return FamilySignatureInput(d.Family, p, secret)
}
