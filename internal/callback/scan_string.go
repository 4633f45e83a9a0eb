// scan_string.go holds the JSON scanner's string handling: checking a
// string literal eight bytes at a time, decoding its escapes (into a
// reused scratch buffer on the bulk path) and its UTF-8 check.

package callback

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// scanString checks the string starting at s[i] == '"' and returns the
// index after its closing quote and whether it holds escapes. Its loop is
// the common case, plain printable ASCII up to the closing quote, eight
// bytes at a time; at anything else (an escape, a control or non-ASCII
// byte, the last bytes of s) scanStringFrom takes over.
func scanString(s string, i int) (end int, esc bool, ok bool) {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		w := load64(b, j)
		q := w ^ (lsb * '"')
		bs := w ^ (lsb * '\\')
		// A byte's top bit is set for '"' (q-1 borrows), '\\', a control
		// byte (w-0x20 borrows) or a non-ASCII one (w). Borrows only start
		// at a flagged byte, so the lowest flagged byte is exact.
		if m := ((q - lsb) | (bs - lsb) | (w - lsb*0x20) | w) & msb; m != 0 {
			j += bits.TrailingZeros64(m) / 8
			if b[j] == '"' {
				return j + 1, false, true
			}
			break
		}
	}
	return scanStringFrom(s, i+1, j)
}

// scanStringText is scanString returning the string's decoded text: a
// substring of s when it holds no escapes, else decoded into the spare
// capacity of *scratch (or a fresh allocation when scratch is nil or short).
// A string whose first stop is an escape is checked and decoded in one
// pass (scanEscaped) instead of a scan and then a decode.
func scanStringText(s string, i int, scratch *[]byte) (end int, text string, ok bool) {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		w := load64(b, j)
		q := w ^ (lsb * '"')
		bs := w ^ (lsb * '\\')
		if m := ((q - lsb) | (bs - lsb) | (w - lsb*0x20) | w) & msb; m != 0 {
			j += bits.TrailingZeros64(m) / 8
			if b[j] == '"' {
				return j + 1, s[i+1 : j], true
			}
			break
		}
	}
	if j < len(b) && b[j] == '\\' && scratch != nil && cap(*scratch)-len(*scratch) >= len(s)-i {
		return scanEscaped(s, i+1, j, scratch)
	}
	end, esc, ok := scanStringFrom(s, i+1, j)
	if !ok {
		return 0, "", false
	}
	if esc {
		return end, unescapeString(s[i:end], scratch), true
	}
	return end, s[i+1 : end-1], true
}

// scanEscaped checks and decodes, in one pass, the string whose content
// starts at s[first], of which s[first:k] is plain ASCII and s[k] is a
// backslash. It decodes into the spare capacity of *scratch, which must
// hold len(s)-first bytes, and appends the text to it. The result is what
// scanStringFrom and unescapeTo give together: the same acceptance (escapes,
// control bytes, UTF-8 of the raw content) and the same text (an unpaired
// surrogate becomes U+FFFD).
func scanEscaped(s string, first, k int, scratch *[]byte) (end int, text string, ok bool) {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	buf := *scratch
	start := len(buf)
	dst := buf[start:cap(buf)]
	n := copy(dst, s[first:k])
	var high uint64
	for {
		// A run of plain content, eight bytes at a time: each word is
		// stored whole (dst has room: the text is never longer than the
		// raw content, and a word never reaches past s's end) and the
		// count moves on to its first stop.
		for k+8 <= len(b) {
			w := load64(b, k)
			store64(dst, n, w)
			quote := w ^ (lsb * '"')
			slash := w ^ (lsb * '\\')
			m := ((quote - lsb) &^ quote) | ((slash - lsb) &^ slash) | ((w - lsb*0x20) &^ w)
			if m &= msb; m != 0 {
				j := bits.TrailingZeros64(m) / 8
				high |= w & (msb >> (64 - 8*j)) // only the bytes before the stop
				k, n = k+j, n+j
				goto stop
			}
			high |= w & msb
			k, n = k+8, n+8
		}
		for k < len(b) && b[k] != '"' && b[k] != '\\' && b[k] >= 0x20 {
			high |= uint64(b[k] & 0x80)
			dst[n] = b[k]
			k, n = k+1, n+1
		}
	stop:
		if k >= len(b) {
			return 0, "", false
		}
		switch c := b[k]; {
		case c == '"':
			if high != 0 && !utf8.ValidString(s[first:k]) {
				return 0, "", false
			}
			*scratch = buf[:start+n]
			return k + 1, unsafe.String(&dst[0], n), true // an escape decodes to at least one byte
		case c < 0x20:
			return 0, "", false
		}
		// A backslash.
		if k+1 >= len(b) {
			return 0, "", false
		}
		var c byte
		switch b[k+1] {
		case '"', '\\', '/':
			c = b[k+1]
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'u':
			r, ok := hex4At(s, k+2)
			if !ok {
				return 0, "", false
			}
			k += 6
			if utf16.IsSurrogate(r) {
				// A pair when a second \uXXXX follows (its hex digits
				// valid: otherwise it is left for the loop to reject).
				r2, ok2 := rune(0), false
				if k+1 < len(b) && b[k] == '\\' && b[k+1] == 'u' {
					r2, ok2 = hex4At(s, k+2)
				}
				if ok2 {
					if r = utf16.DecodeRune(r, r2); r != utf8.RuneError {
						k += 6
					}
				} else {
					r = utf8.RuneError
				}
			}
			n += utf8.EncodeRune(dst[n:], r) // \uXXXX is 6 bytes, its UTF-8 at most 4
			continue
		default:
			return 0, "", false
		}
		dst[n] = c
		k, n = k+2, n+1
	}
}

// hex4At decodes the four hex digits at s[i:i+4], false when there are
// fewer than four or one is not a hex digit.
func hex4At(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for j := i; j < i+4; j++ {
		d, ok := Unhex(s[j])
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// scanStringFrom is scanString for the string whose content starts at
// s[first], of which s[first:i] is known to be plain ASCII.
func scanStringFrom(s string, first, i int) (end int, esc bool, ok bool) {
	nonASCII := false
	for i < len(s) {
		var hi bool
		i, hi = skipPlain(s, i)
		nonASCII = nonASCII || hi
		if i >= len(s) {
			break
		}
		c := s[i]
		switch {
		case c == '"':
			if nonASCII && !utf8.ValidString(s[first:i]) {
				return 0, false, false
			}
			return i + 1, esc, true
		case c < 0x20:
			return 0, false, false
		case c == '\\':
			esc = true
			if i+1 >= len(s) {
				return 0, false, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(s) {
					return 0, false, false
				}
				for j := i + 2; j < i+6; j++ {
					if _, ok := Unhex(s[j]); !ok {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		default:
			i++
		}
	}
	return 0, false, false
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// skipPlain returns the index of the first byte at or after i that ends a
// run of plain string content: '"', '\\' or a control character, and
// whether the run held non-ASCII bytes (then the caller checks UTF-8). It
// looks at eight bytes at a time (the lowest flagged byte of each test is
// exact).
func skipPlain(s string, i int) (int, bool) {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	var high uint64
	for ; i+8 <= len(b); i += 8 {
		w := load64(b, i)
		quote := w ^ (lsb * '"')
		slash := w ^ (lsb * '\\')
		m := ((quote - lsb) &^ quote) | ((slash - lsb) &^ slash) | ((w - lsb*0x20) &^ w)
		if m &= msb; m != 0 {
			j := bits.TrailingZeros64(m) / 8
			high |= w & (msb >> (64 - 8*j)) // only the bytes before the stop
			return i + j, high != 0
		}
		high |= w & msb
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		if b[i] >= 0x80 {
			high = 1
		}
		i++
	}
	return i, high != 0
}

// unescapeJSON decodes the body of a JSON string literal raw (with its
// quotes) that scanString accepted. Like gjson, an unpaired surrogate
// becomes U+FFFD.
func unescapeJSON(raw string) string {
	b := make([]byte, len(raw)-2) // the decoded text is never longer
	n := unescapeTo(b, raw[1:len(raw)-1])
	return unsafe.String(unsafe.SliceData(b), n) // b is never written again
}

// unescapeString is unescapeJSON decoding into the spare capacity of
// *scratch (appended) when scratch is not nil and has room.
func unescapeString(raw string, scratch *[]byte) string {
	if scratch == nil || cap(*scratch)-len(*scratch) < len(raw)-2 {
		return unescapeJSON(raw)
	}
	b := *scratch
	start := len(b)
	b = b[:start+len(raw)-2]
	n := unescapeTo(b[start:], raw[1:len(raw)-1])
	*scratch = b[:start+n]
	return unsafe.String(&b[start], n) // an escape decodes to at least one byte
}

// unescapeTo decodes the string body s (escapes checked by scanString)
// into dst, which must hold len(s) bytes, and returns the decoded length.
func unescapeTo(dst []byte, s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			dst[n] = c
			n++
			continue
		}
		i++
		switch s[i] {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'u':
			r := hex4(s[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					if r2 := utf16.DecodeRune(r, hex4(s[i+3:i+7])); r2 != utf8.RuneError {
						r = r2
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			n += utf8.EncodeRune(dst[n:], r) // \uXXXX is 6 bytes, its UTF-8 at most 4
			continue
		default: // '"', '\\', '/'
			c = s[i]
		}
		dst[n] = c
		n++
	}
	return n
}

func hex4(s string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		d, _ := Unhex(s[i])
		r = r<<4 | rune(d)
	}
	return r
}

// load64 is binary.LittleEndian.Uint64(b[i:]) without the bounds checks
// (two compares and branches per word in the string loops, whose own
// condition already keeps i+8 <= len(b)).
func load64(b []byte, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i)), 8))
}

// store64 is binary.LittleEndian.PutUint64(b[i:], w) without the bounds
// checks, for scanEscaped, whose destination has room by construction.
func store64(b []byte, i int, w uint64) {
	binary.LittleEndian.PutUint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i)), 8), w)
}
