package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

type sendOptions struct {
	F   *Factory
	Ctx context.Context

	Event string
	endpointFlags
	Sets          []string
	Unsets        []string
	Data          string
	Form          bool
	KeepTimestamp bool
	DryRun        bool
	Curl          bool
	Strict        bool
	NoRetry       bool
	RetryScale    float64

	// Load mode.
	Requests    int
	Concurrency int
	Rate        float64
	Duration    time.Duration

	// Seams for tests: sample randomness and the wait between attempts.
	Rand  *rand.Rand
	Sleep func(ctx context.Context, d time.Duration) error
}

func newSendCmd(f *Factory, runF func(*sendOptions) error) *cobra.Command {
	opts := &sendOptions{F: f}
	cmd := &cobra.Command{
		Use:   "send [EVENT] [--to URL]",
		Short: "Sign and send a realistic callback, with ZEGO's retry schedule",
		Long: `Send builds a realistic sample of EVENT from the catalog, applies your
overrides, stamps a fresh timestamp and nonce, signs it with the callback
secret and POSTs it to --to, exactly as ZEGO would.

The answer is checked as ZEGO checks it: any 2xx is success. For record, the
legacy docs also ask for the body "1"; another body is a warning (--strict
makes it a failure). On a non-2xx answer, a timeout or a connection error,
send retries on ZEGO's schedule: 2, 4, 8, 16 and 32 s after the previous
attempt (6 attempts, 62 s), re-sending the same body, then gives up.
--retry-scale 0.01 keeps the shape and makes it 100 times faster.

Without --to, send starts a built-in receiver on 127.0.0.1 (a correct
endpoint: it verifies the signature and answers 200 "1") and shows both sides
of the round trip. With no secret configured it signs with an ephemeral one.

Load mode (-n, -c, --rate, --duration) sends N distinct callbacks (a fresh
nonce and signature each) with C workers and reports throughput, status
counts and latency percentiles. Load mode makes no retries.

Output: progress on stderr; the result on stdout (a timeline of attempts when
there was more than one). -o json prints one result object:
  {event, url, builtin_receiver, format, content_type, request_bytes,
   timestamp, nonce, signature, outcome, delivered, attempts: [{attempt,
   offset_ms, status, latency_ms, body, body_bytes, verdict, reason, error}],
   receiver: [{seq, event, signature, delivery, status, answer, problems}]}
outcome is delivered, delivered_with_warning, gave_up or unreachable.
In load mode: {event, url, requests, concurrency, rate, elapsed_ms,
   throughput_rps, ok, failed, status_counts, errors, body_mismatch,
   latency_ms: {min, mean, p50, p90, p99, max}, histogram: [{le_ms, count}]}.

Exit status: 0 delivered (also with a warning), 1 the endpoint answered but
never with a 2xx (or a wrong body with --strict), 2 bad usage, 3 the endpoint
could not be reached at all.`,
		Example: `  zegocb send mix_start                                   # round trip via the built-in receiver
  zegocb send stream_create --to http://localhost:3000/zego
  zegocb send record --to $URL --set stream_alias=cam-7 --strict
  zegocb send --data captured.json --to $URL           # re-sign and re-send a capture
  zegocb send stream_close --to $URL --form --retry-scale 0.01
  zegocb send room_login --curl                            # print a signed curl command
  zegocb send stream_create --to $URL -n 5000 -c 32        # load test`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Event = args[0]
			}
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runSend(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "endpoint `URL` (default: a built-in receiver on 127.0.0.1)")
	fl.StringArrayVar(&opts.Sets, "set", nil, "set a field: `field=value` (repeatable; typed as the catalog documents; field= sets it empty)")
	fl.StringArrayVar(&opts.Unsets, "unset", nil, "remove a `field` (repeatable)")
	fl.StringVar(&opts.Data, "data", "", "base payload from `FILE` (- for stdin): JSON, form or UrlEncoded JSON; its event field may name the EVENT")
	fl.BoolVar(&opts.Form, "form", false, "send as POST/FORM (application/x-www-form-urlencoded; arrays as repeated keys)")
	fl.BoolVar(&opts.KeepTimestamp, "keep-timestamp", false, "keep the timestamp of --data instead of stamping the current time")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Second, "time to wait for each answer")
	fl.StringArrayVarP(&opts.Headers, "header", "H", nil, "extra request header `'Key: Value'` (repeatable)")
	fl.BoolVar(&opts.Insecure, "insecure", false, "do not verify the endpoint's TLS certificate")
	fl.StringVar(&opts.CACert, "cacert", "", "trust the CA certificates in PEM `FILE` for HTTPS endpoints")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the signed HTTP request instead of sending it")
	fl.BoolVar(&opts.Curl, "curl", false, "print an equivalent curl command instead of sending")
	fl.BoolVar(&opts.Strict, "strict", false, "treat a 2xx with the wrong body (record: not \"1\") as a failure, and retry")
	fl.BoolVar(&opts.NoRetry, "no-retry", false, "send once; do not replay ZEGO's retry schedule")
	fl.Float64Var(&opts.RetryScale, "retry-scale", 1, "multiply ZEGO's retry gaps by `F` (0.01 turns 62 s into 0.62 s)")
	fl.IntVarP(&opts.Requests, "requests", "n", 0, "load mode: send `N` distinct callbacks (no retries)")
	fl.IntVarP(&opts.Concurrency, "concurrency", "c", 0, "load mode: `C` workers (default 1)")
	fl.Float64Var(&opts.Rate, "rate", 0, "load mode: at most `R` requests per second in total")
	fl.DurationVar(&opts.Duration, "duration", 0, "load mode: send for `D` (with -n: whichever ends first)")
	return cmd
}

// loadMode reports whether load flags were given.
func (o *sendOptions) loadMode() bool { return o.Requests > 0 || o.Duration > 0 }

func (o *sendOptions) validate() error {
	switch {
	case o.DryRun && o.Curl:
		return flagErrorf("--dry-run and --curl cannot be used together")
	case o.Timeout <= 0:
		return flagErrorf("--timeout must be positive, got %s", o.Timeout)
	case o.RetryScale <= 0:
		return flagErrorf("--retry-scale must be positive, got %g", o.RetryScale)
	case o.Requests < 0 || o.Concurrency < 0 || o.Rate < 0 || o.Duration < 0:
		return flagErrorf("-n, -c, --rate and --duration cannot be negative")
	case !o.loadMode() && (o.Concurrency > 0 || o.Rate > 0):
		return flagErrorf("-c and --rate need -n N or --duration D (load mode)")
	case o.loadMode() && (o.DryRun || o.Curl):
		return flagErrorf("--dry-run and --curl print one request; drop -n/--duration")
	case o.KeepTimestamp && o.Data == "":
		return flagErrorf("--keep-timestamp keeps the timestamp of --data; give --data FILE")
	}
	if o.To != "" {
		if err := checkEndpointURL(o.To); err != nil {
			return err
		}
	}
	return nil
}

// built is a signed callback ready to send.
type built struct {
	Spec      *callback.Event
	Payload   *callback.Payload
	Format    callback.Format
	Body      []byte
	Header    http.Header
	Timestamp string
	Nonce     string
	Signature string
	// fixedTimestamp: the timestamp came from the user (load mode keeps it).
	fixedTimestamp bool
}

// buildPayload makes the base payload (sample or --data) and applies the
// non-signature overrides.
func (o *sendOptions) buildPayload() (*callback.Event, *callback.Payload, error) {
	f := o.F
	cat := f.Catalog
	var base *callback.Payload
	if o.Data != "" {
		b, _, err := f.readBody(o.Data)
		if fe := (*FlagError)(nil); errors.As(err, &fe) {
			return nil, nil, err // stdin claimed twice: a usage error of its own
		} else if err != nil {
			return nil, nil, inputErrorf("--data %v", err)
		}
		base, err = callback.Parse(b, "")
		if err != nil {
			return nil, nil, inputErrorf("--data %s: %v", o.Data, err)
		}
	}
	name := o.Event
	if name == "" && base != nil {
		k, v, ok := base.GetFold("event")
		switch {
		case !ok || v.Text == "":
			return nil, nil, inputErrorf("--data %s has no event field; name the EVENT: zegocb send EVENT --data %s", o.Data, o.Data)
		case v.Kind != callback.KindString:
			return nil, nil, inputErrorf("--data %s: field %q is a JSON %s (%.40s), want an event name", o.Data, k, v.Kind, v.Raw)
		}
		name = v.Text
		if _, ok := cat.Lookup(name); !ok {
			return nil, nil, inputErrorf("--data %s: field %q is %q, not an event zegocb knows: %s", o.Data, k, name, eventHint(cat, name))
		}
	}
	if name == "" {
		return nil, nil, flagErrorf("send needs an EVENT, e.g. `zegocb send stream_create`; `zegocb events` lists them")
	}
	spec, err := lookupEvent(cat, name)
	if err != nil {
		return nil, nil, err
	}
	if base != nil {
		if got := base.EventName(); o.Event != "" && got != "" && got != spec.Name {
			return nil, nil, flagErrorf("--data %s holds event %q but EVENT is %q: drop EVENT, or use --set %s=%s", o.Data, got, spec.Name, spec.RoleField(callback.RoleEvent).Name, spec.Name)
		}
		if err := rewrittenTwice("--data "+o.Data, base, spec.RoleField(callback.RoleTimestamp).Name,
			spec.RoleField(callback.RoleNonce).Name, spec.RoleField(callback.RoleSignature).Name); err != nil {
			return nil, nil, err
		}
	} else {
		base = spec.Sample(callback.SampleOptions{Now: f.Now(), Rand: o.Rand, AppID: f.AppID()})
	}
	return spec, base, nil
}

type setOp struct{ key, value string }

func parseSets(sets []string) ([]setOp, error) {
	var out []setOp
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, flagErrorf("--set %q: want field=value (field= sets an empty value)", s)
		}
		out = append(out, setOp{k, v})
	}
	return out, nil
}

// build makes the signed callback.
func (o *sendOptions) build(secret string) (*built, error) {
	sets, err := parseSets(o.Sets)
	if err != nil {
		return nil, err
	}
	spec, p, err := o.buildPayload()
	if err != nil {
		return nil, err
	}
	tsName := spec.RoleField(callback.RoleTimestamp).Name
	nonceName := spec.RoleField(callback.RoleNonce).Name
	sigName := spec.RoleField(callback.RoleSignature).Name

	b := &built{Spec: spec, Format: callback.FormatJSON}
	if o.Form || p.Format == callback.FormatForm {
		b.Format = callback.FormatForm
	}
	b.Timestamp = strconv.FormatInt(o.F.Now().Unix(), 10)
	if o.KeepTimestamp {
		v, ok := p.Get(tsName)
		if !ok || v.Text == "" {
			return nil, inputErrorf("--keep-timestamp: --data %s has no %s field", o.Data, tsName)
		}
		b.Timestamp, b.fixedTimestamp = v.Text, true
	}
	b.Nonce = ""
	var sigSet *setOp
	for i := range sets {
		s := sets[i]
		switch s.key {
		case tsName:
			b.Timestamp, b.fixedTimestamp = s.value, true
		case nonceName:
			b.Nonce = s.value
		case sigName:
			sigSet = &sets[i]
		default:
			if fs := spec.Field(s.key); fs != nil {
				p.Set(s.key, fs.Typed(s.value))
			} else {
				p.Set(s.key, callback.String(s.value))
			}
		}
	}
	if b.Nonce == "" {
		b.Nonce = o.F.Nonce()
	}
	spec.Stamp(p, secret, b.Timestamp, b.Nonce)
	if sigSet != nil {
		p.Set(sigName, callback.String(sigSet.value))
	}
	for _, k := range o.Unsets {
		p.Delete(k)
	}
	if v, ok := p.Get(sigName); ok {
		b.Signature = v.Text
	}
	b.Payload = p
	b.Body = p.Encode(b.Format)

	h, err := parseHeaderFlags(o.Headers)
	if err != nil {
		return nil, err
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", b.Format.ContentType())
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", zegocbUserAgent())
	}
	b.Header = h
	return b, nil
}

// defaultListenURL is where a dry run or curl command points without --to: the
// default address of `zegocb listen`.
const defaultListenURL = "http://127.0.0.1:8080/callback"

func runSend(o *sendOptions) error {
	f := o.F
	if o.Ctx == nil {
		o.Ctx = context.Background()
	}
	if err := o.validate(); err != nil {
		return err
	}
	if _, err := parseHeaderFlags(o.Headers); err != nil {
		return err
	}
	if _, err := parseSets(o.Sets); err != nil {
		return err
	}
	offline := o.DryRun || o.Curl
	builtin := o.To == "" && !offline
	secret, _, err := f.Secret()
	if err != nil {
		return err
	}
	ephemeral := false
	if secret == "" {
		if o.To != "" {
			if _, err := f.RequireSecret(); err != nil {
				return err
			}
		}
		secret, ephemeral = ephemeralSecret(), true
		if !builtin {
			f.Hintf("no callback secret configured: signing with an ephemeral one (set $%s or --secret-file to use yours)", EnvSecret)
		}
	}
	b, err := o.build(secret)
	if err != nil {
		return err
	}
	target := o.To
	if offline && target == "" {
		target = defaultListenURL
		f.Hintf("no --to: the request targets %s, where `zegocb listen` receives", defaultListenURL)
	}
	switch {
	case o.DryRun:
		return printDryRun(f, target, b)
	case o.Curl:
		return printCurl(f, target, b, o)
	}
	tlsConf, err := endpointTLS(f, &o.endpointFlags)
	if err != nil {
		return err
	}
	var rcv *builtinReceiver
	if builtin {
		rcv, err = startBuiltinReceiver(listen.Config{Catalog: f.Catalog, Secret: secret, OtherSecrets: f.OtherSecrets()}, !o.loadMode())
		if err != nil {
			return err
		}
		target = rcv.URL
		note := "no --to given"
		if ephemeral {
			note = "ephemeral secret; set $" + EnvSecret + " to use yours"
		}
		f.Progressf("%s on %s %s", f.IO.ErrStyles().Bold.Render("built-in receiver"), target, f.IO.ErrStyles().Faint.Render("("+note+")"))
	}
	if o.loadMode() {
		err := runLoad(o, target, b, secret, tlsConf)
		if rcv != nil {
			rcv.stop()
		}
		return err
	}
	return o.deliverOne(target, b, secret, tlsConf, rcv)
}

// judge is the catalog's response check.
func (o *sendOptions) judge(spec *callback.Event) func(int, []byte) (deliver.Verdict, string) {
	return func(status int, body []byte) (deliver.Verdict, string) {
		if v, why := deliver.Judge2xx(status, body); v != deliver.Accepted {
			return v, why
		}
		if !spec.Response.BodyOK(body) {
			got := strings.TrimSpace(string(body))
			why := fmt.Sprintf("body is %s, legacy %s docs ask for %q", strconv.Quote(clip(oneLine(got), 24+len(markCut), markCut)), spec.Name, spec.Response.Body)
			if o.Strict {
				return deliver.Rejected, why + " (--strict)"
			}
			return deliver.AcceptedWithWarning, why
		}
		return deliver.Accepted, ""
	}
}

func (o *sendOptions) deliverOne(target string, b *built, secret string, tlsConf *tls.Config, rcv *builtinReceiver) error {
	f := o.F
	es := f.IO.ErrStyles()
	schedule := deliver.ZEGOSchedule
	if o.NoRetry {
		schedule = nil
	}
	total := len(schedule) + 1
	to := " to " + target
	if rcv != nil {
		to = ""
	}
	f.Progressf("%s POST %s%s %s", es.Accent.Render("→"), es.Event.Render(b.Spec.Name), to, es.Faint.Render("("+formatLabel(b.Format)+", "+sizeText(len(b.Body))+", signed)"))
	if f.Global.Verbose {
		wireDumpRequest(f, target, b, secret)
	}
	sleep := o.Sleep
	if sleep == nil {
		sleep = o.countdown(total)
	}
	client := endpointClient(tlsConf, secret)
	defer client.CloseIdleConnections() // no kept-alive connection outlives the send
	dopts := deliver.Options{
		Client:   client,
		Schedule: schedule,
		Scale:    o.RetryScale,
		Timeout:  o.Timeout,
		Judge:    o.judge(b.Spec),
		Now:      f.Now,
		Sleep:    sleep,
		OnAttempt: func(a deliver.Attempt) {
			f.Progressf("  %s", attemptLine(es, a, total))
			if f.Global.Verbose {
				wireDumpResponse(f, a, secret)
			}
		},
	}
	res, derr := deliver.Deliver(o.Ctx, deliver.Request{URL: target, Header: b.Header, Body: b.Body}, dopts)
	var seen []listen.Event
	if rcv != nil {
		seen = rcv.stop()
	}
	if err := o.renderResult(target, b, res, seen, rcv != nil); err != nil {
		return err
	}
	if rcv != nil && res.Delivered && !f.JSON() {
		f.Hintf("next: zegocb send %s --to https://your.app/zego/callback, or zegocb probe --to … to test your endpoint", b.Spec.Name)
	}
	switch {
	case derr != nil:
		return ErrInterrupted
	case res.Delivered:
		return nil
	case res.Answered():
		return ErrCheckFailed
	}
	return &TransportError{Err: fmt.Errorf("could not reach %s: %s (%s)", target, res.Last().Reason, attemptsSpan(res))}
}

func attemptsSpan(res *deliver.Result) string {
	n := len(res.Attempts)
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts over %s", n, offsetText(res.Last().Offset)[1:])
}

func formatLabel(f callback.Format) string {
	if f == callback.FormatForm {
		return "form"
	}
	return "JSON"
}

// attemptLine is one progress line: #1  200  0.9ms  "1" (1 B)  ok
func attemptLine(s *ui.Styles, a deliver.Attempt, total int) string {
	n := fmt.Sprintf("#%d/%d", a.N, total)
	if a.Status == 0 {
		return fmt.Sprintf("%s  %s  %s  %s", n, s.Fail.Render("no answer"), latencyText(a.Latency), a.Reason)
	}
	line := fmt.Sprintf("%s  %s  %s  %s", n, s.Status(a.Status).Render(strconv.Itoa(a.Status)), latencyText(a.Latency), answerExcerpt(a.Body, 40))
	switch a.Verdict {
	case deliver.AcceptedWithWarning:
		line += "  " + s.Warn.Render("warn") + " " + a.Reason
	case deliver.Rejected:
		line += "  " + s.Fail.Render("fail") + " " + a.Reason
	}
	return line
}

// sendJSON is the -o json result of a single delivery.
type sendJSON struct {
	Event           string            `json:"event"`
	URL             string            `json:"url"`
	BuiltinReceiver bool              `json:"builtin_receiver"`
	Format          string            `json:"format"`
	ContentType     string            `json:"content_type"`
	RequestBytes    int               `json:"request_bytes"`
	Timestamp       string            `json:"timestamp"`
	Nonce           string            `json:"nonce"`
	Signature       string            `json:"signature"`
	Outcome         string            `json:"outcome"`
	Delivered       bool              `json:"delivered"`
	Attempts        []attemptJSON     `json:"attempts"`
	Receiver        []receiverJSONRow `json:"receiver,omitempty"`
}

// attemptJSON is one delivery attempt in -o json output (send's attempts,
// listen's forward attempts). Documented in docs/send.md and docs/listen.md.
type attemptJSON struct {
	Attempt   int     `json:"attempt"`
	OffsetMS  float64 `json:"offset_ms"`
	Status    int     `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Body      string  `json:"body"`
	BodyBytes int     `json:"body_bytes"`
	Verdict   string  `json:"verdict"`
	Reason    string  `json:"reason"`
	Error     string  `json:"error,omitempty"`
}

func newAttemptJSON(a deliver.Attempt) attemptJSON {
	j := attemptJSON{Attempt: a.N, OffsetMS: millis(a.Offset), Status: a.Status, LatencyMS: millis(a.Latency),
		Body: string(a.Body), BodyBytes: len(a.Body), Verdict: a.Verdict.String(), Reason: a.Reason}
	if a.Err != nil {
		j.Error = a.Reason
	}
	return j
}

type receiverJSONRow struct {
	Seq       int      `json:"seq"`
	Event     string   `json:"event"`
	Signature string   `json:"signature"`
	Delivery  int      `json:"delivery"`
	Status    int      `json:"status"`
	Answer    string   `json:"answer"`
	Problems  []string `json:"problems"`
}

func sendOutcome(res *deliver.Result) string {
	switch {
	case res.Delivered && res.Last().Verdict == deliver.AcceptedWithWarning:
		return "delivered_with_warning"
	case res.Delivered:
		return "delivered"
	case res.Answered():
		return "gave_up"
	}
	return "unreachable"
}

func (o *sendOptions) renderResult(target string, b *built, res *deliver.Result, seen []listen.Event, builtin bool) error {
	f := o.F
	if f.JSON() {
		out := sendJSON{
			Event: b.Spec.Name, URL: target, BuiltinReceiver: builtin, Format: string(b.Format),
			ContentType: b.Header.Get("Content-Type"), RequestBytes: len(b.Body),
			Timestamp: b.Timestamp, Nonce: b.Nonce, Signature: b.Signature,
			Outcome: sendOutcome(res), Delivered: res.Delivered, Attempts: []attemptJSON{},
		}
		for _, a := range res.Attempts {
			out.Attempts = append(out.Attempts, newAttemptJSON(a))
		}
		for _, ev := range seen {
			r := receiverJSONRow{Seq: ev.Seq, Event: ev.Name, Signature: string(ev.Sig), Delivery: ev.Delivery, Status: ev.Status, Answer: ev.Answer, Problems: []string{}}
			for _, p := range ev.Problems {
				r.Problems = append(r.Problems, p.String())
			}
			out.Receiver = append(out.Receiver, r)
		}
		return ui.WriteJSONLine(f.IO.Out, out)
	}
	tty := f.IO.IsStdoutTTY()
	s := f.IO.Styles()
	// What the built-in receiver saw: stdout on a terminal, stderr when piped
	// (piped stdout carries only the timeline rows).
	if builtin {
		w, ws := f.IO.Out, s
		if !tty {
			w, ws = f.IO.ErrOut, f.IO.ErrStyles()
		}
		for _, ev := range seen {
			fmt.Fprintln(w, receiverLine(ws, ev))
		}
		if len(seen) == 0 && res.Answered() {
			fmt.Fprintln(w, ws.Faint.Render("receiver  saw nothing"))
		}
	}
	if !tty || len(res.Attempts) > 1 || !res.Delivered {
		if err := renderTimeline(f.IO, res); err != nil {
			return err
		}
	}
	w, ws := f.IO.Out, s
	if !tty {
		w, ws = f.IO.ErrOut, f.IO.ErrStyles()
	}
	total := len(deliver.ZEGOSchedule) + 1
	if o.NoRetry {
		total = 1
	}
	if line := resultLine(ws, b.Spec.Name, res, o.Strict, total); line != "" && !(f.Global.Quiet && !tty) {
		fmt.Fprintln(w, line)
	}
	return nil
}

func receiverLine(s *ui.Styles, ev listen.Event) string {
	var sig string
	switch ev.Sig {
	case listen.SigOK:
		sig = s.Pass.Render("signature ok")
	case listen.SigBad:
		sig = s.Fail.Render("signature bad") + " (" + ev.SigResult.Detail + ")"
	default:
		sig = s.Faint.Render("signature unchecked")
	}
	name := ev.Name
	if name == "" {
		name = "(no event)"
	}
	parts := []string{s.Faint.Render("receiver"), s.Event.Render(name), sig}
	if ids := strings.TrimSpace(string(appendKeyIDs(nil, ev.Payload, plainLabel))); ids != "" {
		parts = append(parts, ids)
	}
	if ev.Delivery > 1 {
		parts = append(parts, fmt.Sprintf("delivery %d", ev.Delivery))
	}
	if n := len(ev.Problems); n > 0 {
		parts = append(parts, s.Warn.Render(fmt.Sprintf("%d schema problem(s): %s", n, ev.Problems[0])))
	}
	parts = append(parts, "→ answered "+strconv.Itoa(ev.Status)+" "+strconv.Quote(ev.Answer))
	return strings.Join(parts, "  ")
}

// renderTimeline prints one row per attempt.
func renderTimeline(io *ui.IOStreams, res *deliver.Result) error {
	s := io.Styles()
	t := io.NewTable("ATTEMPT", "AT", "STATUS", "LATENCY", "BODY", "VERDICT", "NOTE")
	for _, a := range res.Attempts {
		status, body := "-", "-"
		if a.Status != 0 {
			status = s.Status(a.Status).Render(strconv.Itoa(a.Status))
			body = answerExcerpt(a.Body, 32)
		}
		note := a.Reason
		if a.Verdict == deliver.Accepted {
			note = ""
		}
		t.AddRow(strconv.Itoa(a.N), offsetText(a.Offset), status, latencyText(a.Latency), body, s.Verdict(a.Verdict.String()), note)
	}
	return t.Render()
}

func resultLine(s *ui.Styles, event string, res *deliver.Result, strict bool, total int) string {
	last := res.Last()
	n := len(res.Attempts)
	switch {
	case res.Delivered && last.Verdict == deliver.AcceptedWithWarning:
		return fmt.Sprintf("%s delivered %s with a warning: %s; --strict makes this a failure", s.Warn.Render("!"), s.Event.Render(event), last.Reason)
	case res.Delivered && n == 1:
		return fmt.Sprintf("%s delivered %s: %d in %s, body %s", s.Pass.Render("✓"), s.Event.Render(event), last.Status, latencyText(last.Latency), answerExcerpt(last.Body, 40))
	case res.Delivered:
		return fmt.Sprintf("%s delivered %s on attempt %d/%d, %s after the first", s.Pass.Render("✓"), s.Event.Render(event), n, total, offsetText(last.Offset)[1:])
	case res.Answered():
		why := "never answered 2xx"
		if strict {
			why = "never answered as the catalog asks"
		}
		return fmt.Sprintf("%s gave up on %s after %s: the endpoint %s (last: %s)", s.Fail.Render("✗"), s.Event.Render(event), attemptsSpan(res), why, lastAnswer(res))
	}
	return ""
}

func lastAnswer(res *deliver.Result) string {
	for i := len(res.Attempts) - 1; i >= 0; i-- {
		if a := res.Attempts[i]; a.Status != 0 {
			return strconv.Itoa(a.Status) + " " + answerExcerpt(a.Body, 32)
		}
	}
	return "no answer"
}

// printDryRun prints the signed request as HTTP text.
func printDryRun(f *Factory, target string, b *built) error {
	if f.JSON() {
		h := map[string]string{}
		for k := range b.Header {
			h[k] = b.Header.Get(k)
		}
		return ui.WriteJSONLine(f.IO.Out, map[string]any{
			"method": "POST", "url": target, "headers": h, "body": string(b.Body),
			"event": b.Spec.Name, "timestamp": b.Timestamp, "nonce": b.Nonce, "signature": b.Signature,
		})
	}
	var sb strings.Builder
	u, _ := url.Parse(target)
	fmt.Fprintf(&sb, "POST %s\n", target)
	fmt.Fprintf(&sb, "Host: %s\n", u.Host)
	for _, k := range sortedHeaderKeys(b.Header) {
		for _, v := range b.Header[k] {
			fmt.Fprintf(&sb, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintf(&sb, "Content-Length: %d\n\n", len(b.Body))
	sb.Write(b.Body)
	sb.WriteByte('\n')
	_, err := io.WriteString(f.IO.Out, sb.String())
	return err
}

// printCurl prints an equivalent curl command.
func printCurl(f *Factory, target string, b *built, o *sendOptions) error {
	var sb strings.Builder
	sb.WriteString("curl -sS -X POST " + curlQuote(target))
	if o.Insecure {
		sb.WriteString(" -k")
	}
	if o.CACert != "" {
		sb.WriteString(" --cacert " + curlQuote(o.CACert))
	}
	for _, k := range sortedHeaderKeys(b.Header) {
		for _, v := range b.Header[k] {
			sb.WriteString(" \\\n  -H " + curlQuote(k+": "+v))
		}
	}
	sb.WriteString(" \\\n  --data-raw " + curlQuote(string(b.Body)) + "\n")
	_, err := io.WriteString(f.IO.Out, sb.String())
	return err
}

// curlQuote quotes s for POSIX shells.
func curlQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// maskSecret hides a header value that contains the secret.
func maskSecret(v, secret string) string {
	if secret != "" && strings.Contains(v, secret) {
		return "[masked: contains the secret]"
	}
	return v
}

func wireDumpRequest(f *Factory, target string, b *built, secret string) {
	s := f.IO.ErrStyles()
	u, _ := url.Parse(target)
	var sb strings.Builder
	path := u.RequestURI()
	fmt.Fprintf(&sb, "> POST %s HTTP/1.1\n> Host: %s\n", path, u.Host)
	for _, k := range sortedHeaderKeys(b.Header) {
		for _, v := range b.Header[k] {
			fmt.Fprintf(&sb, "> %s: %s\n", k, maskSecret(v, secret))
		}
	}
	fmt.Fprintf(&sb, "> Content-Length: %d\n>\n", len(b.Body))
	writeFaintLines(f, s, sb.String())
	body := b.Body
	if b.Format == callback.FormatJSON {
		body = ui.PrettyJSON(body, f.IO.ErrColorEnabled())
	}
	fmt.Fprintf(f.IO.ErrOut, "%s\n", strings.TrimRight(string(body), "\n"))
}

func wireDumpResponse(f *Factory, a deliver.Attempt, secret string) {
	if a.Status == 0 {
		return
	}
	s := f.IO.ErrStyles()
	var sb strings.Builder
	fmt.Fprintf(&sb, "< HTTP/1.1 %d %s\n", a.Status, http.StatusText(a.Status))
	for _, k := range sortedHeaderKeys(a.Header) {
		for _, v := range a.Header[k] {
			fmt.Fprintf(&sb, "< %s: %s\n", k, ui.SafeText(maskSecret(v, secret)))
		}
	}
	sb.WriteString("<\n")
	writeFaintLines(f, s, sb.String())
	if len(a.Body) > 0 { // the endpoint's bytes: never raw control sequences on the terminal
		fmt.Fprintln(f.IO.ErrOut, ui.SafeBlock(strings.TrimRight(string(a.Body), "\n")))
	}
}

// writeFaintLines styles each line on its own (a multi-line Render pads
// every line to the widest).
func writeFaintLines(f *Factory, s *ui.Styles, text string) {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		b.WriteString(s.Faint.Render(strings.TrimSuffix(l, "\n")) + "\n")
	}
	fmt.Fprint(f.IO.ErrOut, b.String())
}

// countdown waits d; on a terminal it shows a live countdown to the next
// attempt (updated ~10 times a second, cleared afterwards).
func (o *sendOptions) countdown(total int) func(context.Context, time.Duration) error {
	f := o.F
	next := 1
	return func(ctx context.Context, d time.Duration) error {
		next++
		live := f.liveLine()
		if !live.On() {
			gap := latencyText(d)
			if d >= time.Second && d%time.Second == 0 {
				gap = strconv.Itoa(int(d/time.Second)) + "s"
			}
			f.Progressf("  waiting %s before attempt %d/%d (ZEGO's schedule)", gap, next, total)
			return deliver.Sleep(ctx, d)
		}
		s := f.IO.ErrStyles()
		end := time.Now().Add(d)
		done := time.NewTimer(d)
		defer done.Stop()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		defer live.Clear()
		for {
			left := max(time.Until(end), 0)
			live.Show(fmt.Sprintf("  %s attempt %d/%d in %s", s.Faint.Render("…"), next, total, s.Bold.Render(strconv.FormatFloat(left.Seconds(), 'f', 1, 64)+"s")))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-done.C:
				return nil
			case <-tick.C:
			}
		}
	}
}
