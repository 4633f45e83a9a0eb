// analyze.go reads a run as a whole: which correctly signed deliveries (the
// baselines) the endpoint refused, and what the pattern of refusals says
// about the endpoint: a wrong secret only when nothing signed passed; a
// parser for one body format; a check that reads only snake_case (or only
// PascalCase) signature fields; an allow-list of events.

package probe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
)

// notJudged is the reason of a check skipped because its baseline failed.
func notJudged(base Row) string {
	answer := "no answer"
	if base.Status != 0 {
		answer = "answered " + strconv.Itoa(base.Status)
	}
	return fmt.Sprintf("not judged: the endpoint refused the correctly signed %s (%s), so its answer here would say nothing", base.ID, answer)
}

// refused reports whether a baseline row was answered, but not with a 2xx.
func refused(r Row) bool { return r.Verdict == Fail && r.Status >= 400 }

func passed(r Row) bool { return r.Verdict == Pass || r.Verdict == Warn }

// pascal reports whether ev's signature fields are PascalCase (Timestamp,
// Nonce, Signature), as the media-processing families' are.
func pascal(cat *callback.Catalog, ev string) bool {
	e, ok := cat.Lookup(ev)
	if !ok {
		return false
	}
	name := e.RoleField(callback.RoleSignature).Name
	return name != "" && name[0] >= 'A' && name[0] <= 'Z'
}

// casingName names a casing for people.
func casingName(p bool) string {
	if p {
		return "PascalCase (Timestamp/Nonce/Signature)"
	}
	return "snake_case (timestamp/nonce/signature)"
}

// listNames is up to three names, then "…".
func listNames(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

// analyze adds to each refused baseline row what the run's pattern shows,
// and sums the run up in res.Notes.
func analyze(res *Result, rep string, cat *callback.Catalog) {
	var base []int
	anyPassed := false
	for i, r := range res.Rows {
		if r.Baseline {
			base = append(base, i)
			anyPassed = anyPassed || passed(r)
		}
	}
	var notes []string
	note := func(s string) {
		for _, n := range notes {
			if n == s {
				return
			}
		}
		notes = append(notes, s)
	}
	nRefused := 0
	for _, i := range base {
		r := &res.Rows[i]
		if !refused(*r) {
			continue
		}
		nRefused++
		rowHint, runNote := pattern(*r, res.Rows, base, anyPassed, cat)
		switch {
		case rowHint == "":
		case r.Status == 401 || r.Status == 403: // "rejected a correctly signed callback (401 …)"
			r.Reason += ": " + rowHint
		default: // "answered 500 …: ZEGO retries 5 times, then drops the callback"
			r.Reason += "; " + rowHint
		}
		if runNote != "" {
			note(runNote)
		}
	}
	skipped := res.Counts()[Skip]
	switch {
	case len(base) > 0 && nRefused == len(base):
		head := fmt.Sprintf("the endpoint rejected valid callbacks: all %d correctly signed deliveries were refused", nRefused)
		if skipped > 0 {
			head += fmt.Sprintf(", so %d checks that depend on them were not judged", skipped)
		}
		notes = append([]string{head}, notes...)
	case skipped > 0:
		var why string
		for _, r := range res.Rows {
			if r.Baseline && r.ID == rep+"/json" {
				why = r.ID
			}
		}
		notes = append([]string{fmt.Sprintf("the endpoint rejected valid callbacks: %s was refused, so the %d protocol checks that use it were not judged", why, skipped)}, notes...)
	}
	res.Notes = notes
}

// pattern explains the refused baseline row r from the other baselines:
// a hint for the row, and a line for the run's notes.
func pattern(r Row, rows []Row, base []int, anyPassed bool, cat *callback.Catalog) (string, string) {
	if !anyPassed {
		if r.Status == 401 || r.Status == 403 {
			return "nothing correctly signed passed in this run; does the endpoint use the same CallbackSecret?",
				"nothing correctly signed passed: does the endpoint use the same CallbackSecret?"
		}
		return "", ""
	}
	// The same event passed in another format: the body format is the difference.
	for _, i := range base {
		o := rows[i]
		if o.Event == r.Event && o.Format != r.Format && passed(o) {
			return formatHint(o.Format, r.Format, r.Event), formatNote(o.Format, r.Format)
		}
	}
	// Same format: compare the events, by the casing of their signature fields.
	mine := pascal(cat, r.Event)
	var sameOK, sameBad, otherOK, otherBad []string
	for _, i := range base {
		o := rows[i]
		if o.Format != r.Format || o.Event == r.Event {
			continue
		}
		switch {
		case pascal(cat, o.Event) == mine && passed(o):
			sameOK = append(sameOK, o.Event)
		case pascal(cat, o.Event) == mine:
			sameBad = append(sameBad, o.Event)
		case passed(o):
			otherOK = append(otherOK, o.Event)
		default:
			otherBad = append(otherBad, o.Event)
		}
	}
	if len(sameOK) == 0 && len(otherOK) > 0 && len(otherBad) == 0 {
		reads := casingName(!mine)
		return fmt.Sprintf("every %s event was refused and every %s one accepted: the endpoint probably reads only %s fields", casingName(mine), casingName(!mine), reads),
			fmt.Sprintf("%s events were refused, %s ones accepted: the endpoint probably reads only %s fields; ZEGO's media-processing callbacks use PascalCase", casingName(mine), casingName(!mine), reads)
	}
	if len(sameOK) > 0 {
		return fmt.Sprintf("other events signed the same way were accepted (%s): the endpoint probably allows only a list of events; answer 2xx to every event ZEGO sends, even those you ignore", listNames(sameOK)),
			"some events were accepted and others signed the same way refused: the endpoint probably allows only a list of events; answer 2xx to every event, even those you ignore"
	}
	return "", ""
}

// formatHint is the one line that explains an event accepted in one body
// format and refused in another.
func formatHint(ok, bad callback.Format, event string) string {
	return fmt.Sprintf("the same %s passed as %s, so the endpoint %s", event, ok.Label(), formatCause(bad))
}

func formatNote(ok, bad callback.Format) string {
	return fmt.Sprintf("%s bodies passed, %s ones were refused: the endpoint %s", ok.Label(), bad.Label(), formatCause(bad))
}

func formatCause(bad callback.Format) string {
	switch bad {
	case callback.FormatForm:
		return "does not parse form bodies (application/x-www-form-urlencoded), which ZEGO sends when the callback is configured for form"
	case callback.FormatURLEncodedJSON:
		return "does not URL-decode the body; ZEGO's pages say \"JSON; UrlDecode it\""
	}
	return "does not parse JSON bodies, ZEGO's default"
}
