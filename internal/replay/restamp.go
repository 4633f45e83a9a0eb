// restamp.go holds re-stamping a captured callback: a fresh timestamp and nonce
// and a new signature, spliced into the body's own bytes.

package replay

import (
	"bytes"
	"errors"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// Stamp is what re-stamping wrote: the fresh timestamp and nonce and the
// signature made from them.
type Stamp struct {
	Timestamp, Nonce, Signature string
}

// Restamp returns a copy of body, a callback of event spec, with a fresh
// timestamp (now, in the unit the captured timestamp uses: seconds, or
// milliseconds when it has 12 digits or more), the given nonce, and the
// signature those make with secret in the scheme of spec's family.
//
// Everything else is kept: in JSON and form bodies only the three values
// change, byte for byte in place (their JSON kind, string or number, is
// kept too). A body where that cannot be done (UrlEncoded JSON, escaped
// values, a missing field) is re-encoded from its fields in its own format.
//
// This is the one place re-stamping is decided. The signature is made in
// the scheme of spec's family (Event.Scheme: RTC's sorted SHA-1 of secret,
// timestamp and nonce; Mini Game's MD5 that also covers the AppId).
func Restamp(spec *callback.Event, body []byte, contentType, secret string, now time.Time, nonce string) ([]byte, Stamp, error) {
	if spec == nil {
		return nil, Stamp{}, errors.New("the event is not in the catalog, so its signature fields are unknown")
	}
	sign := schemeFor(spec)
	p, err := callback.Parse(body, contentType)
	if err != nil {
		return nil, Stamp{}, err
	}
	tsName := spec.RoleField(callback.RoleTimestamp).Name
	nonceName := spec.RoleField(callback.RoleNonce).Name
	sigName := spec.RoleField(callback.RoleSignature).Name

	millis := false
	if v, ok := p.Get(tsName); ok && len(v.Text) >= 12 {
		millis = true
	}
	st := Stamp{Nonce: nonce}
	if millis {
		st.Timestamp = strconv.FormatInt(now.UnixMilli(), 10)
	} else {
		st.Timestamp = strconv.FormatInt(now.Unix(), 10)
	}
	st.Signature = sign(secret, p, st.Timestamp, st.Nonce)

	if p.Format == callback.FormatJSON || p.Format == callback.FormatForm {
		spans := make([]span, 0, 3)
		ok := true
		for _, kv := range [3][2]string{{tsName, st.Timestamp}, {nonceName, st.Nonce}, {sigName, st.Signature}} {
			sp, found := valueSpanOf(p, body, kv[0])
			if !found {
				ok = false
				break
			}
			sp.text = kv[1]
			spans = append(spans, sp)
		}
		if ok {
			return splice(body, spans), st, nil
		}
	}
	// Re-encode: set the three fields (typed as the catalog documents the
	// timestamp; the nonce is a string) and write the body in its format.
	q := p.Clone()
	ts := spec.RoleField(callback.RoleTimestamp)
	if v, ok := q.Get(tsName); ok && v.Kind == callback.KindString {
		q.Set(tsName, callback.String(st.Timestamp))
	} else if ok {
		q.Set(tsName, callback.Number(st.Timestamp))
	} else {
		q.Set(tsName, ts.Typed(st.Timestamp))
	}
	q.Set(nonceName, callback.String(st.Nonce))
	q.Set(sigName, callback.String(st.Signature))
	return q.Encode(p.Format), st, nil
}

// schemeFor returns the signing function of spec's family. It gets the
// payload too: a scheme may sign other fields (Mini Game's MD5 covers the
// AppId).
func schemeFor(spec *callback.Event) func(secret string, p *callback.Payload, timestamp, nonce string) string {
	scheme := spec.Scheme()
	var appidName string
	if f := spec.RoleField(callback.RoleAppID); f != nil {
		appidName = f.Name
	}
	return func(secret string, p *callback.Payload, timestamp, nonce string) string {
		var appid string
		if appidName != "" {
			if v, ok := p.Get(appidName); ok {
				appid = v.Text
			}
		}
		return signature.SignWith(scheme, secret, appid, timestamp, nonce)
	}
}

// span is the text of one value in a body, to be replaced by text.
type span struct {
	off, n int
	text   string
}

// splice returns body with every span (in any order, not overlapping)
// replaced by its text.
func splice(body []byte, spans []span) []byte {
	// Sort the (at most three) spans by offset.
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].off < spans[j-1].off; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	n := len(body)
	for _, s := range spans {
		n += len(s.text) - s.n
	}
	out := make([]byte, 0, n)
	at := 0
	for _, s := range spans {
		out = append(out, body[at:s.off]...)
		out = append(out, s.text...)
		at = s.off + s.n
	}
	return append(out, body[at:]...)
}

// valueSpanOf finds where the value of key stands in body, as text that
// can be replaced by digits or hex without any escaping: for JSON the
// inside of a string without escapes, or a bare number; for a form body
// the whole encoded value. found is false when the key is missing or its
// value is anything else.
func valueSpanOf(p *callback.Payload, body []byte, key string) (span, bool) {
	var ent *callback.Entry
	for i := range p.Entries {
		if p.Entries[i].Key == key {
			ent = &p.Entries[i]
			break
		}
	}
	if ent == nil || ent.Offset < 0 || ent.Offset >= len(body) {
		return span{}, false
	}
	if p.Format == callback.FormatForm {
		pair := body[ent.Offset:]
		eq := bytes.IndexByte(pair, '=')
		if eq < 0 {
			return span{}, false
		}
		if amp := bytes.IndexByte(pair, '&'); amp >= 0 && amp < eq {
			return span{}, false // "key&...": no value
		}
		start := ent.Offset + eq + 1
		end := start
		for end < len(body) && body[end] != '&' && body[end] != '\r' && body[end] != '\n' {
			end++
		}
		return span{off: start, n: end - start}, true
	}
	// JSON: the key's string, then ':' and the value.
	i := ent.Offset
	if body[i] != '"' {
		return span{}, false
	}
	for i++; i < len(body) && body[i] != '"'; i++ {
		if body[i] == '\\' {
			i++
		}
	}
	i++
	for i < len(body) && isSpace(body[i]) {
		i++
	}
	if i >= len(body) || body[i] != ':' {
		return span{}, false
	}
	for i++; i < len(body) && isSpace(body[i]); i++ {
	}
	if i >= len(body) {
		return span{}, false
	}
	switch c := body[i]; {
	case c == '"':
		start := i + 1
		end := start
		for end < len(body) && body[end] != '"' {
			if body[end] == '\\' {
				return span{}, false // an escaped value: re-encode instead
			}
			end++
		}
		if end >= len(body) {
			return span{}, false
		}
		return span{off: start, n: end - start}, true
	case c == '-' || c >= '0' && c <= '9':
		end := i + 1
		for end < len(body) && (body[end] >= '0' && body[end] <= '9' || body[end] == '.' || body[end] == 'e' || body[end] == 'E' || body[end] == '+' || body[end] == '-') {
			end++
		}
		return span{off: i, n: end - i}, true
	}
	return span{}, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
