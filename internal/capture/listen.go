// listen.go reads the lines `zegocb listen -o json` prints (docs/json.md),
// another input that verify, replay and send --data read. ListenKindOf is
// the one place that tells them from a callback body; ListenFrom takes the
// callback out of a "callback" line.

package capture

import (
	"errors"
	"time"
	"unsafe"
)

// ListenKind is what a JSON line is, as far as listen -o json goes.
type ListenKind uint8

const (
	// NotListen is any other line: a callback body or a capture record.
	NotListen ListenKind = iota
	// ListenCallback is a kind "callback" line: a received callback, its
	// parsed body in "payload" (or its raw "body" when it did not parse).
	ListenCallback
	// ListenRejected is a kind "rejected" line: a request listen refused
	// (wrong method or path). It holds no callback.
	ListenRejected
	// ListenForwardAttempt is a kind "forward_attempt" line: listen's
	// background retry of a forward to the app. It holds no callback.
	ListenForwardAttempt
)

// String is the line's kind as listen writes it ("" for NotListen).
func (k ListenKind) String() string {
	switch k {
	case ListenCallback:
		return "callback"
	case ListenRejected:
		return "rejected"
	case ListenForwardAttempt:
		return "forward_attempt"
	}
	return ""
}

// NoCallback says, in one line, why a line of kind k holds nothing to
// check or send ("" for NotListen and ListenCallback).
func (k ListenKind) NoCallback() string {
	switch k {
	case ListenRejected:
		return `a listen -o json "rejected" line (a request listen refused): it holds no callback`
	case ListenForwardAttempt:
		return `a listen -o json "forward_attempt" line (a retry of listen's forward to the app): it holds no callback`
	}
	return ""
}

// ListenKindOf tells whether a JSON object whose top-level fields are
// already parsed is a listen -o json line, and of which kind. get returns
// a field's raw JSON text and, for a string, its decoded content. A line is
// one when "v" is a number, "kind" one of listen's kinds, and the fields
// that kind always has are there; no ZEGO callback has that shape.
func ListenKindOf(get func(key string) (raw, text string, ok bool)) ListenKind {
	raw, kind, ok := get("kind")
	if !ok || !isJSONString(raw) {
		return NotListen
	}
	has := func(k string) bool { _, _, ok := get(k); return ok }
	if v, _, ok := get("v"); !ok || len(v) == 0 || v[0] < '0' || v[0] > '9' {
		return NotListen
	}
	switch {
	case kind == "callback" && has("received_at") && has("payload"):
		return ListenCallback
	case kind == "rejected" && has("received_at") && has("status"):
		return ListenRejected
	case kind == "forward_attempt" && has("attempt") && has("url"):
		return ListenForwardAttempt
	}
	return NotListen
}

// Listen is what a kind "callback" line holds of the callback.
type Listen struct {
	// Body is the callback body: the "payload" object's JSON text, or,
	// when listen could not parse the body, the raw "body". It may share
	// memory with the decoded line: treat it as read-only.
	Body []byte
	// ContentType is application/json for a payload, else the line's
	// content_type.
	ContentType string
	ReceivedAt  time.Time
	// Reencoded is set when Body is the payload: the body as listen parsed
	// and printed it again, not the bytes received (key order, spacing and
	// escapes may differ). Its signature still verifies (ZEGO signs the
	// timestamp and nonce, not the body), but a byte-exact delivery of it
	// is impossible.
	Reencoded bool
}

// NotByteExact is why a re-encoded body cannot be sent byte-exact.
const NotByteExact = "a listen -o json line holds the parsed payload, not the bytes received"

// ListenFrom takes the callback out of a kind "callback" line (see
// ListenKindOf), with get as there.
func ListenFrom(get func(key string) (raw, text string, ok bool)) (Listen, error) {
	var l Listen
	raw, text, ok := get("received_at")
	if !ok || !isJSONString(raw) {
		return l, errors.New("received_at is not a string")
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return l, errors.New("received_at " + clipQuote(text) + " is not an RFC 3339 time")
	}
	l.ReceivedAt = t
	if raw, _, _ := get("payload"); len(raw) > 0 && raw[0] == '{' {
		l.Body, l.ContentType, l.Reencoded = unsafe.Slice(unsafe.StringData(raw), len(raw)), "application/json", true
		return l, nil
	}
	if raw, text, ok := get("body"); ok && isJSONString(raw) {
		l.Body = unsafe.Slice(unsafe.StringData(text), len(text))
		if raw, ct, ok := get("content_type"); ok && isJSONString(raw) {
			l.ContentType = ct
		}
		return l, nil
	}
	return l, errors.New("no payload and no body")
}
