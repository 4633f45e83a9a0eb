// listen_layout.go fits listen's header line to the terminal's width: each
// piece is measured once, the lowest-value pieces are dropped first, then
// ids are shortened with an ellipsis in the middle; a line is never wider
// than the width, so a terminal never wraps it mid-word.

package cli

import (
	"strconv"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

// listenDefaultWidth is the width lines fit when the terminal's is unknown
// (output piped, no $COLUMNS).
const listenDefaultWidth = 100

// Widths of the header's fixed texts.
const (
	hdrIDMax   = 40 // an id is cut to this many columns at most
	hdrIDMin   = 9  // ... and to no fewer before ids are dropped
	hdrNameMax = 60 // an event name not in the catalog
	hdrAnsMax  = 40 // our answer's body
)

// hdrLayout says which header pieces a line leaves out, lowest value first.
type hdrLayout struct {
	noFirst    bool // "delivery 1": most lines are first deliveries
	noOKAnswer bool // the body of a 2xx answer (almost always "1")
	noLatency  bool // "in 0.34ms"
	noDrift    bool // "(88.9ms late)" of a retry
	noTask     bool // task=
	shortTime  bool // 10:00:00 without milliseconds (below 100 columns)
	noAnswer   bool // the body of any answer
	sameShort  bool // "same as #N" for "body identical to #N"
	noSame     bool // "body identical to #N" of a retry
	noReason   bool // the reason of a bad signature (the detail line says it)
	idMax      int  // widest an id value may be (hdrIDMax when 0)
	ids        int  // how many ids are shown (all when -1)
}

// hdrID is one key id: its label and its value, escaped.
type hdrID struct {
	label string
	value string
	width int  // display width of value
	ascii bool // value is ASCII: its width is its length
}

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

// hdrFacts are one event's header pieces and their display widths.
type hdrFacts struct {
	ev *listen.Event

	num                  [64]byte // seq, gap, drift and latency, formatted once
	n                    int      // bytes of num used
	seq, gap, drift, lat [2]uint8

	name      string
	nameWidth int
	nameStyle uint8 // 0 event, 1 fail, 2 warn
	notInCat  bool

	ids      [callback.MaxKeyIDs]hdrID
	nIDs     int
	asciiIDs bool // every id is ASCII
	task     int  // index of task= in ids, -1 when absent

	retry  bool
	replay bool // same nonce and signature, another body (never dropped)
	// replayNarrow shortens the replay label where the whole one does not fit.
	replayNarrow bool
	retryLabel   string
	driftLate    bool
	same         int  // the delivery a retry's body is compared with, 0 for none
	sameDiffer   bool // ... and its body differs

	answer      string // ev.Answer, escaped and cut
	answerWidth int    // of the quoted answer
	answerOK    bool   // the answer is a 2xx

	// Widths (columns) of the pieces, by what leaves them out.
	wBase, wReason, wFirst, wDrift, wSame, wSameShort, wAnswer, wLat int
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

func (l *hdrLayout) idCap() int {
	if l.idMax <= 0 {
		return hdrIDMax
	}
	return l.idMax
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

// fit returns the fullest layout of f that is at most width columns wide
// (width <= 0: no limit). When even the barest does not fit, it returns
// the barest, and the caller cuts the line.
func (f *hdrFacts) fit(width int) hdrLayout {
	// Below 100 columns every line's time is to the second, so that the
	// time column does not change from line to line.
	l := hdrLayout{ids: -1, shortTime: width > 0 && width < 100}
	if width <= 0 || f.width(&l) <= width {
		return l
	}
	// The low-value pieces first, by arithmetic: this runs once per
	// request with -q.
	w := f.width(&l)
	for step := 0; step < 5; step++ {
		switch step {
		case 0:
			l.noFirst, w = true, w-f.wFirst
		case 1:
			l.noOKAnswer = true
			if f.answerOK {
				w -= f.wAnswer
			}
		case 2:
			l.noLatency, w = true, w-f.wLat
		case 3:
			l.noDrift, w = true, w-f.wDrift
		case 4:
			if f.task < 0 {
				continue
			}
			l.noTask = true
			w = f.width(&l)
		}
		if w <= width {
			return l.restore(f, width)
		}
	}
	// Then shorten ids, down to a floor, before each of the next drops. A
	// re-delivery identical to one shown gives up its ids (that one shows
	// them) before the reference to it.
	identical := f.same > 0 && !f.sameDiffer
	for _, step := range []struct {
		floor int
		drop  func()
	}{
		{20, func() { l.noAnswer = true }},
		{14, func() { l.sameShort = true }},
		{14, func() {
			if identical {
				l.ids = 0
			}
		}},
		{12, func() { l.noReason = true }},
		{hdrIDMin, func() { l.noSame = !f.sameDiffer }}, // a changed body is worth more than the ids
		{hdrIDMin, nil},
	} {
		if l.fitIDs(f, width, step.floor) {
			return l.restore(f, width)
		}
		if step.drop != nil {
			l.idMax = 0
			step.drop()
		}
	}
	// Drop ids from the last (user) to the first (room), at their shortest.
	l.idMax = hdrIDMin
	if l.ids == 0 {
		return l
	}
	for l.ids = f.nIDs - 1; l.ids > 0; l.ids-- {
		if f.width(&l) <= width {
			return l.restore(f, width)
		}
	}
	if f.width(&l) > width {
		l.noSame = true // even a changed body's note, rather than cut the answer
	}
	return l.restore(f, width)
}

// restore puts back, most useful first, what fit dropped that still fits:
// giving up a retry's ids, or a drift, can leave room for what was
// dropped before.
func (l hdrLayout) restore(f *hdrFacts, width int) hdrLayout {
	if f.sameDiffer && l.noSame { // a changed body first: it is worth more than an id
		l.noSame, l.sameShort = false, true
		if f.width(&l) > width {
			l.noSame = true
		}
	}
	for l.ids >= 0 && l.ids < f.nIDs {
		l.ids++
		if f.width(&l) > width {
			l.ids--
			break
		}
	}
	slack := width - f.width(&l)
	put := func(flag *bool, cost int) {
		if *flag && cost <= slack {
			*flag, slack = false, slack-cost
		}
	}
	if l.sameShort {
		put(&l.noSame, f.wSameShort)
		if !l.noSame {
			put(&l.sameShort, f.wSame-f.wSameShort)
		}
	} else {
		put(&l.noSame, f.wSame)
	}
	put(&l.noReason, f.wReason)
	if l.noOKAnswer && f.answerOK {
		l.noAnswer = false // still left out, by noOKAnswer
	} else {
		put(&l.noAnswer, f.wAnswer)
	}
	put(&l.noDrift, f.wDrift)
	put(&l.noLatency, f.wLat) // a 2xx answer's body stays out: it is "1" all day
	return l
}

// fitIDs caps the ids' width at the largest value that makes the line fit,
// no less than floor, and reports whether it fits (else the cap is floor).
// With ASCII ids the cap is computed; otherwise, as the width only shrinks
// with the cap, it is found by bisection.
func (l *hdrLayout) fitIDs(f *hdrFacts, width, floor int) bool {
	l.idMax = 0
	full := f.width(l)
	if full <= width {
		return true
	}
	if f.asciiIDs {
		c, ok := l.idCapFor(f, width-full)
		if !ok || c < floor {
			l.idMax = floor
			return false
		}
		l.idMax = c
		return true
	}
	l.idMax = floor
	if f.width(l) > width {
		return false
	}
	lo, hi := floor, hdrIDMax-1 // the line fits at lo; find the largest such
	for lo < hi {
		mid := (lo + hi + 1) / 2
		l.idMax = mid
		if f.width(l) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	l.idMax = lo
	return true
}

// idCapFor is the largest cap (below hdrIDMax) on the shown ASCII ids'
// widths that takes over columns off them (over < 0), found by filling
// the ids up to a common level; ok is false when no cap does.
func (l *hdrLayout) idCapFor(f *hdrFacts, over int) (int, bool) {
	var ws [len(hdrFacts{}.ids)]int
	n, total := 0, 0
	for i := 0; i < f.nIDs && (l.ids < 0 || i < l.ids); i++ {
		if i == f.task && l.noTask {
			continue
		}
		w := min(f.ids[i].width, hdrIDMax)
		j := n // insertion sort: at most four
		for ; j > 0 && ws[j-1] > w; j-- {
			ws[j] = ws[j-1]
		}
		ws[j] = w
		n++
		total += w
	}
	budget := total + over // columns the id values may take
	used := 0
	for k := 0; k < n; k++ {
		if used+(n-k)*ws[k] > budget { // the ids from k on are capped
			c := (budget - used) / (n - k)
			return min(c, hdrIDMax-1), c >= 0
		}
		used += ws[k]
	}
	return 0, false // the ids at full width fit: over was not below 0
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
