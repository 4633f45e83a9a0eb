package callback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

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

// ParseError says what is wrong with a body and where.
type ParseError struct {
	Offset int    // byte offset into the body, -1 when unknown
	Field  string // the field concerned, if any
	Msg    string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Offset >= 0 {
		fmt.Fprintf(&b, "byte %d: ", e.Offset)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrEmpty is returned for an empty or all-whitespace body.
var ErrEmpty = &ParseError{Offset: -1, Msg: "empty body"}

// Detect guesses the format of body from its first bytes and content type.
func Detect(body []byte, contentType string) Format {
	trimmed := body
	for len(trimmed) > 0 && (trimmed[0] == ' ' || trimmed[0] == '\t' || trimmed[0] == '\r' || trimmed[0] == '\n') {
		trimmed = trimmed[1:] // not bytes.TrimLeft: it builds a set per call, and Detect runs per payload
	}
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		return FormatJSON
	case len(trimmed) >= 3 && trimmed[0] == '%' && trimmed[1] == '7' && (trimmed[2] == 'B' || trimmed[2] == 'b'):
		return FormatURLEncodedJSON
	case strings.HasPrefix(contentType, "application/x-www-form-urlencoded"):
		return FormatForm
	case len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '"'):
		return FormatJSON // let the JSON parser say what is wrong
	case bytes.IndexByte(trimmed, '=') > 0:
		return FormatForm
	}
	return FormatJSON
}

// Parse detects the format of body and parses it.
func Parse(body []byte, contentType string) (*Payload, error) {
	switch Detect(body, contentType) {
	case FormatForm:
		return ParseForm(body)
	case FormatURLEncodedJSON:
		return ParseURLEncodedJSON(body)
	}
	return ParseJSON(body)
}

// ParseOwned is Parse for a body handed over to the payload: the caller
// never modifies it afterwards. A JSON body is then parsed in place (the
// payload's strings point into body) instead of from a copy.
func ParseOwned(body []byte, contentType string) (*Payload, error) {
	p := &Payload{Entries: make([]Entry, 0, 32)}
	if err := ParseOwnedInto(p, body, contentType); err != nil {
		return nil, err
	}
	return p, nil
}

// ParseOwnedInto is ParseOwned into p, reusing p's Entries storage, for a
// caller that recycles payloads. After an error p holds no entries.
func ParseOwnedInto(p *Payload, body []byte, contentType string) error {
	if len(body) == 0 || Detect(body, contentType) != FormatJSON {
		q, err := Parse(body, contentType)
		if err != nil {
			p.Entries, p.Body = p.Entries[:0], nil
			return err
		}
		*p = *q
		return nil
	}
	if err := ParseJSONInto(p, unsafe.String(unsafe.SliceData(body), len(body))); err != nil {
		return err
	}
	p.Body = body
	return nil
}

// ParseJSON parses a JSON object body.
func ParseJSON(body []byte) (*Payload, error) {
	s := string(body)
	p, err := parseJSONString(s)
	if err != nil {
		return nil, err
	}
	p.Body = body
	return p, nil
}

func parseJSONString(s string) (*Payload, error) {
	p := &Payload{Entries: make([]Entry, 0, 32)} // stream_create has 26 fields
	if err := ParseJSONInto(p, s); err != nil {
		return nil, err
	}
	return p, nil
}

// ParseJSONInto parses the JSON object s into p, reusing p's Entries
// storage: the allocation-free path for bulk checking. p.Body is set to nil.
// The entries' strings point into s (or are copies), so s must stay
// unchanged while p is in use.
func ParseJSONInto(p *Payload, s string) error {
	p.Entries, p.Format, p.Body = p.Entries[:0], FormatJSON, nil
	if scanObject(s, p) { // checks UTF-8 inside strings; anything else must be ASCII
		return nil
	}
	p.Entries = p.Entries[:0]
	if strings.TrimSpace(s) == "" {
		return ErrEmpty
	}
	if strings.HasPrefix(s, "\uFEFF") {
		return &ParseError{Offset: 0, Msg: "body starts with a UTF-8 byte-order mark (U+FEFF); ZEGO never sends one"}
	}
	if !utf8.ValidString(s) {
		return &ParseError{Offset: invalidUTF8At(s), Msg: "invalid UTF-8"}
	}
	if !ValidJSON(s) { // depth-bounded: gjson.Valid recurses per level
		return syntaxError(s)
	}
	root := gjson.Parse(s)
	if !root.IsObject() {
		return &ParseError{Offset: root.Index, Msg: "want a JSON object, got " + describeJSON(root)}
	}
	root.ForEach(func(k, v gjson.Result) bool {
		p.Entries = append(p.Entries, Entry{Key: k.Str, Value: valueOf(v), Offset: k.Index})
		return true
	})
	return nil
}

func describeJSON(r gjson.Result) string {
	switch r.Type {
	case gjson.String:
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.Null:
		return "null"
	case gjson.True, gjson.False:
		return "a boolean"
	}
	return "an array"
}

func invalidUTF8At(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// syntaxError finds where s stops being JSON (slow path, errors only).
func syntaxError(s string) error {
	var v any
	err := json.Unmarshal([]byte(s), &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg := se.Error()
		off := int(se.Offset) - 1 // Offset counts the bytes read, the bad one included
		// At the end of the input encoding/json reports an escape or a
		// literal cut short as an invalid ' ' (the space it feeds its
		// scanner at EOF): that is a truncation too.
		eofSpace := strings.HasPrefix(msg, "invalid character ' '") && (off >= len(s) || s[off] != ' ')
		if strings.HasPrefix(msg, "unexpected end of JSON input") || eofSpace {
			msg = "truncated JSON (unexpected end of input)"
			off = len(s) // where the input stops
		}
		return &ParseError{Offset: off, Msg: "invalid JSON: " + msg}
	}
	if err != nil {
		return &ParseError{Offset: -1, Msg: "invalid JSON: " + err.Error()}
	}
	return &ParseError{Offset: -1, Msg: "invalid JSON"}
}

// ParseURLEncodedJSON parses a JSON body that was percent-encoded as a whole.
func ParseURLEncodedJSON(body []byte) (*Payload, error) {
	dec, err := Unescape(strings.TrimSpace(string(body)), 0)
	if err != nil {
		return nil, err
	}
	p, err := parseJSONString(dec)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Msg += " (after URL-decoding the body)"
		}
		return nil, err
	}
	p.Format = FormatURLEncodedJSON
	p.Body = body
	return p, nil
}

// ParseForm parses an application/x-www-form-urlencoded body. Repeated keys
// and PHP-style "key[]" keys become arrays, at the position of the first one.
func ParseForm(body []byte) (*Payload, error) {
	s := string(body)
	if strings.TrimSpace(s) == "" {
		return nil, ErrEmpty
	}
	s = strings.TrimRight(s, "\r\n")
	p := &Payload{Format: FormatForm, Body: body}
	arrays := map[string][]string{}
	index := map[string]int{}
	off := 0
	for off <= len(s) {
		end := strings.IndexByte(s[off:], '&')
		if end < 0 {
			end = len(s)
		} else {
			end += off
		}
		pair := s[off:end]
		if pair != "" {
			rawKey, rawVal, hasEq := strings.Cut(pair, "=")
			key, err := Unescape(rawKey, off)
			if err != nil {
				return nil, err
			}
			val, err := Unescape(rawVal, off+len(rawKey)+1)
			if err != nil {
				var pe *ParseError
				if errors.As(err, &pe) {
					pe.Field = key
				}
				return nil, err
			}
			if !hasEq && strings.ContainsAny(key, "{}\"") {
				return nil, &ParseError{Offset: off, Msg: "not a form body (a key=value pair was expected)"}
			}
			if !utf8.ValidString(key) || !utf8.ValidString(val) {
				return nil, &ParseError{Offset: off, Field: key, Msg: "invalid UTF-8 after URL-decoding"}
			}
			brackets := strings.HasSuffix(key, "[]")
			key = strings.TrimSuffix(key, "[]")
			if i, seen := index[key]; seen {
				arrays[key] = append(arrays[key], val)
				p.Entries[i].Value = StringArray(arrays[key])
			} else {
				index[key] = len(p.Entries)
				arrays[key] = []string{val}
				v := String(val)
				if brackets {
					v = StringArray(arrays[key])
				}
				p.Entries = append(p.Entries, Entry{Key: key, Value: v, Offset: off})
			}
		}
		off = end + 1
	}
	if len(p.Entries) == 0 {
		return nil, ErrEmpty
	}
	return p, nil
}

// Unescape percent-decodes s ("+" is a space). base is s's offset in the body,
// so an invalid escape is reported where it stands.
func Unescape(s string, base int) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) {
				return "", &ParseError{Offset: base + i, Msg: fmt.Sprintf("truncated escape %q", s[i:])}
			}
			hi, ok1 := Unhex(s[i+1])
			lo, ok2 := Unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", &ParseError{Offset: base + i, Msg: fmt.Sprintf("invalid escape %q", s[i:i+3])}
			}
			b.WriteByte(hi<<4 | lo)
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// Unhex is the value of the hex digit c (either case), and whether c is
// one. The one decoder of percent and \u escapes' digits (replay's record
// body reader uses it too).
func Unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// LooksURLEncoded reports whether s holds percent escapes that decode cleanly.
func LooksURLEncoded(s string) bool {
	if strings.IndexByte(s, '%') < 0 {
		return false
	}
	dec, err := Unescape(strings.ReplaceAll(s, "+", "%2B"), 0)
	return err == nil && dec != s && utf8.ValidString(dec)
}

// JSON encodes p as a compact JSON object in field order. An unchanged
// JSON payload is returned byte-for-byte as received.
func (p *Payload) JSON() []byte {
	if p.Body != nil && p.Format == FormatJSON {
		return p.Body
	}
	n := 2
	for _, f := range p.Entries {
		n += len(f.Key) + len(f.Value.Raw) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, f := range p.Entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, f.Key)
		b = append(b, ':')
		b = append(b, f.Value.Raw...)
	}
	return append(b, '}')
}

// ArrayStyle says how a form body writes an array of scalars.
type ArrayStyle uint8

const (
	// ArraysRepeat repeats the key: k=a&k=b (what ZEGO's form bodies do).
	ArraysRepeat ArrayStyle = iota
	// ArraysBrackets repeats the key with "[]": k[]=a&k[]=b, which PHP's
	// $_POST needs (with repeated plain keys it keeps only the last value).
	ArraysBrackets
)

// Form encodes p as application/x-www-form-urlencoded in field order. Arrays
// become repeated keys; objects are sent as their JSON text.
func (p *Payload) Form() []byte { return p.FormWith(ArraysRepeat) }

// FormWith is Form with arrays written in style. An unchanged form payload
// is returned byte-for-byte as received when style is ArraysRepeat.
func (p *Payload) FormWith(style ArrayStyle) []byte {
	if p.Body != nil && p.Format == FormatForm && style == ArraysRepeat {
		return p.Body
	}
	var b strings.Builder
	first := true
	add := func(k, v string) {
		if !first {
			b.WriteByte('&')
		}
		first = false
		b.WriteString(formEscape(k))
		b.WriteByte('=')
		b.WriteString(formEscape(v))
	}
	for _, f := range p.Entries {
		if f.Value.Kind == KindArray && isScalarArray(f.Value) {
			key := f.Key
			if style == ArraysBrackets {
				key += "[]"
			}
			for _, item := range f.Value.Strings() {
				add(key, item)
			}
			continue
		}
		add(f.Key, f.Value.Text)
	}
	return []byte(b.String())
}

func isScalarArray(v Value) bool {
	ok := true
	gjson.Parse(v.Raw).ForEach(func(_, item gjson.Result) bool {
		ok = !item.IsObject() && !item.IsArray()
		return ok
	})
	return ok
}

// Encode encodes p in format f.
func (p *Payload) Encode(f Format) []byte {
	switch f {
	case FormatForm:
		return p.Form()
	case FormatURLEncodedJSON:
		return []byte(formEscape(string(p.JSON())))
	}
	return p.JSON()
}

func formEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func quote(s string) string { return string(appendQuoted(nil, s)) }

// appendQuoted appends s as a JSON string. Non-ASCII stays as UTF-8 and
// HTML characters are not escaped, as ZEGO's own bodies show.
func appendQuoted(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// QuoteJSON returns s as a JSON string literal.
func QuoteJSON(s string) string { return quote(s) }

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
