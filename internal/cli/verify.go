// verify.go holds the verify command: options, flags, and the run that
// reads captures, files or stdin and checks each payload, streaming rows.

package cli

import (
	"bufio"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/verify"
)

type verifyOptions struct {
	cmdEnv

	Inputs []string

	RequireSignature bool
	AllowUnknown     bool
	Strict           bool
	MaxAge           time.Duration
	MaxSize          string
	Workers          int
}

func newVerifyCmd(f *Factory, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify [FILE|DIR ...|-]",
		Short: "Check captured callbacks: signature, schema, age, re-deliveries",
		Long: `Verify reads captured callbacks and checks every payload: its signature (with
the configured callback secret), its fields against the event catalog (required
fields, types, documented values), optionally its timestamp's age, and whether
it repeats an earlier payload's nonce and signature: with the same content a
re-delivery (noted, not a failure), with other content a possible replay or
tampering (WARN, FAIL with --strict).

Inputs, any number and mixed:
  FILE   a raw JSON body, a pretty-printed JSON object, a form body, or a
         JSON-lines file of bodies, of capture records (what 'zegocb listen
         --save' writes) or of 'zegocb listen -o json' lines
  DIR    every *.json, *.jsonl, *.ndjson, *.txt, *.form, *.log file under it,
         sorted
  -      standard input (also the default when stdin is not a terminal)

Each payload gets a row: file:line, event, verdict (PASS, WARN or FAIL) and the
reasons; on a terminal the reasons wrap inside their column. Piped, rows are
tab-separated with no header; a closing line "N passed, M failed, K warned"
follows. -q prints only the rows that did not pass. -o json prints one JSON
object per payload and a final {"v":2,"summary":...} line (schema in
docs/json.md).

Without a secret, signatures are not checked: a hint says so on stderr, each row
notes it and the closing line ends "(signatures not checked: no secret)";
--require-signature makes that a failure. With -v a signature mismatch also
shows the signature expected with the configured secret and the sorted string
hashed, the secret masked. ZEGO_SERVER_SECRET, when set, is used only to explain
a signature made with the other console secret.

--max-age measures a timestamp's age from the capture's received_at when the
payload is a capture record, else from now. A timestamp more than a minute in
the future is a warning. Re-deliveries are recognised among the last 100,000
distinct payloads (up to 200,000).

Exit status: 0 every payload passed (warnings allowed), 1 a payload failed, 2 an
input was unreadable (missing file, not JSON or form, line over --max-size,
invalid UTF-8, torn last line) or held no payload at all; unreadable inputs
still get a row.`,
		Example: `  # verify what listen captured, in CI
  ZEGO_CALLBACK_SECRET=... zegocb verify captures.jsonl

  # a directory of bodies, refusing anything older than 5 minutes
  zegocb verify --max-age 5m --require-signature testdata/callbacks/

  # only the problems, as JSON, for jq
  zegocb verify -q -o json captures.jsonl | jq -r 'select(.verdict=="FAIL") | .reasons[]'

  # one body from the clipboard
  pbpaste | zegocb verify -`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.bind(f, cmd)
			opts.Inputs = args
			if len(args) == 0 && opts.IO.IsStdinTTY() {
				return flagErrorf("no input: give FILE, DIR or - to read standard input")
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerify(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.RequireSignature, "require-signature", false, "fail payloads whose signature cannot be checked (no secret configured)")
	fl.BoolVar(&opts.AllowUnknown, "allow-unknown", false, "accept events the catalog does not know (their schema is not checked)")
	fl.BoolVar(&opts.Strict, "strict", false, "treat warnings as failures")
	fl.DurationVar(&opts.MaxAge, "max-age", 0, "fail payloads whose timestamp is older than `D` (e.g. 5m, 24h)")
	fl.StringVar(&opts.MaxSize, "max-size", "1MiB", "payload limit: longer lines are reported unreadable (`SIZE`: bytes, KiB, MiB)")
	fl.IntVar(&opts.Workers, "workers", 0, "checking goroutines (default: one per core)")
	_ = fl.MarkHidden("workers")
	return cmd
}

// verifyGCPercent is verify's GOGC unless $GOGC is set (see runVerify).
const verifyGCPercent = 400

func runVerify(cmd *cobra.Command, opts *verifyOptions) error {
	f := opts.F
	maxSize, err := parseSize(opts.MaxSize)
	if err != nil {
		return flagErrorf("invalid --max-size %q: %v", opts.MaxSize, err)
	}
	if opts.MaxAge < 0 {
		return flagErrorf("invalid --max-age %s: must be positive", opts.MaxAge)
	}
	secret, source, err := f.Secret()
	if err != nil {
		return err
	}
	if secret == "" && !f.Global.Quiet {
		es := opts.IO.ErrStyles()
		tail := "; --require-signature makes that a failure"
		if opts.RequireSignature {
			tail = "; --require-signature fails every payload"
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s no callback secret configured, so signatures are unchecked: set $%s or --secret-file%s\n",
			es.Faint.Render("hint:"), EnvSecret, tail)
	}

	var inputs []verify.Input
	args := opts.Inputs
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, a := range args {
		if a != "-" {
			inputs = append(inputs, verify.Input{Path: a})
			continue
		}
		if err := f.claimStdin("the callbacks"); err != nil {
			return err
		}
		inputs = append(inputs, verify.Input{Reader: opts.IO.In, Name: "stdin"})
	}

	vo := verify.Options{
		Catalog:          f.Catalog,
		Secret:           secret,
		SecretName:       f.SecretName(source),
		Explain:          f.Global.Verbose,
		OtherSecrets:     f.OtherSecrets(),
		RequireSignature: opts.RequireSignature,
		AllowUnknown:     opts.AllowUnknown,
		Strict:           opts.Strict,
		MaxAge:           opts.MaxAge,
		Now:              f.Now,
		MaxSize:          int(maxSize),
		Workers:          opts.Workers,
	}

	w := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	var rr rowRenderer
	switch {
	case f.JSON():
		rr = &verifyJSONRenderer{w: w, quiet: f.Global.Quiet}
	case opts.IO.IsStdoutTTY():
		rr = newVerifyTTYRenderer(w, opts.IO.Styles(), f.Global.Quiet, opts.IO.Width())
	default:
		rr = &verifyPipeRenderer{w: w, quiet: f.Global.Quiet}
		if opts.IO.ColorEnabled() {
			rr.(*verifyPipeRenderer).styles = opts.IO.Styles()
		}
	}
	// verify's heap is mostly long-lived (the dedup table, the batch
	// buffers) and its garbage is small: at the default GOGC=100 the
	// start-up allocations set off a collection whose mark worker takes
	// a core from the checkers (~4% of a 100k-line run's wall time).
	// 400, as listen uses, skips it at no cost in peak RSS (10k to 1M
	// lines, measured). An explicit $GOGC wins.
	if f.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(verifyGCPercent))
	}
	sum, runErr := verify.Run(cmd.Context(), vo, inputs, rr.row)
	if runErr == nil {
		runErr = rr.summary(sum)
	}
	if err := w.Flush(); runErr == nil {
		runErr = err
	}
	switch {
	case runErr != nil:
		return runErr
	case sum.Total() == 0 && sum.Skipped > 0:
		return inputErrorf("no callback payloads in %s: %s skipped (rejected requests and forward attempts hold no callback)", inputsText(opts.Inputs), plural(sum.Skipped, "listen -o json line", "listen -o json lines"))
	case sum.Total() == 0:
		return inputErrorf("no callback payloads in %s (empty, or only blank lines)", inputsText(opts.Inputs))
	case sum.Unreadable > 0:
		return &InputError{Err: fmt.Errorf("%s unreadable (marked so above)", plural(sum.Unreadable, "row", "rows"))}
	case sum.Failed > 0:
		return ErrCheckFailed
	}
	return nil
}

// inputsText names verify's inputs for a one-line error: up to three, or
// the first two and how many more.
func inputsText(inputs []string) string {
	if len(inputs) == 0 {
		return "stdin"
	}
	names := make([]string, 0, 3)
	for _, a := range inputs {
		if a == "-" {
			a = "stdin"
		}
		names = append(names, a)
		if len(names) == 2 && len(inputs) > 3 {
			return strings.Join(names, ", ") + fmt.Sprintf(" and %d more inputs", len(inputs)-2)
		}
	}
	return strings.Join(names, ", ")
}
