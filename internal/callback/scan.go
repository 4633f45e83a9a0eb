package callback

import "github.com/tidwall/gjson"

// scanObject is ParseJSON's fast path: when s is one JSON object (the
// callback case) it validates it and collects its entries in a single pass,
// appending them to dst. ok is false for anything else, and the caller then
// takes the general path, which also explains what is wrong. When ok is
// true the entries are exactly those of that path (gjson.Valid, then
// gjson's ForEach): the grammar below mirrors gjson's validator, and string
// escapes are decoded by gjson itself. The caller has checked that s is
// valid UTF-8.
func scanObject(s string, dst []Entry) ([]Entry, bool) {
	i := skipSpace(s, 0)
	if i == len(s) || s[i] != '{' {
		return dst, false
	}
	root := i
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return dst, skipSpace(s, i+1) == len(s)
	}
	for {
		if i == len(s) || s[i] != '"' {
			return dst, false
		}
		kq := i
		end, esc, ok := scanString(s, i+1)
		if !ok {
			return dst, false
		}
		key := s[kq+1 : end-1]
		if esc {
			key = gjson.Parse(s[kq:end]).Str
		}
		i = skipSpace(s, end)
		if i == len(s) || s[i] != ':' {
			return dst, false
		}
		i = skipSpace(s, i+1)
		if i == len(s) {
			return dst, false
		}
		vs := i
		var v Value
		switch c := s[i]; {
		case c == '"':
			end, esc, ok = scanString(s, i+1)
			if !ok {
				return dst, false
			}
			raw := s[vs:end]
			text := raw[1 : len(raw)-1]
			if esc {
				text = gjson.Parse(raw).Str
			}
			v = Value{Kind: KindString, Raw: raw, Text: text}
		case c == '-' || (c >= '0' && c <= '9'):
			if end, ok = scanNumber(s, i); !ok {
				return dst, false
			}
			v = Value{Kind: KindNumber, Raw: s[vs:end], Text: s[vs:end]}
		case c == '{' || c == '[':
			if end, ok = scanAny(s, i); !ok {
				return dst, false
			}
			kind := KindObject
			if c == '[' {
				kind = KindArray
			}
			v = Value{Kind: kind, Raw: s[vs:end], Text: s[vs:end]}
		case c == 't' || c == 'f' || c == 'n':
			if end, ok = scanAny(s, i); !ok {
				return dst, false
			}
			kind := KindBool
			if c == 'n' {
				kind = KindNull
			}
			v = Value{Kind: kind, Raw: s[vs:end], Text: s[vs:end]}
		default:
			return dst, false
		}
		dst = append(dst, Entry{Key: key, Value: v, Offset: root + kq})
		i = skipSpace(s, end)
		if i == len(s) {
			return dst, false
		}
		switch s[i] {
		case ',':
			i = skipSpace(s, i+1)
		case '}':
			return dst, skipSpace(s, i+1) == len(s)
		default:
			return dst, false
		}
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// scanString checks the string whose opening quote is at i-1 and returns
// the index after its closing quote, and whether it holds escapes.
func scanString(s string, i int) (end int, esc bool, ok bool) {
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, esc, true
		case c < ' ':
			return i, esc, false
		case c == '\\':
			esc = true
			i++
			if i == len(s) {
				return i, esc, false
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) {
					return i, esc, false
				}
				i += 4
			default:
				return i, esc, false
			}
		}
	}
	return i, esc, false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber checks the number starting at i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(s string, i int) (int, bool) {
	if s[i] == '-' {
		i++
	}
	switch {
	case i == len(s) || !isDigit(s[i]):
		return i, false
	case s[i] == '0':
		i++
	default:
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || !isDigit(s[i]) {
			return i, false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return i, false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i, true
}

// scanAny checks the JSON value starting at i (no leading space) and
// returns the index after it.
func scanAny(s string, i int) (int, bool) {
	if i == len(s) {
		return i, false
	}
	switch c := s[i]; {
	case c == '"':
		end, _, ok := scanString(s, i+1)
		return end, ok
	case c == '-' || isDigit(c):
		return scanNumber(s, i)
	case c == 't':
		return scanLiteral(s, i, "true")
	case c == 'f':
		return scanLiteral(s, i, "false")
	case c == 'n':
		return scanLiteral(s, i, "null")
	case c == '[':
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			return i + 1, true
		}
		for {
			end, ok := scanAny(s, i)
			if !ok {
				return end, false
			}
			i = skipSpace(s, end)
			if i == len(s) {
				return i, false
			}
			switch s[i] {
			case ',':
				i = skipSpace(s, i+1)
			case ']':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '{':
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == '}' {
			return i + 1, true
		}
		for {
			if i == len(s) || s[i] != '"' {
				return i, false
			}
			end, _, ok := scanString(s, i+1)
			if !ok {
				return end, false
			}
			i = skipSpace(s, end)
			if i == len(s) || s[i] != ':' {
				return i, false
			}
			if end, ok = scanAny(s, skipSpace(s, i+1)); !ok {
				return end, false
			}
			i = skipSpace(s, end)
			if i == len(s) {
				return i, false
			}
			switch s[i] {
			case ',':
				i = skipSpace(s, i+1)
			case '}':
				return i + 1, true
			default:
				return i, false
			}
		}
	}
	return i, false
}

func scanLiteral(s string, i int, lit string) (int, bool) {
	if len(s)-i >= len(lit) && s[i:i+len(lit)] == lit {
		return i + len(lit), true
	}
	return i, false
}
