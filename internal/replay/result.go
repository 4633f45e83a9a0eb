// result.go holds what a replay reports: the Outcome and Result of each
// delivery and the Summary of the run, with how a Result is counted in.

package replay

import (
	"fmt"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

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

// Result is one delivery. Request and AttemptLog share memory with the run
// (attempts whose answers have the same head may share one Header map):
// they are only valid during the emit call, to read.
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
	loop                         bool // delivered on the event loop (evloop.go)
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
