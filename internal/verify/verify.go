// Package verify checks captured ZEGO callbacks in bulk: raw JSON or form
// bodies, JSON-lines files (callback bodies or capture records), directories
// of such files, or a stream. It checks each payload's signature, its schema
// against the catalog and its timestamp age, flags re-deliveries, and emits
// one Result per payload in input order. It never prints.
//
// Input is streamed through a bounded line buffer, checked in batches on
// every core and reassembled in order, so memory stays flat however large
// the input is.
package verify

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// DefaultMaxSize is the default payload limit: the largest line (or whole
// file) read as one payload. listen uses the same default body limit.
const DefaultMaxSize = 1 << 20

// DefaultDedupWindow is how many distinct nonce+signature pairs one dedup
// generation holds. Two generations rotate, so a re-delivery is always
// recognised when its first delivery is among the last DefaultDedupWindow
// distinct payloads, and sometimes up to twice that far back.
const DefaultDedupWindow = 100_000

// Options configure a run.
type Options struct {
	Catalog *callback.Catalog
	// Secret is the callback secret; "" leaves signatures unchecked.
	Secret string
	// SecretName says where Secret came from, for diagnoses
	// ("$ZEGO_CALLBACK_SECRET", "--secret-file PATH", ...).
	SecretName string
	// Explain adds, to a signature mismatch, the signature expected with
	// the configured secret and the sorted string hashed, the secret masked
	// (-v).
	Explain bool
	// OtherSecrets are tried only to explain a mismatch.
	OtherSecrets []signature.NamedSecret
	// RequireSignature fails payloads whose signature cannot be checked
	// because no secret is configured.
	RequireSignature bool
	// AllowUnknown accepts events the catalog does not know.
	AllowUnknown bool
	// Strict turns warnings into failures.
	Strict bool
	// MaxAge, when positive, fails payloads whose timestamp is older than
	// this, measured from the capture's received time or else from Now.
	MaxAge time.Duration
	// Now is the reference time for payloads that carry no received time.
	// It is read once per run.
	Now func() time.Time
	// MaxSize is the payload limit in bytes (DefaultMaxSize when 0).
	MaxSize int
	// Workers is the number of checking goroutines (GOMAXPROCS when 0).
	Workers int
	// DedupWindow is the size of one dedup generation (DefaultDedupWindow when 0).
	DedupWindow int
}

// Input is one thing to read: a path (file or directory), or a named reader.
type Input struct {
	// Path of a file or directory. Ignored when Reader is set.
	Path string
	// Reader, when set, is read as one stream named Name (e.g. stdin).
	Reader io.Reader
	Name   string
}

// Verdict is a payload's outcome.
type Verdict uint8

const (
	Pass Verdict = iota // everything checked out
	Warn                // acceptable, with warnings
	Fail                // a check failed, or the input was unreadable
)

func (v Verdict) String() string {
	switch v {
	case Warn:
		return "WARN"
	case Fail:
		return "FAIL"
	}
	return "PASS"
}

// SigStatus is the outcome of the signature check.
type SigStatus string

const (
	SigOK        SigStatus = "ok"        // verified with the configured secret
	SigBad       SigStatus = "bad"       // present but does not verify
	SigMissing   SigStatus = "missing"   // signature, timestamp or nonce field absent
	SigUnchecked SigStatus = "unchecked" // no secret configured, or the payload was unreadable
)

// Result is the outcome for one payload. The pointer handed to the emit
// callback is only valid during the call: copy what you keep.
type Result struct {
	File string
	// Line is the 1-based line the payload starts on (0 when the whole file
	// could not be opened).
	Line  int
	Event string // "" when unknown; the event's Ref ("room_create", "zim/room_create")
	// Family is the detected family's name ("" when unknown).
	Family string
	// Rule says which rule chose the event when several share the body's
	// routing value ("" when the value alone decided).
	Rule    string
	Verdict Verdict
	// Signature is the signature check's status; SignatureReason its
	// machine-readable reason: signature.OK, a mismatch's reason,
	// signature.MissingSecret when no secret is configured, "" when the
	// payload was unreadable.
	Signature       SigStatus
	SignatureReason signature.Reason
	// Reasons are one-line findings, errors first ("warning: " and "note: "
	// prefix the others).
	Reasons []string
	// Unreadable marks input that could not be read or parsed (exit 2).
	Unreadable bool
	// RedeliveryOf is "file:line" of an earlier payload with the same nonce
	// and signature, or "".
	RedeliveryOf string
	// Replay is set, with RedeliveryOf, when that earlier payload's body
	// differs (compared by a 64-bit digest): not a retry (ZEGO re-sends identical bytes) but a possible
	// replay or tampering.
	Replay bool
	// Skipped, when set, says why the line holds no callback to check (a
	// listen -o json "rejected" or "forward_attempt" line): Run counts it
	// in Summary.Skipped and does not emit it.
	Skipped string

	key    uint64 // dedup hash of nonce+signature
	body   uint64 // digest of the body, compared for payloads with the same key
	hasKey bool
}

// Location is "file:line", or just "file" for line 0.
func (r *Result) Location() string {
	if r.Line == 0 {
		return r.File
	}
	return fmt.Sprintf("%s:%d", r.File, r.Line)
}

// Summary counts the results of a run. Failed includes Unreadable;
// Redeliveries excludes Replays.
type Summary struct {
	Passed, Failed, Warned int
	Unreadable             int
	Redeliveries           int
	Replays                int
	// Unchecked counts readable payloads whose signature was not checked
	// (no secret configured).
	Unchecked int
	// Skipped counts the listen -o json lines that hold no callback
	// ("rejected", "forward_attempt"); they are not in the other counts.
	Skipped int
}

// Total is the number of payloads reported.
func (s Summary) Total() int { return s.Passed + s.Failed + s.Warned }

func (s *Summary) add(r *Result) {
	switch r.Verdict {
	case Pass:
		s.Passed++
	case Warn:
		s.Warned++
	default:
		s.Failed++
	}
	if r.Unreadable {
		s.Unreadable++
	} else if r.Signature == SigUnchecked {
		s.Unchecked++
	}
	switch {
	case r.Replay:
		s.Replays++
	case r.RedeliveryOf != "":
		s.Redeliveries++
	}
}

// Run reads inputs in order, checks every payload and calls emit for each
// result in input order. It stops early when emit returns an error or ctx
// is done, and returns that error.
func Run(ctx context.Context, opts Options, inputs []Input, emit func(*Result) error) (Summary, error) {
	opts.defaults()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	ck := newChecker(&opts)
	work := make(chan *batch, opts.Workers)
	order := make(chan *batch, opts.Workers+2)
	pool := newBatchPool(cap(work) + cap(order) + opts.Workers + 2) // every batch that can be in flight

	go func() {
		rd := newReader(ctx, &opts, pool, work, order)
		rd.run(inputs)
		close(work)
		close(order)
	}()
	var wg sync.WaitGroup
	for i := 0; i < opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := ck.newState()
			for b := range work {
				ck.checkBatch(st, b)
				b.done <- struct{}{}
			}
		}()
	}

	var (
		sum  Summary
		err  error
		seen = newDedup(opts.DedupWindow)
	)
	for b := range order {
		<-b.done
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			seen.touch(func(yield func(uint64)) {
				for i := range b.results {
					if b.results[i].hasKey {
						yield(b.results[i].key)
					}
				}
			})
			for i := range b.results {
				r := &b.results[i]
				if r.Skipped != "" {
					sum.Skipped++
					continue
				}
				if r.hasKey {
					if first, dup, same := seen.check(r.key, r.body, r.File, r.Line); dup {
						r.RedeliveryOf = first
						if same {
							r.Reasons = append(r.Reasons, "note: re-delivery of "+first+" (same nonce and signature)")
						} else {
							r.replay(first, opts.Strict)
						}
					}
				}
				sum.add(r)
				if err = emit(r); err != nil {
					cancel()
					break
				}
			}
		}
		pool.put(b)
	}
	wg.Wait()
	if err == nil {
		err = parent.Err() // cancelled before anything was emitted
	}
	return sum, err
}

// replay marks r as a possible replay of first: a warning, or with strict
// a failure, placed among r's reasons by rank (errors, warnings, notes).
func (r *Result) replay(first string, strict bool) {
	r.Replay = true
	msg := "same nonce and signature as " + first + " but a different body: possible replay or tampering (a retry repeats the body byte for byte)"
	rank := func(s string) int {
		switch {
		case strings.HasPrefix(s, "warning: "):
			return 1
		case strings.HasPrefix(s, "note: "):
			return 2
		}
		return 0
	}
	at := 1 // insert before the first reason of a later rank
	if strict {
		msg += " (--strict)"
		at = 0
		r.Verdict = Fail
	} else {
		msg = "warning: " + msg
		if r.Verdict == Pass {
			r.Verdict = Warn
		}
	}
	i := 0
	for i < len(r.Reasons) && rank(r.Reasons[i]) <= at {
		i++
	}
	r.Reasons = slices.Insert(r.Reasons, i, msg)
}

func (o *Options) defaults() {
	if o.Catalog == nil {
		o.Catalog = callback.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.DedupWindow <= 0 {
		o.DedupWindow = DefaultDedupWindow
	}
}
