// Package cli holds zegocb's commands. Commands are thin: parse flags, call
// a domain package, render through ui. Exit codes are decided in exitcode.go.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/build"
	"github.com/zegocb/zegocb/internal/ui"
)

// Main runs zegocb with args and returns the exit code.
func Main(ctx context.Context, args []string, io *ui.IOStreams) int {
	return run(ctx, args, New(io))
}

func run(ctx context.Context, args []string, f *Factory) int {
	f.IO.In = interruptible(ctx, f.IO.In)
	f.secretWarned = nil
	root := NewRootCmd(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	// A command stopped by Ctrl-C or SIGTERM exits 130, whatever the
	// interruption made it return (a read of stdin cut short, a partial
	// result), unless stopping is how it ends (listen).
	if ctx.Err() != nil && (cmd == nil || cmd.Annotations[annotStopIsSuccess] == "") && !errors.Is(err, ErrInterrupted) {
		err = ErrInterrupted
	}
	if err != nil {
		printError(f, root, args, err)
	}
	return ExitCode(err)
}

func printError(f *Factory, root *cobra.Command, args []string, err error) {
	if errors.Is(err, ErrCheckFailed) {
		return
	}
	s := f.IO.ErrStyles()
	if errors.Is(err, ErrInterrupted) {
		fmt.Fprintln(f.IO.ErrOut, s.Faint.Render(err.Error())) // "interrupted", or what it cut short
		return
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(f.IO.ErrOut, s.Faint.Render("interrupted"))
		return
	}
	msg := err.Error()
	fmt.Fprintf(f.IO.ErrOut, "%s %s\n", s.Fail.Render("error:"), msg)
	var fe *FlagError
	if errors.As(err, &fe) {
		cmd, _, findErr := root.Find(args)
		name := "zegocb"
		if findErr == nil && cmd != nil {
			name = cmd.CommandPath()
		}
		fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", name)
	}
}

// NewRootCmd builds the command tree for f.
func NewRootCmd(f *Factory) *cobra.Command {
	g := &f.Global
	root := &cobra.Command{
		Use:   "zegocb",
		Short: "Sign, send, receive, probe and verify ZEGO server callbacks",
		Long: `zegocb is a toolkit for developers who receive ZEGO (ZEGOCLOUD) server callbacks
(stream_create, stream_close, mix_start, mix_stop, record, room_login, ...).

It signs and sends realistic callbacks, conformance-tests an endpoint, receives
and pretty-prints callbacks locally, verifies captured payloads in CI, replays
and inspects captures, plays ZEGO's out-of-order sequences, and decodes
UrlEncoded bodies. Data goes to stdout; diagnostics go to stderr.

The callback secret comes from $ZEGO_CALLBACK_SECRET or --secret-file PATH
(- reads stdin). --secret works but leaks into shell history.`,
		Example: `  zegocb send mix_start                     # round trip through a built-in receiver
  zegocb send stream_create --to https://staging.example.com/zego
  zegocb listen --save captures.jsonl
  zegocb verify captures.jsonl
  zegocb replay captures.jsonl --failed --to http://localhost:3000/zego
  zegocb scenario reconnect --order adversarial
  zegocb inspect captures.jsonl
  zegocb events stream_close`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       build.Get().Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch g.Output {
			case "", "pretty", "json":
			default:
				return flagErrorf("invalid --output %q: want pretty or json", g.Output)
			}
			mode := ui.ColorMode(g.Color)
			switch mode {
			case ui.ColorAuto, ui.ColorAlways, ui.ColorNever:
			default:
				return flagErrorf("invalid --color %q: want auto, always or never", g.Color)
			}
			if g.NoColor {
				mode = ui.ColorNever
			}
			f.IO.SetColorMode(mode)
			if g.Quiet && g.Verbose {
				return flagErrorf("--quiet and --verbose cannot be used together")
			}
			return nil
		},
	}
	root.SetVersionTemplate("zegocb {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &FlagError{Err: err} })

	pf := root.PersistentFlags()
	pf.StringVar(&g.SecretFile, "secret-file", "", "read the callback secret from `PATH` (- for stdin; one trailing newline is trimmed)")
	pf.StringVar(&g.SecretFlag, "secret", "", "callback secret (leaks into shell history and ps: prefer $ZEGO_CALLBACK_SECRET)")
	pf.StringVar(&g.AppID, "appid", "", "ZEGO AppID to put in samples (default $ZEGO_APP_ID, else random)")
	pf.StringVarP(&g.Output, "output", "o", "pretty", "output format: pretty or json")
	pf.StringVar(&g.Color, "color", "auto", "colour: auto, always or never (NO_COLOR is honoured)")
	pf.BoolVar(&g.NoColor, "no-color", false, "disable colour (same as --color never)")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print less: results only, no hints or warnings")
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "print more: wire dumps with the secret masked")

	// Flag usages wrap at helpWidth columns, as the prose does.
	usage := strings.NewReplacer(
		".LocalFlags.FlagUsages ", fmt.Sprintf("(.LocalFlags.FlagUsagesWrapped %d) ", helpWidth),
		".InheritedFlags.FlagUsages ", fmt.Sprintf("(.InheritedFlags.FlagUsagesWrapped %d) ", helpWidth),
	).Replace(root.UsageTemplate())
	root.SetUsageTemplate(usage + "\n" + exitCodesHelp + `

Environment:
  ZEGO_CALLBACK_SECRET  the callback secret (console: Project Information >
                        CallbackSecret)
  ZEGO_SERVER_SECRET    optional; only used to explain a signature made with
                        the other secret
  ZEGO_APP_ID           AppID for generated samples
  NO_COLOR              disable colour (any value); CLICOLOR=0 too;
                        CLICOLOR_FORCE=1 forces it
  ZEGOCB_FORCE_TTY      treat stdout and stderr as a terminal (styled output
                        in pipes)
`)

	for _, c := range commands(f) {
		root.AddCommand(c)
	}
	// An unknown command is bad usage (exit 2), not a failed check.
	root.SuggestionsMinimumDistance = 2
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return &FlagError{Err: errors.New(msg)}
	}
	root.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
	// cobra writes help, --version and completion scripts through these.
	// style.md warns against SetOut because cobra then also prints usage on
	// errors there (cobra#1708); SilenceUsage and SilenceErrors are on, so
	// only requested output reaches them: help and scripts on stdout.
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	// cobra adds `completion bash|zsh|fish|powershell` only when executing;
	// adding it here puts it in the generated docs too. It binds the scripts'
	// writer when created, so the streams are set first.
	root.InitDefaultCompletionCmd()
	return root
}

// helpWidth is the widest line --help prints outside its examples.
const helpWidth = 80

// annotStopIsSuccess marks a command for which Ctrl-C (or SIGTERM) is the
// normal way to stop (listen): when it returns nil after the signal, the
// exit code is 0, not 130.
const annotStopIsSuccess = "zegocb/stop-is-success"

// commands lists the subcommands; each lives in its own file.
func commands(f *Factory) []*cobra.Command {
	return []*cobra.Command{
		newSendCmd(f, nil),
		newProbeCmd(f, nil),
		newVersionCmd(f),
		newEventsCmd(f, nil),
		newSignCmd(f, nil),
		newListenCmd(f, nil),
		newVerifyCmd(f, nil),
		newDecodeCmd(f, nil),
		newReplayCmd(f, nil),
		newScenarioCmd(f, nil),
		newInspectCmd(f, nil),
	}
}

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := build.Get()
			if f.JSON() {
				return ui.WriteJSONLine(f.IO.Out, info)
			}
			commit := info.Commit
			if len(commit) > 12 {
				commit = commit[:12]
			}
			parts := []string{"zegocb " + info.Version}
			if commit != "" {
				parts = append(parts, "commit "+commit)
			}
			if info.Date != "" {
				parts = append(parts, "built "+info.Date)
			}
			if info.Go != "" {
				parts = append(parts, info.Go)
			}
			_, err := fmt.Fprintln(f.IO.Out, strings.Join(parts, ", "))
			return err
		},
	}
}

// noArgs is cobra.NoArgs with a FlagError.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return flagErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// maxArgs is cobra.MaximumNArgs with a FlagError.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return flagErrorf("%s takes at most %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// exactArgs is cobra.ExactArgs with a FlagError.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return flagErrorf("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}
