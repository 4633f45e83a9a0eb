// family.go holds a product family's conventions: routing, field spellings,
// timestamp unit, signature scheme and retry profile.

package callback

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/signature"
)

// Family is one ZEGO product's callback conventions (catalog/families.json):
// how a body names its event, how its common fields are spelled, how its
// timestamp travels, how it is signed, what the receiver must answer and
// how ZEGO retries. Every event belongs to exactly one family.
type Family struct {
	// Name is the short name used in qualified event names ("zim" in
	// "zim/room_create").
	Name  string `json:"name"`
	Title string `json:"title"`
	Doc   string `json:"doc"`
	// Routing lists the fields that name the event in a body, in the order
	// a detector tries them (RTC has both "event" and "Event").
	Routing []Route `json:"routing"`
	// Spellings are the documented spellings of the five common fields; an
	// event of the family uses one of them (RTC transcode's "Appid").
	Spellings []Spelling `json:"spellings"`
	// Timestamp is how the signed timestamp travels.
	Timestamp TimeSpec `json:"timestamp"`
	// Signature is the scheme that signs the family's callbacks.
	Signature signature.Scheme `json:"signature"`
	// Response is what a receiver answers, unless an event says otherwise.
	Response Response `json:"response"`
	// Retry is ZEGO's redelivery schedule, unless an event says otherwise.
	Retry Retry `json:"retry"`
	// Notes record where ZEGO's pages disagree, and other caveats.
	Notes []string `json:"notes,omitempty"`
}

// Route is a field that names the event: its name and JSON type.
type Route struct {
	Field string    `json:"field"`
	Type  RouteType `json:"type"`
}

// RouteType is the JSON type of a routing field.
type RouteType string

const (
	RouteString RouteType = "string" // "event": "room_create"
	RouteNumber RouteType = "number" // "EventType": 3
)

// Spelling is one documented spelling of the common fields.
type Spelling struct {
	Event     string `json:"event"`
	AppID     string `json:"appid"`
	Timestamp string `json:"timestamp"`
	Nonce     string `json:"nonce"`
	Signature string `json:"signature"`
}

// Name returns the field name spelt for role r.
func (s Spelling) Name(r Role) string {
	switch r {
	case RoleEvent:
		return s.Event
	case RoleAppID:
		return s.AppID
	case RoleTimestamp:
		return s.Timestamp
	case RoleNonce:
		return s.Nonce
	case RoleSignature:
		return s.Signature
	}
	return ""
}

// TimeSpec is the unit ("s" or "ms") and JSON wire type ("number" or
// "string") of a family's signed timestamp.
type TimeSpec struct {
	Unit string `json:"unit"`
	Wire Wire   `json:"wire"`
	// Mixed says the family's pages disagree on the wire type (RTC): each
	// event's timestamp field has its own, and Wire is the usual one.
	Mixed bool `json:"mixed,omitempty"`
}

// Retry is ZEGO's redelivery schedule after a failed attempt: the wait
// before each retry, counted from the previous attempt. No delays means
// ZEGO does not retry, or does not document it (see Note).
type Retry struct {
	Delays []Duration `json:"delays"`
	// Note says where the schedule comes from when the docs disagree or
	// are silent.
	Note string `json:"note,omitempty"`
}

// Durations returns the delays as time.Durations.
func (r Retry) Durations() []time.Duration {
	out := make([]time.Duration, len(r.Delays))
	for i, d := range r.Delays {
		out[i] = time.Duration(d)
	}
	return out
}

// Describe says the schedule in words: "5 retries, 2s, 4s, 8s, 16s, 32s
// after the previous attempt", "2 immediate retries", "2 retries, each 15s
// after the previous attempt".
func (r Retry) Describe() string {
	n := len(r.Delays)
	if n == 0 {
		return "no retries documented"
	}
	word := "retries"
	if n == 1 {
		word = "retry"
	}
	same := true
	for _, d := range r.Delays {
		same = same && d == r.Delays[0]
	}
	switch {
	case same && r.Delays[0] == 0:
		return strconv.Itoa(n) + " immediate " + word
	case same && n > 1:
		return strconv.Itoa(n) + " " + word + ", each " + time.Duration(r.Delays[0]).String() + " after the previous attempt"
	}
	parts := make([]string, n)
	for i, d := range r.Delays {
		parts[i] = time.Duration(d).String()
	}
	return strconv.Itoa(n) + " " + word + ", " + strings.Join(parts, ", ") + " after the previous attempt"
}

// Duration is a time.Duration written as "2s" or "2.5s" in the catalog.
type Duration time.Duration

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string such as \"2s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// SyncAnswer describes the JSON a synchronous callback's receiver must
// answer within Deadline (ZIM before_send_msg, Mini Game): the sender reads
// it and acts on it.
type SyncAnswer struct {
	// Deadline is how long ZEGO waits for the answer.
	Deadline Duration `json:"deadline"`
	// DeadlineNote says where the deadline comes from (the docs disagree).
	DeadlineNote string `json:"deadline_note,omitempty"`
	// Fields are the answer's fields. A required field with an enum must
	// hold one of its values; Accept (when set) lists the values that
	// count as success.
	Fields []AnswerField `json:"fields"`
	// Default is what a receiver answers when it has nothing to say.
	Default string `json:"default"`
}

// AnswerField is one field of a synchronous answer.
type AnswerField struct {
	Name        string   `json:"name"`
	Type        Type     `json:"type"`
	Required    bool     `json:"required,omitempty"`
	Enum        []Enum   `json:"enum,omitempty"`
	Accept      []string `json:"accept,omitempty"`
	Show        bool     `json:"show,omitempty"` // worth showing when present (new_payload)
	Description string   `json:"description"`
}

// setFamily links e to its family f (whose name e.family held).
func (e *Event) setFamily(f *Family) {
	e.Product = f
	e.Qualified = f.Name + "/" + e.Name
}

// RetryProfile is the event's redelivery schedule: its own, else its family's.
func (e *Event) RetryProfile() Retry {
	if e.Retry != nil {
		return *e.Retry
	}
	if e.Product != nil {
		return e.Product.Retry
	}
	return Retry{}
}

// Answer is what the event's receiver must answer: the event's own
// response rule when it has one, else the family's.
func (e *Event) Answer() Response {
	if e.Response != (Response{}) || e.Product == nil {
		return e.Response
	}
	return e.Product.Response
}

// Scheme is the signature scheme of the event's family (sorted SHA-1 when
// the event has no family).
func (e *Event) Scheme() signature.Scheme {
	if e.Product == nil || e.Product.Signature == "" {
		return signature.SHA1Sorted
	}
	return e.Product.Signature
}

// RouteValue is the text of the routing field that names this event: the
// event name, or the number of a numeric event type ("3").
func (e *Event) RouteValue() string {
	if e.Route != "" {
		return e.Route
	}
	return e.Name
}

// Label is the event's qualified name, with the number beside it for a
// numeric event type: "cloudplayer/player_status (EventType 3)".
func (e *Event) Label() string {
	if e.Route == "" {
		return e.Qualified
	}
	return e.Qualified + " (" + e.RoleField(RoleEvent).Name + " " + e.Route + ")"
}

func (f *Family) check() error {
	if f.Name == "" || strings.ContainsAny(f.Name, "/ ") {
		return fmt.Errorf("family name %q: want a short name without / or spaces", f.Name)
	}
	if len(f.Routing) == 0 {
		return fmt.Errorf("family %s: no routing field", f.Name)
	}
	for _, r := range f.Routing {
		if r.Field == "" || (r.Type != RouteString && r.Type != RouteNumber) {
			return fmt.Errorf("family %s: bad routing field %+v", f.Name, r)
		}
	}
	if len(f.Spellings) == 0 {
		return fmt.Errorf("family %s: no spelling of the common fields", f.Name)
	}
	for _, s := range f.Spellings {
		for _, r := range []Role{RoleEvent, RoleAppID, RoleTimestamp, RoleNonce, RoleSignature} {
			if s.Name(r) == "" {
				return fmt.Errorf("family %s: a spelling lacks the %s field", f.Name, r)
			}
		}
	}
	switch f.Timestamp.Unit {
	case "s", "ms":
	default:
		return fmt.Errorf("family %s: timestamp unit %q, want s or ms", f.Name, f.Timestamp.Unit)
	}
	switch f.Timestamp.Wire {
	case WireNumber, WireString:
	default:
		return fmt.Errorf("family %s: timestamp wire %q, want number or string", f.Name, f.Timestamp.Wire)
	}
	switch f.Signature {
	case signature.SHA1Sorted, signature.MD5Fixed:
	default:
		return fmt.Errorf("family %s: unknown signature scheme %q", f.Name, f.Signature)
	}
	return nil
}

// Families lists the families in catalog order (rtc first).
func (c *Catalog) Families() []*Family { return c.families }

// Family returns the named family, or nil.
func (c *Catalog) Family(name string) *Family {
	for _, f := range c.families {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// FamilyEvents lists one family's events, in name order.
func (c *Catalog) FamilyEvents(f *Family) []*Event {
	var out []*Event
	for _, e := range c.events {
		if e.Product == f {
			out = append(out, e)
		}
	}
	return out
}

// SyncVerdict is the judgement of a synchronous callback's answer.
type SyncVerdict struct {
	// OK is true when the answer is one the sender accepts, in time.
	OK bool
	// Summary names the answer's decision and shown fields in one line:
	// `result 3 (do not send), reason "spam"`.
	Summary string
	// Problems say what is wrong, one line each.
	Problems []string
}

// Judge parses a synchronous answer's body and checks it against s: its
// JSON, its required fields and their documented values, and took against
// the deadline.
func (s *SyncAnswer) Judge(body []byte, took time.Duration) SyncVerdict {
	var v SyncVerdict
	if s.Deadline > 0 && took > time.Duration(s.Deadline) {
		v.Problems = append(v.Problems, "answered after "+took.Round(time.Millisecond).String()+", over the "+time.Duration(s.Deadline).String()+" deadline")
	}
	p, err := ParseJSON(body)
	if err != nil || p.Format != FormatJSON {
		what := "not a JSON object"
		if err != nil {
			what = err.Error()
		}
		v.Problems = append(v.Problems, "answer body is "+what+", want JSON such as "+s.Default)
		return v
	}
	var parts []string
	for i := range s.Fields {
		f := &s.Fields[i]
		val, ok := p.Get(f.Name)
		if !ok {
			if f.Required {
				v.Problems = append(v.Problems, "answer lacks "+f.Name+" (want JSON such as "+s.Default+")")
			}
			continue
		}
		switch f.Type {
		case TypeInt:
			if val.Kind != KindNumber || !IsInteger(val.Text) {
				v.Problems = append(v.Problems, f.Name+" is "+clip(val.Raw)+", want an integer")
				continue
			}
		default:
			if val.Kind != KindString {
				v.Problems = append(v.Problems, f.Name+" is a JSON "+val.Kind.String()+", want a string")
				continue
			}
		}
		if len(f.Enum) > 0 {
			meaning, known := "", false
			for _, en := range f.Enum {
				if en.Value == val.Text {
					meaning, known = en.Meaning, true
				}
			}
			if !known {
				vals := make([]string, len(f.Enum))
				for i, en := range f.Enum {
					vals[i] = en.Value
				}
				v.Problems = append(v.Problems, f.Name+" "+clip(val.Raw)+" is not a documented value ("+strings.Join(vals, ", ")+")")
				continue
			}
			parts = append(parts, f.Name+" "+val.Text+" ("+meaning+")")
			if len(f.Accept) > 0 && !slicesContains(f.Accept, val.Text) {
				v.Problems = append(v.Problems, f.Name+" "+val.Text+" means "+meaning)
			}
			continue
		}
		if f.Show || val.Text != "" && f.Type == TypeString {
			parts = append(parts, f.Name+" "+clip(strconv.Quote(val.Text)))
		}
	}
	v.Summary = strings.Join(parts, ", ")
	v.OK = len(v.Problems) == 0
	return v
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TimestampUnit is the unit of the event's signed timestamp: its own
// field's, else its family's ("s" or "ms").
func (e *Event) TimestampUnit() string {
	if u := e.RoleField(RoleTimestamp).Unit; u != "" {
		return u
	}
	if e.Product != nil {
		return e.Product.Timestamp.Unit
	}
	return "s"
}

// Timestamp renders t as the event's signed timestamp text: Unix seconds,
// or 13-digit milliseconds for the ms families. Stamp it with Stamp.
func (e *Event) Timestamp(t time.Time) string {
	if e.TimestampUnit() == "ms" {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return strconv.FormatInt(t.Unix(), 10)
}
