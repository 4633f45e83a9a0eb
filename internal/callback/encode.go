// encode.go writes payloads back out: compact JSON in field order and the
// JSON string quoting that ZEGO's own bodies use.

package callback

// JSON encodes p as a compact JSON object in field order. An unchanged
// JSON payload is returned byte-for-byte as received.
func (p *Payload) JSON() []byte {
	if p.Body != nil && p.Format == FormatJSON {
		return p.Body
	}
	n := 2
	for _, f := range p.Entries {
		n += len(f.Key) + len(f.Value.Raw) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, f := range p.Entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, f.Key)
		b = append(b, ':')
		b = append(b, f.Value.Raw...)
	}
	return append(b, '}')
}

// Encode encodes p in format f.
func (p *Payload) Encode(f Format) []byte {
	switch f {
	case FormatForm:
		return p.Form()
	case FormatURLEncodedJSON:
		return []byte(formEscape(string(p.JSON())))
	}
	return p.JSON()
}

func quote(s string) string { return string(appendQuoted(nil, s)) }

// appendQuoted appends s as a JSON string. Non-ASCII stays as UTF-8 and
// HTML characters are not escaped, as ZEGO's own bodies show.
func appendQuoted(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// QuoteJSON returns s as a JSON string literal.
func QuoteJSON(s string) string { return quote(s) }
