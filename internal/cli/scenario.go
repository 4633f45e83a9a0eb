// scenario.go holds the scenario command: load a definition (built-in or a
// file), expand, arrange, deliver each callback signed (the built-in
// receiver without --to), evaluate, and diff a receiver's state with
// --expect-url. Rendering is in scenario_render.go.

package cli

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/scenario"
)

type scenarioOptions struct {
	cmdEnv
	endpointFlags

	Name        string
	List        bool
	Order       string
	Seed        uint64
	seedGiven   bool
	Concurrency int
	Gap         time.Duration
	ExpectURL   string
}

func newScenarioCmd(f *Factory, runF func(*scenarioOptions) error) *cobra.Command {
	opts := &scenarioOptions{}
	var orders []string
	for _, o := range scenario.Orders() {
		orders = append(orders, hangingIndent(fmt.Sprintf("  %-12s ", o.Name), o.Meaning, helpWidth))
	}
	cmd := &cobra.Command{
		Use:   "scenario NAME|FILE [--to URL]",
		Short: "Play room, user and stream callbacks as real, out-of-order runs",
		Long: `Scenario plays a whole sequence of room, user and stream callbacks with
consistent ids (one appid, rooms, users, streams, sessions) at an endpoint,
each signed with the callback secret, and shows the state a receiver should
end with.

NAME is a built-in scenario (--list shows them: live, reconnect, churn) or
FILE a definition of your own (docs/scenarios.md).

Orders (--order; --seed makes any order reproducible):
` + strings.Join(orders, "\n") + `

A re-delivery keeps its nonce and signature, as ZEGO's retries do.
--concurrency lets deliveries overlap and --gap spaces their starts.

Output: the sequence as delivered (a compact timeline), then two states as
tables: the true state (from the order the events happened) and the state
ZEGO's documented ordering rules reach for this arrival order. When they
differ, scenario says so. -o json prints one document (docs/scenarios.md).

--expect-url URL: after the run, GET your receiver's state as JSON in the
documented shape ({"rooms":[{"room_id","room_session_id","users","streams"}]})
and compare it with the true state, PASS or FAIL per entry.

Without --to, the callbacks go to a built-in receiver on 127.0.0.1 (signed
with an ephemeral secret when none is configured), which shows what arrived.

Exit status: 0 delivered (and with --expect-url, every entry passed), 1 an
entry failed or the endpoint answered a callback with a non-2xx, 2 bad usage,
a bad scenario file or a state document not in the documented shape, 3 the
endpoint or --expect-url could not be reached, 130 interrupted.`,
		Example: `  zegocb scenario --list
  zegocb scenario live                                   # against the built-in receiver
  zegocb scenario churn --to $URL --order shuffled --seed 7
  zegocb scenario reconnect --to $URL --order adversarial --seed 25 --expect-url $URL/state
  zegocb scenario my-show.json --to $URL -o json`,
		Args:              maxArgs(1),
		ValidArgsFunction: completeScenarioArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			opts.seedGiven = cmd.Flags().Changed("seed")
			opts.bind(f, cmd)
			if runF != nil {
				return runF(opts)
			}
			return runScenario(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "endpoint `URL` (default: a built-in receiver on 127.0.0.1)")
	fl.BoolVar(&opts.List, "list", false, "list the built-in scenarios")
	fl.StringVar(&opts.Order, "order", string(scenario.Natural), "delivery `ORDER`: natural, shuffled or adversarial")
	fl.Uint64Var(&opts.Seed, "seed", 0, "`N` fixes the ids and the order (default: random, and printed)")
	fl.IntVarP(&opts.Concurrency, "concurrency", "c", 1, "`C` deliveries in flight (above 1 they may arrive out of plan order)")
	fl.DurationVar(&opts.Gap, "gap", 0, "pause `D` between the starts of two deliveries")
	fl.StringVar(&opts.ExpectURL, "expect-url", "", "after the run, GET your receiver's state from `URL` and check it against the true state")
	opts.endpointFlags.register(cmd)
	return cmd
}

// scenarioResult is what one delivery of the plan got.
type scenarioResult struct {
	D       scenario.Delivery
	C       *scenario.Callback
	Offset  time.Duration // start, from the run's start
	Status  int
	Latency time.Duration
	Verdict deliver.Verdict
	Err     string
}

func (o *scenarioOptions) load() (*scenario.Def, error) {
	if o.Name == "" {
		return nil, flagErrorf("scenario needs a NAME or a FILE; `zegocb scenario --list` lists the built-in ones")
	}
	def, err := scenario.Builtin(o.Name)
	if err == nil {
		return def, nil
	}
	if !errors.Is(err, scenario.ErrUnknownScenario) {
		return nil, &InputError{Err: err}
	}
	data, rerr := o.F.ReadFile(o.Name)
	if rerr != nil {
		if strings.ContainsAny(o.Name, "./\\") {
			return nil, inputErrorf("%s: %v", o.Name, pathless(rerr))
		}
		var names []string
		for _, in := range scenario.List() {
			names = append(names, in.Name)
		}
		return nil, flagErrorf("unknown scenario %q: the built-in ones are %s; or give a definition FILE", o.Name, joinWords(names, "and"))
	}
	def, err = scenario.Load(o.Name, data)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return def, nil
}

func (o *scenarioOptions) validate() (scenario.Order, error) {
	order, err := scenario.ParseOrder(o.Order)
	if err != nil {
		return "", flagErrorf("--order %v", err)
	}
	if err := (scenario.Timing{Gap: o.Gap, Concurrency: o.Concurrency}).Validate(); err != nil {
		return "", flagErrorf("%v", err)
	}
	if o.Timeout <= 0 {
		return "", flagErrorf("--timeout must be positive, got %s", o.Timeout)
	}
	if o.To != "" {
		if err := checkEndpointURL(o.To); err != nil {
			return "", err
		}
	}
	if o.ExpectURL != "" {
		if err := checkEndpointURL(o.ExpectURL); err != nil {
			return "", flagErrorf("--expect-url %q: want an http:// or https:// URL", o.ExpectURL)
		}
	}
	return order, nil
}

func runScenario(o *scenarioOptions) error {
	f := o.F
	if o.List {
		if o.Name != "" {
			return flagErrorf("--list takes no NAME")
		}
		return renderScenarioList(f)
	}
	order, err := o.validate()
	if err != nil {
		return err
	}
	def, err := o.load()
	if err != nil {
		return err
	}
	if !o.seedGiven {
		h := fnv.New64a()
		h.Write([]byte(f.Nonce()))
		o.Seed = h.Sum64() % 1_000_000
	}
	// Expand twice: the second run starts Span before now, so the
	// payloads' times are recent for a receiver with a timestamp window.
	eo := scenario.Options{Seed: o.Seed, AppID: f.AppID()}
	run, err := scenario.Expand(def, eo)
	if err != nil {
		return &InputError{Err: err}
	}
	eo.Start = f.Now().Add(-run.Span()).Truncate(time.Second)
	if run, err = scenario.Expand(def, eo); err != nil {
		return &InputError{Err: err}
	}
	plan, err := scenario.Arrange(run, order, o.Seed)
	if err != nil {
		return &InputError{Err: err}
	}
	outcome, err := scenario.Evaluate(run, plan)
	if err != nil {
		return &InputError{Err: err}
	}

	secret, ephemeral, err := f.SigningSecret(o.To)
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
	header.Set("Content-Type", callback.FormatJSON.ContentType())
	if header.Get("User-Agent") == "" {
		header.Set("User-Agent", zegocbUserAgent())
	}
	// Sign every callback before anything is sent.
	bodies := make([][]byte, len(run.Callbacks))
	for i := range run.Callbacks {
		c := &run.Callbacks[i]
		spec, ok := f.Catalog.Lookup(c.Event)
		if !ok {
			return inputErrorf("%s: event %q is not in the catalog", def.File, c.Event)
		}
		p := c.Payload.Clone()
		spec.Sign(p, secret)
		bodies[i] = p.Encode(callback.FormatJSON)
	}

	target := o.To
	var rcv *builtinReceiver
	if target == "" {
		rcv, err = startBuiltinReceiver(listen.Config{Catalog: f.Catalog, Secret: secret, OtherSecrets: f.OtherSecrets()}, true)
		if err != nil {
			return err
		}
		defer rcv.stop()
		target = rcv.URL
		note := "no --to given"
		if ephemeral {
			note = "ephemeral secret; set $" + EnvSecret + " to use yours"
		}
		f.Progressf("%s on %s %s", f.IO.ErrStyles().Bold.Render("built-in receiver"), target, f.IO.ErrStyles().Faint.Render("("+note+")"))
	}
	es := f.IO.ErrStyles()
	f.Progressf("%s %s: %s, %s, order %s, seed %d %s", es.Bold.Render("scenario"), es.Event.Render(def.Name),
		plural(len(run.Callbacks), "callback", "callbacks"), plural(len(plan.Deliveries), "delivery", "deliveries"),
		order, o.Seed, es.Faint.Render(fmt.Sprintf("(--seed %d reproduces it)", o.Seed)))

	client := endpointClient(tlsConf, secret)
	defer client.CloseIdleConnections()
	results, derr := o.deliverPlan(client, target, header, run, plan, bodies)
	var seen []listen.Event
	if rcv != nil {
		seen = rcv.stop()
	}

	var expect *scenario.DiffResult
	var expectErr error
	if derr == nil && o.ExpectURL != "" {
		got, err := o.fetchState(client)
		if err != nil {
			expectErr = err
		} else {
			d := scenario.Diff(outcome.True, got)
			expect = &d
		}
	}
	if err := renderScenario(o, def, run, plan, outcome, results, seen, expect); err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	if expectErr != nil {
		return expectErr
	}
	var rejected, unreachable int
	var reason string // the first unreachable delivery's
	for _, r := range results {
		switch {
		case r.Status == 0:
			if unreachable == 0 {
				reason = r.Err
			}
			unreachable++
		case r.Verdict == deliver.Rejected:
			rejected++
		}
	}
	switch {
	case expect != nil && !expect.OK():
		return ErrCheckFailed
	case rejected > 0:
		return &CheckError{Err: fmt.Errorf("the endpoint answered %s with a non-2xx", plural(rejected, "delivery", "deliveries"))}
	case unreachable > 0:
		return &TransportError{Err: fmt.Errorf("%s could not reach %s: %s", plural(unreachable, "delivery", "deliveries"), target, orText(reason, "no answer"))}
	}
	return nil
}

// deliverPlan posts the plan's deliveries in order, once each (the plan
// holds the re-deliveries), at most Concurrency at a time, starting Gap
// apart. Results are in plan order.
func (o *scenarioOptions) deliverPlan(client *http.Client, target string, header http.Header, run *scenario.Run, plan scenario.Plan, bodies [][]byte) ([]scenarioResult, error) {
	f := o.F
	ctx := o.Ctx
	sleep := f.Sleep
	if sleep == nil {
		sleep = deliver.Sleep
	}
	results := make([]scenarioResult, len(plan.Deliveries))
	sem := make(chan struct{}, max(o.Concurrency, 1))
	var wg sync.WaitGroup
	start := f.Now() // the factory's clock: offsets are fixed in tests
	var err error
	for i, d := range plan.Deliveries {
		if i > 0 && o.Gap > 0 {
			if err = sleep(ctx, o.Gap); err != nil {
				break
			}
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
		results[i] = scenarioResult{D: d, C: &run.Callbacks[d.Callback], Offset: f.Now().Sub(start)}
		wg.Add(1)
		go func(r *scenarioResult, body []byte) {
			defer wg.Done()
			defer func() { <-sem }()
			res, _ := deliver.Deliver(ctx, deliver.Request{URL: target, Header: header, Body: body},
				deliver.Options{Client: client, Timeout: o.Timeout, Now: f.Now})
			if a := res.Last(); a != nil {
				r.Status, r.Latency, r.Verdict = a.Status, a.Latency, a.Verdict
				if a.Verdict != deliver.Accepted {
					r.Err = a.Reason
				}
			}
		}(&results[i], bodies[d.Callback])
	}
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		n := 0
		for _, r := range results {
			if r.C != nil {
				n++
			}
		}
		return results[:n], fmt.Errorf("%w after %s", ErrInterrupted, plural(n, "delivery", "deliveries"))
	}
	return results, nil
}

// fetchState GETs --expect-url and reads it as the documented state document.
func (o *scenarioOptions) fetchState(client *http.Client) (scenario.State, error) {
	ctx, cancel := context.WithTimeout(o.Ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.ExpectURL, nil)
	if err != nil {
		return scenario.State{}, flagErrorf("--expect-url %v", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", zegocbUserAgent())
	resp, err := client.Do(req)
	if err != nil {
		return scenario.State{}, &TransportError{Err: fmt.Errorf("--expect-url %s: %v", o.ExpectURL, unwrapURLError(err))}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, scenario.MaxStateBytes+1))
	if err != nil {
		return scenario.State{}, &TransportError{Err: fmt.Errorf("--expect-url %s: reading the answer: %v", o.ExpectURL, err)}
	}
	if resp.StatusCode/100 != 2 {
		return scenario.State{}, inputErrorf("--expect-url %s answered %d, not a state document (docs/scenarios.md)", o.ExpectURL, resp.StatusCode)
	}
	st, err := scenario.ParseState(b)
	if err != nil {
		return scenario.State{}, inputErrorf("--expect-url %s: not the documented state document: %v", o.ExpectURL, err)
	}
	return st, nil
}

// unwrapURLError drops net/url's "Get \"URL\": " prefix (the URL is said once).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
