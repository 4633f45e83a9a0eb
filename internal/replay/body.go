// body.go holds taking a callback's body out of a capture record without a full
// JSON decode.

package replay

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"

	"github.com/zegocb/zegocb/internal/callback"
)

// recordBody takes the body out of a capture record line that the
// validation pass has decoded already: body_base64 decoded when it is a
// non-empty string, else body unescaped, appended to dst. It walks the
// top-level object and skips every other value without decoding it, which
// costs a fraction of a full decode (the delivery pass needs nothing else
// from the line). ok is false for anything it does not expect (escaped
// keys, \u escapes beyond the Basic Multilingual Plane's plain
// characters, a body that is not a string): the caller then decodes the
// line in full.
func recordBody(dst, line []byte) (body []byte, ok bool) {
	var bodyRaw, b64Raw []byte
	hasBody := false
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return dst, false
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return dst, false
	}
	for {
		if i >= len(line) || line[i] != '"' {
			return dst, false
		}
		end, esc := stringEnd(line, i)
		if end < 0 || esc {
			return dst, false
		}
		key := line[i+1 : end]
		i = skipSpace(line, end+1)
		if i >= len(line) || line[i] != ':' {
			return dst, false
		}
		i = skipSpace(line, i+1)
		if i >= len(line) {
			return dst, false
		}
		vstart := i
		switch c := line[i]; {
		case c == '"':
			e, _ := stringEnd(line, i)
			if e < 0 {
				return dst, false
			}
			i = e + 1
		case c == '{' || c == '[':
			if i = skipNested(line, i); i < 0 {
				return dst, false
			}
		default:
			for i < len(line) && line[i] != ',' && line[i] != '}' && !isSpace(line[i]) {
				i++
			}
		}
		val := line[vstart:i]
		if len(val) == 0 {
			return dst, false
		}
		switch string(key) {
		case "body":
			if val[0] != '"' {
				return dst, false
			}
			bodyRaw, hasBody = val[1:len(val)-1], true
		case "body_base64":
			if val[0] == '"' {
				b64Raw = val[1 : len(val)-1]
			} else if string(val) != "null" {
				return dst, false
			}
		}
		i = skipSpace(line, i)
		if i >= len(line) {
			return dst, false
		}
		if line[i] == '}' {
			break
		}
		if line[i] != ',' {
			return dst, false
		}
		i = skipSpace(line, i+1)
	}
	if len(b64Raw) > 0 {
		if bytes.IndexByte(b64Raw, '\\') >= 0 {
			return dst, false
		}
		start := len(dst)
		out, err := base64.StdEncoding.AppendDecode(dst, b64Raw)
		if err != nil {
			return dst[:start], false
		}
		return out, true
	}
	if !hasBody {
		return dst, true // no body: an empty request
	}
	return unescapeJSON(dst, bodyRaw)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index of the quote closing the string that opens
// at b[i], and whether it holds escapes; -1 when it is not closed. (A byte
// loop: a callback body inside a record is short runs between escaped
// quotes, where searching run by run costs more than it saves.)
func stringEnd(b []byte, i int) (int, bool) {
	esc := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			esc = true
			j++
		case '"':
			return j, esc
		}
	}
	return -1, esc
}

// skipNested returns the index after the object or array that opens at
// b[i], or -1.
func skipNested(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			e, _ := stringEnd(b, i)
			if e < 0 {
				return -1
			}
			i = e
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// unescapeJSON appends the content of a JSON string (without its quotes)
// to dst, in runs between escapes. ok is false for an escape it leaves to
// the full decoder (surrogates) or a malformed one.
func unescapeJSON(dst, raw []byte) ([]byte, bool) {
	run := 0
	for k := 0; k < len(raw); k++ {
		if raw[k] != '\\' {
			continue
		}
		dst = append(dst, raw[run:k]...)
		if k+1 >= len(raw) {
			return dst, false
		}
		c := raw[k+1]
		k += 2
		switch c {
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if len(raw)-k < 4 {
				return dst, false
			}
			r := rune(0)
			for _, h := range raw[k : k+4] {
				v, ok := callback.Unhex(h)
				if !ok {
					return dst, false
				}
				r = r<<4 | rune(v)
			}
			if r >= 0xD800 && r < 0xE000 {
				return dst, false // a surrogate: the full decoder knows the rules
			}
			dst = utf8.AppendRune(dst, r)
			k += 4
		default:
			return dst, false
		}
		run = k
		k-- // the loop's k++
	}
	return append(dst, raw[run:]...), true
}
