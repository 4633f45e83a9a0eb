// Package ui holds zegocb's terminal I/O: injected streams, the one colour
// decision, lipgloss styles, tables and JSON rendering. Commands write only
// through IOStreams, so every command runs in-process in tests.
package ui

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// ColorMode is the --color setting.
type ColorMode string

const (
	ColorAuto   ColorMode = "auto"
	ColorAlways ColorMode = "always"
	ColorNever  ColorMode = "never"
)

// IOStreams are the process's standard streams plus what is known of them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	colorMode ColorMode
	getenv    func(string) string
	width     int

	styles    *Styles
	errStyles *Styles
}

// System returns the process's real streams.
func System() *IOStreams {
	io := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		colorMode: ColorAuto,
		getenv:    os.Getenv,
	}
	if v := os.Getenv("ZEGOCB_FORCE_TTY"); v != "" && v != "0" && v != "false" {
		io.stdoutTTY, io.stderrTTY = true, true
	}
	io.width = terminalWidth(os.Getenv("COLUMNS"), io.stdoutTTY, func() (int, error) {
		w, _, err := term.GetSize(int(os.Stdout.Fd()))
		return w, err
	})
	return io
}

// terminalWidth is $COLUMNS when it holds a positive number (it wins, as
// for ls), else the terminal's width when stdout is one, else 0 (unknown).
func terminalWidth(columns string, tty bool, measure func() (int, error)) int {
	if n, err := strconv.Atoi(strings.TrimSpace(columns)); err == nil && n > 0 {
		return n
	}
	if tty {
		if w, err := measure(); err == nil && w > 0 {
			return w
		}
	}
	return 0
}

// Test returns streams backed by buffers: in, out, errOut. Nothing is a TTY
// and the environment is empty until set.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, colorMode: ColorAuto, getenv: func(string) string { return "" }}, in, out, errOut
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides the detected state (tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY overrides the detected state (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v; s.styles = nil }

// SetStderrTTY overrides the detected state (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v; s.errStyles = nil }

// SetColorMode applies --color.
func (s *IOStreams) SetColorMode(m ColorMode) { s.colorMode = m; s.styles, s.errStyles = nil, nil }

// SetEnv replaces the environment lookup (tests).
func (s *IOStreams) SetEnv(getenv func(string) string) {
	s.getenv = getenv
	s.styles, s.errStyles = nil, nil
}

// Width is the width stdout's lines should fit: $COLUMNS when set, else
// the terminal's width measured at start, or 0 when unknown (a pipe).
func (s *IOStreams) Width() int { return s.width }

// SetWidth overrides the detected terminal width (tests).
func (s *IOStreams) SetWidth(w int) { s.width = w }

// ColorEnabled decides colour for stdout: --color, then NO_COLOR (any
// non-empty value), then CLICOLOR_FORCE, then CLICOLOR=0, then the TTY.
func (s *IOStreams) ColorEnabled() bool { return s.colorFor(s.stdoutTTY) }

// ErrColorEnabled is ColorEnabled for stderr.
func (s *IOStreams) ErrColorEnabled() bool { return s.colorFor(s.stderrTTY) }

func (s *IOStreams) colorFor(tty bool) bool {
	switch s.colorMode {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	if s.getenv("NO_COLOR") != "" {
		return false
	}
	if v := s.getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	if s.getenv("CLICOLOR") == "0" {
		return false
	}
	if strings.EqualFold(s.getenv("TERM"), "dumb") {
		return false
	}
	return tty
}

// Styles returns the styles for stdout.
func (s *IOStreams) Styles() *Styles {
	if s.styles == nil {
		s.styles = newStyles(s.Out, s.ColorEnabled())
	}
	return s.styles
}

// ErrStyles returns the styles for stderr.
func (s *IOStreams) ErrStyles() *Styles {
	if s.errStyles == nil {
		s.errStyles = newStyles(s.ErrOut, s.ErrColorEnabled())
	}
	return s.errStyles
}
