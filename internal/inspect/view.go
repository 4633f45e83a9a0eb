// view.go holds how the inspector draws its list screen: View, the title,
// the columns and rows of the list, the footer and the help screen.

package inspect

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/ui"
)

// View draws the whole screen: exactly m.h lines, none wider than m.w.
func (m *Model) View() string {
	var lines []string
	switch m.mode {
	case modeHelp:
		lines = m.helpLines()
	case modeDetail:
		lines = m.detailView()
	default:
		lines = m.listView()
	}
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	lines = lines[:m.h]
	for i, l := range lines {
		if ansi.StringWidth(l) > m.w {
			lines[i] = ansi.Truncate(l, m.w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) title() string {
	name := m.src.Name()
	n := m.entries.len()
	parts := []string{m.st.title.Render("zegocb inspect")}
	count := plural(n, "event", "events")
	if m.filter.text != "" {
		count = ui.GroupDigits(len(m.vis)) + " of " + count
	}
	keep := "keeps last " + ui.GroupDigits(m.opts.MaxEvents)
	if ev := m.entries.evicted; ev > 0 {
		keep += ", " + ui.GroupDigits(ev) + " older left"
	}
	parts = append(parts, count+" ("+keep+")")
	if m.failed > 0 {
		parts = append(parts, m.st.fail.Render(plural(m.failed, "failure", "failures")))
	}
	if m.dropped > 0 {
		parts = append(parts, m.st.warn.Render(ui.GroupDigits(int(m.dropped))+" dropped (UI behind)"))
	}
	if m.src.Live() && !m.done {
		parts = append(parts, "live")
	}
	rest := strings.Join(parts, "  ")
	room := m.w - ansi.StringWidth(rest) - 2
	if room >= 8 {
		return parts[0] + "  " + m.st.faint.Render(cut(ui.SafeText(name), room)) + "  " + strings.Join(parts[1:], "  ")
	}
	return rest
}

// columns fits the list's columns to the width: time and ids shrink first.
type columns struct {
	time, event, ids int
	ms               bool
}

const sepW = 1

func (m *Model) columns() columns {
	c := columns{time: 8, event: 22}
	if m.w >= 110 {
		c.time, c.ms, c.event = 12, true, 28
	}
	// marker 2, time, event, ids, sig 3, answer 3, delivery 10 ("retry 1 ↻…"), separators
	fixed := 2 + c.time + sepW + c.event + sepW + sepW + 3 + sepW + 3 + sepW + 10
	c.ids = max(m.w-fixed, 8)
	return c
}

func (m *Model) listView() []string {
	c := m.columns()
	lines := []string{m.title()}
	head := "  " + pad("TIME", c.time) + " " + pad("EVENT", c.event) + " " + pad("IDS", c.ids) + " SIG ANS DELIVERY"
	lines = append(lines, m.st.head.Render(head))
	rows := m.listRows()
	if len(m.vis) == 0 {
		switch {
		case m.entries.len() > 0:
			lines = append(lines, "  no event matches the filter (esc clears it)")
		case m.src.Live():
			lines = append(lines, "  waiting for callbacks…")
		case m.done:
			lines = append(lines, "  no callbacks in "+ui.SafeText(m.src.Name()))
		default:
			lines = append(lines, "  reading…")
		}
	}
	cur := m.cursor()
	for i := m.top; i < len(m.vis) && i < m.top+rows; i++ {
		e := m.entries.byID(m.vis[i])
		if e == nil {
			continue
		}
		lines = append(lines, m.row(e, c, i == cur))
	}
	for len(lines) < m.h-1 {
		lines = append(lines, "")
	}
	return append(lines, m.footer())
}

func (m *Model) row(e *Entry, c columns, selected bool) string {
	layout := "15:04:05"
	if c.ms {
		layout = "15:04:05.000"
	}
	tm := pad(e.Received.In(m.opts.Location).Format(layout), c.time)
	if e.Received.IsZero() {
		tm = pad("-", c.time)
	}
	var ev string
	switch {
	case e.Rejected:
		ev = "(rejected " + e.Method + ")"
	case e.ParseErr != "":
		ev = "(unparseable body)"
	case e.Event == "":
		ev = "(no event field)"
	case !e.Known:
		ev = ui.SafeText(e.Event) + "?"
	default:
		ev = e.Event
	}
	ids := idText(e)
	if e.Rejected {
		ids = ui.SafeText(e.Path)
	}
	sig := map[Sig]string{SigOK: "ok ", SigBad: "BAD", SigUnchecked: " - "}[e.Sig]
	ans := " - "
	if e.Status != 0 {
		ans = strconv.Itoa(e.Status)
	}
	dlv := "1"
	if e.Delivery > 1 {
		dlv = "retry " + strconv.Itoa(e.Delivery-1)
	}
	if r := e.Replay; r != nil {
		switch {
		case r.Pending:
			dlv += " ↻…"
		case r.Result.OK():
			dlv += " ↻ok"
		default:
			dlv += " ↻!"
		}
	}
	marker := "  "
	if selected {
		marker = "> "
	}
	sigS, ansS := sig, ans
	if !selected {
		sigS = m.st.sig(e.Sig).Render(sig)
		ansS = m.st.status(e.Status).Render(ans)
	}
	line := marker + tm + " " + pad(cut(ev, c.event), c.event) + " " + pad(cut(ids, c.ids), c.ids) + " " + sigS + " " + ansS + " " + dlv
	if selected {
		return m.st.sel.Render(pad(line, m.w))
	}
	return line
}

func idText(e *Entry) string {
	parts := make([]string, 0, len(e.IDs))
	for _, k := range e.IDs {
		parts = append(parts, k.Label+"="+ui.SafeText(k.Value))
	}
	return strings.Join(parts, " ")
}

func (m *Model) footer() string {
	switch m.input {
	case inputFilter:
		return m.st.key.Render("filter:") + " " + m.ti.View()
	case inputURL:
		return m.st.key.Render("replay to:") + " " + m.ti.View()
	}
	if m.message != "" {
		return ui.SafeText(m.message)
	}
	if m.readErr != "" {
		return m.st.fail.Render("read error: " + ui.SafeText(m.readErr))
	}
	var hints string
	if m.mode == modeDetail {
		hints = strconv.Itoa(int(m.detail.ScrollPercent()*100+0.5)) + "%  esc back  ↑↓ scroll  n/p next/prev  b raw  r replay  c curl  ? help  q quit"
	} else {
		hints = "↑↓ move  enter detail  / filter  f failures  r replay  c curl  ? help  q quit"
	}
	if m.filter.text != "" {
		hints = "filter " + strconv.Quote(m.filter.text) + " (esc clears)  " + hints
	}
	if m.skipped > 0 {
		hints = m.st.warn.Render(plural(m.skipped, "line", "lines")+" skipped ("+ui.SafeText(m.skipErr)+")") + "  " + hints
	}
	return m.st.faint.Render(hints)
}

func (m *Model) helpLines() []string {
	keep := ui.GroupDigits(m.opts.MaxEvents)
	l := []string{
		m.st.title.Render("zegocb inspect: keys"),
		"",
		"  ↑/k ↓/j  move        pgup/pgdn  page        g/G  first/last",
		"  enter    detail      esc        back, or clear the filter",
		"  /        filter: free text, or event:NAME room:ID stream:ID user:ID",
		"           status:CODE sig:ok|bad|unchecked family:NAME; words must all match",
		"  f        jump to the next failure (bad signature, unparseable body,",
		"           rejected request, answer not 2xx, failed replay)",
		"  r        replay the selected callback (to the last URL; asks first)",
		"  R        replay to a URL you type",
		"  c        write the selected callback as a curl command to a file",
		"  b        in the detail: the raw body instead of the pretty JSON",
		"  n/p      in the detail: next/previous callback",
		"  ?        this help          q  quit",
		"",
		"  The list keeps the last " + keep + " events; older ones leave the view",
		"  (the capture file still has them). New events never move the",
		"  selection, except when it is on the newest one.",
		"  Secrets are never shown: only the signature's verdict and reason.",
		"",
		m.st.faint.Render("  any key closes this help"),
	}
	return l
}
