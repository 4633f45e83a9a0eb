// model.go holds the inspector's bubbletea Model: its state, how it is
// built, Init and Update (batches from the source, replay answers, window
// size), and the list's cursor, scrolling and filter.

package inspect

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
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
