// listen_pretty.go prints a received payload on a terminal: indented JSON,
// coloured, with JSON strings inside it expanded and their encoding noted.

package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

// body prints the payload: on a terminal indented, with JSON-in-string
// fields expanded and enum values annotated; piped, exactly as received.
func (r *listenRenderer) body(w *bufio.Writer, ev *listen.Event) {
	if !r.tty || ev.Payload == nil || callback.DeeperThan(string(ev.Body), displayDepth) {
		b := ev.Body
		more := 0
		if len(b) > 4096 {
			b, more = b[:4096], len(b)-4096
		}
		if r.tty { // piped, the body is exactly as received; on a terminal, never raw control bytes
			b = []byte(ui.SafeBlock(string(b)))
		}
		w.Write(b)
		if more > 0 {
			fmt.Fprintf(w, markCut+" (%d more bytes)", more)
		}
		w.WriteByte('\n')
		return
	}
	w.Write(r.prettyPayload(ev.Payload, ev.Spec))
}

// prettyPayload renders p as indented JSON (coloured when colour is on).
// Each value keeps its exact text; strings holding JSON are expanded, and
// each top-level line can carry a // note (expansion, enum meaning).
func (r *listenRenderer) prettyPayload(p *callback.Payload, spec *callback.Event) []byte {
	var raw strings.Builder
	notes := map[string]string{}
	raw.WriteByte('{')
	for i, e := range p.Entries {
		if i > 0 {
			raw.WriteByte(',')
		}
		key := callback.QuoteJSON(e.Key)
		raw.WriteString(key)
		raw.WriteByte(':')
		val, note := displayValue(e, spec)
		raw.WriteString(val)
		if note != "" {
			notes["  "+key+":"] = note
		}
	}
	raw.WriteByte('}')
	text := ui.SafeJSON(raw.String()) // C1 controls and bidi overrides as \u escapes
	plain := ui.PrettyJSON([]byte(text), false)
	if len(notes) == 0 && !r.color {
		return plain
	}
	out := plain
	if r.color {
		out = ui.PrettyJSON([]byte(text), true)
	}
	plainLines := strings.Split(string(plain), "\n")
	outLines := strings.Split(string(out), "\n")
	if len(plainLines) != len(outLines) {
		return out // cannot align notes; show the body without them
	}
	for i, l := range plainLines {
		if !strings.HasPrefix(l, "  \"") {
			continue
		}
		for prefix, note := range notes {
			if strings.HasPrefix(l, prefix) {
				outLines[i] += "  " + r.paint(r.s.Faint, "// "+note)
				break
			}
		}
	}
	return []byte(strings.Join(outLines, "\n"))
}

// displayValue is the JSON text to show for e, and a note about it.
func displayValue(e callback.Entry, spec *callback.Event) (string, string) {
	v := e.Value
	if v.Kind == callback.KindString {
		text := strings.TrimSpace(v.Text)
		if isJSONContainer(text) {
			return text, "JSON string, expanded"
		}
		if callback.LooksURLEncoded(text) {
			if dec, err := callback.Unescape(strings.ReplaceAll(text, "+", " "), 0); err == nil && isJSONContainer(strings.TrimSpace(dec)) {
				return strings.TrimSpace(dec), "UrlEncoded JSON string, decoded and expanded"
			}
		}
	}
	if spec != nil {
		if f := spec.Field(e.Key); f != nil && f.Role == "" && len(f.Enum) > 1 && v.Kind != callback.KindArray && v.Kind != callback.KindObject {
			if m, ok := f.EnumMeaning(v.Text); ok {
				return v.Raw, m
			}
		}
	}
	return v.Raw, ""
}

// displayDepth bounds the nesting listen and decode indent: indented
// output grows with the square of the depth (a 10 KB body nested 5000 deep
// printed 50 MB). Deeper bodies are shown as received; deeper strings are
// not expanded.
const displayDepth = 64

func isJSONContainer(s string) bool {
	return len(s) >= 2 && (s[0] == '{' || s[0] == '[') && !callback.DeeperThan(s, displayDepth) && gjson.Valid(s)
}
