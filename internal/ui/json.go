// json.go holds JSON output: PrettyJSON for a terminal, and the compact
// one-object-per-line form of -o json (WriteJSONLine, MarshalJSONLine).

package ui

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/tidwall/pretty"
)

// PrettyJSON indents raw JSON, and colours it when colour is on. Invalid
// JSON is returned unchanged. Numbers keep their exact text.
func PrettyJSON(raw []byte, color bool) []byte {
	out := pretty.PrettyOptions(raw, &pretty.Options{Width: 80, Indent: "  "})
	if color {
		out = pretty.Color(out, nil)
	}
	return out
}

// WriteJSONLine writes v as one compact JSON line (the -o json stream form).
// Text is kept as it is: <, > and & are not turned into \u003c and friends,
// so a reason or an endpoint's answer reads the same in jq as on the wire.
func WriteJSONLine(w io.Writer, v any) error {
	b, err := MarshalJSONLine(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MarshalJSONLine is WriteJSONLine's encoding: compact JSON without HTML
// escaping, ending in a newline.
func MarshalJSONLine(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
