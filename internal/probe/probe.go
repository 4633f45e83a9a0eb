// Package probe is zegocb's conformance suite for a callback endpoint: it
// sends correctly signed callbacks of every catalog event (JSON and form),
// forged and unsigned ones, re-deliveries, loosely typed and extended
// payloads, old timestamps and replays, and judges each answer. It never
// prints: it returns rows (and reports them through Config.OnRow).
package probe

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// Verdict is a row's outcome.
type Verdict string

const (
	Pass Verdict = "PASS"
	Warn Verdict = "WARN"
	Fail Verdict = "FAIL"
	Info Verdict = "INFO"
	// Skip: the check was not judged (its baseline, a correctly signed
	// delivery of the same event and format, was refused); Reason says why.
	Skip Verdict = "SKIP"
)

// Expectation says what a correct endpoint does with a check's request.
type Expectation string

const (
	Accept Expectation = "accept" // 2xx (and the catalog's body)
	Reject Expectation = "reject" // 4xx, ideally 401/403
	Report Expectation = "report" // policy is the endpoint's: reported as INFO
)

// Row is one check and its outcome.
type Row struct {
	ID      string // stable id, e.g. "stream_create/json", "security/forged-signature"
	Event   string
	Check   string // what was sent, in words
	Expect  Expectation
	Verdict Verdict
	Reason  string
	Status  int           // HTTP status of the judged answer; 0: no answer
	Latency time.Duration // of the judged answer
	Body    []byte        // the judged answer's body (first 64 KiB)
	Err     error         // transport error, when Status is 0
	// Format is the wire form the check sent.
	Format callback.Format
	// Baseline: the row is a correctly signed delivery of its event in its
	// format, the row other checks of that event and format depend on.
	Baseline bool
}

// Config configures a probe run.
type Config struct {
	URL     string
	Catalog *callback.Catalog
	Secret  string
	// Events names the events of the per-event checks: event names
	// (stream_create, zim/room_create), family names (zim: all its events)
	// or "all" (the whole catalog). nil: one representative per family
	// (stream_create for RTC, else the family's first event). The first
	// event also carries the protocol checks.
	Events  []string
	Timeout time.Duration // per request (default 5s)
	Header  http.Header   // extra headers on every request
	Client  *http.Client
	Now     func() time.Time
	Nonce   func() string
	Rand    *rand.Rand // sample values (nil: random)
	AppID   string
	// OnRow is called after each check.
	OnRow func(Row)
}

// Result is a whole run.
type Result struct {
	URL  string
	Rows []Row
	// Unreachable is set when the endpoint never answered; Rows is then empty
	// and Err says why.
	Unreachable bool
	Err         string
	Elapsed     time.Duration
	// Notes say, one line each, what the run's pattern of answers shows
	// (the endpoint rejected valid callbacks; it parses only JSON; ...).
	Notes []string
}

// Counts tallies the rows by verdict.
func (r *Result) Counts() map[Verdict]int {
	c := map[Verdict]int{Pass: 0, Warn: 0, Fail: 0, Info: 0, Skip: 0}
	for _, row := range r.Rows {
		c[row.Verdict]++
	}
	return c
}

// Failed reports whether any row failed.
func (r *Result) Failed() bool { return r.Counts()[Fail] > 0 }

// ErrUnknownEvent is returned for an --events name not in the catalog.
var ErrUnknownEvent = errors.New("unknown event")

// Plan returns the ids of the checks a run makes, in order.
func Plan(cfg Config) ([]string, error) {
	p, err := newProber(&cfg)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(p.checks))
	for i, c := range p.checks {
		ids[i] = c.id
	}
	return ids, nil
}

// Run makes every check in order and returns the rows. ctx ending stops the
// run and returns the rows so far with ctx's error.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	p, err := newProber(&cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{URL: cfg.URL}
	start := cfg.Now()
	judged := map[string]Row{} // baseline rows by id
	for i, c := range p.checks {
		var row Row
		if base, ok := judged[c.dep]; ok && base.Verdict == Fail {
			row = Row{Verdict: Skip, Reason: notJudged(base)}
		} else {
			row = c.run(ctx)
		}
		row.ID, row.Event, row.Check, row.Expect = c.id, c.event, c.check, c.expect
		row.Format, row.Baseline = c.format, c.dep == ""
		if row.Baseline {
			judged[c.id] = row
		}
		if ctx.Err() != nil {
			res.Elapsed = cfg.Now().Sub(start)
			return res, ctx.Err()
		}
		if i == 0 && row.Status == 0 {
			res.Unreachable = true
			res.Err = strings.TrimPrefix(row.Reason, "no answer: ")
			res.Elapsed = cfg.Now().Sub(start)
			return res, nil
		}
		res.Rows = append(res.Rows, row)
		if cfg.OnRow != nil {
			cfg.OnRow(row)
		}
	}
	res.Elapsed = cfg.Now().Sub(start)
	analyze(res, p.rep.Ref, cfg.Catalog)
	return res, nil
}
