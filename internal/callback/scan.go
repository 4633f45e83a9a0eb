// scan.go is the JSON scanner's object level: the one strict pass that
// validates a callback body and collects its top-level entries, numbers,
// and nested values checked without being decoded. Strings are in
// scan_string.go.

package callback

import "slices"

// scanObject is the fast path of ParseJSONInto: one strict pass over a JSON
// object that validates it (UTF-8 included) and collects its top-level
// entries, where the general path makes three (UTF-8, gjson.Valid, ForEach). It returns false for
// anything it does not accept (invalid JSON, or not an object); the caller
// then takes the general path, which also explains the error. When it
// returns true, p.Entries equal what the general path would produce.
func scanObject(s string, p *Payload) bool { return scanObjectInto(s, p, nil) }

// ParseJSONScratch is ParseJSONInto for bulk checking: strings that hold
// escapes are decoded into *scratch, whose storage is reused from call to
// call (grown to len(s) when smaller), instead of into a fresh allocation
// each. The entries' strings point into s or into *scratch, so both must
// stay unchanged while p is in use: the next call with the same scratch
// overwrites what this one decoded. s must not live in *scratch's storage:
// decoding into it would overwrite the input being read.
func ParseJSONScratch(p *Payload, s string, scratch *[]byte) error {
	p.Entries, p.Format, p.Body = p.Entries[:0], FormatJSON, nil
	if cap(*scratch) < len(s) {
		*scratch = make([]byte, 0, max(len(s), 2*cap(*scratch)))
	}
	*scratch = (*scratch)[:0]
	if scanObjectInto(s, p, scratch) {
		return nil
	}
	return ParseJSONInto(p, s) // explains the error (and allocates as usual)
}

// scanObjectInto is scanObject; when scratch is not nil, escaped strings
// are decoded into its spare capacity, which must hold len(s) bytes.
func scanObjectInto(s string, p *Payload, scratch *[]byte) bool {
	i := skipWS(s, 0)
	if uint(i) >= uint(len(s)) || s[i] != '{' {
		return false
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		return skipWS(s, i+1) == len(s)
	}
	ents := p.Entries
	for {
		if uint(i) >= uint(len(s)) || s[i] != '"' {
			return false
		}
		kStart := i
		kEnd, key, ok := scanStringText(s, i, scratch)
		if !ok {
			return false
		}
		i = skipWS(s, kEnd)
		if uint(i) >= uint(len(s)) || s[i] != ':' {
			return false
		}
		i = skipWS(s, i+1)
		if uint(i) >= uint(len(s)) {
			return false
		}
		// The value's parts stay in locals and are stored field by field
		// into the entry: building a Value and copying it in whole stalls
		// on store forwarding (a fifth of this function's time).
		var (
			kind Kind
			end  int
			text string
		)
		switch c := s[i]; {
		case c == '"':
			end, text, ok = scanStringText(s, i, scratch)
			kind = KindString
		case c == '-' || (c >= '0' && c <= '9'):
			end, ok = scanNumber(s, i)
			kind = KindNumber
		case c == '{':
			end, ok = scanNested(s, i, 0)
			kind = KindObject
		case c == '[':
			end, ok = scanNested(s, i, 0)
			kind = KindArray
		case c == 't' && hasPrefixAt(s, i, "true"):
			end, kind = i+4, KindBool
		case c == 'f' && hasPrefixAt(s, i, "false"):
			end, kind = i+5, KindBool
		case c == 'n' && hasPrefixAt(s, i, "null"):
			end, kind = i+4, KindNull
		default:
			return false
		}
		if !ok {
			return false
		}
		raw := s[i:end]
		if kind != KindString {
			text = raw
		}
		if len(ents) == cap(ents) {
			ents = slices.Grow(ents, 1)
		}
		ents = ents[:len(ents)+1]
		e := &ents[len(ents)-1]
		e.Key, e.Offset = key, kStart
		e.Value.Kind, e.Value.Raw, e.Value.Text = kind, raw, text
		i = end
		i = skipWS(s, i)
		if uint(i) >= uint(len(s)) {
			return false
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case '}':
			p.Entries = ents
			return skipWS(s, i+1) == len(s)
		default:
			return false
		}
	}
}

func skipWS(s string, i int) int {
	// One compare rules out most bytes (whitespace is at most ' '); the
	// unsigned one also proves i >= 0, which drops the bounds check.
	for uint(i) < uint(len(s)) && s[i] <= ' ' {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func hasPrefixAt(s string, i int, lit string) bool {
	return len(s)-i >= len(lit) && s[i:i+len(lit)] == lit
}

// scanNumber checks a JSON number starting at s[i].
func scanNumber(s string, i int) (int, bool) {
	if s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return 0, false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return 0, false // a fraction needs a digit
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return 0, false // so does an exponent
		}
		i = j
	}
	return i, true
}

// skipDigits returns the index of the first non-digit at or after s[i].
func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// maxNesting bounds recursion on hostile input; deeper values take the
// general path.
const maxNesting = 64

// scanNested checks the object or array starting at s[i].
func scanNested(s string, i, depth int) (int, bool) {
	if depth > maxNesting {
		return 0, false
	}
	closing := byte('}')
	if s[i] == '[' {
		closing = ']'
	}
	obj := closing == '}'
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == closing {
		return i + 1, true
	}
	for {
		if obj {
			if i >= len(s) || s[i] != '"' {
				return 0, false
			}
			end, _, ok := scanString(s, i)
			if !ok {
				return 0, false
			}
			i = skipWS(s, end)
			if i >= len(s) || s[i] != ':' {
				return 0, false
			}
			i = skipWS(s, i+1)
		}
		var ok bool
		if i, ok = scanValue(s, i, depth+1); !ok {
			return 0, false
		}
		i = skipWS(s, i)
		if i >= len(s) {
			return 0, false
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case closing:
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// scanValue checks the JSON value starting at s[i] (nested ones at the
// given depth) and returns the index after it.
func scanValue(s string, i, depth int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case c == '"':
		end, _, ok := scanString(s, i)
		return end, ok
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(s, i)
	case c == '{' || c == '[':
		return scanNested(s, i, depth)
	case c == 't' && hasPrefixAt(s, i, "true"), c == 'n' && hasPrefixAt(s, i, "null"):
		return i + 4, true
	case c == 'f' && hasPrefixAt(s, i, "false"):
		return i + 5, true
	}
	return 0, false
}
