// Package inspect is zegocb's interactive inspector (bubbletea): a live
// list of callbacks, a detail pane (pretty JSON with JSON-in-strings
// expanded and enum meanings, the headers, the raw body), a filter, a jump
// to failures, replay, and a curl export. `zegocb inspect FILE` opens it on
// a capture file (NewFileSource) and `zegocb listen --ui` on live traffic
// (NewFeed).
//
// It writes only to Options.Output, through the bubbletea program, and
// shows no secret: a signature verdict and its reason only.
package inspect

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/ui"
)

// DefaultMaxEvents is how many entries the inspector keeps by default.
const DefaultMaxEvents = 10000

// Options configure the inspector.
type Options struct {
	// Source delivers the entries (required).
	Source Source
	// Input and Output are the terminal the program runs on (Run only; nil:
	// bubbletea's defaults, stdin and stdout).
	Input  io.Reader
	Output io.Writer
	// Color turns colour on; the caller decides it (internal/ui: --color,
	// NO_COLOR, CLICOLOR_FORCE, TTY). Off, the output has no colour at all.
	Color bool
	// MaxEvents is how many entries are kept; older ones leave the view
	// (0: DefaultMaxEvents). The UI says so.
	MaxEvents int
	// Catalog labels events (nil: callback.Default()).
	Catalog *callback.Catalog
	// Secret checks the signatures of capture records and scrubs headers
	// that contain it. It is never shown. Empty: records are "unchecked"
	// (live events carry listen's own verdict).
	Secret string
	// ReplayURL is where `r` replays (listen's --forward-to); empty: `r`
	// asks for a URL. `R` always asks.
	ReplayURL string
	// Replay delivers a replay (send's delivery or the replay engine); nil:
	// `r` says replay is not available.
	Replay Replayer
	// CurlDir is where `c` writes curl commands ("" : the current directory).
	CurlDir string
	// Location is the time zone of the times shown (nil: time.Local).
	Location *time.Location
	// AltScreen runs the program on the terminal's alternate screen (Run only).
	AltScreen bool
}

// ReplayRequest is one captured callback to deliver again, byte-exact.
type ReplayRequest struct {
	URL    string
	Method string // as captured; POST when unknown
	Path   string // the captured path (for information; URL is the target)
	// Header holds the captured headers (scrubbed); a replayer normally
	// sends only Content-Type.
	Header map[string][]string
	Body   []byte
	Event  string
	Seq    int
}

// ContentType is the captured Content-Type, if any.
func (r ReplayRequest) ContentType() string {
	for k, v := range r.Header {
		if http.CanonicalHeaderKey(k) == "Content-Type" && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// ReplayResult is the answer to a replay.
type ReplayResult struct {
	Status   int    // 0 when there was no answer
	Body     string // the answer's body (the inspector shows an excerpt)
	Latency  time.Duration
	Attempts int    // how many attempts the replayer made (0: not said)
	Err      string // why there was no answer, or why it gave up
}

// OK reports whether the replay was answered 2xx.
func (r ReplayResult) OK() bool { return r.Err == "" && r.Status >= 200 && r.Status <= 299 }

// Replayer delivers req and reports the answer. It runs outside the UI
// loop and must honour ctx.
type Replayer func(ctx context.Context, req ReplayRequest) ReplayResult

// ReplayState is an entry's last replay.
type ReplayState struct {
	URL     string
	Pending bool
	Result  ReplayResult
}

// DefaultReplayTimeout bounds each replay attempt of DeliverReplayer when
// opts.Timeout is zero.
const DefaultReplayTimeout = 10 * time.Second

// DeliverReplayer is a Replayer on send's delivery engine: it POSTs the
// body with its Content-Type, retrying on opts.Schedule (nil: once), each
// attempt bounded by opts.Timeout (0: DefaultReplayTimeout).
func DeliverReplayer(opts deliver.Options) Replayer {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultReplayTimeout
	}
	return func(ctx context.Context, req ReplayRequest) ReplayResult {
		h := http.Header{}
		if ct := req.ContentType(); ct != "" {
			h.Set("Content-Type", ct)
		}
		method := req.Method
		if method == "" {
			method = http.MethodPost
		}
		res, err := deliver.Deliver(ctx, deliver.Request{Method: method, URL: req.URL, Header: h, Body: req.Body}, opts)
		if res == nil || len(res.Attempts) == 0 {
			msg := "not sent"
			if err != nil {
				msg = err.Error()
			}
			return ReplayResult{Err: msg}
		}
		a := res.Last()
		out := ReplayResult{Status: a.Status, Body: string(a.Body), Latency: a.Latency, Attempts: len(res.Attempts)}
		if a.Status == 0 {
			out.Err = a.Reason
			if out.Err == "" && a.Err != nil {
				out.Err = a.Err.Error()
			}
		}
		return out
	}
}

// Run shows the inspector until the user quits or ctx ends. It returns
// ctx's error when ctx ended it. It installs no signal handler: the
// caller's ctx is to end on SIGINT and SIGTERM.
func Run(ctx context.Context, opts Options) error {
	if opts.Source == nil {
		return errors.New("inspect: no source")
	}
	// Nothing may ask the terminal anything once bubbletea owns it: the
	// answer would be read as keys while termenv waits 5 s for it. The
	// inspector's colours are fixed (no adaptive colours) and its renderer
	// has an explicit profile; the default renderer (bubbles' components)
	// is told its background instead of finding out.
	lipgloss.SetHasDarkBackground(true)
	// SIGINT and SIGTERM end ctx (the caller's signal.NotifyContext), not
	// bubbletea's own handler: with both, a signal that arrives as ctx ends
	// leaves bubbletea's handler blocked sending to a loop that has
	// stopped, and Run never returns (bubbletea v1.3.5). On a terminal
	// Ctrl-C is a key anyway.
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	if opts.AltScreen {
		popts = append(popts, tea.WithAltScreen())
	}
	_, err := tea.NewProgram(NewModel(ctx, opts), popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return ui.GroupDigits(n) + " " + many
}
