// parse.go reads callback bodies: format detection (JSON, form,
// URL-encoded JSON), the JSON parser's general path with its error
// positions, and ParseError. The fast JSON scanner is in scan.go.

package callback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
)

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
