// inspect.go holds the inspect command: internal/inspect's interactive
// view on a capture file, with the colour decided by internal/ui and `r`
// replaying through send's delivery engine.

package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/inspect"
)

type inspectOptions struct {
	cmdEnv
	endpointFlags

	File      string
	MaxEvents int
	CurlDir   string
}

func newInspectCmd(f *Factory, runF func(*inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect FILE|-",
		Short: "Browse a capture file: list, detail, filter, replay, curl",
		Long: `Inspect opens an interactive view on a capture file (` + "`zegocb listen --save`" + `):
a list of callbacks (time, event, key ids, signature verdict, the answer
given, delivery number) and a detail pane (pretty JSON with JSON-in-strings
expanded and enum meanings shown, the headers, the raw body on a toggle).

Keys: up/down or j/k move, enter opens the detail, / filters (free text, or
event:NAME, room:ID), f jumps to the next failure, r replays the selected
callback to --forward-to (R asks for a URL), c writes it as a curl command,
? shows every key, q quits.

Signatures are checked with the configured callback secret
($ZEGO_CALLBACK_SECRET or --secret-file); without one they show as
unchecked. The secret is never shown. At most --max-events callbacks are
kept (the oldest leave the view, and the view says so).

- reads the capture from stdin; the keys then come from the terminal.
Inspect needs a terminal: piped, use zegocb verify FILE or zegocb replay
FILE --dry-run.`,
		Example: `  zegocb inspect captures.jsonl
  zegocb inspect captures.jsonl --forward-to http://localhost:3000/zego   # r replays there
  tail -n 500 captures.jsonl | zegocb inspect -`,
		Args: exactArgs(1, "a capture FILE (or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.bind(f, cmd)
			if runF != nil {
				return runF(opts)
			}
			return runInspect(opts)
		},
	}
	fl := cmd.Flags()
	// pflag takes the first backquoted word as the value's placeholder:
	// the keys r, R and c stay unquoted.
	fl.StringVar(&opts.To, "forward-to", "", "the `URL` where the key r replays the selected callback (R asks for one)")
	fl.StringVar(&opts.To, "replay-to", "", "the same as --forward-to")
	_ = fl.MarkHidden("replay-to") // a synonym: works, but is not listed twice
	fl.IntVar(&opts.MaxEvents, "max-events", inspect.DefaultMaxEvents, "keep at most `N` callbacks (the oldest leave the view)")
	fl.StringVar(&opts.CurlDir, "curl-dir", "", "the `DIR` where the key c writes curl commands (default: the current directory)")
	opts.endpointFlags.register(cmd)
	fl.Lookup("timeout").Usage = "time to wait for each replay's answer"
	return cmd
}

func runInspect(o *inspectOptions) error {
	f := o.F
	switch {
	case o.MaxEvents < 1:
		return flagErrorf("--max-events must be at least 1, got %d", o.MaxEvents)
	case o.Timeout <= 0:
		return flagErrorf("--timeout must be positive, got %s", o.Timeout)
	case !f.IO.IsStdoutTTY():
		return flagErrorf("inspect is interactive and needs a terminal; piped, use `zegocb verify %s` or `zegocb replay %s --dry-run`", o.File, o.File)
	}
	if o.To != "" {
		if err := checkEndpointURL(o.To); err != nil {
			return err
		}
	}
	secret, _, err := f.Secret()
	if err != nil {
		return err
	}
	tlsConf, err := endpointTLS(f, &o.endpointFlags)
	if err != nil {
		return err
	}
	header, err := parseHeaderFlags(o.Headers)
	if err != nil {
		return err
	}
	var src io.Reader
	// The keys: stdin's own file when it is one, so that the program can
	// put the terminal in raw mode (a wrapped reader would be read in
	// cooked mode, a line at a time).
	keys := f.IO.In
	if fh, ok := stdinFile(f.IO.In); ok {
		keys = fh
	}
	name := o.File
	if o.File == "-" {
		if err := f.claimStdin("the capture"); err != nil {
			return err
		}
		src, name = f.IO.In, "stdin"
		tty, err := os.Open("/dev/tty")
		if err != nil {
			return inputErrorf("inspect -: the capture is on stdin, and the keys need a terminal: %v", err)
		}
		defer tty.Close()
		keys = tty
	} else {
		fh, err := os.Open(o.File)
		if err != nil {
			return inputErrorf("%s: %v", o.File, pathless(err))
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			return inputErrorf("%s is a directory: inspect reads one capture file", o.File)
		}
		src = fh
	}
	client := endpointClient(tlsConf, secret)
	defer client.CloseIdleConnections()
	if len(header) > 0 {
		client.Transport = &headerTransport{base: client.Transport, header: header}
	}
	replayer := inspect.DeliverReplayer(deliver.Options{Client: client, Timeout: o.Timeout, Now: f.Now})
	err = inspect.Run(o.Ctx, inspect.Options{
		Source:    inspect.NewFileSource(src, name),
		Input:     keys,
		Output:    f.IO.Out,
		Color:     f.IO.ColorEnabled(),
		MaxEvents: o.MaxEvents,
		Catalog:   f.Catalog,
		Secret:    secret,
		ReplayURL: o.To,
		Replay:    replayer,
		CurlDir:   o.CurlDir,
		AltScreen: true,
	})
	if err != nil && o.Ctx.Err() == nil {
		return fmt.Errorf("inspect: %w", err)
	}
	return err
}

// headerTransport adds -H headers to every replay from the inspector.
type headerTransport struct {
	base   http.RoundTripper
	header http.Header
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, vs := range t.header {
		req.Header[k] = vs
	}
	return t.base.RoundTrip(req)
}
