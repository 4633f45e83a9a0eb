// Package capture defines the capture record: one JSON line per request that
// `zegocb listen --save` appends and `zegocb verify` reads. The format is
// documented in docs/capture-format.md; change both together.
package capture

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
)

// Version is the current record format version.
const Version = 1

// Record is one captured request.
type Record struct {
	V          int                 `json:"v"`
	ReceivedAt time.Time           `json:"received_at"`
	RemoteAddr string              `json:"remote_addr,omitempty"`
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Headers    map[string][]string `json:"headers,omitempty"`
	// Body is the raw body when it is valid UTF-8; otherwise BodyBase64 holds it.
	Body       string  `json:"body"`
	BodyBase64 string  `json:"body_base64,omitempty"`
	Answer     *Answer `json:"answer,omitempty"`
}

// Answer is what the receiver answered.
type Answer struct {
	Status int    `json:"status"`
	Body   string `json:"body,omitempty"`
}

// New builds a record for a request whose body has already been read.
// Headers that can carry credentials are dropped, and so is any header
// whose value contains secret.
func New(r *http.Request, body []byte, received time.Time, secret string) *Record {
	rec := &Record{
		V:          Version,
		ReceivedAt: received.UTC(),
		RemoteAddr: r.RemoteAddr,
		Method:     r.Method,
		Path:       r.URL.RequestURI(),
		Headers:    ScrubHeaders(r.Header, secret),
	}
	rec.SetBody(body)
	return rec
}

// SetBody stores body byte-exact: as text when it is UTF-8, else base64.
func (r *Record) SetBody(body []byte) {
	if utf8.Valid(body) {
		r.Body, r.BodyBase64 = string(body), ""
		return
	}
	r.Body, r.BodyBase64 = "", base64.StdEncoding.EncodeToString(body)
}

// RawBody returns the exact body bytes.
func (r *Record) RawBody() ([]byte, error) {
	if r.BodyBase64 != "" {
		return base64.StdEncoding.DecodeString(r.BodyBase64)
	}
	return []byte(r.Body), nil
}

// ContentType returns the captured Content-Type header, if any.
func (r *Record) ContentType() string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, "Content-Type") && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// sensitive headers never written to a capture.
var sensitive = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
	"X-Auth-Token":        true,
}

// isSensitive reports whether sensitive[http.CanonicalHeaderKey(k)], without
// canonicalising k or hashing it: only a name of a sensitive name's length
// is compared, ignoring case (the ASCII letters and dashes of those names
// are what CanonicalHeaderKey changes the case of; a name with any other
// byte is left as it is by CanonicalHeaderKey and matches none).
func isSensitive(k string) bool {
	var name string
	switch len(k) {
	case len("Cookie"):
		name = "Cookie"
	case len("X-Api-Key"):
		name = "X-Api-Key"
	case len("Set-Cookie"):
		name = "Set-Cookie"
	case len("X-Auth-Token"):
		name = "X-Auth-Token"
	case len("Authorization"):
		name = "Authorization"
	case len("Proxy-Authorization"):
		name = "Proxy-Authorization"
	default:
		return false
	}
	return strings.EqualFold(k, name)
}

// ScrubHeaders copies h without credential headers or any header whose
// value contains secret.
func ScrubHeaders(h http.Header, secret string) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		if keepHeader(k, vs, secret) {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// keepHeader reports whether a header may be written to a capture: it is
// not a credential header and no value contains secret.
func keepHeader(k string, vs []string, secret string) bool {
	if isSensitive(k) {
		return false
	}
	if secret != "" {
		for _, v := range vs {
			if strings.Contains(v, secret) {
				return false
			}
		}
	}
	return true
}

// Marshal encodes r as one JSON line (with the trailing newline).
func (r *Record) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// IsRecord reports whether a JSON line is a capture record rather than a
// callback body: it has "received_at" and "body" or "body_base64" and no
// event field.
func IsRecord(line string) bool {
	keys := make(map[string]bool, 8)
	gjson.Parse(line).ForEach(func(k, _ gjson.Result) bool { // one pass over the top-level keys
		keys[k.Str] = true
		return true
	})
	return IsRecordKeys(func(key string) bool { return keys[key] })
}

// ErrNotRecord is returned by Parse for a line that is not a record.
var ErrNotRecord = errors.New("not a capture record")

// Parse decodes a capture record line.
func Parse(line []byte) (*Record, error) {
	if !IsRecord(string(line)) {
		return nil, ErrNotRecord
	}
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Essentials are what a checker needs from a record: the exact body, its
// Content-Type and when it was received.
type Essentials struct {
	// Body is the exact body. It may share memory with the decoded record
	// text: treat it as read-only.
	Body        []byte
	ContentType string
	ReceivedAt  time.Time
}

// EssentialsFrom decodes the essentials from a record whose top-level
// fields are already parsed: get returns a field's raw JSON text and, for
// a string, its decoded content. It is the fast path for `verify`, which
// parses every line anyway.
func EssentialsFrom(get func(key string) (raw, text string, ok bool)) (Essentials, error) {
	var e Essentials
	raw, text, ok := get("received_at")
	if !ok || !isJSONString(raw) {
		return e, errors.New("received_at is not a string")
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil { // time's own message quotes its layout: say it plainly
		return e, fmt.Errorf("received_at %s is not an RFC 3339 time (like 2026-03-01T12:00:00Z)", clipQuote(text))
	}
	e.ReceivedAt = t
	if raw, text, ok := get("body_base64"); ok && raw != `""` && raw != "null" {
		if !isJSONString(raw) {
			return e, errors.New("body_base64 is not a string")
		}
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			var ce base64.CorruptInputError
			if errors.As(err, &ce) {
				return e, fmt.Errorf("body_base64: invalid standard base64 at byte %d", int64(ce))
			}
			return e, fmt.Errorf("body_base64: %v", err)
		}
		e.Body = b
	} else if raw, text, ok := get("body"); ok && raw != "null" {
		if !isJSONString(raw) {
			return e, errors.New("body is not a string")
		}
		e.Body = unsafe.Slice(unsafe.StringData(text), len(text)) // read-only view, no copy
	}
	if raw, _, ok := get("headers"); ok && strings.HasPrefix(raw, "{") {
		e.ContentType = contentType(raw)
	}
	return e, nil
}

// contentType returns the value of the first header named Content-Type
// (in any case) in the JSON object raw: a string, or an array's first item.
// The shape listen writes, Content-Type first with a plain string value
// (or one in an array), is read straight from the text; anything else is
// walked with gjson.
func contentType(raw string) string {
	const first = `{"Content-Type":`
	if len(raw) > len(first) && strings.EqualFold(raw[:len(first)], first) {
		v := raw[len(first):]
		if strings.HasPrefix(v, `["`) {
			v = v[1:]
		}
		if len(v) > 1 && v[0] == '"' {
			if end := strings.IndexByte(v[1:], '"'); end >= 0 && strings.IndexByte(v[1:1+end], '\\') < 0 {
				return v[1 : 1+end]
			}
		}
	}
	ct := ""
	gjson.Parse(raw).ForEach(func(k, v gjson.Result) bool {
		if strings.EqualFold(k.Str, "Content-Type") {
			if v.IsArray() {
				v = v.Get("0")
			}
			ct = v.String()
			return false
		}
		return true
	})
	return ct
}

// clipQuote quotes s on one line, cut to a readable length.
func clipQuote(s string) string {
	const max = 40
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

func isJSONString(raw string) bool { return len(raw) >= 2 && raw[0] == '"' }

// IsRecordKeys is IsRecord for a line whose top-level keys are already
// known: has reports whether a key is present.
func IsRecordKeys(has func(key string) bool) bool {
	return has("received_at") && (has("body") || has("body_base64")) && !has("event") && !has("Event")
}
