// keys.go holds the inspector's key handling: the list, detail and help
// keys, the URL prompt, and the actions they start (jump to a failure,
// replay a callback, write it as a curl command).

package inspect

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/zegocb/zegocb/internal/ui"
)

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
