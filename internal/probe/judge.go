// judge.go holds the verdicts on one answer: judgeAccept for a callback a
// correct endpoint accepts, judgeReject for one it refuses, and the
// wording helpers they share (excerpt, retriesText).

package probe

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
)

// excerpt is a body quoted for a reason: one line, at most n bytes.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(bytes.TrimSpace(b))), " ")
	if len(s) > n {
		i := n
		for i > 0 && !utf8.RuneStart(s[i]) { // not inside a character
			i--
		}
		s = s[:i] + "…"
	}
	return strconv.Quote(s)
}

// judgeAccept judges an answer to a callback a correct endpoint accepts: a
// 2xx, with the family's answer: a synchronous callback's JSON (a
// documented decision, within the deadline), or record's legacy "1".
func judgeAccept(e *callback.Event, a deliver.Attempt) (Verdict, string) {
	answer := e.Answer()
	switch {
	case a.Status == 0:
		return Fail, "no answer: " + a.Reason
	case a.Status >= 200 && a.Status < 300:
		if answer.Sync != nil {
			v := answer.Sync.Judge(a.Body, a.Latency)
			if !v.OK {
				return Fail, fmt.Sprintf("%d, but %s: %s is synchronous, ZEGO reads the answer (%s)", a.Status, strings.Join(v.Problems, "; "), e.Ref, answer.Describe(func(s string) string { return s }))
			}
			return Pass, fmt.Sprintf("accepted (%d, %s)", a.Status, v.Summary)
		}
		if !answer.BodyOK(a.Body) {
			return Warn, fmt.Sprintf("%d, but the body is %s: legacy docs for %s treat only %q as success", a.Status, excerpt(a.Body, 40), e.Ref, answer.Body)
		}
		if len(a.Body) == 0 {
			return Pass, fmt.Sprintf("accepted (%d)", a.Status)
		}
		return Pass, fmt.Sprintf("accepted (%d, body %s)", a.Status, excerpt(a.Body, 24))
	case a.Status >= 300 && a.Status < 400:
		return Fail, fmt.Sprintf("answered a redirect (%d to %s): ZEGO counts non-2xx as failure; configure the final URL", a.Status, a.Header.Get("Location"))
	case a.Status == 401 || a.Status == 403:
		return Fail, fmt.Sprintf("rejected a correctly signed callback (%d %s)", a.Status, excerpt(a.Body, 40))
	}
	return Fail, fmt.Sprintf("answered %d %s: ZEGO %s, then drops the callback", a.Status, excerpt(a.Body, 40), retriesText(e))
}

// retriesText says how ZEGO retries e: "retries 5 times", "does not retry".
func retriesText(e *callback.Event) string {
	switch n := len(e.RetryProfile().Delays); n {
	case 0:
		return "documents no retries"
	case 1:
		return "retries once"
	default:
		return "retries " + strconv.Itoa(n) + " times"
	}
}

// judgeReject judges an answer to a callback a correct endpoint refuses.
func judgeReject(a deliver.Attempt, what string) (Verdict, string) {
	switch {
	case a.Status == 0:
		return Warn, "no answer (" + a.Reason + "): refused, but answer 401 so the sender knows why"
	case a.Status >= 200 && a.Status < 300:
		return Fail, fmt.Sprintf("accepted %s (%d): anyone who knows the URL can fake callbacks; verify the signature", what, a.Status)
	case a.Status == 401 || a.Status == 403:
		return Pass, fmt.Sprintf("rejected (%d)", a.Status)
	case a.Status >= 400 && a.Status < 500:
		return Pass, fmt.Sprintf("rejected (%d; 401 or 403 says why more clearly)", a.Status)
	case a.Status >= 500:
		return Warn, fmt.Sprintf("rejected but with a server error (%d): answer 401 or 403", a.Status)
	}
	return Warn, fmt.Sprintf("answered %d: rejected, but answer 401 or 403", a.Status)
}
