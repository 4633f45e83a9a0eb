// table.go holds Table: styled, aligned columns on a terminal, headerless
// tab-separated rows when piped.

package ui

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Table prints rows. On a terminal: a styled header and aligned columns.
// Piped: headerless tab-separated rows with no styling, stable for scripts.
type Table struct {
	w       io.Writer
	tty     bool
	color   bool // colour forced on a pipe: cells keep their styling
	styles  *Styles
	headers []string
	rows    [][]string
	// MaxWidth is the terminal width: on a terminal, the last column is
	// word-wrapped so rows fit (0: no limit).
	MaxWidth int
}

// minWrapWidth is the narrowest the last column gets when wrapping; a
// narrower terminal overflows rather than printing a word per line.
const minWrapWidth = 20

// NewTable returns a table for s.Out.
func (s *IOStreams) NewTable(headers ...string) *Table {
	return &Table{w: s.Out, tty: s.stdoutTTY, color: s.ColorEnabled(), styles: s.Styles(), headers: headers, MaxWidth: s.width}
}

// AddRow adds a row. Cells may carry styling; widths ignore it.
func (t *Table) AddRow(cells ...string) { t.rows = append(t.rows, cells) }

// Render writes the table.
func (t *Table) Render() error {
	var b strings.Builder
	if !t.tty {
		for _, r := range t.rows {
			for i, c := range r {
				if i > 0 {
					b.WriteByte('\t')
				}
				if !t.color {
					c = ansi.Strip(c)
				}
				b.WriteString(strings.ReplaceAll(c, "\t", " "))
			}
			b.WriteByte('\n')
		}
		_, err := io.WriteString(t.w, b.String())
		return err
	}
	widths := make([]int, len(t.headers))
	for i, h := range t.headers {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			if i < len(widths) && lipgloss.Width(c) > widths[i] {
				widths[i] = lipgloss.Width(c)
			}
		}
	}
	// Wrap the last column when the table is wider than MaxWidth.
	last, indent := len(widths)-1, 0
	for i := 0; i < last; i++ {
		indent += widths[i] + 2
	}
	wrapAt := 0
	if t.MaxWidth > 0 && last >= 0 && indent+widths[last] > t.MaxWidth {
		wrapAt = max(t.MaxWidth-indent, minWrapWidth)
	}
	line := func(cells []string, header bool) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			if header {
				c = t.styles.Bold.Render(c)
			}
			if i == last && wrapAt > 0 && !header && lipgloss.Width(c) > wrapAt {
				lines := strings.Split(ansi.Wrap(c, wrapAt, ""), "\n")
				for j, l := range lines {
					if j > 0 {
						b.WriteByte('\n')
						b.WriteString(strings.Repeat(" ", indent))
					}
					b.WriteString(strings.TrimRight(l, " "))
				}
				continue
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", max(widths[i]-lipgloss.Width(c), 0)))
			}
		}
		b.WriteByte('\n')
	}
	line(t.headers, true)
	for _, r := range t.rows {
		line(r, false)
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}
