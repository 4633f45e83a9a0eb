package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestColorDecision(t *testing.T) {
	tests := []struct {
		name string
		mode ColorMode
		env  map[string]string
		tty  bool
		want bool
	}{
		{"tty auto", ColorAuto, nil, true, true},
		{"pipe auto", ColorAuto, nil, false, false},
		{"NO_COLOR any value", ColorAuto, map[string]string{"NO_COLOR": "0"}, true, false},
		{"CLICOLOR_FORCE on a pipe", ColorAuto, map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{"NO_COLOR beats CLICOLOR_FORCE", ColorAuto, map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, true, false},
		{"CLICOLOR=0", ColorAuto, map[string]string{"CLICOLOR": "0"}, true, false},
		{"dumb terminal", ColorAuto, map[string]string{"TERM": "dumb"}, true, false},
		{"--color always beats NO_COLOR", ColorAlways, map[string]string{"NO_COLOR": "1"}, false, true},
		{"--color never on a tty", ColorNever, nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _, _ := Test()
			s.SetEnv(func(k string) string { return tt.env[k] })
			s.SetStdoutTTY(tt.tty)
			s.SetColorMode(tt.mode)
			if got := s.ColorEnabled(); got != tt.want {
				t.Fatalf("ColorEnabled = %v, want %v", got, tt.want)
			}
			out := s.Styles().Fail.Render("FAIL")
			if has := strings.Contains(out, "\x1b["); has != tt.want {
				t.Fatalf("rendered %q: escape codes = %v, want %v", out, has, tt.want)
			}
		})
	}
}

func TestTablePipeIsTabSeparated(t *testing.T) {
	s, _, out, _ := Test()
	s.SetColorMode(ColorAlways)
	tb := s.NewTable("A", "B")
	tb.AddRow(s.Styles().Pass.Render("PASS"), "x\ty")
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "\x1b[1;32mPASS\x1b[0m\tx y\n" {
		t.Fatalf("piped table, colour forced = %q", got)
	}
	// Not forced: plain tab-separated cells.
	s, _, out, _ = Test()
	tb = s.NewTable("A", "B")
	tb.AddRow(s.Styles().Pass.Render("PASS"), "x\ty")
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "PASS\tx y\n" {
		t.Fatalf("piped table = %q", got)
	}
}

func TestTableTTYAligned(t *testing.T) {
	s, _, out, _ := Test()
	s.SetStdoutTTY(true)
	s.SetColorMode(ColorNever)
	tb := s.NewTable("NAME", "V")
	tb.AddRow("a", "1")
	tb.AddRow("longer", "2")
	_ = tb.Render()
	want := "NAME    V\na       1\nlonger  2\n"
	if out.String() != want {
		t.Fatalf("got %q want %q", out.String(), want)
	}
}

func TestTableTTYWrapsLastColumn(t *testing.T) {
	s, _, out, _ := Test()
	s.SetStdoutTTY(true)
	s.SetColorMode(ColorNever)
	s.SetWidth(30)
	tb := s.NewTable("NAME", "DESCRIPTION")
	tb.AddRow("a", "one two three four five six seven eight")
	tb.AddRow("bb", "short")
	_ = tb.Render()
	want := "NAME  DESCRIPTION\n" +
		"a     one two three four five\n" +
		"      six seven eight\n" +
		"bb    short\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestStatusStyle(t *testing.T) {
	s := newStyles(nil, true)
	for _, tt := range []struct {
		code int
		want string
	}{{200, "2"}, {204, "2"}, {0, "1"}, {500, "1"}, {503, "1"}, {301, "3"}, {404, "3"}} {
		if got := s.Status(tt.code).GetForeground(); got != lipgloss.Color(tt.want) {
			t.Errorf("Status(%d) colour %v, want %s", tt.code, got, tt.want)
		}
	}
}

// The width lines fit: $COLUMNS wins, then the terminal's measured width,
// then unknown (0); a failed or zero measurement is unknown.
func TestTerminalWidth(t *testing.T) {
	measured := func(w int, err error) func() (int, error) { return func() (int, error) { return w, err } }
	for _, tt := range []struct {
		columns string
		tty     bool
		measure func() (int, error)
		want    int
	}{
		{"", true, measured(132, nil), 132},
		{"80", true, measured(132, nil), 80},
		{" 90 ", false, measured(0, errors.New("not a terminal")), 90},
		{"", false, measured(132, nil), 0},
		{"", true, measured(0, errors.New("ENOTTY")), 0},
		{"", true, measured(0, nil), 0},
		{"wide", true, measured(120, nil), 120},
		{"-5", true, measured(120, nil), 120},
	} {
		if got := terminalWidth(tt.columns, tt.tty, tt.measure); got != tt.want {
			t.Errorf("terminalWidth(%q, tty %v) = %d, want %d", tt.columns, tt.tty, got, tt.want)
		}
	}
}
