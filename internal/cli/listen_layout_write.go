// listen_layout_write.go holds the writing half of listen's header layout:
// appending a header line as laid out (ids cut with an ellipsis in the
// middle, a last cut to the width), the clock format and fitLine.

package cli

import (
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/listen"
)

// appendShortID appends s (width w) cut to at most max columns with an
// ellipsis in the middle, which keeps both ends: ids often share a prefix
// ("room-", "stream-") and differ at the end.
func appendShortID(b []byte, s string, w, max int) []byte {
	if w <= max {
		return append(b, s...)
	}
	keep := max - 1 // the ellipsis takes one column
	tail := keep / 2
	head := keep - tail
	if w == len(s) { // ASCII
		return append(append(append(b, s[:head]...), markCut...), s[len(s)-tail:]...)
	}
	runes := []rune(s)
	hw, hi := 0, 0
	for hi < len(runes) {
		rw := ansi.StringWidth(string(runes[hi]))
		if hw+rw > head {
			break
		}
		hw += rw
		hi++
	}
	tw, ti := 0, len(runes)
	for ti > hi {
		rw := ansi.StringWidth(string(runes[ti-1]))
		if tw+rw > tail {
			break
		}
		tw += rw
		ti--
	}
	return append(append(append(b, string(runes[:hi])...), markCut...), string(runes[ti:])...)
}

// appendHeaderLine appends ev's header line laid out to fit width (no limit
// when width <= 0), newline included. same and differ describe a retry's
// body (see hdrFacts.measure).
func (r *listenRenderer) appendHeaderLine(b []byte, ev *listen.Event, width, same int, differ bool) []byte {
	var f hdrFacts
	f.measure(ev, same, differ)
	l := f.fit(width)
	if f.replay && width > 0 && f.width(&l) > width {
		f.replayNarrow = true
		f.sum()
		l = f.fit(width)
	}
	return r.appendLaidOut(b, &f, &l, width)
}

// appendLaidOut appends the header line of f laid out as l, cut to width
// when even that is too wide, newline included.
func (r *listenRenderer) appendLaidOut(b []byte, f *hdrFacts, l *hdrLayout, width int) []byte {
	ev := f.ev
	start := len(b)
	s := r.s
	put := func(b []byte, st lipgloss.Style, text string) []byte { return r.put(b, st, text) }
	if r.color {
		t := ev.Received.Format("15:04:05.000")
		if l.shortTime {
			t = t[:8]
		}
		b = put(b, s.Faint, t)
		b = append(b, "  "...)
		b = put(b, s.Faint, string(f.numText(f.seq)))
	} else {
		b = ev.Received.AppendFormat(b, "15:04:05.000")
		if l.shortTime {
			b = b[:len(b)-4]
		}
		b = append(append(b, "  "...), f.numText(f.seq)...)
	}
	b = append(b, "  "...)
	switch f.nameStyle {
	case 1:
		b = put(b, s.Fail, f.name)
	case 2:
		b = put(b, s.Warn, f.name)
	default:
		b = put(b, s.Event, f.name)
	}
	if f.notInCat {
		b = put(append(b, ' '), s.Warn, "(not in catalog)")
	}
	first := true
	for i := 0; i < f.nIDs && (l.ids < 0 || i < l.ids); i++ {
		if i == f.task && l.noTask {
			continue
		}
		if first {
			b = append(b, "  "...)
			first = false
		} else {
			b = append(b, ' ')
		}
		id := &f.ids[i]
		if r.color {
			b = put(b, s.Key, id.label+"=")
		} else {
			b = append(append(b, id.label...), '=')
		}
		b = appendShortID(b, id.value, id.width, l.idCap())
	}
	b = append(b, "  sig "...)
	switch ev.Sig {
	case listen.SigOK:
		b = put(b, s.Pass, "ok")
	case listen.SigBad:
		b = put(b, s.Fail, "bad")
		if !l.noReason {
			b = append(append(append(b, " ("...), ev.SigResult.Reason...), ')')
		}
	default:
		b = put(b, s.Faint, "unchecked")
	}
	switch {
	case f.replay:
		b = put(append(b, "  "...), s.Fail, f.replayLabel())
	case f.retry:
		b = put(append(b, "  "...), s.Warn, f.retryLabel)
		b = append(b, f.numText(f.gap)...)
		if !l.noDrift {
			b = append(b, f.numText(f.drift)...)
			if f.driftLate {
				b = append(b, " late)"...)
			} else {
				b = append(b, " early)"...)
			}
		}
		if f.same > 0 && !l.noSame {
			b = strconv.AppendInt(append(b, sameText(f.sameDiffer, l.sameShort)...), int64(f.same), 10)
		}
	case !l.noFirst:
		b = append(b, "  delivery 1"...)
	}
	b = append(b, "  → "...)
	if r.color {
		b = put(b, s.Status(ev.Status), strconv.Itoa(ev.Status))
	} else {
		b = strconv.AppendInt(b, int64(ev.Status), 10)
	}
	if f.answer != "" && !l.noAnswer && !(l.noOKAnswer && ok2xx(ev.Status)) {
		b = strconv.AppendQuote(append(b, ' '), f.answer)
	}
	if !l.noLatency {
		b = append(b, f.numText(f.lat)...)
	}
	if width > 0 && f.width(l) > width { // even the barest layout is too wide: cut it
		line := ansi.Truncate(string(b[start:]), width, markCut)
		b = append(b[:start], line...)
	}
	return append(b, '\n')
}

// clockLayout is the time format of listen's lines at width: to the
// millisecond from 100 columns (and when the width is unknown), else to the second.
func clockLayout(width int) string {
	if width > 0 && width < 100 {
		return "15:04:05"
	}
	return "15:04:05.000"
}

// fitLine cuts a line of text (styled or not) to width columns, ending it
// in an ellipsis; width <= 0 or a line that fits leaves it as it is.
func fitLine(line string, width int) string {
	if width <= 0 || len(line) <= width || ansi.StringWidth(line) <= width {
		return line
	}
	return ansi.Truncate(line, width, markCut)
}
