// form.go holds the application/x-www-form-urlencoded side of payloads:
// parsing form bodies, percent-decoding, and encoding a payload as a form.

package callback

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

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
