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
package replay

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/input"
	"github.com/zegocb/zegocb/internal/signature"
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
	// Concurrency is the number of deliveries in flight (default 1). They
	// start in the original order; results arrive as they finish.
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
	// nil each worker speaks HTTP/1.1 over its own kept-alive connection,
	// the fast path, or through a shared net/http Transport when a proxy
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

// Outcome is how a delivery ended.
type Outcome uint8

const (
	Delivered   Outcome = iota // accepted (2xx, and the documented body)
	Warned                     // accepted, but the answer is not what ZEGO's docs ask for
	Rejected                   // answered, never accepted (after every retry)
	Unreachable                // never answered: connection refused, timeout... (after every retry)
	DryRun                     // not sent (Options.DryRun)
)

func (o Outcome) String() string {
	return [...]string{"delivered", "warned", "rejected", "unreachable", "dry-run"}[o]
}

// Result is one delivery. Request and Attempts share memory with the run:
// they are only valid during the emit call.
type Result struct {
	Delivery
	Room string
	// ModeReason says why this mode: "signature verifies", ...
	ModeReason string
	// Stamp is what re-stamping wrote (zero for byte-exact).
	Stamp Stamp
	// Received is the capture's received time (zero for a body).
	Received time.Time
	// Scheduled is when the delivery was due, from the run's start (the
	// captured gap with PreserveTiming, the --rate slot), and Started when
	// its first attempt began.
	Scheduled, Started time.Duration

	Outcome  Outcome
	Attempts int
	Status   int           // the last attempt's HTTP status, 0 when unanswered
	Latency  time.Duration // the last attempt's
	// Answer is the start of the last answer's body (up to AnswerExcerpt
	// bytes, cut at a UTF-8 boundary); AnswerBytes its full length.
	Answer      string
	AnswerBytes int
	// Error is the reason of the last attempt's verdict when not accepted,
	// or a transport error in words ("connection refused").
	Error string

	Request    *deliver.Request
	AttemptLog []deliver.Attempt
}

// AnswerExcerpt is how much of an answer's body a Result keeps.
const AnswerExcerpt = 200

// Summary counts a run. Elapsed and Throughput cover the deliveries, from
// the first to the last (Plan.Validation is the pass before them).
type Summary struct {
	Plan
	Done                         int // deliveries finished (every outcome)
	Delivered, Warned            int
	Rejected, Unreachable        int
	Attempts                     int
	Elapsed                      time.Duration
	Latency                      LatencyStats
	SentByteExact, SentRestamped int
	FirstFailure                 string // "file:line: reason" of the first failed delivery
	firstFailSeq                 int
	lat                          histogram
}

// Throughput is finished deliveries per second of Elapsed.
func (s *Summary) Throughput() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done) / s.Elapsed.Seconds()
}

// OK reports whether every selected callback was delivered (with or
// without a warning).
func (s *Summary) OK() bool { return s.Rejected == 0 && s.Unreachable == 0 }

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

// selected is a payload the selection takes, and how it is sent.
type selected struct {
	e      *entry
	mode   Mode
	reason string
}

// classify decodes one payload and decides whether it is selected and how
// it is sent. Structural errors are reported for every payload; a body
// that is not a known callback only when it is selected.
func (r *run) classify(d *decoder, file string, it item, e *entry) (*selected, error) {
	o := r.opts
	if err := d.frame(file, it, e); err != nil {
		return nil, err
	}
	if !o.Select.matchFrame(e) {
		return nil, nil
	}
	if err := d.payload(e); err != nil {
		if o.Select.needsPayload() {
			return nil, nil // not a callback: no event or room to match
		}
		return nil, err
	}
	if !o.Select.matchPayload(e.spec, e.name, e.room) {
		return nil, nil
	}
	if e.spec == nil && !o.AllowUnknown {
		msg := "no event field: not a ZEGO callback"
		if e.name != "" {
			msg = "unknown event " + strconv.Quote(e.name)
			if h := o.Catalog.QualifiedHint(e.name); h != "" {
				msg += " (" + h + ")"
			} else if s := o.Catalog.Suggest(e.name, 1); len(s) > 0 {
				msg += " (did you mean " + s[0] + "?)"
			}
		}
		return nil, &InputError{File: file, Line: e.line, Msg: msg + "; --allow-unknown replays it byte-exact"}
	}
	if o.PreserveTiming && !e.record {
		return nil, &InputError{File: file, Line: e.line, Msg: "a callback body has no received time: --preserve-timing replays capture records (listen --save) only"}
	}
	mode, reason, err := r.decideMode(e)
	if err != nil {
		return nil, err
	}
	return &selected{e: e, mode: mode, reason: reason}, nil
}

// Mode reasons, stable texts (Plan.Reasons counts by them).
const (
	ReasonAsked         = "as asked"
	ReasonVerifies      = "the captured signature verifies"
	ReasonNoSecret      = "no secret configured: the signature can be neither checked nor re-made"
	ReasonUnknownEvent  = "unknown event: cannot be re-stamped"
	reasonNotVerifyHead = "the captured signature does not verify"
)

// decideMode applies Options.Mode to one selected payload.
func (r *run) decideMode(e *entry) (Mode, string, error) {
	o := r.opts
	if e.reencoded {
		return r.reencodedMode(e)
	}
	switch {
	case o.Mode == ModeExact:
		return ModeExact, ReasonAsked, nil
	case o.Mode == ModeRestamp:
		if e.spec == nil {
			return 0, "", &InputError{File: e.file, Line: e.line, Msg: "cannot re-stamp event " + strconv.Quote(e.name) + ": the catalog does not know its signature fields"}
		}
		return ModeRestamp, ReasonAsked, nil
	case o.Secret == "":
		return ModeExact, ReasonNoSecret, nil
	}
	res := signature.Check(callback.SignatureInput(e.spec, e.p, o.Secret))
	if res.OK() {
		return ModeExact, ReasonVerifies, nil
	}
	if e.spec == nil {
		return ModeExact, ReasonUnknownEvent, nil
	}
	return ModeRestamp, reasonNotVerifyHead + " (" + string(res.Reason) + ")", nil
}

// job is one selected callback on its way to a worker.
type job struct {
	Delivery
	room        string
	reason      string
	spec        *callback.Event
	method      string
	contentType string
	received    time.Time
	scheduled   time.Duration
	buf         *[]byte // the body, pooled
}

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// deliverAll is the second pass: read the validated selection back from
// the spool, wait for each callback's slot, hand it to a worker.
func (r *run) deliverAll(ctx context.Context, sum *Summary) error {
	o := r.opts
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	u, _ := url.Parse(o.URL) // checked by defaults
	// senderFor returns a worker's way of sending and what to do when it
	// stops: its own connection (the fast path), or o.Client, or a
	// net/http Transport shared by all workers when a proxy applies.
	var shared *http.Transport
	senderFor := func() (sender, func()) {
		switch {
		case o.DryRun:
			return sender{}, func() {}
		case o.Client != nil:
			return sender{client: o.Client}, func() {}
		}
		if c := newConn(u, o.Timeout, o.TLS); c != nil {
			return sender{send: c.send}, c.stop
		}
		return sender{client: &http.Client{Transport: shared, CheckRedirect: noRedirect}}, func() {}
	}
	if o.Client == nil && !o.DryRun {
		shared = newTransport(o.Concurrency, o.Timeout, o.TLS)
		defer shared.CloseIdleConnections()
	}
	// A little buffer lets the reader run ahead of the workers (fewer
	// hand-offs); every buffered job is already due.
	jobs := make(chan *job, o.Concurrency)
	var (
		mu      sync.Mutex // serialises emit and the summary
		emitErr error
		wg      sync.WaitGroup
	)
	start := time.Now()
	sum.lat = newHistogram()
	report := func(res *Result) {
		mu.Lock()
		defer mu.Unlock()
		sum.add(res)
		if emitErr == nil && r.emit != nil {
			if err := r.emit(res); err != nil {
				emitErr = err
				cancel()
			}
		}
	}
	for w := 0; w < o.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snd, done := senderFor()
			defer done()
			wk := &worker{r: r, sender: snd, start: start, headers: map[string]http.Header{}}
			for j := range jobs {
				res := wk.deliver(ctx, j)
				report(res)
				*j.buf = (*j.buf)[:0]
				if cap(*j.buf) <= 64<<10 {
					bodyPool.Put(j.buf)
				}
			}
		}()
	}

	seq := 0
	keep := interner{}
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	readErr := func() error {
		if _, err := r.spool.Seek(0, io.SeekStart); err != nil {
			return spoolErr(err)
		}
		sr := &spoolReader{br: bufio.NewReaderSize(r.spool, 64<<10)}
		lines := &lineReader{r: r, d: &decoder{cat: o.Catalog}}
		defer lines.close()
		var e spoolEntry
		for {
			if err := sr.next(&e); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			body := e.body
			if !e.inline {
				b, err := lines.body(&e)
				if err != nil {
					return err
				}
				body = b
			}
			due := time.Duration(0)
			if o.PreserveTiming {
				if first.IsZero() {
					first = e.received
				}
				if gap := e.received.Sub(first); gap > 0 {
					due = time.Duration(float64(gap) / o.Speed)
				}
			}
			if o.Rate > 0 {
				if slot := time.Duration(float64(seq) / o.Rate * float64(time.Second)); slot > due {
					due = slot
				}
			}
			seq++
			if wait := due - time.Since(start); due > 0 && wait > 0 {
				timer.Reset(wait)
				select {
				case <-ctx.Done():
					timer.Stop()
					return ctx.Err()
				case <-timer.C:
				}
			}
			bp := bodyPool.Get().(*[]byte)
			*bp = append((*bp)[:0], body...)
			// The entry's bytes are the reader's: the job keeps copies
			// (recurring values shared).
			name := keep.get(input.UnsafeString(e.event))
			spec, _ := o.Catalog.Lookup(name)
			if spec != nil {
				name = spec.Ref
			}
			j := &job{
				Delivery:    Delivery{Seq: seq, File: r.name(e.file), Line: e.line, Event: name, Mode: e.mode},
				room:        string(e.room),
				reason:      keep.get(input.UnsafeString(e.reason)),
				spec:        spec,
				method:      keep.get(input.UnsafeString(e.method)),
				contentType: keep.get(input.UnsafeString(e.ctype)),
				received:    e.received,
				scheduled:   due,
				buf:         bp,
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}()
	close(jobs)
	wg.Wait()
	sum.Elapsed = time.Since(start)
	sum.finish()
	if emitErr != nil {
		return emitErr
	}
	return readErr
}

// interner keeps one copy of each of a few recurring strings (methods,
// content types, unknown event names); past its size it just copies.
type interner map[string]string

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if len(in) < 64 {
		in[v] = v
	}
	return v
}

// contentTypeOf is the captured Content-Type, else the one the body's
// format calls for.
func contentTypeOf(e *entry) string {
	if e.contentType != "" {
		return e.contentType
	}
	if e.p != nil {
		return e.p.Format.ContentType()
	}
	return callback.Detect(e.body, "").ContentType()
}

// sender is how a worker sends: send (deliver.Options.Send) or client.
type sender struct {
	send   func(context.Context, *deliver.Request) (int, http.Header, []byte, error)
	client *http.Client
}

// worker delivers jobs one at a time.
type worker struct {
	r *run
	sender
	start   time.Time
	headers map[string]http.Header // per content type, built once
	events  map[*callback.Event]eventKit
}

// eventKit is what a worker builds once per event: its response check and
// retry schedule.
type eventKit struct {
	judge    func(int, []byte, time.Duration) (deliver.Verdict, string)
	schedule []time.Duration
}

func (w *worker) kit(spec *callback.Event) eventKit {
	if k, ok := w.events[spec]; ok {
		return k
	}
	k := eventKit{judge: judgeFor(spec, w.r.opts.Strict), schedule: retryProfile(spec)}
	if w.events == nil {
		w.events = map[*callback.Event]eventKit{}
	}
	w.events[spec] = k
	return k
}

func (w *worker) header(ct string) http.Header {
	if h, ok := w.headers[ct]; ok {
		return h
	}
	h := w.r.opts.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", ct)
	w.headers[ct] = h
	return h
}

func (w *worker) deliver(ctx context.Context, j *job) *Result {
	o := w.r.opts
	res := &Result{Delivery: j.Delivery, Room: j.room, ModeReason: j.reason, Received: j.received, Scheduled: j.scheduled}
	body := *j.buf
	if j.Mode == ModeRestamp {
		b, st, err := Restamp(j.spec, body, j.contentType, o.Secret, o.Now(), o.Nonce())
		if err != nil { // validated already; only a file changed between passes
			res.Outcome, res.Error = Rejected, "cannot re-stamp: "+err.Error()
			return res
		}
		body, res.Stamp = b, st
	}
	req := deliver.Request{Method: j.method, URL: o.URL, Header: w.header(j.contentType), Body: body}
	res.Request = &req
	res.Started = time.Since(w.start)
	if o.DryRun {
		res.Outcome = DryRun
		return res
	}
	kit := w.kit(j.spec)
	dopts := deliver.Options{
		Client:  w.client,
		Send:    w.send,
		Timeout: o.Timeout,
		Scale:   o.RetryScale,
		Judge:   kit.judge,
	}
	if o.Retry {
		dopts.Schedule = kit.schedule
	}
	if o.OnAttempt != nil {
		d := j.Delivery
		dopts.OnAttempt = func(a deliver.Attempt) {
			if o.Secret != "" {
				maskSecret(&a, o.Secret)
			}
			o.OnAttempt(&d, a)
		}
	}
	dr, _ := deliver.Deliver(ctx, req, dopts) // its error is ctx's, seen by the caller
	if o.Secret != "" {
		for i := range dr.Attempts {
			maskSecret(&dr.Attempts[i], o.Secret)
		}
	}
	res.AttemptLog = dr.Attempts
	res.Attempts = len(dr.Attempts)
	last := dr.Last()
	res.Status, res.Latency = last.Status, last.Latency
	res.AnswerBytes = len(last.Body)
	res.Answer = excerpt(last.Body, AnswerExcerpt)
	switch {
	case last.Verdict == deliver.Accepted:
		res.Outcome = Delivered
	case last.Verdict == deliver.AcceptedWithWarning:
		res.Outcome, res.Error = Warned, last.Reason
	case last.Status != 0:
		res.Outcome, res.Error = Rejected, last.Reason
	default:
		res.Outcome, res.Error = Unreachable, last.Reason
	}
	return res
}

// MaskedSecret replaces the secret wherever an endpoint echoed it.
const MaskedSecret = "[masked]"

// maskSecret replaces the secret in an answer's headers and body, so that
// no excerpt or dump shows it.
func maskSecret(a *deliver.Attempt, secret string) {
	if bytes.Contains(a.Body, []byte(secret)) {
		a.Body = bytes.ReplaceAll(a.Body, []byte(secret), []byte(MaskedSecret))
	}
	for k, vs := range a.Header {
		for i, v := range vs {
			if strings.Contains(v, secret) {
				a.Header[k][i] = strings.ReplaceAll(v, secret, MaskedSecret)
			}
		}
	}
}

// retryProfile is spec's retry schedule (its own, else its family's; RTC's
// for an unknown event).
func retryProfile(spec *callback.Event) []time.Duration {
	if spec == nil {
		return deliver.ZEGOSchedule
	}
	return spec.RetryProfile().Durations()
}

// judgeFor is the catalog's response check, as send makes it: any 2xx; for
// a synchronous callback (ZIM before_send_msg, Mini Game) a documented JSON
// decision within the deadline; for an event whose docs ask for a body
// (record: `1`), another body is a warning, or with strict a failure.
func judgeFor(spec *callback.Event, strict bool) func(int, []byte, time.Duration) (deliver.Verdict, string) {
	return func(status int, body []byte, took time.Duration) (deliver.Verdict, string) {
		v, why := deliver.Judge2xx(status, body, took)
		if v != deliver.Accepted || spec == nil {
			return v, why
		}
		answer := spec.Answer()
		if answer.Sync != nil {
			sv := answer.Sync.Judge(body, took)
			if !sv.OK {
				return deliver.Rejected, strings.Join(sv.Problems, "; ")
			}
			return deliver.Accepted, sv.Summary
		}
		if answer.BodyOK(body) {
			return v, why
		}
		why = "answered " + strconv.Itoa(status) + " with body " + strconv.Quote(excerpt(body, 40)) + ", but the docs ask for " + strconv.Quote(answer.Body)
		if strict {
			return deliver.Rejected, why + " (strict)"
		}
		return deliver.AcceptedWithWarning, why
	}
}

// excerpt returns the first max bytes of b, cut at a UTF-8 boundary.
func excerpt(b []byte, max int) string {
	if len(b) <= max {
		return string(b)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut])
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// newTransport is a keep-alive transport with a connection per worker.
func newTransport(concurrency int, timeout time.Duration, tlsConf *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		TLSClientConfig:       tlsConf,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   timeout,
		MaxIdleConns:          concurrency + 16,
		MaxIdleConnsPerHost:   concurrency + 16,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     true,
		WriteBufferSize:       8 << 10,
		ReadBufferSize:        8 << 10,
		ExpectContinueTimeout: time.Second,
	}
}

func (s *Summary) add(res *Result) {
	s.Done++
	s.Attempts += res.Attempts
	switch res.Mode {
	case ModeRestamp:
		s.SentRestamped++
	default:
		s.SentByteExact++
	}
	switch res.Outcome {
	case Delivered:
		s.Delivered++
	case Warned:
		s.Warned++
	case Rejected:
		s.Rejected++
	case Unreachable:
		s.Unreachable++
	}
	if res.Outcome == Rejected || res.Outcome == Unreachable {
		if s.FirstFailure == "" || res.Seq < s.firstFailSeq {
			s.FirstFailure = fmt.Sprintf("%s:%d: %s", res.File, res.Line, res.Error)
			s.firstFailSeq = res.Seq
		}
	}
	if res.Attempts > 0 {
		s.lat.add(res.Latency)
	}
}

func (s *Summary) finish() { s.Latency = s.lat.stats() }
