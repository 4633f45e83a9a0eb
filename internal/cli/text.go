// text.go holds the text helpers every command shares, one of each: plural,
// joinWords, truncation (clip), the duration and size formats (and
// parseSize), and the header sorter.

package cli

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// plural is "1 callback", "2 callbacks".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// joinWords lists items for a sentence: "a", "a or b", "a, b and c".
func joinWords(items []string, conj string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// markCut is zegocb's one truncation mark: every cut text ends in it.
const markCut = "…"

// clip cuts s to at most n bytes, mark included, never inside a UTF-8
// character. A text that fits is returned as it is.
func clip(s string, n int, mark string) string {
	if len(s) <= n {
		return s
	}
	i := max(n-len(mark), 0)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}

// oneLine folds every run of white space in s, newlines included, into one space.
// hangingIndent wraps text to width columns after prefix, continuation
// lines indented to prefix's width (help text: "  name   meaning ...").
func hangingIndent(prefix, text string, width int) string {
	var b strings.Builder
	b.WriteString(prefix)
	col, indent := len(prefix), strings.Repeat(" ", len(prefix))
	for i, w := range strings.Fields(text) {
		if i > 0 && col+1+len(w) > width {
			b.WriteString("\n" + indent)
			col = len(indent)
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// answerExcerpt shows an answer's body on one line: quoted, cut after n
// bytes, with its length.
func answerExcerpt(b []byte, n int) string {
	if len(b) == 0 {
		return "(empty)"
	}
	return strconv.Quote(clip(oneLine(string(b)), n+len(markCut), markCut)) + " (" + sizeText(len(b)) + ")"
}

// orText is s, or alt when s is empty.
func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// durVariant picks how appendDuration writes a duration. All variants share
// one rule (milliseconds below a second, seconds above); they differ only
// where older output, pinned by goldens, differs.
type durVariant uint8

const (
	// durListen: three significant digits, sign kept: -0.31ms, 12.3ms,
	// 2.10s, 62.0s (listen's lines).
	durListen durVariant = iota
	// durLatency: 0.31ms, 1.5ms, 12.3ms, 2.10s, 62.00s; a negative latency
	// (none measured) is "-" (send's, probe's and load's rows).
	durLatency
	// durOffset: seconds since the first attempt, always in seconds:
	// +0.00s, +6.01s, +62.0s (send's timeline).
	durOffset
)

// appendDuration appends d for people, as v says.
func appendDuration(b []byte, d time.Duration, v durVariant) []byte {
	ms := func(prec int) []byte {
		return append(strconv.AppendFloat(b, float64(d)/float64(time.Millisecond), 'f', prec, 64), "ms"...)
	}
	sec := func(prec int) []byte { return append(strconv.AppendFloat(b, d.Seconds(), 'f', prec, 64), 's') }
	switch v {
	case durOffset:
		b = append(b, '+')
		if d < 10*time.Second {
			return sec(2)
		}
		return sec(1)
	case durLatency:
		switch {
		case d < 0:
			return append(b, '-')
		case d < time.Millisecond:
			return ms(2)
		case d < time.Second:
			return ms(1)
		}
		return sec(2)
	}
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	switch {
	case d < 10*time.Millisecond:
		return ms(2)
	case d < time.Second:
		return ms(1)
	case d < 10*time.Second:
		return sec(2)
	}
	return sec(1)
}

// durText is listen's duration: 0.31ms, 12.3ms, 2.10s, 62.0s.
func durText(d time.Duration) string { return string(appendDuration(nil, d, durListen)) }

// latencyText is a measured latency: 0.9ms, 12.3ms, 1.24s.
func latencyText(d time.Duration) string { return string(appendDuration(nil, d, durLatency)) }

// offsetText is an offset from the first attempt: +0.00s, +2.00s, +62.0s.
func offsetText(d time.Duration) string { return string(appendDuration(nil, d, durOffset)) }

// millis is a duration in milliseconds for JSON output.
func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// sizeText is a size for people: 312 B, 4 KiB, 12.5 KiB, 64 MiB. Whole KiB
// and MiB are written whole (limits); other sizes from 10 KiB in KiB with
// one decimal.
func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	case n < 10*1024:
		return strconv.Itoa(n) + " B"
	}
	return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KiB"
}

// sortedHeaderKeys are h's names in byte order; print each name's values
// in the order received.
func sortedHeaderKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var errSize = errors.New("want a positive size such as 65536, 512KiB or 1MiB")

// parseSize reads the byte sizes of --max-body and --max-size: 1048576,
// 512KiB, 1MiB, 2M, 64k (K and M are binary, as in the defaults).
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, errSize
	}
	if n > (1<<30)/mult {
		return 0, errors.New("over the 1 GiB maximum")
	}
	return n * mult, nil
}
