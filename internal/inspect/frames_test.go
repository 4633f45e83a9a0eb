package inspect

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestFrames drives the real bubbletea program (teatest) on the capture
// fixture and compares the final frame with testdata/TestFrames/*.golden
// (go test ./internal/inspect/ -run TestFrames -update rewrites them).
func TestFrames(t *testing.T) {
	sizes := [][2]int{{80, 24}, {120, 40}}
	cases := []struct {
		name  string
		keys  []string
		color bool
	}{
		{name: "list"},
		{name: "list_moved", keys: []string{"g", "j", "j"}},
		{name: "detail", keys: []string{"g", "j", "j", "enter"}},
		{name: "detail_scrolled", keys: []string{"g", "j", "j", "enter", "pgdown"}},
		{name: "detail_raw", keys: []string{"g", "j", "j", "enter", "b"}},
		{name: "detail_badsig", keys: []string{"g", "f", "f", "enter"}},
		{name: "filter_typing", keys: []string{"/", "event:stream"}},
		{name: "filter_applied", keys: []string{"/", "room:bbfe user:92c3", "enter"}},
		{name: "filter_nomatch", keys: []string{"/", "nothing-has-this", "enter"}},
		{name: "help", keys: []string{"?"}},
		{name: "color", color: true},
		{name: "detail_color", keys: []string{"g", "j", "enter", "pgdown"}, color: true},
	}
	for _, size := range sizes {
		for _, c := range cases {
			if c.color && size[0] != 80 {
				continue
			}
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				opts := fixtureOptions(t)
				opts.Color = c.color
				m := NewModel(context.Background(), opts)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("7 events")) },
					teatest.WithDuration(5*time.Second))
				for _, k := range c.keys {
					for _, msg := range keyMsgs(k) {
						tm.Send(msg)
					}
				}
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				view := fm.View()
				frameOK(t, view, size[0], size[1])
				if !c.color && strings.Contains(view, "\x1b") {
					t.Errorf("colour off, but the frame has escape sequences: %q", view)
				}
				if c.color && !strings.Contains(view, "\x1b[") {
					t.Errorf("colour on, but the frame has no colour")
				}
				if strings.Contains(view, fixtureSecret) {
					t.Fatal("the frame shows the secret")
				}
				golden.RequireEqualEscape(t, []byte(view+"\n"), c.color)
			})
		}
	}
}

// TestResize follows tea.WindowSizeMsg: every frame fits the new size.
func TestResize(t *testing.T) {
	m := loaded(t, fixtureOptions(t), 80, 24)
	for _, mode := range [][]string{nil, {"g", "j", "j", "enter"}, {"?"}} {
		press(m, mode...)
		for _, s := range [][2]int{{100, 30}, {60, 15}, {20, 6}, {200, 60}, {80, 24}} {
			m.Update(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
			frameOK(t, m.View(), s[0], s[1])
		}
		press(m, "esc")
	}
	// The list keeps the selection in view when the window shrinks.
	m = loaded(t, fixtureOptions(t), 80, 24)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 6})
	if v := m.View(); !strings.Contains(v, "> 12:00:15") {
		t.Errorf("the selected row left the view after a resize:\n%s", v)
	}
}
