// listen_layout_measure.go holds the measuring half of listen's header
// layout: hdrFacts.measure formats each piece of an event's header once and
// records its display width, and width/sum add those up for a layout.

package cli

import (
	"strconv"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

// shortWidth is the width of the id cut to max columns: max, or a column
// less when a wide character would straddle the cut.
func (id *hdrID) shortWidth(max int) int {
	if id.width <= max {
		return id.width
	}
	if id.ascii {
		return max
	}
	return ansi.StringWidth(string(appendShortID(nil, id.value, id.width, max)))
}

func (f *hdrFacts) numText(r [2]uint8) []byte { return f.num[r[0]:r[1]] }

// putNum formats a number piece with fill into f.num and returns where it is.
func (f *hdrFacts) putNum(fill func(b []byte) []byte) [2]uint8 {
	b := fill(f.num[f.n:f.n:len(f.num)])
	if f.n+len(b) > len(f.num) { // did not fit in place (cannot happen with the pieces below)
		return [2]uint8{}
	}
	r := [2]uint8{uint8(f.n), uint8(f.n + len(b))}
	f.n += len(b)
	return r
}

// measure fills f from ev. same is the delivery a retry's body is compared
// with (0: none known) and differ whether it differs from it.
func (f *hdrFacts) measure(ev *listen.Event, same int, differ bool) {
	f.ev = ev
	f.seq = f.putNum(func(b []byte) []byte { return strconv.AppendInt(append(b, '#'), int64(ev.Seq), 10) })
	switch {
	case ev.Payload == nil:
		f.name, f.nameStyle = "(unparseable body)", 1
	case ev.Name == "":
		f.name, f.nameStyle = "(no event field)", 2
	case ev.Spec == nil: // a name from the network: escaped, so it cannot steer the terminal
		f.name, f.notInCat = ui.SafeText(clip(ev.Name, hdrNameMax, markCut)), true
	default:
		f.name = ev.Name
	}
	f.nameWidth = textWidth(f.name)
	f.task = -1
	f.nIDs = 0
	f.asciiIDs = true
	if p := ev.Payload; p != nil {
		var buf [callback.MaxKeyIDs]callback.KeyID
		for _, k := range callback.AppendKeyIDs(buf[:0], p) {
			s := ui.SafeText(k.Value)
			if k.Label == "task" {
				f.task = f.nIDs
			}
			w := textWidth(s)
			f.ids[f.nIDs] = hdrID{label: k.Label, value: s, width: w, ascii: w == len(s)}
			f.asciiIDs = f.asciiIDs && w == len(s)
			f.nIDs++
		}
	}
	f.replay = ev.Replay
	f.retry = ev.Delivery > 1 && !ev.Replay
	if f.retry {
		k := ev.Delivery - 1
		f.retryLabel = retryLabel(k, listen.RetriesOf(ev.Spec))
		f.gap = f.putNum(func(b []byte) []byte { return appendDuration(append(b, ", +"...), ev.SincePrev, durListen) })
		d := ev.Drift
		f.driftLate = d >= 0
		if d < 0 {
			d = -d
		}
		f.drift = f.putNum(func(b []byte) []byte { return appendDuration(append(b, " ("...), d, durListen) })
		f.same, f.sameDiffer = same, differ
	}
	f.lat = f.putNum(func(b []byte) []byte { return appendDuration(append(b, " in "...), ev.Latency, durListen) })
	f.answer, f.answerWidth = "", 0
	if ev.Answer != "" {
		f.answer = ui.SafeText(clip(ev.Answer, hdrAnsMax, markCut))
		f.answerWidth = textWidth(f.answer) + 3 // ` "…"`; SafeText left nothing to quote but " and \
		for i := 0; i < len(f.answer); i++ {
			if f.answer[i] == '"' || f.answer[i] == '\\' {
				f.answerWidth++
			}
		}
	}
	f.sum()
}

// sameText introduces the delivery a retry's body was compared with.
func sameText(differ, short bool) string {
	switch {
	case differ && short:
		return ", differs from #"
	case differ:
		return ", body differs from #"
	case short:
		return ", same as #"
	}
	return ", body identical to #"
}

// retryLabel names retry k of an event whose family retries n times:
// "retry 2 of 5", "retry 3 (ZEGO stops after 2)".
func retryLabel(k, n int) string {
	switch {
	case n == 0:
		return "retry " + strconv.Itoa(k) + " (ZEGO documents no retries)"
	case k > n:
		return "retry " + strconv.Itoa(k) + " (ZEGO stops after " + strconv.Itoa(n) + ")"
	}
	return "retry " + strconv.Itoa(k) + " of " + strconv.Itoa(n)
}

// replayText labels a delivery whose nonce and signature were seen before
// with another body: not one of ZEGO's retries, which repeat the bytes.
// replayShort is its form on a narrow terminal.
const (
	replayText  = "same nonce, different body: possible replay"
	replayShort = "possible replay"
)

// replayLabel is the replay label as laid out.
func (f *hdrFacts) replayLabel() string {
	if f.replayNarrow {
		return replayShort
	}
	return replayText
}

// width is the display width of the line laid out as l. It only adds up
// what measure computed: fit calls it a dozen times per line.
func (f *hdrFacts) width(l *hdrLayout) int {
	w := f.wBase + 12 // 15:04:05.000
	if l.shortTime {
		w -= 4
	}
	idCap, sep := l.idCap(), 2
	for i := 0; i < f.nIDs && (l.ids < 0 || i < l.ids); i++ {
		if i == f.task && l.noTask {
			continue
		}
		id := &f.ids[i]
		w += sep + len(id.label) + 1
		sep = 1
		switch {
		case id.width <= idCap:
			w += id.width
		case id.ascii:
			w += idCap
		default:
			w += id.shortWidth(idCap)
		}
	}
	if !l.noReason {
		w += f.wReason
	}
	if !l.noFirst {
		w += f.wFirst
	}
	if !l.noDrift {
		w += f.wDrift
	}
	if !l.noSame {
		if l.sameShort {
			w += f.wSameShort
		} else {
			w += f.wSame
		}
	}
	if !l.noAnswer && !(l.noOKAnswer && f.answerOK) {
		w += f.wAnswer
	}
	if !l.noLatency {
		w += f.wLat
	}
	return w
}

// sum adds up the widths of the pieces measure found.
func (f *hdrFacts) sum() {
	ev := f.ev
	f.wBase = 2 + int(f.seq[1]-f.seq[0]) + 2 + f.nameWidth
	if f.notInCat {
		f.wBase += len(" (not in catalog)")
	}
	f.wBase += len("  sig ")
	f.wReason = 0
	switch ev.Sig {
	case listen.SigOK:
		f.wBase += 2
	case listen.SigBad:
		f.wBase += 3
		f.wReason = 3 + len(ev.SigResult.Reason)
	default:
		f.wBase += len("unchecked")
	}
	f.wFirst, f.wDrift, f.wSame, f.wSameShort = 0, 0, 0, 0
	switch {
	case f.replay:
		f.wBase += 2 + len(f.replayLabel())
	case f.retry:
		f.wBase += 2 + len(f.retryLabel) + int(f.gap[1]-f.gap[0])
		f.wDrift = int(f.drift[1] - f.drift[0])
		if f.driftLate {
			f.wDrift += len(" late)")
		} else {
			f.wDrift += len(" early)")
		}
		if f.same > 0 {
			f.wSame = len(sameText(f.sameDiffer, false)) + digits(f.same)
			f.wSameShort = len(sameText(f.sameDiffer, true)) + digits(f.same)
		}
	default:
		f.wFirst = len("  delivery 1")
	}
	f.wBase += len("  → ") - 2 + digits(ev.Status) // → is one column
	f.wAnswer, f.answerOK = f.answerWidth, ok2xx(ev.Status)
	f.wLat = int(f.lat[1] - f.lat[0])
}

func ok2xx(status int) bool { return status >= 200 && status <= 299 }

func digits(n int) int {
	d := 1
	if n < 0 {
		d++
		n = -n
	}
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// textWidth is the display width of s (its byte length when ASCII).
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}
