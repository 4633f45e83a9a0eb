// encode.go writes capture records without reflection: AppendJSON and
// AppendRequest (bytes identical to Marshal's) and the word-at-a-time JSON
// string quoting they share.

package capture

import (
	"encoding/base64"
	"encoding/binary"
	"math/bits"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
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
	// The kept headers, names with their values (no second look-up),
	// sorted by name as encoding/json sorts map keys.
	var stack [16]header
	hs := stack[:0]
	for k, vs := range r.Header {
		if keepHeader(k, vs, secret) {
			hs = append(hs, header{k, vs})
		}
	}
	if len(hs) > 0 {
		for i := 1; i < len(hs); i++ { // insertion sort: a request has a few headers
			for j := i; j > 0 && hs[j].name < hs[j-1].name; j-- {
				hs[j], hs[j-1] = hs[j-1], hs[j]
			}
		}
		dst = append(dst, `,"headers":{`...)
		for i, h := range hs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendValues(appendJSONString(dst, h.name), h.values, true)
		}
		dst = append(dst, '}')
	}
	// The body is escaped at once and only encoded again in base64 when
	// the escaping met invalid UTF-8 (no utf8.Valid pass first).
	mark := len(dst)
	dst = append(dst, `,"body":`...)
	if dst, valid := appendQuoted(dst, body); valid {
		return appendAnswer(dst, answer)
	}
	dst = append(dst[:mark], `,"body":"","body_base64":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, body)
	dst = append(dst, '"')
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
		dst = appendValues(appendJSONString(dst, k), h[k], emptyIsNull)
	}
	return append(dst, '}')
}

// header is a request header: its name and values.
type header struct {
	name   string
	values []string
}

// appendValues writes ":" and a header's values: a JSON array, or null for
// a nil list (and, with emptyIsNull, an empty one).
func appendValues(dst []byte, vs []string, emptyIsNull bool) []byte {
	if vs == nil || emptyIsNull && len(vs) == 0 {
		return append(dst, ":null"...)
	}
	dst = append(dst, ':', '[')
	for j, v := range vs {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, v)
	}
	return append(dst, ']')
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

// appendJSONString quotes s as encoding/json does with HTML escaping off.
//
// A callback body is mostly printable ASCII with a quote every ten bytes or
// so, and appending each run between two quotes cost a memmove call per
// run. Instead dst is grown once for the usual worst case (every byte
// escaped to two), and the bytes are copied eight at a time with one
// unaligned store: a word-wide test finds the quotes and backslashes among
// the eight, and each is escaped in place by writing its backslash and
// storing the word's remaining bytes again one byte further on. A control
// character or non-ASCII byte ends the word and is handled on its own; the
// rare escapes longer than two bytes (\u00XX, \ufffd) grow dst as they come.
func appendJSONString[S string | []byte](dst []byte, s S) []byte {
	var src []byte
	switch v := any(s).(type) {
	case []byte:
		src = v
	case string:
		src = unsafe.Slice(unsafe.StringData(v), len(v)) // read only
	}
	dst, _ = appendQuoted(dst, src)
	return dst
}

// appendQuoted is appendJSONString for bytes; it also reports whether src
// was valid UTF-8 (an invalid byte is written as \ufffd).
func appendQuoted(dst, src []byte) ([]byte, bool) {
	valid := true
	// Invariant: from n, buf has room for 2 bytes per source byte left,
	// the closing quote and an eight-byte store's overhang.
	const slack = 1 + 8
	n := len(dst)
	dst = slices.Grow(dst, 1+2*len(src)+slack)
	buf := dst[:cap(dst)]
	buf[n] = '"'
	n++
	i := 0
	for {
		for i+8 <= len(src) {
			w := binary.LittleEndian.Uint64(src[i:])
			binary.LittleEndian.PutUint64(buf[n:], w)
			quotes, others := classify(w)
			if quotes|others == 0 {
				i += 8
				n += 8
				continue
			}
			end := 8
			if others != 0 {
				end = bits.TrailingZeros64(others) >> 3
				quotes &= 1<<(8*end) - 1
			}
			for quotes != 0 {
				k := bits.TrailingZeros64(quotes) >> 3
				buf[n+k] = '\\'
				binary.LittleEndian.PutUint64(buf[n+k+1:], w>>(8*k))
				n++
				quotes &= quotes - 1
			}
			i += end
			n += end
			if end < 8 {
				break
			}
		}
		if i >= len(src) {
			break
		}
		b := src[i]
		switch {
		case b == '"' || b == '\\':
			buf[n], buf[n+1] = '\\', b
			n += 2
			i++
		case jsonSafe[b]:
			buf[n] = b
			n++
			i++
		case b < utf8.RuneSelf:
			n, i = escapeControl(buf, n, b), i+1
			buf = reserve(buf, n, len(src)-i, slack)
		default:
			c, size := utf8.DecodeRune(src[i:])
			switch {
			case c == utf8.RuneError && size == 1:
				valid = false
				n += copy(buf[n:], `\ufffd`) // 6 bytes for 1
				buf = reserve(buf, n, len(src)-i-1, slack)
			case c == '\u2028' || c == '\u2029': // 6 bytes for 3
				n += copy(buf[n:], `\u202`)
				buf[n] = hexDigits[c&0xF]
				n++
			default:
				n += copy(buf[n:], src[i:i+size])
			}
			i += size
		}
	}
	buf[n] = '"'
	return buf[:n+1], valid
}

const hexDigits = "0123456789abcdef"

// escapeControl writes the escape of the ASCII control character b at
// buf[n:] (which has room for six bytes) and returns the new end.
func escapeControl(buf []byte, n int, b byte) int {
	switch b {
	case '\b':
		buf[n], buf[n+1] = '\\', 'b'
	case '\f':
		buf[n], buf[n+1] = '\\', 'f'
	case '\n':
		buf[n], buf[n+1] = '\\', 'n'
	case '\r':
		buf[n], buf[n+1] = '\\', 'r'
	case '\t':
		buf[n], buf[n+1] = '\\', 't'
	default:
		return n + copy(buf[n:], []byte{'\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF]})
	}
	return n + 2
}

// reserve returns buf (written up to n) with room for 2 bytes per each of
// left source bytes plus slack, grown when it has not.
func reserve(buf []byte, n, left, slack int) []byte {
	if need := n + 2*left + slack; need > len(buf) {
		buf = slices.Grow(buf[:n], need-n)
		buf = buf[:cap(buf)]
	}
	return buf
}

// jsonSafe[b] is true for the bytes a JSON string holds as they are:
// printable ASCII but the quote and the backslash.
var jsonSafe = func() (t [256]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// classify looks at eight bytes (the first in the low bits of w) and sets
// the top bit of each byte in quotes that is a quote or a backslash, and in
// others of each that is below 0x20 or above 0x7f. The tests are exact per
// byte (no borrow crosses from one byte to the next).
func classify(w uint64) (quotes, others uint64) {
	const (
		ones = 0x0101010101010101
		low7 = 0x7f7f7f7f7f7f7f7f
		high = 0x8080808080808080
	)
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	// a byte is zero when adding 0x7f to its low seven bits leaves the top
	// bit clear and the top bit was clear
	quotes = ^((q&low7 + low7) | q) & high
	quotes |= ^((bs&low7 + low7) | bs) & high
	// below 0x20: adding 0x60 to the low seven bits leaves the top bit clear
	others = (^(w&low7 + ones*0x60) | w) & high
	return quotes, others
}
