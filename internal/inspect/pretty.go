// pretty.go renders a payload for the detail pane: indented JSON with
// JSON-in-strings expanded one level and enum meanings noted.

package inspect

import (
	"strings"

	"github.com/tidwall/pretty"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

// The annotated payload below is a minimal local version of what
// internal/cli does for listen's body and decode --expand (listen_render.go:
// prettyPayload, displayValue, isJSONContainer; decode.go: appendExpanded).
// Those belong in internal/callback (say callback.Annotate(p, spec) returning
// each entry's display JSON and note) so that listen, decode and the
// inspector share one; until then this one expands JSON-in-strings one level
// deep and names enum meanings from the catalog.

// displayDepth bounds the nesting that is indented (indentation grows with
// the square of the depth); deeper bodies are shown as received.
const displayDepth = 64

// annotation is how one top-level field is shown.
type annotation struct {
	key  string // JSON-quoted
	json string // the value as JSON text
	note string // "" or why it looks as it does
}

// annotate decides each top-level field's display: strings that hold JSON
// (possibly UrlEncoded) are expanded, enum values get their meaning.
func annotate(p *callback.Payload, spec *callback.Event) []annotation {
	out := make([]annotation, 0, len(p.Entries))
	for _, e := range p.Entries {
		a := annotation{key: callback.QuoteJSON(e.Key), json: e.Value.Raw}
		v := e.Value
		switch {
		case v.Kind == callback.KindString && isContainer(strings.TrimSpace(v.Text)):
			a.json, a.note = strings.TrimSpace(v.Text), "JSON in a string, expanded"
		case v.Kind == callback.KindString && callback.LooksURLEncoded(v.Text):
			if dec, err := callback.Unescape(strings.ReplaceAll(v.Text, "+", " "), 0); err == nil && isContainer(strings.TrimSpace(dec)) {
				a.json, a.note = strings.TrimSpace(dec), "UrlEncoded JSON in a string, decoded and expanded"
			}
		case spec != nil && v.Kind != callback.KindArray && v.Kind != callback.KindObject:
			if f := spec.Field(e.Key); f != nil && f.Role == "" && len(f.Enum) > 1 {
				if m, ok := f.EnumMeaning(v.Text); ok {
					a.note = m
				}
			}
		}
		out = append(out, a)
	}
	return out
}

func isContainer(s string) bool {
	return len(s) >= 2 && (s[0] == '{' || s[0] == '[') && !callback.DeeperThan(s, displayDepth) && callback.ValidJSON(s)
}

var prettyOpts = &pretty.Options{Width: 80, Prefix: "", Indent: "  ", SortKeys: false}

// prettyPayload renders p as indented JSON, one line per element, each
// top-level line that has a note followed by "// note". paintJSON colours
// the JSON text (identity without colour); paintNote styles a note.
func prettyPayload(p *callback.Payload, spec *callback.Event, paintJSON, paintNote func(string) string) []string {
	anns := annotate(p, spec)
	lines := []string{"{"}
	notes := map[int]string{} // line index -> note
	for i, a := range anns {
		val := strings.TrimRight(string(pretty.PrettyOptions([]byte(ui.SafeJSON(a.json)), prettyOpts)), "\n")
		vl := strings.Split(val, "\n")
		for k := range vl {
			if k == 0 {
				vl[k] = "  " + ui.SafeJSON(a.key) + ": " + vl[k]
			} else {
				vl[k] = "  " + vl[k]
			}
		}
		if i < len(anns)-1 {
			vl[len(vl)-1] += ","
		}
		if a.note != "" {
			notes[len(lines)] = a.note
		}
		lines = append(lines, vl...)
	}
	lines = append(lines, "}")
	// Colour the whole object at once (keys and values apart), then add
	// the notes: colouring keeps the lines as they are.
	painted := strings.Split(paintJSON(strings.Join(lines, "\n")), "\n")
	if len(painted) == len(lines) {
		lines = painted
	}
	for i, note := range notes {
		lines[i] += "  " + paintNote("// "+ui.SafeText(note))
	}
	return lines
}

// colorJSON colours a fragment of JSON for a terminal.
func colorJSON(s string) string { return string(pretty.Color([]byte(s), nil)) }
