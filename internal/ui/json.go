package ui

import (
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
func WriteJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
