// replay.go holds the replay command: flags into replay.Options, the
// engine's errors into the command's error kinds. Rendering is in
// replay_render.go.

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/replay"
)

type replayOptions struct {
	cmdEnv
	endpointFlags

	Files []string

	Line           []string
	Lines          []string
	Events         []string
	Rooms          []string
	Since, Until   string
	Failed         bool
	Exact, Restamp bool
	AllowUnknown   bool

	PreserveTiming bool
	Speed          float64
	Concurrency    int
	Rate           float64
	NoRetry        bool
	RetryScale     float64
	Strict         bool
	DryRun         bool
}

func newReplayCmd(f *Factory, runF func(*replayOptions) error) *cobra.Command {
	opts := &replayOptions{}
	cmd := &cobra.Command{
		Use:   "replay FILE...|- --to URL",
		Short: "Deliver captured callbacks again, byte-exact or re-stamped",
		Long: `Replay delivers callbacks again: the capture records ` + "`zegocb listen --save`" + `
writes, or callback bodies (JSON lines, single JSON or form files,
directories; - reads stdin), or the callback lines of listen -o json (their
payload is the parsed body, not its bytes: they go out re-stamped).
Everything is read and checked first: nothing is sent when the input is
unusable or the selection matches nothing.

Selection (criteria combine; values of one flag are alternatives):
--line N, --lines A-B (line numbers in each file), --event (a name,
FAMILY/EVENT, a family such as zim, or a group: stream for RTC's, zim/room
for another family's), --room, --since/--until (received time: RFC 3339 or a
duration ago, e.g. 90m) and --failed (records whose answer was not 2xx).

Delivery mode: by default a callback whose captured signature verifies with
the configured secret goes out byte-exact (the original body and content
type); one whose signature does not verify is re-stamped (a fresh timestamp
and nonce, signed in its family's scheme), and replay says why. --exact and
--restamp force one mode.

Timing: the original order, as fast as the endpoint answers; -c runs
deliveries in parallel and --rate caps them per second; --preserve-timing
keeps the captured gaps (divided by --speed). A failed delivery is retried on
its family's retry profile (RTC: 2, 4, 8, 16, 32 s) unless --no-retry.

Output: one line per delivery on stdout, and a summary (on a terminal after
the lines; piped, the rows are tab-separated and the summary goes to stderr).
-o json prints one object per delivery and a last summary object; see
docs/replay.md for the fields.

Exit status: 0 every callback delivered, 1 the endpoint answered some
callback but never with a 2xx, 2 bad usage or unusable input (nothing sent),
3 some callback could not be delivered at all, 130 interrupted.`,
		Example: `  zegocb replay captures.jsonl --to http://localhost:3000/zego
  zegocb replay captures.jsonl --failed --to $URL            # what your app answered non-2xx
  zegocb replay captures.jsonl --event stream --room room-7 --to $URL
  zegocb replay captures.jsonl --lines 10-20 --restamp --to $URL
  zegocb replay captures.jsonl --preserve-timing --speed 10 --to $URL
  zegocb replay captures.jsonl -c 16 --no-retry --to $URL -o json
  zegocb replay bodies/ --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			opts.bind(f, cmd)
			if runF != nil {
				return runF(opts)
			}
			return runReplay(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "endpoint `URL` (required unless --dry-run)")
	fl.StringArrayVar(&opts.Line, "line", nil, "replay line `N` of each file (repeatable)")
	fl.StringArrayVar(&opts.Lines, "lines", nil, "replay lines `A-B` of each file (10-20, 10-, -20; repeatable)")
	fl.StringSliceVar(&opts.Events, "event", nil, "only these events: `NAME`s, FAMILY/EVENT, families, groups (stream; zim/room) (comma-separated or repeated)")
	_ = cmd.RegisterFlagCompletionFunc("event", completeEventList(f))
	fl.StringSliceVar(&opts.Rooms, "room", nil, "only callbacks of these room `ID`s")
	fl.StringVar(&opts.Since, "since", "", "only records received at or after `T` (RFC 3339, or a duration ago: 90m)")
	fl.StringVar(&opts.Until, "until", "", "only records received before `T` (RFC 3339, or a duration ago)")
	fl.BoolVar(&opts.Failed, "failed", false, "only records whose recorded answer was not 2xx")
	fl.BoolVar(&opts.Exact, "exact", false, "send every callback byte-exact, as captured")
	fl.BoolVar(&opts.Restamp, "restamp", false, "re-stamp every callback: fresh timestamp and nonce, signed again")
	fl.BoolVar(&opts.AllowUnknown, "allow-unknown", false, "replay events the catalog does not know (byte-exact) instead of refusing the input")
	fl.BoolVar(&opts.PreserveTiming, "preserve-timing", false, "keep the captured gaps between callbacks (capture records only)")
	fl.Float64Var(&opts.Speed, "speed", 1, "with --preserve-timing, play `F` times as fast")
	fl.IntVarP(&opts.Concurrency, "concurrency", "c", 1, "`C` deliveries in flight")
	fl.Float64Var(&opts.Rate, "rate", 0, "at most `R` deliveries started per second")
	fl.BoolVar(&opts.NoRetry, "no-retry", false, "send each callback once; no retry schedule")
	fl.Float64Var(&opts.RetryScale, "retry-scale", 1, "multiply the retry gaps by `F` (0.01: 62 s becomes 0.62 s)")
	fl.BoolVar(&opts.Strict, "strict", false, "treat a 2xx with the wrong body (record: not \"1\") as a failure")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "read, select and build every request, send nothing")
	opts.endpointFlags.register(cmd)
	return cmd
}

// engineOptions turns the flags into replay.Options (the parts that need
// no secret or network).
func (o *replayOptions) engineOptions() (replay.Options, error) {
	var ro replay.Options
	switch {
	case len(o.Files) == 0:
		return ro, flagErrorf("replay needs a FILE (a capture from `zegocb listen --save`, bodies, a directory) or - for stdin")
	case o.To == "" && !o.DryRun:
		return ro, flagErrorf("replay needs --to URL (or --dry-run)")
	case o.Exact && o.Restamp:
		return ro, flagErrorf("--exact and --restamp cannot be used together")
	case o.Timeout <= 0:
		return ro, flagErrorf("--timeout must be positive, got %s", o.Timeout)
	case o.RetryScale <= 0:
		return ro, flagErrorf("--retry-scale must be positive, got %g", o.RetryScale)
	case o.Speed <= 0:
		return ro, flagErrorf("--speed must be positive, got %g", o.Speed)
	case o.Concurrency < 1:
		return ro, flagErrorf("-c must be at least 1, got %d", o.Concurrency)
	case o.Rate < 0:
		return ro, flagErrorf("--rate cannot be negative")
	}
	if o.To != "" {
		if err := checkEndpointURL(o.To); err != nil {
			return ro, err
		}
	}
	f := o.F
	sel := replay.Selection{Events: o.Events, Rooms: o.Rooms, Failed: o.Failed}
	for _, s := range o.Line {
		r, err := replay.ParseLine(s)
		if err != nil {
			return ro, flagErrorf("--line %v", err)
		}
		sel.Lines = append(sel.Lines, r)
	}
	for _, s := range o.Lines {
		r, err := replay.ParseLines(s)
		if err != nil {
			return ro, flagErrorf("--lines %v", err)
		}
		sel.Lines = append(sel.Lines, r)
	}
	var err error
	now := f.Now()
	if o.Since != "" {
		if sel.Since, err = replay.ParseTime(o.Since, now); err != nil {
			return ro, flagErrorf("--since %v", err)
		}
	}
	if o.Until != "" {
		if sel.Until, err = replay.ParseTime(o.Until, now); err != nil {
			return ro, flagErrorf("--until %v", err)
		}
	}
	if err := replay.CheckEvents(f.Catalog, sel.Events); err != nil {
		return ro, &FlagError{Err: err}
	}
	h, err := parseHeaderFlags(o.Headers)
	if err != nil {
		return ro, err
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", zegocbUserAgent())
	}
	ro = replay.Options{
		URL:            o.To,
		Header:         h,
		Catalog:        f.Catalog,
		AllowUnknown:   o.AllowUnknown,
		Select:         sel,
		PreserveTiming: o.PreserveTiming,
		Speed:          o.Speed,
		Concurrency:    o.Concurrency,
		Rate:           o.Rate,
		Retry:          !o.NoRetry,
		RetryScale:     o.RetryScale,
		Timeout:        o.Timeout,
		Strict:         o.Strict,
		DryRun:         o.DryRun,
		Now:            f.Now,
		Nonce:          f.Nonce,
	}
	switch {
	case o.Exact:
		ro.Mode = replay.ModeExact
	case o.Restamp:
		ro.Mode = replay.ModeRestamp
	}
	return ro, nil
}

// inputs turns the FILE arguments into replay inputs; - is stdin, once.
func (o *replayOptions) inputs() ([]replay.Input, error) {
	var in []replay.Input
	for _, p := range o.Files {
		if p == "-" {
			if err := o.F.claimStdin("the captures"); err != nil {
				return nil, err
			}
			in = append(in, replay.Input{Reader: o.IO.In, Name: "stdin"})
			continue
		}
		in = append(in, replay.Input{Path: p})
	}
	return in, nil
}

func runReplay(o *replayOptions) error {
	f := o.F
	ro, err := o.engineOptions()
	if err != nil {
		return err
	}
	secret, src, err := f.Secret()
	if err != nil {
		return err
	}
	if o.Restamp && secret == "" {
		return inputErrorf("--restamp signs every callback: set $%s or --secret-file PATH", EnvSecret)
	}
	ro.Secret = secret
	if ro.TLS, err = endpointTLS(f, &o.endpointFlags); err != nil {
		return err
	}
	if f.Global.Verbose && o.To != "" {
		client := endpointClient(ro.TLS, secret)
		defer client.CloseIdleConnections()
		ro.Client = client
	}
	inputs, err := o.inputs()
	if err != nil {
		return err
	}
	r := newReplayRenderer(o, src)
	ro.OnPlan = r.plan
	if f.Global.Verbose {
		ro.OnAttempt = r.attempt
	}
	sum, err := replay.Run(o.Ctx, ro, inputs, r.result)
	if err != nil {
		return replayError(err, sum)
	}
	if err := r.summary(&sum); err != nil {
		return err
	}
	switch {
	case sum.Rejected > 0:
		return ErrCheckFailed
	case sum.Unreachable > 0:
		return &TransportError{Err: fmt.Errorf("%s could not be delivered to %s (first: %s)",
			plural(sum.Unreachable, "callback", "callbacks"), o.To, sum.FirstFailure)}
	}
	return nil
}

// replayError turns the engine's errors into the command's kinds.
func replayError(err error, sum replay.Summary) error {
	var (
		optErr   *replay.OptionError
		inErr    *replay.InputError
		emptyErr *replay.EmptySelectionError
		pathErr  *os.PathError
	)
	switch {
	case errors.As(err, &optErr):
		return &FlagError{Err: err}
	case errors.As(err, &inErr), errors.As(err, &emptyErr):
		return &InputError{Err: err}
	case errors.As(err, &pathErr):
		return &InputError{Err: err}
	case errors.Is(err, context.Canceled):
		if sum.Done > 0 {
			return fmt.Errorf("%w after %s", ErrInterrupted, plural(sum.Done, "delivery", "deliveries"))
		}
		return ErrInterrupted
	}
	return err
}
