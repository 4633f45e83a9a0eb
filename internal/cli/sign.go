// sign.go holds the sign command: restamp and sign a callback body, keeping
// its format and field types.

package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/tidwall/pretty"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
	"github.com/zegocb/zegocb/internal/ui"
)

type signOptions struct {
	cmdEnv

	// File is the payload to re-sign ("-" for stdin); empty in signature-only mode.
	File      string
	Timestamp string
	Nonce     string
	Keep      bool
	Event     string
}

func newSignCmd(f *Factory, runF func(*signOptions) error) *cobra.Command {
	opts := &signOptions{}
	cmd := &cobra.Command{
		Use:   "sign [FILE|-]",
		Short: "Compute a callback signature, or re-sign a payload for curl",
		Long: `With --timestamp and --nonce, print the signature ZEGO would send for them: the
lowercase hex SHA-1 of the sorted concatenation of callback secret, timestamp
and nonce (every family's scheme but Mini Game's, which signs the AppId too:
give a payload).

Given a payload (FILE, or - or piped stdin: JSON, a form body or UrlEncoded
JSON), stamp it with the current time and a fresh 19-digit nonce, sign it and
print it in the format it came in, ready for curl --data-binary.
--keep-timestamp re-signs the payload's own timestamp and nonce instead;
--timestamp and --nonce set them explicitly. The payload's family and event,
told from its fields, pick the field names (timestamp or Timestamp, nonce or
SignatureNonce, ...), the timestamp's unit (Unix seconds, or 13-digit
milliseconds for the AI Agent, ASR and Digital Human families) and the signature
scheme (sorted SHA-1, or Mini Game's MD5 of AppId + SignatureNonce + secret +
Timestamp); --event names the event when the payload has none. A payload over
64 MiB is refused (exit 2).

The payload is printed without a trailing newline when piped, so a redirect
gives the exact body. The secret comes from $ZEGO_CALLBACK_SECRET or
--secret-file and is never printed.`,
		Example: `  zegocb sign --timestamp 1470820198 --nonce 123412
  zegocb sign payload.json > signed.json
  zegocb events stream_create -o json | zegocb sign | curl -H 'Content-Type: application/json' --data-binary @- https://example.com/zego
  zegocb sign --keep-timestamp capture.json
  zegocb sign --event room_login body.form`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.bind(f, cmd)
			if len(args) == 1 {
				opts.File = args[0]
			}
			flags := cmd.Flags()
			tsSet, nonceSet := flags.Changed("timestamp"), flags.Changed("nonce")
			switch {
			case opts.File == "" && (tsSet || nonceSet):
				if !tsSet || !nonceSet {
					return flagErrorf("--timestamp and --nonce go together when no payload is given")
				}
				var given []string
				if opts.Keep {
					given = append(given, "--keep-timestamp")
				}
				if opts.Event != "" {
					given = append(given, "--event")
				}
				if len(given) > 0 {
					verb := " applies"
					if len(given) > 1 {
						verb = " apply"
					}
					return flagErrorf("%s%s to a payload: give FILE or -", joinWords(given, "and"), verb)
				}
			case opts.File == "":
				if f.IO.IsStdinTTY() {
					return flagErrorf("give a payload FILE (- for stdin), or --timestamp and --nonce")
				}
				opts.File = "-"
			}
			if tsSet && opts.Timestamp == "" || nonceSet && opts.Nonce == "" {
				return flagErrorf("--timestamp and --nonce cannot be empty")
			}
			if opts.Keep && (tsSet || nonceSet) {
				return flagErrorf("--keep-timestamp keeps the payload's own timestamp and nonce: drop --timestamp and --nonce, or --keep-timestamp")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSign(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Timestamp, "timestamp", "", "the timestamp to sign, as sent (Unix seconds; 13-digit milliseconds for the ms families)")
	fl.StringVar(&opts.Nonce, "nonce", "", "the nonce to sign, as sent")
	fl.BoolVar(&opts.Keep, "keep-timestamp", false, "keep the payload's timestamp (and its nonce); only recompute the signature")
	fl.BoolVar(&opts.Keep, "keep", false, "the old name of --keep-timestamp")
	_ = fl.MarkHidden("keep")
	fl.StringVar(&opts.Event, "event", "", "catalog `EVENT` whose field names to use when the payload has no event field")
	_ = cmd.RegisterFlagCompletionFunc("event", completeEventArg(f))
	return cmd
}

// signResult is sign's -o json output.
type signResult struct {
	V            int    `json:"v"` // jsonVersion
	Event        string `json:"event,omitempty"`
	Format       string `json:"format,omitempty"`
	Timestamp    string `json:"timestamp"`
	Nonce        string `json:"nonce"`
	SignatureHex string `json:"signature_hex"` // the signature field's value
	Body         string `json:"body,omitempty"`
}

func runSign(opts *signOptions) error {
	if opts.File == "" {
		return signInputs(opts)
	}
	if opts.Event != "" {
		if _, err := lookupEvent(opts.F.Catalog, opts.Event); err != nil {
			return err
		}
	}
	body, name, err := opts.F.readBody(opts.File)
	if err != nil {
		return err
	}
	p, err := callback.Parse(body, "")
	if err != nil {
		return &InputError{Err: fmt.Errorf("%s: %w", name, err)}
	}
	e, err := signEvent(opts, p, name)
	if err != nil {
		return err
	}
	secret, err := opts.F.RequireSecret()
	if err != nil {
		return err
	}
	tsName, nonceName, sigName := roleNames3(e, p)
	if err := rewrittenTwice(name, p, tsName, nonceName, sigName); err != nil {
		return err
	}

	if opts.Keep {
		for _, k := range []string{tsName, nonceName} {
			if v, ok := p.Get(k); !ok || v.Text == "" {
				return &InputError{Err: fmt.Errorf("%s: no %s to keep: drop --keep-timestamp to stamp a fresh one", name, k)}
			}
		}
	} else {
		ts, nonce := opts.Timestamp, opts.Nonce
		if ts == "" {
			ts = strconv.FormatInt(opts.F.Now().Unix(), 10)
			if e != nil {
				ts = e.Timestamp(opts.F.Now()) // 13-digit ms for the ms families
			}
		}
		if nonce == "" {
			nonce = opts.F.Nonce()
		}
		p.Set(tsName, typedLike(p, e, tsName, callback.RoleTimestamp, ts))
		if v, ok := p.Get(nonceName); ok && v.Kind == callback.KindNumber {
			opts.F.Warnf("%s: the nonce was a JSON number; it is written as a string, as ZEGO sends it (19-digit numbers break JavaScript receivers)", name)
		}
		p.Set(nonceName, callback.String(nonce))
	}
	ts, _ := p.Get(tsName)
	nonce, _ := p.Get(nonceName)
	unit := "seconds"
	if e != nil && e.TimestampUnit() == "ms" {
		unit = "milliseconds"
	}
	if !callback.IsInteger(ts.Text) {
		opts.F.Warnf("%s %q is not a whole number of %s; ZEGO sends Unix %s", tsName, ts.Text, unit, unit)
	}
	var sig string
	if e != nil {
		e.Sign(p, secret) // the family's scheme (Mini Game: MD5 with the AppId)
		v, _ := p.Get(sigName)
		sig = v.Text
	} else {
		sig = signature.Sign(secret, ts.Text, nonce.Text)
		p.Set(sigName, callback.String(sig))
	}
	evName := p.EventName()
	if e != nil {
		evName = e.Ref
	}
	compactNested(p)
	out := p.Encode(p.Format)

	if opts.F.JSON() {
		return ui.WriteJSONLine(opts.IO.Out, signResult{
			V: jsonVersion, Event: evName, Format: string(p.Format),
			Timestamp: ts.Text, Nonce: nonce.Text, SignatureHex: sig, Body: string(out),
		})
	}
	if opts.IO.IsStdoutTTY() {
		out = append(out, '\n')
	}
	if _, err := opts.IO.Out.Write(out); err != nil {
		return err
	}
	if opts.IO.IsStderrTTY() {
		what := evName
		if what == "" {
			what = "payload"
		}
		opts.F.Hintf("signed %s (%s): %s %s, %s %s", what, p.Format, tsName, ts.Text, nonceName, nonce.Text)
	}
	return nil
}

// signInputs prints the signature of --timestamp and --nonce.
func signInputs(opts *signOptions) error {
	secret, err := opts.F.RequireSecret()
	if err != nil {
		return err
	}
	if !callback.IsInteger(opts.Timestamp) {
		opts.F.Warnf("timestamp %q is not a whole number of seconds; ZEGO sends Unix seconds", opts.Timestamp)
	}
	sig := signature.Sign(secret, opts.Timestamp, opts.Nonce)
	if opts.F.JSON() {
		return ui.WriteJSONLine(opts.IO.Out, signResult{V: jsonVersion, Timestamp: opts.Timestamp, Nonce: opts.Nonce, SignatureHex: sig})
	}
	_, err = fmt.Fprintln(opts.IO.Out, sig)
	return err
}

// signEvent picks the catalog event whose field names, timestamp unit and
// scheme sign uses: --event, else the event the payload's fields name; nil
// (generic names, SHA-1) when neither is known.
func signEvent(opts *signOptions, p *callback.Payload, name string) (*callback.Event, error) {
	d := opts.F.Catalog.Detect(p)
	if opts.Event != "" {
		e, err := opts.F.resolveEvent(opts.Event)
		if err != nil {
			return nil, err
		}
		if d.Event != nil && d.Event != e {
			opts.F.Warnf("%s: the payload says event %q; using %s's field names as --event asks", name, d.Event.Ref, e.Ref)
		} else if d.Event == nil && d.Field != "" {
			opts.F.Warnf("%s: the payload says event %q; using %s's field names as --event asks", name, d.Value.Text, e.Ref)
		}
		return e, nil
	}
	switch {
	case d.Event != nil:
		if d.Ambiguous {
			opts.F.Hintf("%s: %s (--event names another)", name, d.Rule)
		}
		return d.Event, nil
	case d.Field == "":
		opts.F.Warnf("%s: no event field; using the fields timestamp, nonce and signature (--event NAME uses an event's own names)", name)
	case d.Unknown && d.Value.Kind == callback.KindString:
		opts.F.Warnf("%s: event %q is not in the catalog; using the fields timestamp, nonce and signature", name, d.Value.Text)
	default:
		opts.F.Warnf("%s: %s; using the fields timestamp, nonce and signature", name, d.Problem)
	}
	return nil, nil
}

// rewrittenTwice fails when a field that signing rewrites appears twice:
// only the first copy would be replaced, and the stale one left in the body
// wins in receivers that keep the last key (most JSON parsers do).
func rewrittenTwice(name string, p *callback.Payload, keys ...string) error {
	for _, k := range keys {
		first := -1
		for _, e := range p.Entries {
			if e.Key != k {
				continue
			}
			if first < 0 {
				first = e.Offset
				continue
			}
			return &InputError{Err: fmt.Errorf("%s: byte %d: field %q appears twice (first at byte %d); signing would leave the stale copy in the body: remove one", name, e.Offset, k, first)}
		}
	}
	return nil
}

// roleNames3 returns the names of the timestamp, nonce and signature fields:
// the event's, else whatever casing the payload uses, else lowercase.
func roleNames3(e *callback.Event, p *callback.Payload) (ts, nonce, sig string) {
	pick := func(r callback.Role) string {
		if e != nil {
			return e.RoleField(r).Name
		}
		if k, _, ok := p.GetFold(string(r)); ok {
			return k
		}
		return string(r)
	}
	return pick(callback.RoleTimestamp), pick(callback.RoleNonce), pick(callback.RoleSignature)
}

// typedLike types text as the payload already sends the field (a number
// stays a number, a string a string); a new field takes the catalog's type.
func typedLike(p *callback.Payload, e *callback.Event, key string, role callback.Role, text string) callback.Value {
	if v, ok := p.Get(key); ok {
		if v.Kind == callback.KindNumber && callback.IsInteger(text) {
			return callback.Number(text)
		}
		return callback.String(text)
	}
	if e != nil {
		return e.RoleField(role).Typed(text)
	}
	return callback.String(text)
}

// compactNested removes the layout whitespace of object and array values, so
// a pretty-printed payload comes out as one compact line. Numbers and
// strings keep their exact text.
func compactNested(p *callback.Payload) {
	for i := range p.Entries {
		v := &p.Entries[i].Value
		if v.Kind == callback.KindObject || v.Kind == callback.KindArray {
			v.Raw = string(pretty.Ugly([]byte(v.Raw)))
			v.Text = v.Raw
		}
	}
}
