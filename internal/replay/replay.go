// Package replay delivers captured callbacks again: the capture records
// `zegocb listen --save` writes, or callback bodies (JSON lines, single JSON
// or form files, directories, a stream). It selects what to send (lines,
// events, rooms, received time, failed answers), sends each callback
// byte-exact or re-stamped and re-signed, in the original order, optionally
// keeping the original gaps, with a pool of workers, a rate cap and ZEGO's
// retry schedule, and reports one Result per delivery and a Summary.
//
// Input is streamed through bounded buffers, so memory stays flat however
// long the capture is. A first pass, on every core, decodes and validates
// everything and counts the selection (nothing is sent when the input is
// unusable); it writes its decisions to a temporary spool (spool.go). The
// delivery pass reads the spool and takes each selected body out of its
// line again, by offset, without decoding anything else.
//
// It never prints; the `zegocb replay` command renders what Run reports.
//
// replay.go holds the API (Options, Input, Plan, the errors) and Run;
// mode.go decides each payload's mode, deliver.go sends (evloop.go on
// the event loop: plain http:// on Linux without timing or a rate cap;
// conn.go is a worker's connection otherwise), judge.go checks the answers
// and result.go holds what a run reports.
package replay

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/input"
)

// DefaultMaxSize is the largest payload (line, or whole file) read.
const DefaultMaxSize = 1 << 20

// Mode is how a callback is delivered.
type Mode uint8

const (
	// ModeAuto (the default): byte-exact when the captured signature
	// verifies with the configured secret, else re-stamped. Without a
	// secret nothing can be checked or re-signed: byte-exact.
	ModeAuto Mode = iota
	// ModeExact sends the original body and content type, as captured.
	ModeExact
	// ModeRestamp sends a fresh timestamp and nonce, re-signed (see Restamp).
	ModeRestamp
)

func (m Mode) String() string {
	return [...]string{"auto", "byte-exact", "re-stamped"}[m]
}

// Input is one thing to read: a path (file or directory), or a named
// reader (stdin).
type Input struct {
	Path   string
	Reader io.Reader // when set, read as one stream named Name
	Name   string
}

// Options configure a run. URL is required unless DryRun.
type Options struct {
	URL string
	// Header is added to every request (e.g. User-Agent). The captured
	// Content-Type always wins over a Content-Type here.
	Header  http.Header
	Catalog *callback.Catalog // nil: callback.Default()
	// Secret is the callback secret: it checks captured signatures and
	// signs re-stamped callbacks. "" means byte-exact only.
	Secret string
	Mode   Mode
	// AllowUnknown replays events the catalog does not know (byte-exact:
	// they cannot be re-stamped) instead of refusing the input.
	AllowUnknown bool
	Select       Selection

	// PreserveTiming keeps the captured gaps between received times,
	// divided by Speed (2 plays twice as fast; 0 means 1). Every selected
	// payload must then be a capture record.
	PreserveTiming bool
	Speed          float64
	// Concurrency is the number of deliveries in flight (default 1); one
	// waiting for its retry counts. They start in the original order;
	// results arrive as they finish.
	Concurrency int
	// Rate caps deliveries started per second (0: no cap).
	Rate float64

	// Retry re-sends a callback whose delivery failed on its family's retry
	// profile (ZEGO's 2, 4, 8, 16, 32 s); false sends each once.
	Retry      bool
	RetryScale float64       // multiplies the retry gaps (0 means 1)
	Timeout    time.Duration // per attempt (default 10s)
	// Strict makes a 2xx answer with a body other than the documented one
	// (`1` for record) a failure instead of a warning.
	Strict bool

	// DryRun builds every request (re-stamping included) and reports it
	// without sending.
	DryRun bool
	// MaxSize is the payload limit in bytes (DefaultMaxSize when 0).
	MaxSize int

	// TLS configures https URLs (nil: the system's roots).
	TLS *tls.Config
	// Client, when set, sends every request (for a wire dump, say). When
	// nil, the fast paths: on Linux, plain http:// without PreserveTiming
	// or Rate, one event loop drives Concurrency kept-alive connections;
	// otherwise each worker speaks HTTP/1.1 over its own kept-alive
	// connection, or through a shared net/http Transport when a proxy
	// applies to URL. Neither follows redirects: a redirect is an answer.
	Client *http.Client
	// Now and Nonce are the time and nonce a re-stamped callback carries
	// (time.Now and a fresh 19-digit nonce by default; tests fix them).
	// Scheduling and latencies always use the real clock.
	Now   func() time.Time
	Nonce func() string
	// TempDir holds the spool, deleted when Run returns ("": os.TempDir()).
	// It takes a few dozen bytes per selected callback, plus the bodies of
	// the input's first 64 MiB, of a stream (stdin) or of a pretty-printed
	// file.
	TempDir string

	// OnPlan, when set, is called once after validation, before the first
	// request. Returning an error stops the run with that error.
	OnPlan func(Plan) error
	// OnAttempt, when set, is called after every attempt, from the
	// delivering goroutines (concurrently when Concurrency > 1).
	OnAttempt func(d *Delivery, a deliver.Attempt)

	// spoolInline is the budget of input whose selected bodies are
	// spooled inline (0: spoolInline; < 0: none). A test hook.
	spoolInline int
	// noLoop keeps the run off the event loop (evloop.go), a test hook:
	// tests compare the paths.
	noLoop bool
}

// Delivery identifies the callback an attempt belongs to.
type Delivery struct {
	Seq   int // 1-based position in the selection (the order deliveries start in)
	File  string
	Line  int
	Event string
	Mode  Mode // ModeExact or ModeRestamp
}

// Plan is what validation found, reported before anything is sent.
type Plan struct {
	Files    []string // the files read, directories expanded ("stdin" for a stream)
	Payloads int      // payloads read
	Selected int
	// ByteExact and Restamped split Selected by delivery mode; Reasons
	// counts the selected callbacks by their ModeReason.
	ByteExact, Restamped int
	Reasons              map[string]int
	// Span is the received time of the last selected record minus the
	// first's; with PreserveTiming the replay lasts about Span/Speed.
	Span time.Duration
	// Validation is how long the validation pass took.
	Validation time.Duration
}

// InputError is input that cannot be replayed: unreadable, torn, of an
// unknown capture-record version, not a callback, an unknown event. Nothing
// was sent. Exit 2.
type InputError struct {
	File string
	Line int // 0: the whole file
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// EmptySelectionError is a selection that matched nothing. Nothing was
// sent. Exit 2.
type EmptySelectionError struct {
	Selection string // the criteria, as flags
	Payloads  int    // how many payloads were read
	Files     []string
	Hint      string // why, when it can be told
}

func (e *EmptySelectionError) Error() string {
	where := "the input"
	if len(e.Files) == 1 {
		where = e.Files[0]
	}
	msg := fmt.Sprintf("%s matches none of the %d callbacks in %s", e.Selection, e.Payloads, where)
	if e.Selection == "" {
		msg = where + " holds no callbacks"
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// OptionError is a contradictory or impossible set of options. Exit 2.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

func (o *Options) defaults() error {
	if o.Catalog == nil {
		o.Catalog = callback.Default()
	}
	if o.Speed == 0 {
		o.Speed = 1
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Nonce == nil {
		o.Nonce = callback.NewNonce
	}
	if !o.DryRun {
		if o.URL == "" {
			return &OptionError{Msg: "no URL to replay to"}
		}
		u, err := url.Parse(o.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &OptionError{Msg: "URL " + strconv.Quote(o.URL) + ": want an http:// or https:// URL with a host"}
		}
	}
	switch {
	case o.Speed < 0:
		return &OptionError{Msg: "speed must be positive"}
	case o.Rate < 0:
		return &OptionError{Msg: "rate must be positive"}
	case o.Mode == ModeRestamp && o.Secret == "":
		return &OptionError{Msg: "re-stamping signs with the callback secret: set ZEGO_CALLBACK_SECRET or --secret-file"}
	}
	return CheckEvents(o.Catalog, o.Select.Events)
}

// Run validates the inputs, then delivers the selected callbacks and calls
// emit once per delivery, from one goroutine at a time, in the order they
// finish (the original order with Concurrency 1). It returns the summary
// and: an *OptionError, *InputError or *EmptySelectionError before anything
// is sent; ctx's error when interrupted; or emit's error, which stops the
// run. Failed deliveries are not errors: see Summary.
func Run(ctx context.Context, opts Options, inputs []Input, emit func(*Result) error) (Summary, error) {
	var sum Summary
	if err := opts.defaults(); err != nil {
		return sum, err
	}
	if len(inputs) == 0 {
		return sum, &OptionError{Msg: "nothing to replay: give a FILE, a directory or - for stdin"}
	}
	files, err := expand(inputs)
	if err != nil {
		return sum, err
	}
	r := &run{opts: &opts, files: files, emit: emit}
	defer r.cleanup()

	vstart := time.Now()
	plan, err := r.validate(ctx)
	plan.Validation = time.Since(vstart)
	sum.Plan = plan
	if err != nil {
		return sum, err
	}
	if opts.OnPlan != nil {
		if err := opts.OnPlan(plan); err != nil {
			return sum, err
		}
	}
	err = r.deliverAll(ctx, &sum)
	return sum, err
}

// run is one Run's state.
type run struct {
	opts  *Options
	files []Input
	spool *os.File // the validated selection (spool.go)
	emit  func(*Result) error
}

func (r *run) cleanup() {
	if r.spool != nil {
		name := r.spool.Name()
		r.spool.Close()
		os.Remove(name)
	}
}

func (r *run) name(i int) string {
	if r.files[i].Reader != nil {
		return r.files[i].Name
	}
	return r.files[i].Path
}

// open returns file i to read, and how to close it.
func (r *run) open(i int) (io.Reader, func(), error) {
	in := r.files[i]
	if in.Reader != nil {
		return in.Reader, func() {}, nil
	}
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, nil, &InputError{File: in.Path, Msg: input.DescribeOpenError(err)}
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, nil, &InputError{File: in.Path, Msg: "is a directory"}
	}
	return f, func() { f.Close() }, nil
}
