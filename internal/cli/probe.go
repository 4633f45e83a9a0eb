// probe.go holds the probe command: it runs the probe plan against an
// endpoint (or the built-in receiver) and renders the checks.

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/probe"
	"github.com/zegocb/zegocb/internal/ui"
)

type probeOptions struct {
	cmdEnv

	endpointFlags
	Events []string
	JUnit  string
}

func newProbeCmd(f *Factory, runF func(*probeOptions) error) *cobra.Command {
	opts := &probeOptions{}
	cmd := &cobra.Command{
		Use:   "probe --to URL",
		Short: "Conformance-test an endpoint: signatures, retries, types, replays",
		Long: `Probe sends your endpoint the callbacks a correct ZEGO receiver must handle,
and judges each answer:

  each event of --events, correctly signed, as JSON, as form and as
  UrlEncoded JSON (the whole JSON body percent-encoded), in its family's
  casing, JSON types, timestamp unit and signature scheme
      must be accepted: 2xx (record: body "1", else WARN; a synchronous
      callback such as ZIM before_send_msg: its JSON answer, a documented
      decision within the deadline, else FAIL); these are the baselines the
      other checks depend on
  a forged signature, no signature, a signature made with another secret
      must be rejected: 401/403 is ideal, another 4xx passes, a 5xx is a
      WARN, and accepting one is a FAIL (anyone could fake callbacks)
  the same callback delivered twice (ZEGO's retries)
      must be accepted twice
  numeric fields as JSON numbers, unknown extra fields
      must be accepted
  a timestamp 70 s old (ZEGO's last retry comes at 62 s)
      should be accepted (WARN)
  a timestamp 1 hour old
      INFO: the policy is yours
  a new body under a used nonce; a changed body under a valid signature
      INFO: ZEGO's signature covers only the timestamp and nonce, so only
      deduplication by nonce and HTTPS help

--events takes event names (stream_create, zim/room_create), family names
(zim: every ZIM event) and all (the whole catalog). By default probe sends one
representative per product family (stream_create for RTC, the first event of
each other family), which keeps a run to a few dozen requests; an endpoint
that serves one product is best probed with --events FAMILY.

The protocol checks use the first event of --events (default stream_create),
sent as JSON. When that event's correctly signed JSON baseline is refused,
they are not judged (SKIP, with the reason): a refusal of a forged callback
proves nothing when valid ones are refused too. A refused baseline's reason
reads the run's pattern: the same event passing in another format (the
endpoint parses only one), snake_case events passing and PascalCase ones
failing (it reads only timestamp/nonce/signature), some events passing and
others failing (an allow-list of events); only when nothing signed passes
does probe ask whether the endpoint uses the same CallbackSecret. The
summary ends with these findings, one line each.

Without --to, probe tests the built-in receiver (a correct endpoint, so
everything passes: a self-test).

Output: a table (VERDICT, CHECK, STATUS, REASON) and a summary line; piped,
tab-separated rows. -o json prints one object:
  {url, builtin_receiver, unreachable, error, elapsed_ms,
   summary: {pass, warn, fail, info, skip}, notes: [the findings],
   rows: [{id, event, check, expect, verdict, reason, status, latency_ms,
           body}]}
verdict is PASS, WARN, FAIL, INFO or SKIP (not judged).
--junit FILE writes a JUnit XML report (one testcase per check; not judged
is <skipped>) for CI; FILE's directory is checked before the first request.

Exit status: 0 no FAIL, 1 at least one FAIL, 2 bad usage (or a --junit path
that cannot be written), 3 the endpoint could not be reached at all.`,
		Example: `  zegocb probe --to https://staging.example.com/zego/callback
  zegocb probe --to $URL --events stream_create,stream_close --junit probe.xml
  zegocb probe --to $URL --events zim           # every ZIM event
  zegocb probe --to $URL --events all           # every event of every family
  zegocb probe                                  # self-test against the built-in receiver`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.bind(f, cmd)
			if runF != nil {
				return runF(opts)
			}
			return runProbe(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "endpoint `URL` (default: the built-in receiver, as a self-test)")
	fl.StringSliceVar(&opts.Events, "events", nil, "probe these events (comma-separated `a,b`: names, FAMILY/EVENT, family names, all; default one per family; the first carries the protocol checks)")
	_ = cmd.RegisterFlagCompletionFunc("events", completeEventList(f, cobra.CompletionWithDesc("all", "every event of every family")))
	opts.endpointFlags.register(cmd)
	fl.StringVar(&opts.JUnit, "junit", "", "also write a JUnit XML report to `FILE`")
	return cmd
}

func runProbe(o *probeOptions) error {
	f := o.F
	if o.Ctx == nil {
		o.Ctx = context.Background()
	}
	if o.Timeout <= 0 {
		return flagErrorf("--timeout must be positive, got %s", o.Timeout)
	}
	if o.To != "" {
		if err := checkEndpointURL(o.To); err != nil {
			return err
		}
	}
	header, err := parseHeaderFlags(o.Headers)
	if err != nil {
		return err
	}
	if header.Get("User-Agent") == "" {
		header.Set("User-Agent", zegocbUserAgent())
	}
	var secret string
	if o.To != "" {
		if secret, err = f.RequireSecret(); err != nil {
			return err
		}
	} else {
		if secret, _, err = f.Secret(); err != nil {
			return err
		}
		if secret == "" {
			secret = ephemeralSecret()
		}
	}
	tlsConf, err := endpointTLS(f, &o.endpointFlags)
	if err != nil {
		return err
	}
	client := endpointClient(tlsConf, secret)
	defer client.CloseIdleConnections() // no kept-alive connection outlives the probe
	for _, name := range o.Events {
		name = strings.TrimSpace(name)
		if e, alts := f.Catalog.Resolve(name); e != nil && len(alts) > 0 {
			f.Hintf("%s", collisionHint(name, e, alts))
		}
	}
	cfg := probe.Config{
		URL: o.To, Catalog: f.Catalog, Secret: secret, Events: o.Events, Timeout: o.Timeout,
		Header: header, Client: client, Now: f.Now, Nonce: f.Nonce, Rand: f.sampleRand(), AppID: f.AppID(),
	}
	plan, err := probe.Plan(cfg)
	if errors.Is(err, probe.ErrUnknownEvent) {
		return flagErrorf("--events: %v; `zegocb events` lists them", err)
	} else if err != nil {
		return err
	}
	if o.JUnit != "" {
		if err := checkWritable(o.JUnit); err != nil {
			return inputErrorf("--junit %s: %v", o.JUnit, err)
		}
	}
	var rcv *builtinReceiver
	if o.To == "" {
		rcv, err = startBuiltinReceiver(listen.Config{Catalog: f.Catalog, Secret: secret}, false)
		if err != nil {
			return err
		}
		cfg.URL = rcv.URL
		f.Hintf("no --to: probing the built-in receiver at %s (a correct endpoint, so expect all PASS)", rcv.URL)
	}
	es := f.IO.ErrStyles()
	live := f.liveLine()
	done := 0
	cfg.OnRow = func(r probe.Row) {
		done++
		if live.On() {
			live.Show(fmt.Sprintf("  %s %d/%d  %s", es.Faint.Render("probing"), done, len(plan), r.ID))
		}
	}
	f.Progressf("%s probing %s with %d checks", es.Accent.Render("→"), cfg.URL, len(plan))
	res, runErr := probe.Run(o.Ctx, cfg)
	live.Clear()
	if rcv != nil {
		rcv.stop()
	}
	if runErr != nil && res == nil {
		return runErr
	}
	if o.JUnit != "" {
		if err := writeFileAtomic(o.JUnit, probe.JUnit(res)); err != nil {
			return inputErrorf("--junit %s: %v", o.JUnit, err)
		}
	}
	if err := renderProbe(f, res, rcv != nil); err != nil {
		return err
	}
	switch {
	case runErr != nil:
		return ErrInterrupted
	case res.Unreachable:
		return &TransportError{Err: fmt.Errorf("could not reach %s: %s; no check could run", res.URL, res.Err)}
	case res.Failed():
		return ErrCheckFailed
	}
	return nil
}

// checkWritable reports, before any work, why writeFileAtomic could not
// write path: its directory is missing or not writable, or path is a
// directory. It leaves nothing behind.
func checkWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory")
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return pathless(err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %v", dir, pathless(err))
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// pathless is err without the path an *os.PathError names (a temporary
// file's, which the user never gave).
func pathless(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeFileAtomic writes b to a temporary file beside path, then renames
// it. Its errors never name the temporary file.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return pathless(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return pathless(err)
	}
	if err := tmp.Close(); err != nil {
		return pathless(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			return le.Err
		}
		return err
	}
	return nil
}

type probeJSON struct {
	V               int            `json:"v"` // jsonVersion
	URL             string         `json:"url"`
	BuiltinReceiver bool           `json:"builtin_receiver"`
	Unreachable     bool           `json:"unreachable"`
	Error           string         `json:"error,omitempty"`
	ElapsedMS       float64        `json:"elapsed_ms"`
	Summary         map[string]int `json:"summary"`
	Notes           []string       `json:"notes,omitempty"`
	Rows            []probeRowJSON `json:"rows"`
}

type probeRowJSON struct {
	ID        string  `json:"id"`
	Event     string  `json:"event"`
	Check     string  `json:"check"`
	Expect    string  `json:"expect"`
	Verdict   string  `json:"verdict"`
	Reason    string  `json:"reason"`
	Status    int     `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Body      string  `json:"body"`
}

func renderProbe(f *Factory, res *probe.Result, builtin bool) error {
	counts := res.Counts()
	if f.JSON() {
		out := probeJSON{
			V: jsonVersion, URL: res.URL, BuiltinReceiver: builtin, Unreachable: res.Unreachable, Error: res.Err, ElapsedMS: millis(res.Elapsed),
			Summary: map[string]int{"pass": counts[probe.Pass], "warn": counts[probe.Warn], "fail": counts[probe.Fail], "info": counts[probe.Info], "skip": counts[probe.Skip]},
			Notes:   res.Notes,
			Rows:    []probeRowJSON{},
		}
		for _, r := range res.Rows {
			out.Rows = append(out.Rows, probeRowJSON{ID: r.ID, Event: r.Event, Check: r.Check, Expect: string(r.Expect), Verdict: string(r.Verdict),
				Reason: r.Reason, Status: r.Status, LatencyMS: millis(r.Latency), Body: string(r.Body)})
		}
		return ui.WriteJSONLine(f.IO.Out, out)
	}
	if res.Unreachable {
		return nil // the error line says it all
	}
	s := f.IO.Styles()
	t := f.IO.NewTable("VERDICT", "CHECK", "STATUS", "REASON")
	for _, r := range res.Rows {
		status := "-"
		if r.Status != 0 {
			status = s.Status(r.Status).Render(strconv.Itoa(r.Status))
		}
		t.AddRow(s.Verdict(string(r.Verdict)), r.ID, status, r.Reason)
	}
	if err := t.Render(); err != nil {
		return err
	}
	w, ws := f.IO.Out, s
	if !f.IO.IsStdoutTTY() {
		w, ws = f.IO.ErrOut, f.IO.ErrStyles()
		if f.Global.Quiet {
			return nil
		}
	}
	parts := []string{
		ws.Pass.Render(strconv.Itoa(counts[probe.Pass]) + " PASS"),
		ws.Warn.Render(strconv.Itoa(counts[probe.Warn]) + " WARN"),
		ws.Fail.Render(strconv.Itoa(counts[probe.Fail]) + " FAIL"),
		ws.Info.Render(strconv.Itoa(counts[probe.Info]) + " INFO"),
	}
	if n := counts[probe.Skip]; n > 0 {
		parts = append(parts, ws.Faint.Render(strconv.Itoa(n)+" not judged"))
	}
	mark := ws.Pass.Render("✓")
	if counts[probe.Fail] > 0 {
		mark = ws.Fail.Render("✗")
	}
	if _, err := fmt.Fprintf(w, "%s %d checks against %s: %s\n", mark, len(res.Rows), res.URL, strings.Join(parts, ", ")); err != nil {
		return err
	}
	for _, n := range res.Notes {
		if _, err := fmt.Fprintf(w, "  %s %s\n", ws.Warn.Render("!"), n); err != nil {
			return err
		}
	}
	return nil
}
