package capture

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends r as one JSON line (with the trailing newline) to dst.
// The bytes are identical to Marshal's (a test holds them equal); it exists
// because listen encodes a record per request and encoding/json's
// reflection was a visible share of its cost under load.
func (r *Record) AppendJSON(dst []byte) []byte {
	dst = appendHead(dst, int64(r.V), r.ReceivedAt, r.RemoteAddr, r.Method, r.Path)
	if len(r.Headers) > 0 {
		keys := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			keys = append(keys, k)
		}
		dst = appendHeaders(dst, keys, r.Headers, false)
	}
	dst = append(dst, `,"body":`...)
	dst = appendJSONString(dst, r.Body)
	if r.BodyBase64 != "" {
		dst = append(dst, `,"body_base64":`...)
		dst = appendJSONString(dst, r.BodyBase64)
	}
	return appendAnswer(dst, r.Answer)
}

// AppendRequest appends, as one JSON line, the record that
// New(r, body, received, secret) with its Answer set to answer (nil: none)
// would encode to with AppendJSON, byte for byte, without building it: no
// copy of the headers or the body. listen calls it once per request.
func AppendRequest(dst []byte, r *http.Request, body []byte, received time.Time, secret string, answer *Answer) []byte {
	dst = appendHead(dst, Version, received.UTC(), r.RemoteAddr, r.Method, r.URL.RequestURI())
	var stack [16]string
	keys := stack[:0]
	for k, vs := range r.Header {
		if keepHeader(k, vs, secret) {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		dst = appendHeaders(dst, keys, r.Header, true)
	}
	if utf8.Valid(body) {
		dst = append(dst, `,"body":`...)
		dst = appendJSONString(dst, body)
	} else {
		dst = append(dst, `,"body":"","body_base64":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, body)
		dst = append(dst, '"')
	}
	return appendAnswer(dst, answer)
}

// appendHead opens a record: version, received time, peer, method, path.
func appendHead(dst []byte, v int64, received time.Time, remote, method, path string) []byte {
	dst = append(dst, `{"v":`...)
	dst = strconv.AppendInt(dst, v, 10)
	dst = append(dst, `,"received_at":"`...)
	dst = received.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, '"')
	if remote != "" {
		dst = append(dst, `,"remote_addr":`...)
		dst = appendJSONString(dst, remote)
	}
	dst = append(dst, `,"method":`...)
	dst = appendJSONString(dst, method)
	dst = append(dst, `,"path":`...)
	return appendJSONString(dst, path)
}

// appendHeaders writes the headers named by keys (sorted here, as
// encoding/json sorts map keys). A nil value list is null, as encoding/json
// writes it; with emptyIsNull an empty one is too (New keeps an empty list
// as nil).
func appendHeaders(dst []byte, keys []string, h map[string][]string, emptyIsNull bool) []byte {
	slices.Sort(keys)
	dst = append(dst, `,"headers":{`...)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		vs := h[k]
		if vs == nil || emptyIsNull && len(vs) == 0 {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, '[')
		for j, v := range vs {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendAnswer writes our answer, when known, and closes the record.
func appendAnswer(dst []byte, a *Answer) []byte {
	if a != nil {
		dst = append(dst, `,"answer":{"status":`...)
		dst = strconv.AppendInt(dst, int64(a.Status), 10)
		if a.Body != "" {
			dst = append(dst, `,"body":`...)
			dst = appendJSONString(dst, a.Body)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}', '\n')
}

// jsonSafe[b] is true for the bytes a JSON string holds as they are:
// printable ASCII but the quote and the backslash. Everything else takes
// appendJSONString's slow path.
var jsonSafe = func() (t [256]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does with HTML escaping off.
// A callback body is mostly printable ASCII with a quote every few bytes:
// one table lookup per byte, and quotes and backslashes escaped first.
func appendJSONString[S string | []byte](dst []byte, s S) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if jsonSafe[b] {
			i++
			continue
		}
		if b == '"' || b == '\\' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', b)
			i++
			start = i
			continue
		}
		if b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch b {
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := decodeRune(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func decodeRune[S string | []byte](s S) (rune, int) {
	switch s := any(s).(type) {
	case string:
		return utf8.DecodeRuneInString(s)
	case []byte:
		return utf8.DecodeRune(s)
	}
	return utf8.RuneError, 1
}
