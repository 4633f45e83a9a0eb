// send_judge.go holds how send judges an endpoint's answer to a callback
// (the family's status and body rule, a synchronous answer's checks) and
// which retry schedule follows a failure.

package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
)

// judge is the catalog's response check: any 2xx; for a synchronous
// callback (ZIM before_send_msg, Mini Game) a JSON answer whose decision is
// documented, within the deadline; for record's legacy convention, the body
// "1" (a warning, or with --strict a failure). An accepted synchronous
// answer's reason is its summary (`result 0 (neutral: send)`).
func (o *sendOptions) judge(spec *callback.Event) func(int, []byte, time.Duration) (deliver.Verdict, string) {
	answer := spec.Answer()
	return func(status int, body []byte, took time.Duration) (deliver.Verdict, string) {
		if v, why := deliver.Judge2xx(status, body, took); v != deliver.Accepted {
			return v, why
		}
		if answer.Sync != nil {
			v := answer.Sync.Judge(body, took)
			if !v.OK {
				return deliver.Rejected, strings.Join(v.Problems, "; ")
			}
			return deliver.Accepted, v.Summary
		}
		if !answer.BodyOK(body) {
			got := strings.TrimSpace(string(body))
			why := fmt.Sprintf("body is %s, legacy %s docs ask for %q", strconv.Quote(clip(oneLine(got), 24+len(markCut), markCut)), spec.Ref, answer.Body)
			if o.Strict {
				return deliver.Rejected, why + " (--strict)"
			}
			return deliver.AcceptedWithWarning, why
		}
		return deliver.Accepted, ""
	}
}

// schedule is the event's retry profile (none with --no-retry).
func (o *sendOptions) schedule(spec *callback.Event) []time.Duration {
	if o.NoRetry {
		return nil
	}
	return spec.RetryProfile().Durations()
}
