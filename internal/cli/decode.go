// decode.go holds the decode command: a callback body (JSON, form or
// UrlEncoded JSON) printed as indented JSON, nested JSON strings expanded.

package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

type decodeOptions struct {
	cmdEnv

	Input   string // "" or "-" for stdin
	Expand  bool
	Compact bool
}

func newDecodeCmd(f *Factory, runF func(*decodeOptions) error) *cobra.Command {
	opts := &decodeOptions{}
	cmd := &cobra.Command{
		Use:   "decode [FILE|-]",
		Short: "Turn a form or UrlEncoded callback body into readable JSON",
		Long: `Decode reads one callback body and prints it as JSON:

  - a form body (application/x-www-form-urlencoded): values are percent-decoded,
    repeated keys and key[] become JSON arrays
  - a JSON body whose string values are UrlEncoded: those values are decoded
  - a JSON body percent-encoded as a whole (%7B%22event%22...)

Numbers keep their exact text (858012925204410400 stays as it is), and fields
keep their order. --expand turns string values that hold JSON (stream_attr,
extra_params, third_define_data, snapshot_pic_list, and any other string that is
a JSON object or array) into nested JSON. On a terminal the output is indented
and coloured; piped it is indented without colour; --compact (or -o json) prints
one line.

An invalid escape is an error naming the byte offset and the field, exit 2:
  error: stdin: byte 17: field "room_id": invalid escape "%zz"

decode never needs a secret. A body over 64 MiB is refused (exit 2).`,
		Example: `  zegocb decode body.form
  pbpaste | zegocb decode --expand
  echo 'event=stream_create&stream_alias=a%2Fb&rtmp_url=u1&rtmp_url=u2' | zegocb decode
  zegocb decode --compact capture-body.txt | jq .stream_id`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.bind(f, cmd)
			if len(args) == 1 {
				opts.Input = args[0]
			}
			if len(args) == 0 && opts.IO.IsStdinTTY() {
				return flagErrorf("no input: give FILE, or pipe a body into standard input (-)")
			}
			if runF != nil {
				return runF(opts)
			}
			return runDecode(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Expand, "expand", false, "parse string values that hold JSON (stream_attr, extra_params, ...) into nested JSON")
	cmd.Flags().BoolVar(&opts.Compact, "compact", false, "print one line")
	return cmd
}

func runDecode(opts *decodeOptions) error {
	body, name, err := opts.F.readBody(opts.Input)
	if err != nil {
		if looksLikeBody(opts.Input) && errors.Is(err, fs.ErrNotExist) {
			// The body itself was given in place of a FILE.
			return &InputError{Err: fmt.Errorf("%w; decode reads a FILE, so pipe a body given as text: echo '...' | zegocb decode", err)}
		}
		return err
	}
	out, err := decodeBody(body, opts.Expand)
	if err != nil {
		if strings.Contains(err.Error(), "after top-level value") { // a second payload: a capture or JSON-lines file
			return &InputError{Err: fmt.Errorf("%s: %w (decode takes one body; verify reads JSON lines)", name, err)}
		}
		return &InputError{Err: fmt.Errorf("%s: %w", name, err)}
	}
	if opts.IO.IsStdoutTTY() {
		// On a terminal: C1 controls and bidi overrides as \u escapes.
		out = []byte(ui.SafeJSON(string(out)))
	}
	compact := opts.Compact || opts.F.JSON()
	switch {
	case compact:
		if opts.IO.ColorEnabled() {
			out = pretty.Color(out, nil)
		}
		out = append(out, '\n')
	default:
		out = ui.PrettyJSON(out, opts.IO.ColorEnabled())
	}
	_, err = opts.IO.Out.Write(out)
	return err
}

// decodeBody parses body (JSON, form or wholly UrlEncoded JSON) and returns a
// compact JSON object: UrlEncoded string values decoded, JSON-in-string
// values expanded when expand is set. Number text is kept exactly.
func decodeBody(body []byte, expand bool) ([]byte, error) {
	p, err := callback.Parse(body, "")
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(body)+64)
	out = append(out, '{')
	for i, e := range p.Entries {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, callback.QuoteJSON(e.Key)...)
		out = append(out, ':')
		v := e.Value
		if v.Kind == callback.KindString && p.Format != callback.FormatForm && callback.LooksURLEncoded(v.Text) {
			if dec, err := callback.Unescape(v.Text, 0); err == nil {
				v = callback.String(dec)
			}
		}
		if expand {
			out = appendExpanded(out, gjson.Parse(v.Raw), 0)
		} else {
			out = append(out, v.Raw...)
		}
	}
	return append(out, '}'), nil
}

// appendExpanded appends r with every string that holds a JSON object or
// array replaced by that JSON, recursively (up to a sane depth).
func appendExpanded(out []byte, r gjson.Result, depth int) []byte {
	if depth > 16 {
		return append(out, r.Raw...)
	}
	switch {
	case r.Type == gjson.String:
		s := r.Str
		// callback.ValidJSON, not gjson.Valid: that recurses per level, and a
		// string of ten million '[' would overflow the stack (a fatal error).
		if len(s) >= 2 && (s[0] == '{' || s[0] == '[') && callback.ValidJSON(s) {
			return appendExpanded(out, gjson.Parse(s), depth+1)
		}
		return append(out, r.Raw...)
	case r.IsObject(), r.IsArray():
		obj := r.IsObject()
		open, end := byte('['), byte(']')
		if obj {
			open, end = '{', '}'
		}
		out = append(out, open)
		first := true
		r.ForEach(func(k, v gjson.Result) bool {
			if !first {
				out = append(out, ',')
			}
			first = false
			if obj {
				out = append(out, k.Raw...)
				out = append(out, ':')
			}
			out = appendExpanded(out, v, depth+1)
			return true
		})
		return append(out, end)
	}
	return append(out, r.Raw...)
}

// looksLikeBody reports whether a FILE argument that does not exist is more
// likely a callback body typed on the command line: a form body or JSON,
// plain or percent-encoded.
func looksLikeBody(arg string) bool {
	return strings.ContainsAny(arg, "={") || strings.HasPrefix(strings.ToUpper(arg), "%7B")
}
