// events_render.go prints the catalog: the event list (wrapped to the
// terminal), one event's fields and sample for a terminal or a pipe, and the
// -o json schema.

package cli

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/pretty"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

// writeSampleJSON prints raw JSON: indented (and coloured when colour is on)
// on a terminal, one compact line when piped.
func writeSampleJSON(s *ui.IOStreams, raw []byte) error {
	var out []byte
	if s.IsStdoutTTY() {
		out = ui.PrettyJSON(raw, s.ColorEnabled())
	} else {
		out = append(append([]byte(nil), raw...), '\n')
	}
	_, err := s.Out.Write(out)
	return err
}

// The -o json catalog: one object per event, every key always present.
type catalogEventJSON struct {
	Name     string              `json:"name"`
	Title    string              `json:"title"`
	Summary  string              `json:"summary"`
	Family   string              `json:"family"`
	Doc      string              `json:"doc"`
	Response catalogResponseJSON `json:"response"`
	Required []string            `json:"required"`
	Notes    []string            `json:"notes"`
	Fields   []catalogFieldJSON  `json:"fields"`
}

type catalogResponseJSON struct {
	Status   string `json:"status"`
	Body     string `json:"body"`
	BodyRule string `json:"body_rule"`
}

type catalogFieldJSON struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Wire        string          `json:"wire"`
	Role        string          `json:"role"`
	Required    bool            `json:"required"`
	Unit        string          `json:"unit"`
	MaxBytes    int             `json:"max_bytes"`
	Enum        []callback.Enum `json:"enum"`
	Description string          `json:"description"`
}

func catalogEventToJSON(e *callback.Event) catalogEventJSON {
	out := catalogEventJSON{
		Name: e.Name, Title: e.Title, Summary: e.Summary, Family: e.Family, Doc: e.Doc,
		Response: catalogResponseJSON{Status: "2xx", Body: e.Response.Body, BodyRule: e.Response.BodyRule},
		Required: append([]string{}, e.Required()...),
		Notes:    append([]string{}, e.Notes...),
		Fields:   make([]catalogFieldJSON, 0, len(e.Fields)),
	}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, catalogFieldJSON{
			Name: f.Name, Type: string(f.Type), Wire: f.WireName(), Role: string(f.Role),
			Required: f.Required, Unit: f.Unit, MaxBytes: f.MaxBytes,
			Enum: append([]callback.Enum{}, f.Enum...), Description: f.Description,
		})
	}
	return out
}

func writeCatalogJSON(opts *eventsOptions) error {
	for _, e := range opts.F.Catalog.Events() {
		if err := ui.WriteJSONLine(opts.IO.Out, catalogEventToJSON(e)); err != nil {
			return err
		}
	}
	return nil
}

// commonRoles are the fields every event carries, whatever their casing.
var commonRoles = []callback.Role{callback.RoleEvent, callback.RoleAppID, callback.RoleTimestamp, callback.RoleNonce, callback.RoleSignature}

func writeEventList(opts *eventsOptions) error {
	s := opts.IO
	events := opts.F.Catalog.Events()
	if !s.IsStdoutTTY() {
		st := s.Styles() // colourless unless colour is forced
		t := s.NewTable("NAME", "FAMILY", "MEANING", "REQUIRED")
		for _, e := range events {
			t.AddRow(st.Event.Render(e.Name), e.Family, e.Title, strings.Join(e.Required(), ","))
		}
		return t.Render()
	}
	st := s.Styles()
	width := s.Width()
	nameW, famW, titleW := 0, 0, 0
	for _, e := range events {
		nameW = max(nameW, len(e.Name))
		famW = max(famW, len(e.Family))
		titleW = max(titleW, ansi.StringWidth(e.Title))
	}
	// Narrow terminals: drop the family column, then shorten the meaning,
	// so the required fields keep room to wrap into.
	const requiredMin = 24
	showFamily := width == 0 || width >= 100
	if width > 0 {
		used := nameW + 2 + requiredMin + 2
		if showFamily {
			used += famW + 2
		}
		titleW = min(titleW, max(width-used, 16))
	}
	headers := []string{"NAME", "FAMILY", "MEANING", "REQUIRED FIELDS"}
	if !showFamily {
		headers = []string{"NAME", "MEANING", "REQUIRED FIELDS"}
	}
	t := s.NewTable(headers...)
	for _, e := range events {
		row := []string{st.Event.Render(e.Name)}
		if showFamily {
			row = append(row, e.Family)
		}
		row = append(row, ansi.Truncate(e.Title, titleW, "…"), strings.Join(e.OwnRequired(), ", "))
		t.AddRow(row...)
	}
	if err := t.Render(); err != nil {
		return err
	}
	footer := spellingFooter(events)
	if err := writeWrapped(s.Out, st.Faint, "\n"+footer, width); err != nil {
		return err
	}
	if s.IsStderrTTY() {
		opts.F.Hintf("Run 'zegocb events EVENT' for its fields and a sample.")
	}
	return nil
}

// spellingFooter says how the events spell the five common fields: the
// lowercase spelling first, then each other spelling with the groups (RTC)
// or product families (the others) that use it, in catalog order.
func spellingFooter(events []*callback.Event) string {
	type spelling struct {
		names  string
		labels []string
	}
	var order []*spelling
	by := map[string]*spelling{}
	for _, e := range events {
		names := make([]string, 0, len(commonRoles))
		for _, r := range commonRoles {
			names = append(names, e.RoleField(r).Name)
		}
		key := strings.Join(names, ", ")
		sp := by[key]
		if sp == nil {
			sp = &spelling{names: key}
			by[key] = sp
			order = append(order, sp)
		}
		label := e.Family
		if e.Product != nil && e.Product.Name != "rtc" {
			label = e.Product.Name
		}
		if !slices.Contains(sp.labels, label) {
			sp.labels = append(sp.labels, label)
		}
	}
	common := strings.Join([]string{"event", "appid", "timestamp", "nonce", "signature"}, ", ")
	var b strings.Builder
	b.WriteString("Every event also requires " + common)
	for _, sp := range order {
		if sp.names == common {
			continue
		}
		sort.Strings(sp.labels)
		verb := "families spell"
		if len(sp.labels) == 1 {
			verb = "family spells"
		}
		fmt.Fprintf(&b, "; the %s %s them %s", joinWords(sp.labels, "and"), verb, sp.names)
	}
	return b.String() + "."
}

// writeWrapped prints text wrapped to width (unwrapped when width is 0), styled line by line.
func writeWrapped(w io.Writer, style interface{ Render(...string) string }, text string, width int) error {
	if width > 0 {
		text = ansi.Wrap(text, width, "")
	}
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if l != "" {
			l = style.Render(strings.TrimRight(l, " "))
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type plainStyle struct{}

func (plainStyle) Render(s ...string) string { return strings.Join(s, " ") }

// writeHanging prints prefix and text, wrapping text to width with its
// continuation lines indented under the text's start.
func writeHanging(w io.Writer, prefix, text string, width int) error {
	indent := ansi.StringWidth(prefix)
	if width > 0 {
		text = ansi.Wrap(text, max(width-indent, minTextWidth), "")
	}
	var b strings.Builder
	for i, l := range strings.Split(text, "\n") {
		if i == 0 {
			b.WriteString(prefix)
		} else {
			b.WriteString(strings.Repeat(" ", indent))
		}
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// minTextWidth keeps wrapped prose readable on very narrow terminals.
const minTextWidth = 30

// ttyType is a field's type as a terminal shows it, with its wire form
// when that differs from the type's natural JSON form.
func ttyType(f *callback.Field) string {
	switch f.Type {
	case callback.TypeStringArray:
		return "string[]"
	case callback.TypeJSONString:
		return "json (str)"
	case callback.TypeInt, callback.TypeFloat:
		if f.Wire == callback.WireNumber {
			return string(f.Type) + " (num)"
		}
		return string(f.Type) + " (str)"
	}
	return string(f.Type)
}

func enumText(f *callback.Field, sep string) string {
	parts := make([]string, 0, len(f.Enum))
	for _, v := range f.Enum {
		parts = append(parts, v.Value+" = "+v.Meaning)
	}
	return strings.Join(parts, sep)
}

func writeEventTTY(opts *eventsOptions, e *callback.Event, p *callback.Payload) error {
	s := opts.IO
	st := s.Styles()
	width := s.Width()
	out := s.Out
	fmt.Fprintf(out, "%s  %s\n", st.Event.Render(e.Name), st.Bold.Render(e.Title))
	if err := writeWrapped(out, plainStyle{}, e.Summary, width); err != nil {
		return err
	}
	fmt.Fprintln(out)
	kv := []struct{ k, v string }{
		{"Family", e.Family},
		{"Docs", e.Doc},
		{"Response", e.Response.Describe(strconv.Quote)},
	}
	for _, r := range kv {
		if err := writeHanging(out, fmt.Sprintf("%-9s ", r.k), r.v, width); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)

	t := s.NewTable("FIELD", "TYPE", "REQ", "UNIT", "LIMIT", "DESCRIPTION")
	for i := range e.Fields {
		f := &e.Fields[i]
		req, limit := "", ""
		if f.Required {
			req = "yes"
		}
		if f.MaxBytes > 0 {
			limit = strconv.Itoa(f.MaxBytes) + " B"
		}
		desc := f.Description
		if len(f.Enum) > 0 && f.Role != callback.RoleEvent {
			desc += " Values: " + enumText(f, "; ") + "."
		}
		t.AddRow(st.Key.Render(f.Name), ttyType(f), req, f.Unit, limit, desc)
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(e.Notes) > 0 {
		fmt.Fprintln(out)
		fmt.Fprintln(out, st.Bold.Render("Notes"))
		for _, n := range e.Notes {
			if err := writeHanging(out, "  - ", n, width); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(out)
	label := "Sample (unsigned: add --signed to sign it with your secret)"
	if opts.Signed {
		label = "Sample (signed with the configured secret)"
	}
	fmt.Fprintln(out, st.Bold.Render(label))
	_, err := out.Write(ui.PrettyJSON(p.JSON(), s.ColorEnabled()))
	return err
}

// writeEventPipe prints one tab-separated row per field (name, type, wire,
// required, unit, max bytes, values, description), a blank line and the
// sample on one line.
func writeEventPipe(opts *eventsOptions, e *callback.Event, p *callback.Payload) error {
	s := opts.IO
	st := s.Styles() // colourless unless colour is forced
	t := s.NewTable("FIELD", "TYPE", "WIRE", "REQUIRED", "UNIT", "MAX_BYTES", "VALUES", "DESCRIPTION")
	for i := range e.Fields {
		f := &e.Fields[i]
		req, limit := "no", ""
		if f.Required {
			req = "yes"
		}
		if f.MaxBytes > 0 {
			limit = strconv.Itoa(f.MaxBytes)
		}
		t.AddRow(st.Key.Render(f.Name), string(f.Type), f.WireName(), req, f.Unit, limit, enumText(f, "; "), f.Description)
	}
	if err := t.Render(); err != nil {
		return err
	}
	sample := p.JSON()
	if s.ColorEnabled() {
		sample = pretty.Color(sample, nil) // still one line
	}
	_, err := fmt.Fprintf(s.Out, "\n%s\n", sample)
	return err
}
