// judge.go holds how replay judges an answer: each event's retry schedule,
// the catalog's response check (judgeFor) and the answer excerpt kept.

package replay

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
)

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
