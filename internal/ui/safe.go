// safe.go escapes text that arrived over the network before it reaches a
// terminal (SafeText, SafeBlock, SafeJSON).

package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// SafeText returns s with every byte a terminal could act on escaped, so
// text that arrived over the network (an event name, a room id, a field
// name) cannot clear the screen, retitle the window, fake extra output
// lines or reorder what is shown: C0 and C1 control characters and DEL
// (\n, \t, \x1b, \u009b), invalid UTF-8 (\xff), and the bidirectional
// overrides (\u202e). Text without any is returned unchanged.
func SafeText(s string) string { return safe(s, false) }

// SafeBlock is SafeText for multi-line text: newlines and tabs stay.
func SafeBlock(s string) string { return safe(s, true) }

func safe(s string, block bool) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, n, block) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !needsEscape(r, n, block) {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(s[i])&15, 16))
		default:
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune, size int, block bool) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case block && (r == '\n' || r == '\t'):
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x200e && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // bidi marks and overrides
	}
	return false
}

// SafeJSON is SafeText for JSON text shown on a terminal: the characters
// valid JSON may carry raw but a terminal acts on (DEL, C1 controls such as
// U+009B, bidi overrides) become \u escapes, so the JSON stays valid and
// means the same. Other bytes are untouched; s is returned as is when it
// has none.
func SafeJSON(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !needsEscape(r, n, true) {
			i += n
			continue
		}
		if last == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[last:i])
		b.WriteString(`\u`)
		h := strconv.FormatUint(uint64(r), 16)
		b.WriteString(strings.Repeat("0", 4-len(h)) + h)
		i += n
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
