package inspect

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// openFixture returns a file source on testdata/capture.jsonl.
func openFixture(t testing.TB) *FileSource {
	t.Helper()
	f, err := os.Open(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return NewFileSource(f, "capture.jsonl")
}

func fixtureOptions(t testing.TB) Options {
	return Options{Source: openFixture(t), Secret: fixtureSecret, Location: time.UTC, CurlDir: t.TempDir()}
}

// loaded returns a model that has read its whole (file) source, run
// synchronously: no program, so key tests are deterministic.
func loaded(t testing.TB, opts Options, w, h int) *Model {
	t.Helper()
	m := NewModel(context.Background(), opts)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(m, m.Init())
	if !m.Done() {
		t.Fatal("source did not end")
	}
	return m
}

// run executes cmd and feeds its messages back until none is left
// (batches of tea.Batch are run in order).
func run(m *Model, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				run(m, c)
			}
			return
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			return
		}
		_, cmd = m.Update(msg)
	}
}

// press sends keys to m: "enter", "esc", "up", ... or single runes; a
// longer string is typed rune by rune.
func press(m *Model, keys ...string) tea.Cmd {
	var last tea.Cmd
	for _, k := range keys {
		for _, msg := range keyMsgs(k) {
			_, last = m.Update(msg)
		}
	}
	return last
}

func keyMsgs(k string) []tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"ctrl+c": tea.KeyCtrlC, "backspace": tea.KeyBackspace, "left": tea.KeyLeft, "right": tea.KeyRight,
	}
	if t, ok := named[k]; ok {
		return []tea.KeyMsg{{Type: t}}
	}
	var out []tea.KeyMsg
	for _, r := range k {
		if r == ' ' {
			out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			continue
		}
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// frameOK checks the frame is exactly h lines of at most w cells.
func frameOK(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := cells(l); n > w {
			t.Errorf("line %d is %d cells wide (> %d): %q", i+1, n, w, l)
		}
	}
}

func cells(s string) int { return ansi.StringWidth(s) }
