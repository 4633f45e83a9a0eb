package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

type eventsOptions struct {
	IO      *ui.IOStreams
	Catalog *callback.Catalog
	// Sample returns the generator seed for a fresh sample (f.SampleOptions).
	Sample func() callback.SampleOptions
	// Nonce stamps a signed sample.
	Nonce  func() string
	Secret func() (string, error)
	JSON   bool
	Quiet  bool

	Event  string
	Signed bool
}

func newEventsCmd(f *Factory, runF func(*eventsOptions) error) *cobra.Command {
	opts := &eventsOptions{}
	cmd := &cobra.Command{
		Use:   "events [EVENT]",
		Short: "List the callback events, or show one event's fields and a sample",
		Long: `Without EVENT, list every callback zegocb knows: its name, family, meaning and
required fields. On a terminal the common fields (event, appid, timestamp, nonce,
signature) are left out of the list; piped, each row is tab-separated and complete.

With EVENT, show its fields (type, how it is sent on the wire, whether it is
required, unit, length limit, documented values and description) and a freshly
generated, internally consistent sample payload. --signed stamps the sample with
the current time and a fresh nonce and signs it with the configured secret.

With -o json, EVENT prints the sample only (pretty on a terminal, one line when
piped), and no EVENT prints the catalog as one JSON object per event.`,
		Example: `  zegocb events
  zegocb events stream_close
  zegocb events mix_start --signed -o json > mix_start.json
  zegocb events -o json | jq -r 'select(.family == "room") | .name'`,
		Args: maxArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeEvents(f.Catalog, toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			opts.Catalog = f.Catalog
			opts.Sample = f.SampleOptions
			opts.Nonce = f.Nonce
			opts.Secret = f.RequireSecret
			opts.JSON = f.JSON()
			opts.Quiet = f.Global.Quiet
			if len(args) == 1 {
				opts.Event = args[0]
			}
			if opts.Signed && opts.Event == "" {
				return flagErrorf("--signed needs an EVENT: zegocb events EVENT --signed")
			}
			if runF != nil {
				return runF(opts)
			}
			return runEvents(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Signed, "signed", false, "stamp the sample with a fresh timestamp and nonce and sign it with the configured secret")
	return cmd
}

// completeEvents offers the catalog's event names with their titles.
func completeEvents(c *callback.Catalog, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, e := range c.Events() {
		if strings.HasPrefix(e.Name, prefix) {
			out = append(out, cobra.CompletionWithDesc(e.Name, e.Title))
		}
	}
	return out
}

// lookupEvent finds name in the catalog or explains what was meant.
func lookupEvent(c *callback.Catalog, name string) (*callback.Event, error) {
	if e, ok := c.Lookup(name); ok {
		return e, nil
	}
	return nil, flagErrorf("unknown event %q: %s", name, eventHint(c, name))
}

// eventHint says which events an unknown name may have meant, or where the
// list is: the one wording every command uses.
func eventHint(c *callback.Catalog, name string) string {
	if s := c.Suggest(name, 3); len(s) > 0 {
		return "did you mean " + joinOr(s) + "?"
	}
	return fmt.Sprintf("run 'zegocb events' to list the %d known events", len(c.Events()))
}

func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func runEvents(opts *eventsOptions) error {
	if opts.Event == "" {
		if opts.JSON {
			return writeCatalogJSON(opts)
		}
		return writeEventList(opts)
	}
	e, err := lookupEvent(opts.Catalog, opts.Event)
	if err != nil {
		return err
	}
	p, err := eventSample(opts, e)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeSampleJSON(opts.IO, p.JSON())
	}
	if opts.IO.IsStdoutTTY() {
		return writeEventTTY(opts, e, p)
	}
	return writeEventPipe(opts, e, p)
}

// eventSample builds a fresh sample for e, signed when asked.
func eventSample(opts *eventsOptions, e *callback.Event) (*callback.Payload, error) {
	var secret string
	if opts.Signed {
		s, err := opts.Secret()
		if err != nil {
			return nil, err
		}
		secret = s
	}
	so := opts.Sample()
	p := e.Sample(so)
	if opts.Signed {
		e.Stamp(p, secret, strconv.FormatInt(so.Now.Unix(), 10), opts.Nonce())
	}
	return p, nil
}

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
	for _, e := range opts.Catalog.Events() {
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
	events := opts.Catalog.Events()
	if !s.IsStdoutTTY() {
		t := s.NewTable("NAME", "FAMILY", "MEANING", "REQUIRED")
		for _, e := range events {
			t.AddRow(e.Name, e.Family, e.Title, strings.Join(e.Required(), ","))
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
	footer := fmt.Sprintf("Every event also requires %s; the %s families spell them %s.",
		strings.Join(roleNames(events, false), ", "), joinAnd(pascalFamilies(events)), strings.Join(roleNames(events, true), ", "))
	if err := writeWrapped(s.Out, st.Faint, "\n"+footer, width); err != nil {
		return err
	}
	if !opts.Quiet && s.IsStderrTTY() {
		fmt.Fprintln(s.ErrOut, s.ErrStyles().Faint.Render("Run 'zegocb events EVENT' for its fields and a sample."))
	}
	return nil
}

// roleNames names the common fields as the lowercase (or PascalCase) families spell them.
func roleNames(events []*callback.Event, pascal bool) []string {
	for _, e := range events {
		name := e.RoleField(callback.RoleEvent).Name
		if (name != "event") == pascal {
			out := make([]string, 0, len(commonRoles))
			for _, r := range commonRoles {
				out = append(out, e.RoleField(r).Name)
			}
			return out
		}
	}
	return nil
}

func pascalFamilies(events []*callback.Event) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range events {
		if e.RoleField(callback.RoleEvent).Name != "event" && !seen[e.Family] {
			seen[e.Family] = true
			out = append(out, e.Family)
		}
	}
	sort.Strings(out)
	return out
}

func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
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
		t.AddRow(f.Name, string(f.Type), f.WireName(), req, f.Unit, limit, enumText(f, "; "), f.Description)
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(s.Out, "\n%s\n", p.JSON())
	return err
}
