package inspect

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

type mode int

const (
	modeList mode = iota
	modeDetail
	modeHelp
)

type inputKind int

const (
	inputNone inputKind = iota
	inputFilter
	inputURL
)

// batchMax is the most entries taken from a source per message.
const batchMax = 1024

// Model is the inspector's bubbletea model. Create it with NewModel.
type Model struct {
	ctx  context.Context
	opts Options
	src  Source
	j    *judge
	st   styles

	w, h int
	mode mode
	prev mode // the mode help returns to

	entries *ring
	failed  int // failures among the kept entries

	filter filter
	vis    []uint64 // ids of the kept entries that pass the filter, ascending
	sel    uint64   // the selected entry's id (0: none)
	top    int      // index in vis of the first row shown
	follow bool     // the selection follows new entries (it is on the newest)

	input     inputKind
	ti        textinput.Model
	lastURL   string
	detail    viewport.Model
	detailID  uint64 // the entry the detail pane was built for
	showRaw   bool
	message   string
	done      bool // the source has ended
	readErr   string
	skipped   int
	skipErr   string
	dropped   int64
	detailDim [2]int
}

// NewModel returns the inspector as a bubbletea model (Run uses it; tests
// drive it with teatest). ctx bounds the source and replays.
func NewModel(ctx context.Context, opts Options) *Model {
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = DefaultMaxEvents
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	st := newStyles(opts.Color)
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = 512
	// Styles from the inspector's own renderer (not lipgloss's global one,
	// bound to stdout), and a cursor that does not blink: no timer redraws.
	ti.PromptStyle, ti.TextStyle, ti.PlaceholderStyle, ti.CompletionStyle = st.plain, st.plain, st.faint, st.faint
	ti.Cursor.Style, ti.Cursor.TextStyle = st.sel, st.plain
	ti.Cursor.SetMode(cursor.CursorStatic)
	m := &Model{
		ctx:     ctx,
		opts:    opts,
		src:     opts.Source,
		j:       newJudge(opts.Catalog, opts.Secret),
		st:      st,
		w:       80,
		h:       24,
		entries: newRing(opts.MaxEvents),
		follow:  true,
		ti:      ti,
		lastURL: opts.ReplayURL,
		detail:  viewport.New(80, 20),
	}
	return m
}

// Len is how many entries are kept.
func (m *Model) Len() int { return m.entries.len() }

// Evicted is how many entries left the view because MaxEvents were kept.
func (m *Model) Evicted() int { return m.entries.evicted }

// Selected is the selected entry, nil when there is none.
func (m *Model) Selected() *Entry { return m.entries.byID(m.sel) }

// Dropped is how many live events were dropped because the inspector fell behind.
func (m *Model) Dropped() int64 { return m.dropped }

// Done reports whether the source has ended (a file was read to its end).
func (m *Model) Done() bool { return m.done }

type batchMsg batch

type replayMsg struct {
	id    uint64
	state *ReplayState // the replay it answers (a newer one replaces it)
	res   ReplayResult
}

func (m *Model) Init() tea.Cmd {
	m.src.start(m.ctx, m.j)
	return m.wait()
}

func (m *Model) wait() tea.Cmd {
	src, ctx := m.src, m.ctx
	return func() tea.Msg { return batchMsg(src.next(ctx, batchMax)) }
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = max(msg.Width, 20), max(msg.Height, 6)
		m.detailID = 0 // rebuild for the new width
		m.scrollToSel()
		return m, nil
	case batchMsg:
		m.ingest(batch(msg))
		if msg.done {
			m.done = true
			return m, nil
		}
		return m, m.wait()
	case replayMsg:
		if e := m.entries.byID(msg.id); e != nil && e.Replay == msg.state {
			e.Replay.Pending = false
			e.Replay.Result = msg.res
			m.recount()
			m.message = "#" + strconv.Itoa(e.Seq) + " replay: " + replayText(msg.res)
			m.detailID = 0
		}
		return m, nil
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

// ingest adds a batch: the selection stays on its entry unless it follows
// the newest.
func (m *Model) ingest(b batch) {
	if b.err != nil {
		m.readErr = b.err.Error()
	}
	if b.skipped > 0 {
		m.skipped, m.skipErr = b.skipped, b.skipErr
	}
	m.dropped = max(m.dropped, b.dropped)
	for _, e := range b.entries {
		if old := m.entries.push(e); old != nil && old.Failed() {
			m.failed--
		}
		if e.Failed() {
			m.failed++
		}
		if m.filter.match(e) {
			m.vis = append(m.vis, e.id)
		}
	}
	first := m.entries.firstID()
	drop := sort.Search(len(m.vis), func(i int) bool { return m.vis[i] >= first })
	if drop > 0 {
		m.vis = m.vis[drop:]
		m.top = max(m.top-drop, 0)
	}
	if len(m.vis) > 0 && (m.follow || m.sel < first) {
		if m.follow {
			m.sel = m.vis[len(m.vis)-1]
		} else {
			m.sel = m.vis[0] // the selected entry left: the oldest kept
		}
	}
	m.scrollToSel()
}

func (m *Model) recount() {
	m.failed = 0
	for i := 0; i < m.entries.len(); i++ {
		if m.entries.at(i).Failed() {
			m.failed++
		}
	}
}

// cursor is the selected row's index in vis (-1: none).
func (m *Model) cursor() int {
	i := sort.Search(len(m.vis), func(i int) bool { return m.vis[i] >= m.sel })
	if i < len(m.vis) && m.vis[i] == m.sel {
		return i
	}
	if len(m.vis) == 0 {
		return -1
	}
	return min(i, len(m.vis)-1)
}

func (m *Model) listRows() int { return max(m.h-3, 1) } // title, column names, footer

func (m *Model) moveTo(i int) {
	if len(m.vis) == 0 {
		return
	}
	i = max(0, min(i, len(m.vis)-1))
	m.sel = m.vis[i]
	m.follow = i == len(m.vis)-1
	m.scrollToSel()
}

func (m *Model) scrollToSel() {
	c := m.cursor()
	rows := m.listRows()
	if c < 0 {
		m.top = 0
		return
	}
	if c < m.top {
		m.top = c
	}
	if c >= m.top+rows {
		m.top = c - rows + 1
	}
	m.top = max(0, min(m.top, max(len(m.vis)-rows, 0)))
}

func (m *Model) applyFilter(text string) {
	m.filter = parseFilter(text)
	m.vis = m.vis[:0]
	for i := 0; i < m.entries.len(); i++ {
		if e := m.entries.at(i); m.filter.match(e) {
			m.vis = append(m.vis, e.id)
		}
	}
	if c := m.cursor(); c >= 0 {
		m.sel = m.vis[c]
	}
	m.scrollToSel()
}

func (m *Model) key(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type == tea.KeyCtrlC {
		return m, tea.Quit
	}
	if k.Alt && k.Type == tea.KeyRunes {
		// A terminal sends Esc and a key typed right after it as one
		// sequence, which bubbletea reads as Alt+key: take it as both.
		m.key(tea.KeyMsg{Type: tea.KeyEsc})
		k.Alt = false
	}
	if m.input != inputNone {
		return m.inputKey(k)
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste {
		// Keys typed faster than they are read arrive as one message:
		// act on each ("gf" is g, then f; "/x" opens the filter with x).
		var cmds []tea.Cmd
		for i, r := range k.Runes {
			if m.input != inputNone {
				_, cmd := m.inputKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: k.Runes[i:]})
				cmds = append(cmds, cmd)
				break
			}
			_, cmd := m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	if m.mode == modeHelp {
		m.mode = m.prev
		if k.String() == "q" {
			return m, tea.Quit
		}
		return m, nil
	}
	m.message = ""
	switch k.String() {
	case "q":
		return m, tea.Quit
	case "?":
		m.prev, m.mode = m.mode, modeHelp
		return m, nil
	case "/":
		m.input = inputFilter
		m.ti.SetValue(m.filter.text)
		m.ti.CursorEnd()
		return m, m.ti.Focus()
	case "f":
		m.nextFailure()
		return m, nil
	case "r":
		if m.lastURL == "" {
			return m.askURL()
		}
		return m, m.replay(m.lastURL)
	case "R":
		return m.askURL()
	case "c":
		m.writeCurl()
		return m, nil
	}
	if m.mode == modeDetail {
		switch k.String() {
		case "esc", "enter", "backspace", "left", "h":
			m.mode = modeList
		case "b":
			m.showRaw = !m.showRaw
			m.detailID = 0
		case "n", "right", "l":
			m.moveTo(m.cursor() + 1)
			m.detail.GotoTop()
		case "p":
			m.moveTo(m.cursor() - 1)
			m.detail.GotoTop()
		default:
			m.buildDetail()
			var cmd tea.Cmd
			m.detail, cmd = m.detail.Update(k)
			return m, cmd
		}
		return m, nil
	}
	rows := m.listRows()
	switch k.String() {
	case "up", "k":
		m.moveTo(m.cursor() - 1)
	case "down", "j":
		m.moveTo(m.cursor() + 1)
	case "pgup", "ctrl+b":
		m.moveTo(m.cursor() - rows)
	case "pgdown", "ctrl+f", " ":
		m.moveTo(m.cursor() + rows)
	case "home", "g":
		m.moveTo(0)
	case "end", "G":
		m.moveTo(len(m.vis) - 1)
	case "enter", "right", "l":
		if m.Selected() != nil {
			m.mode = modeDetail
			m.detailID = 0
			m.detail.GotoTop()
		}
	case "esc":
		if m.filter.text != "" {
			m.applyFilter("")
		}
	}
	return m, nil
}

func (m *Model) askURL() (tea.Model, tea.Cmd) {
	if m.Selected() == nil {
		m.message = "nothing selected"
		return m, nil
	}
	m.input = inputURL
	m.ti.SetValue(m.lastURL)
	m.ti.CursorEnd()
	return m, m.ti.Focus()
}

func (m *Model) inputKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.Type {
	case tea.KeyEsc:
		if m.input == inputFilter {
			m.applyFilter("")
		}
		m.input = inputNone
		m.ti.Blur()
		return m, nil
	case tea.KeyEnter:
		kind, val := m.input, strings.TrimSpace(m.ti.Value())
		m.input = inputNone
		m.ti.Blur()
		if kind == inputFilter {
			m.applyFilter(val)
			return m, nil
		}
		if val == "" {
			m.message = "no URL: nothing replayed"
			return m, nil
		}
		m.lastURL = val
		return m, m.replay(val)
	}
	var cmd tea.Cmd
	m.ti, cmd = m.ti.Update(k)
	if m.input == inputFilter {
		m.applyFilter(m.ti.Value()) // filter as you type
	}
	return m, cmd
}

func (m *Model) nextFailure() {
	c := m.cursor()
	n := len(m.vis)
	for step := 1; step <= n; step++ {
		i := (c + step) % n
		if e := m.entries.byID(m.vis[i]); e != nil && e.Failed() {
			m.moveTo(i)
			m.detailID = 0
			if step > n-c-1 && c >= 0 {
				m.message = "failures: wrapped to the top"
			}
			return
		}
	}
	m.message = "no failures in view"
}

func (m *Model) replay(url string) tea.Cmd {
	e := m.Selected()
	if e == nil {
		m.message = "nothing selected"
		return nil
	}
	if m.opts.Replay == nil {
		m.message = "replay is not available here"
		return nil
	}
	if e.Rejected {
		m.message = "a rejected request is not a callback: nothing to replay"
		return nil
	}
	state := &ReplayState{URL: url, Pending: true}
	e.Replay = state
	m.recount()
	m.message = "#" + strconv.Itoa(e.Seq) + " replaying to " + url + " …"
	m.detailID = 0
	req := ReplayRequest{URL: url, Method: e.Method, Path: e.Path, Header: e.Header, Body: e.Body, Event: e.Event, Seq: e.Seq}
	id, ctx, replay := e.id, m.ctx, m.opts.Replay
	return func() tea.Msg { return replayMsg{id: id, state: state, res: replay(ctx, req)} }
}

func (m *Model) writeCurl() {
	e := m.Selected()
	if e == nil {
		m.message = "nothing selected"
		return
	}
	if e.Rejected {
		m.message = "a rejected request is not a callback: no curl command"
		return
	}
	target := m.lastURL
	if target == "" {
		target = "http://127.0.0.1:8080" + e.Path
	}
	name := "zegocb-" + strconv.Itoa(e.Seq) + ".curl.sh"
	if e.Seq == 0 {
		name = "zegocb-" + strconv.FormatUint(e.id, 10) + ".curl.sh"
	}
	path := filepath.Join(m.opts.CurlDir, name)
	if err := os.WriteFile(path, []byte(curlCommand(e, target)), 0o600); err != nil {
		m.message = "curl: " + err.Error()
		return
	}
	m.message = "wrote " + path + " (curl; URL=… to change the target)"
}

func replayText(r ReplayResult) string {
	var b strings.Builder
	if r.Status == 0 {
		b.WriteString("no answer")
		if r.Err != "" {
			b.WriteString(" (" + r.Err + ")")
		}
	} else {
		b.WriteString(strconv.Itoa(r.Status))
		if r.Body != "" {
			b.WriteString(" " + strconv.Quote(clip(r.Body, 40)))
		}
		if r.Err != "" {
			b.WriteString(" (" + r.Err + ")")
		}
	}
	if r.Latency > 0 {
		b.WriteString(" in " + fmtDur(r.Latency))
	}
	if r.Attempts > 1 {
		b.WriteString(", " + strconv.Itoa(r.Attempts) + " attempts")
	}
	return ui.SafeText(b.String())
}

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
		count = groupDigits(len(m.vis)) + " of " + count
	}
	keep := "keeps last " + groupDigits(m.opts.MaxEvents)
	if ev := m.entries.evicted; ev > 0 {
		keep += ", " + groupDigits(ev) + " older left"
	}
	parts = append(parts, count+" ("+keep+")")
	if m.failed > 0 {
		parts = append(parts, m.st.fail.Render(plural(m.failed, "failure", "failures")))
	}
	if m.dropped > 0 {
		parts = append(parts, m.st.warn.Render(groupDigits(int(m.dropped))+" dropped (UI behind)"))
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
	keep := groupDigits(m.opts.MaxEvents)
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

// buildDetail fills the viewport for the selected entry when needed.
func (m *Model) buildDetail() {
	e := m.Selected()
	if e == nil {
		return
	}
	w, h := m.w, max(m.h-2, 1)
	if m.detailID == e.id && m.detailDim == [2]int{w, h} {
		return
	}
	m.detailID, m.detailDim = e.id, [2]int{w, h}
	y := m.detail.YOffset
	m.detail.Width, m.detail.Height = w, h
	var out []string
	for _, l := range m.detailLines(e) {
		out = append(out, wrapIndented(l, w)...)
	}
	m.detail.SetContent(strings.Join(out, "\n"))
	m.detail.SetYOffset(y)
}

func (m *Model) detailView() []string {
	m.buildDetail()
	e := m.Selected()
	head := m.title()
	if e == nil {
		return []string{head, "  nothing selected", m.footer()}
	}
	lines := []string{head}
	lines = append(lines, strings.Split(m.detail.View(), "\n")...)
	for len(lines) < m.h-1 {
		lines = append(lines, "")
	}
	lines = lines[:m.h-1]
	return append(lines, m.footer())
}

// detailLines are the detail pane's lines before wrapping.
func (m *Model) detailLines(e *Entry) []string {
	st := m.st
	var l []string
	seqLabel := "#" + strconv.Itoa(e.Seq)
	if !m.src.Live() {
		seqLabel = "line " + strconv.Itoa(e.Seq)
	}
	name := ui.SafeText(e.Event)
	var meaning string
	if e.Spec != nil {
		meaning = e.Spec.Summary
	}
	switch {
	case e.Rejected:
		name = "rejected request"
	case e.ParseErr != "":
		name = "unparseable body"
	case e.Event == "":
		name = "(no event field)"
	case !e.Known:
		name += " (not in the catalog)"
	}
	l = append(l, st.title.Render(name)+"  "+st.faint.Render(seqLabel))
	if meaning != "" {
		l = append(l, "  "+ui.SafeText(meaning))
	}
	at := "-"
	if !e.Received.IsZero() {
		at = e.Received.In(m.opts.Location).Format("2006-01-02 15:04:05.000 MST")
	}
	req := at
	if e.Method != "" {
		req += "  " + ui.SafeText(e.Method+" "+e.Path)
	}
	if e.Remote != "" {
		req += " from " + ui.SafeText(e.Remote)
	}
	if e.Family != nil {
		l = append(l, st.key.Render("family   ")+ui.SafeText(e.Family.Title))
	}
	l = append(l, st.key.Render("received ")+req)
	if ids := idText(e); ids != "" {
		l = append(l, st.key.Render("ids      ")+ids)
	}
	sig := st.sig(e.Sig).Render(string(e.Sig))
	switch e.Sig {
	case SigBad:
		sig += " (" + string(e.SigReason) + "): " + ui.SafeText(e.SigDetail)
	case SigUnchecked:
		sig += " (no secret configured)"
		if e.Rejected {
			sig = st.faint.Render("not judged")
		}
	}
	l = append(l, st.key.Render("signature ")+sig)
	ans := st.faint.Render("not recorded")
	if e.Status != 0 {
		ans = st.status(e.Status).Render(strconv.Itoa(e.Status))
		if e.Answer != "" {
			ans += " " + ui.SafeText(strconv.Quote(clip(e.Answer, 60)))
		}
		if e.Latency > 0 {
			ans += " in " + fmtDur(e.Latency)
		}
	}
	l = append(l, st.key.Render("answer   ")+ans)
	dlv := "1 (first delivery)"
	if e.Delivery > 1 {
		k := e.Delivery - 1
		dlv = strconv.Itoa(e.Delivery) + " (retry " + strconv.Itoa(k) + " of 5)"
		if k > 5 {
			dlv = strconv.Itoa(e.Delivery) + " (retry " + strconv.Itoa(k) + "; ZEGO stops after 5)"
		}
	}
	l = append(l, st.key.Render("delivery ")+dlv)
	if e.Note != "" {
		l = append(l, st.warn.Render("note     ")+ui.SafeText(e.Note))
	}
	if r := e.Replay; r != nil {
		res := "…"
		if !r.Pending {
			res = replayText(r.Result)
			if r.Result.OK() {
				res = st.pass.Render(res)
			} else {
				res = st.fail.Render(res)
			}
		}
		l = append(l, st.accent.Render("replay   ")+ui.SafeText(r.URL)+" → "+res)
	}
	if e.ParseErr != "" {
		l = append(l, st.fail.Render("parse    ")+ui.SafeText(e.ParseErr))
	}
	for _, p := range e.Problems {
		if strings.HasPrefix(p, "error") {
			l = append(l, st.fail.Render("  "+ui.SafeText(p)))
		} else {
			l = append(l, st.warn.Render("  "+ui.SafeText(p)))
		}
	}
	l = append(l, "", st.head.Render("headers"))
	hs := sortedHeaders(e.Header)
	if len(hs) == 0 {
		l = append(l, st.faint.Render("  (none recorded)"))
	}
	for _, h := range hs {
		l = append(l, "  "+ui.SafeText(h))
	}
	if len(e.Body) > 0 || !e.Rejected {
		l = append(l, "")
		l = append(l, m.bodyLines(e)...)
	}
	return l
}

const rawShown = 64 << 10

func (m *Model) bodyLines(e *Entry) []string {
	st := m.st
	if !m.showRaw && e.ParseErr == "" && !callback.DeeperThan(string(e.Body), displayDepth) {
		if p, err := callback.Parse(e.Body, e.ContentType()); err == nil {
			spec := e.Spec // the event the body identifies, not a bare name's RTC event
			paint := func(s string) string { return s }
			if m.opts.Color {
				paint = colorJSON
			}
			note := func(s string) string { return st.faint.Render(s) }
			head := st.head.Render("payload") + st.faint.Render("  ("+string(p.Format)+"; b: raw body)")
			return append([]string{head}, prettyPayload(p, spec, paint, note)...)
		}
	}
	body, more := e.Body, 0
	if len(body) > rawShown {
		body, more = body[:rawShown], len(body)-rawShown
	}
	l := []string{st.head.Render("raw body") + st.faint.Render("  ("+plural(len(e.Body), "byte", "bytes")+"; b: pretty)")}
	for _, line := range strings.Split(ui.SafeBlock(string(body)), "\n") {
		// cut at the width exactly, no indentation: the body as it is
		l = append(l, strings.Split(ansi.Hardwrap(line, m.w, true), "\n")...)
	}
	if more > 0 {
		l = append(l, st.faint.Render("… "+plural(more, "more byte", "more bytes")))
	}
	return l
}

func sortedHeaders(h map[string][]string) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}

// styles are the inspector's lipgloss styles, bound to a renderer whose
// profile is plain text when colour is off.
type styles struct {
	plain, title, head, faint, key, accent, pass, warn, fail, sel lipgloss.Style
}

func newStyles(color bool) styles {
	// No writer, an explicit profile and background: the renderer never
	// looks at or queries the terminal (internal/ui decided colour).
	r := lipgloss.NewRenderer(nil)
	r.SetHasDarkBackground(true)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return styles{
		plain:  r.NewStyle(),
		title:  r.NewStyle().Bold(true).Foreground(lipgloss.Color("12")),
		head:   r.NewStyle().Bold(true),
		faint:  r.NewStyle().Faint(true),
		key:    r.NewStyle().Foreground(lipgloss.Color("6")),
		accent: r.NewStyle().Foreground(lipgloss.Color("5")),
		pass:   r.NewStyle().Foreground(lipgloss.Color("2")),
		warn:   r.NewStyle().Foreground(lipgloss.Color("3")),
		fail:   r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		sel:    r.NewStyle().Reverse(true),
	}
}

func (s styles) sig(v Sig) lipgloss.Style {
	switch v {
	case SigOK:
		return s.pass
	case SigBad:
		return s.fail
	}
	return s.faint
}

func (s styles) status(code int) lipgloss.Style {
	switch {
	case code == 0:
		return s.faint
	case code >= 200 && code <= 299:
		return s.pass
	}
	return s.fail
}

// pad pads s with spaces to width n (display cells).
func pad(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// cut shortens s to n display cells, ending in "…".
func cut(s string, n int) string {
	if ansi.StringWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

// clip cuts s to at most n display cells, ending in "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cut(s, n)
}

// fmtDur formats a duration as listen does: 0.31ms, 12.3ms, 2.10s.
func fmtDur(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

// wrapIndented wraps l to w cells at spaces (mid-word only for words
// longer than a line), indenting the continuation lines two cells past
// l's own indentation.
func wrapIndented(l string, w int) []string {
	if ansi.StringWidth(l) <= w {
		return []string{l}
	}
	plain := ansi.Strip(l)
	ind := min(len(plain)-len(strings.TrimLeft(plain, " "))+2, w/2)
	parts := strings.Split(ansi.Wrap(l, w-ind, ""), "\n")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.Repeat(" ", ind) + parts[i]
	}
	return parts
}
