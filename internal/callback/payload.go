// payload.go holds the payload model: Format, Kind, Value, Entry and
// Payload with its accessors, and the integer and decimal tests of field
// text. Parsing is in parse.go and scan.go, encoding in encode.go and form.go.

package callback

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Format is a payload's wire form.
type Format string

const (
	FormatJSON           Format = "json"            // application/json (ZEGO's default)
	FormatForm           Format = "form"            // application/x-www-form-urlencoded
	FormatURLEncodedJSON Format = "urlencoded-json" // a whole JSON body percent-encoded
)

// ContentType returns the HTTP content type for f.
func (f Format) ContentType() string {
	if f == FormatForm {
		return "application/x-www-form-urlencoded"
	}
	return "application/json"
}

// Label is f in words, for people: "JSON", "form", "UrlEncoded JSON".
func (f Format) Label() string {
	switch f {
	case FormatForm:
		return "form"
	case FormatURLEncodedJSON:
		return "UrlEncoded JSON"
	}
	return "JSON"
}

// Kind is the JSON kind of a value.
type Kind uint8

const (
	KindString Kind = iota
	KindNumber
	KindArray
	KindObject
	KindBool
	KindNull
)

func (k Kind) String() string {
	return [...]string{"string", "number", "array", "object", "boolean", "null"}[k]
}

// Value is one field's value. Raw is its exact JSON text as received (for
// form bodies, the JSON text of the decoded value), so numbers such as
// 858012925204410400 never pass through float64.
type Value struct {
	Kind Kind
	Raw  string
	// Text is the string's content for KindString, and Raw otherwise.
	Text string
}

// String returns a JSON string value.
func String(s string) Value { return Value{Kind: KindString, Raw: quote(s), Text: s} }

// Number returns a JSON number value from its literal text.
func Number(lit string) Value { return Value{Kind: KindNumber, Raw: lit, Text: lit} }

// RawValue returns the value for a piece of valid JSON text.
func RawValue(raw string) (Value, error) {
	if !ValidJSON(raw) {
		return Value{}, fmt.Errorf("not valid JSON: %.40q", raw)
	}
	return valueOf(gjson.Parse(raw)), nil
}

// StringArray returns a JSON array of strings.
func StringArray(items []string) Value {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(s))
	}
	b.WriteByte(']')
	raw := b.String()
	return Value{Kind: KindArray, Raw: raw, Text: raw}
}

// Strings returns the items of an array of scalars as text; a scalar gives itself.
func (v Value) Strings() []string {
	if v.Kind != KindArray {
		return []string{v.Text}
	}
	var out []string
	gjson.Parse(v.Raw).ForEach(func(_, item gjson.Result) bool {
		out = append(out, valueOf(item).Text)
		return true
	})
	return out
}

func valueOf(r gjson.Result) Value {
	switch r.Type {
	case gjson.String:
		return Value{Kind: KindString, Raw: r.Raw, Text: r.Str}
	case gjson.Number:
		return Value{Kind: KindNumber, Raw: r.Raw, Text: r.Raw}
	case gjson.True, gjson.False:
		return Value{Kind: KindBool, Raw: r.Raw, Text: r.Raw}
	case gjson.Null:
		return Value{Kind: KindNull, Raw: r.Raw, Text: r.Raw}
	}
	if r.IsArray() {
		return Value{Kind: KindArray, Raw: r.Raw, Text: r.Raw}
	}
	return Value{Kind: KindObject, Raw: r.Raw, Text: r.Raw}
}

// Entry is one key and its value, in payload order.
type Entry struct {
	Key   string
	Value Value
	// Offset is the byte offset of the key in the body (for error messages).
	Offset int
}

// Payload is a flat, ordered set of fields. It keeps unknown fields,
// repeated keys and each value's original text.
type Payload struct {
	Entries []Entry
	Format  Format
	// Body is the exact body the payload was parsed from, if any.
	Body []byte
}

// Get returns the first value for key.
func (p *Payload) Get(key string) (Value, bool) {
	for i := range p.Entries {
		if p.Entries[i].Key == key {
			return p.Entries[i].Value, true
		}
	}
	return Value{}, false
}

// GetFold returns the first value whose key equals key case-insensitively.
func (p *Payload) GetFold(key string) (string, Value, bool) {
	for i := range p.Entries {
		if strings.EqualFold(p.Entries[i].Key, key) {
			return p.Entries[i].Key, p.Entries[i].Value, true
		}
	}
	return "", Value{}, false
}

// Set replaces key's value in place, or appends it. Body is cleared.
func (p *Payload) Set(key string, v Value) {
	p.Body = nil
	for i := range p.Entries {
		if p.Entries[i].Key == key {
			p.Entries[i].Value = v
			return
		}
	}
	p.Entries = append(p.Entries, Entry{Key: key, Value: v})
}

// Delete removes every field named key. Body is cleared.
func (p *Payload) Delete(key string) {
	p.Body = nil
	out := p.Entries[:0]
	for _, f := range p.Entries {
		if f.Key != key {
			out = append(out, f)
		}
	}
	p.Entries = out
}

// Clone returns a deep copy that can be changed independently.
func (p *Payload) Clone() *Payload {
	q := &Payload{Format: p.Format, Body: p.Body}
	q.Entries = append([]Entry(nil), p.Entries...)
	return q
}

// EventName returns the value of the event field ("event" or "Event").
func (p *Payload) EventName() string {
	if v, ok := p.Get("event"); ok {
		return v.Text
	}
	if _, v, ok := p.GetFold("event"); ok {
		return v.Text
	}
	return ""
}

// IsInteger reports whether s is an optionally signed run of decimal digits.
func IsInteger(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsDecimal reports whether s parses as a finite decimal number.
func IsDecimal(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f == f && f-f == 0
}
