// send.go holds the send command: its options and flags, validation, and
// the run that picks dry run, curl, load mode or one delivery with ZEGO's
// retry schedule (deliverOne, judge, countdown).

package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
)

type sendOptions struct {
	cmdEnv

	Event string
	// Sequence is every EVENT given, when more than one: they are sent in
	// order and share one set of sample values (vars): one appid, room,
	// stream, user.
	Sequence []string
	vars     callback.Vars
	endpointFlags
	Sets          []string
	Unsets        []string
	Data          string
	Form          bool
	Encoding      string
	FormArrays    string
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
}

func newSendCmd(f *Factory, runF func(*sendOptions) error) *cobra.Command {
	opts := &sendOptions{}
	cmd := &cobra.Command{
		Use:   "send [EVENT...] [--to URL]",
		Short: "Sign and send a realistic callback, with ZEGO's retry schedule",
		Long: `Send builds a realistic sample of EVENT from the catalog, applies your
overrides, stamps a fresh timestamp and nonce, signs it with the callback secret
and POSTs it to --to, exactly as ZEGO would.

EVENT is a name from 'zegocb events': a bare name (stream_create), or
FAMILY/EVENT (zim/room_create) where two product families share a bare name; a
shared bare name means the RTC event, and stderr names the others. The sample
follows the event's family: its field casing and JSON types, its timestamp (Unix
seconds, or 13-digit milliseconds for the ms families) and its signature scheme
(sorted SHA-1; Mini Game's MD5).

The answer is checked as ZEGO checks it: any 2xx is success. A synchronous
callback (ZIM before_send_msg, Mini Game) must answer JSON such as {"result":0}
within its deadline: the answer is parsed and judged (its decision and any
new_payload are shown; an undocumented value, a non-JSON body or an answer after
the deadline is a failure). For record, the legacy docs also ask for the body
"1"; another body is a warning (--strict makes it a failure). On a failed
answer, a timeout or a connection error, send retries on the event family's
schedule, re-sending the same body, then gives up: RTC, ZIM, AI Agent, Digital
Human and ASR 2, 4, 8, 16 and 32 s after the previous attempt (6 attempts,
62 s); Cloud Player 2 immediate retries; Cloud Recording 2 retries 5 s apart;
Super Board 2 retries 15 s apart; before_send_msg one immediate retry ('zegocb
events EVENT' shows each). --retry-scale 0.01 keeps the shape and makes it 100
times faster.

Without --to, send starts a built-in receiver on 127.0.0.1 (a correct endpoint:
it verifies the signature and answers 200 "1", or the event's documented JSON
answer) and shows both sides of the round trip. With no secret configured it
signs with an ephemeral one.

Several EVENTs are sent one after the other, each with its own signature and
retries, and share their ids: one appid, one room, one stream, one user (zegocb
send stream_create stream_close --to URL).

Load mode (-n, -c, --rate, --duration) sends N distinct callbacks (a fresh nonce
and signature each) with C workers and reports throughput, status counts and
latency percentiles. Load mode makes no retries.

Output: progress on stderr; the result on stdout (a timeline of attempts when
there was more than one). -o json prints one result object:
  {v, event, family, url, builtin_receiver, format, content_type,
   request_bytes, timestamp, nonce, signature_hex, outcome, delivered,
   attempts: [{attempt, offset_ms, status, latency_ms, body, body_bytes,
   verdict, reason, error}], receiver: [{seq, event, signature,
   signature_reason, delivery, replay, answer: {status, body}, problems}]}
outcome is delivered, delivered_with_warning, gave_up, unreachable or
interrupted (Ctrl-C: exit 130, "interrupted after N attempts"). In load mode:
{v, event, url, requests, concurrency, rate, elapsed_ms,
   throughput_rps, ok, failed, status_counts, errors, body_mismatch,
   latency_ms: {min, mean, p50, p90, p99, max}, histogram: [{le_ms, count}]}.

Exit status: 0 delivered (also with a warning), 1 the endpoint answered but
never with a 2xx (or a wrong body with --strict), 2 bad usage, 3 the endpoint
could not be reached at all.`,
		Example: `  zegocb send mix_start                                  # round trip via the built-in receiver
  zegocb send stream_create --to http://localhost:3000/zego
  zegocb send stream_create stream_close --to $URL       # one stream, opened then closed
  zegocb send record --to $URL --set stream_alias=cam-7 --strict
  zegocb send --data captured.json --to $URL             # re-sign and re-send a capture
  zegocb send stream_close --to $URL --retry-scale 0.01  # ZEGO's retries, 100× faster
  zegocb send mix_start --to $URL --form --form-arrays brackets
  zegocb send room_login --curl                          # print a signed curl command
  zegocb send stream_create --to $URL -n 5000 -c 32      # load test`,
		ValidArgsFunction: completeEventArgs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) >= 1 {
				opts.Event = args[0]
			}
			if len(args) > 1 {
				opts.Sequence = args
			}
			opts.bind(f, cmd)
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
	fl.StringVar(&opts.Data, "data", "", "base payload from `FILE` (- for stdin): JSON, form or UrlEncoded JSON; its routing field names the EVENT, or must agree with it")
	fl.StringVar(&opts.Encoding, "encoding", "", "body encoding `ENC`: json, form (x-www-form-urlencoded) or urlencoded-json (the whole JSON body percent-encoded); default json, or --data's form")
	fl.BoolVar(&opts.Form, "form", false, "send as POST/FORM: short for --encoding form")
	fl.StringVar(&opts.FormArrays, "form-arrays", "", "arrays in a form body as `STYLE`: repeat (k=a&k=b, as ZEGO sends them; the default) or brackets (k[]=a&k[]=b, for PHP's $_POST)")
	fl.BoolVar(&opts.KeepTimestamp, "keep-timestamp", false, "keep the timestamp of --data instead of stamping the current time")
	fl.BoolVar(&opts.KeepTimestamp, "keep", false, "the short name of --keep-timestamp (as sign had it)")
	_ = fl.MarkHidden("keep")
	opts.endpointFlags.register(cmd)
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the signed HTTP request instead of sending it")
	fl.BoolVar(&opts.Curl, "curl", false, "print an equivalent curl command instead of sending")
	fl.BoolVar(&opts.Strict, "strict", false, "treat a 2xx with the wrong body (record: not \"1\") as a failure, and retry; refuse --set on a field the event does not have")
	fl.BoolVar(&opts.NoRetry, "no-retry", false, "send once; do not replay ZEGO's retry schedule")
	fl.Float64Var(&opts.RetryScale, "retry-scale", 1, "multiply the family's retry gaps by `F` (0.01 turns RTC's 62 s into 0.62 s)")
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
	case o.Encoding != "" && o.Encoding != string(callback.FormatJSON) && o.Encoding != string(callback.FormatForm) && o.Encoding != string(callback.FormatURLEncodedJSON):
		return flagErrorf("--encoding %q: want json, form or urlencoded-json", o.Encoding)
	case o.Form && o.Encoding != "" && o.Encoding != string(callback.FormatForm):
		return flagErrorf("--form is short for --encoding form; it contradicts --encoding %s", o.Encoding)
	case o.FormArrays != "" && o.FormArrays != "repeat" && o.FormArrays != "brackets":
		return flagErrorf("--form-arrays %q: want repeat or brackets", o.FormArrays)
	case o.loadMode() && o.Encoding == string(callback.FormatURLEncodedJSON):
		return flagErrorf("load mode sends JSON or form bodies; drop --encoding urlencoded-json")
	case o.KeepTimestamp && o.Data == "":
		return flagErrorf("--keep-timestamp keeps the timestamp of --data; give --data FILE")
	case len(o.Sequence) > 1 && (o.Data != "" || o.loadMode()):
		return flagErrorf("several EVENTs are built from samples and sent once each: drop --data, -n and --duration")
	}
	if o.To != "" {
		if err := checkEndpointURL(o.To); err != nil {
			return err
		}
	}
	return nil
}

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
	// A mistyped EVENT is a usage error, reported before a missing secret.
	names := o.Sequence
	if len(names) == 0 && o.Event != "" {
		names = []string{o.Event}
	}
	for _, name := range names {
		if _, err := lookupEvent(f.Catalog, name); err != nil {
			return err
		}
	}
	offline := o.DryRun || o.Curl
	builtin := o.To == "" && !offline
	secret, ephemeral, err := f.SigningSecret(o.To)
	if err != nil {
		return err
	}
	if ephemeral && !builtin {
		f.Hintf("no callback secret configured: signing with an ephemeral one (set $%s or --secret-file to use yours)", EnvSecret)
	}
	if len(o.Sequence) > 1 {
		return o.sendSequence(secret, ephemeral)
	}
	b, err := o.build(secret)
	if err != nil {
		return err
	}
	return o.sendBuilt(b, secret, ephemeral, true)
}

// sendSequence sends every EVENT of o.Sequence in order, built from one
// shared set of sample values. Each is delivered on its own (with its
// retries); a failure does not stop the sequence, an interruption does.
// The first failure decides the exit code.
func (o *sendOptions) sendSequence(secret string, ephemeral bool) error {
	f := o.F
	o.vars = callback.NewVars(callback.SampleOptions{Now: f.Now(), Rand: f.sampleRand(), AppID: f.AppID()})
	bs := make([]*built, 0, len(o.Sequence))
	for _, name := range o.Sequence {
		o.Event = name
		b, err := o.build(secret)
		if err != nil {
			return err
		}
		bs = append(bs, b)
	}
	var first error
	for i, b := range bs {
		err := o.sendBuilt(b, secret, ephemeral, i == 0)
		switch {
		case err == nil:
		case errors.Is(err, ErrInterrupted), o.Ctx.Err() != nil:
			return err
		case first == nil:
			first = err
		}
	}
	return first
}

// sendBuilt sends one built callback: dry run, curl, load mode, or one
// delivery. announce says the built-in receiver's line is printed.
func (o *sendOptions) sendBuilt(b *built, secret string, ephemeral, announce bool) error {
	f := o.F
	offline := o.DryRun || o.Curl
	builtin := o.To == "" && !offline
	var err error
	target := o.To
	if offline && target == "" {
		target = defaultListenURL
		if announce {
			f.Hintf("no --to: the request targets %s, where `zegocb listen` receives", defaultListenURL)
		}
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
		if announce {
			f.Progressf("%s on %s %s", f.IO.ErrStyles().Bold.Render("built-in receiver"), target, f.IO.ErrStyles().Faint.Render("("+note+")"))
		}
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

func (o *sendOptions) deliverOne(target string, b *built, secret string, tlsConf *tls.Config, rcv *builtinReceiver) error {
	f := o.F
	es := f.IO.ErrStyles()
	schedule := o.schedule(b.Spec)
	total := len(schedule) + 1
	to := " to " + target
	if rcv != nil {
		to = ""
	}
	f.Progressf("%s POST %s%s %s", es.Accent.Render("→"), es.Event.Render(b.Spec.Ref), to, es.Faint.Render("("+b.Format.Label()+", "+sizeText(len(b.Body))+", signed)"))
	if f.Global.Verbose {
		wireDumpRequest(f, target, b, secret)
	}
	sleep := f.Sleep
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
	if err := o.renderResult(target, b, res, seen, rcv != nil, derr != nil); err != nil {
		return err
	}
	if rcv != nil && res.Delivered && !f.JSON() {
		f.Hintf("next: zegocb send %s --to https://your.app/zego/callback, or zegocb probe --to … to test your endpoint", b.Spec.Ref)
	}
	switch {
	case derr != nil && !res.Delivered:
		return fmt.Errorf("%w after %s", ErrInterrupted, plural(len(res.Attempts), "attempt", "attempts"))
	case derr != nil:
		return ErrInterrupted
	case res.Delivered:
		return nil
	case res.Answered():
		return ErrCheckFailed
	}
	return &TransportError{Err: fmt.Errorf("could not reach %s: %s (%s)", target, res.Last().Reason, attemptsSpan(res))}
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
			if d == 0 {
				f.Progressf("  attempt %d/%d at once (ZEGO's schedule)", next, total)
				return nil
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
