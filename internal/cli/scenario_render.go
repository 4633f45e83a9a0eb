// scenario_render.go renders a scenario run: the list of built-in
// scenarios, the timeline as delivered, the true and ZEGO-rules states as
// tables, the --expect-url verdicts, and the -o json document.

package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/scenario"
	"github.com/zegocb/zegocb/internal/ui"
)

func renderScenarioList(f *Factory) error {
	if f.JSON() {
		for _, in := range scenario.List() {
			if err := ui.WriteJSONLine(f.IO.Out, in); err != nil {
				return err
			}
		}
		return nil
	}
	t := f.IO.NewTable("NAME", "CALLBACKS", "SPAN", "SUMMARY")
	t.MaxWidth = f.IO.Width()
	for _, in := range scenario.List() {
		t.AddRow(in.Name, strconv.Itoa(in.Callbacks), durText(time.Duration(in.SpanS*float64(time.Second))), in.Summary)
	}
	return t.Render()
}

// scenarioJSON is the -o json document (docs/scenarios.md).
type scenarioJSON struct {
	V               int                    `json:"v"` // the -o json vocabulary's version
	Scenario        string                 `json:"scenario"`
	File            string                 `json:"file"`
	Order           scenario.Order         `json:"order"`
	Seed            uint64                 `json:"seed"`
	AppID           string                 `json:"appid"`
	URL             string                 `json:"url"`
	BuiltinReceiver bool                   `json:"builtin_receiver"`
	Deliveries      []scenarioDeliveryJSON `json:"deliveries"`
	Hazards         []scenario.HazardNote  `json:"hazards,omitempty"`
	scenario.Outcome
	Expect *scenarioExpectJSON `json:"expect,omitempty"`
}

type scenarioDeliveryJSON struct {
	N         int             `json:"n"`
	Callback  int             `json:"callback"`
	Event     string          `json:"event"`
	Label     string          `json:"label"`
	Attempt   int             `json:"attempt"`
	Hazard    scenario.Hazard `json:"hazard,omitempty"`
	OffsetMS  float64         `json:"offset_ms"`
	Outcome   string          `json:"outcome"`
	Status    int             `json:"status"`
	LatencyMS float64         `json:"latency_ms"`
	Error     string          `json:"error,omitempty"`
}

// oneBasedHazards numbers the callbacks of each hazard from 1, as
// deliveries[].callback and the timeline do (scenario numbers them from 0).
func oneBasedHazards(hs []scenario.HazardNote) []scenario.HazardNote {
	out := make([]scenario.HazardNote, len(hs))
	for i, h := range hs {
		out[i] = h
		out[i].Callbacks = make([]int, len(h.Callbacks))
		for j, c := range h.Callbacks {
			out[i].Callbacks[j] = c + 1
		}
		if h.Callbacks == nil {
			out[i].Callbacks = nil
		}
	}
	if hs == nil {
		return nil
	}
	return out
}

type scenarioExpectJSON struct {
	URL string `json:"url"`
	scenario.DiffResult
}

func renderScenario(o *scenarioOptions, def *scenario.Def, run *scenario.Run, plan scenario.Plan, out scenario.Outcome,
	results []scenarioResult, seen []listen.Event, expect *scenario.DiffResult) error {
	f := o.F
	io := f.IO
	if f.JSON() {
		doc := scenarioJSON{V: jsonVersion, Scenario: def.Name, File: def.File, Order: plan.Order, Seed: plan.Seed, AppID: run.AppID,
			URL: o.To, BuiltinReceiver: o.To == "", Hazards: oneBasedHazards(plan.Hazards), Outcome: out, Deliveries: []scenarioDeliveryJSON{}}
		for _, r := range results {
			doc.Deliveries = append(doc.Deliveries, scenarioDeliveryJSON{N: r.D.N, Callback: r.D.Callback + 1, Event: r.C.Event,
				Label: r.C.Label(), Attempt: r.D.Attempt, Hazard: r.D.Hazard, OffsetMS: millis(r.Offset),
				Outcome: verdictOutcome(r.Verdict), Status: r.Status, LatencyMS: millis(r.Latency), Error: r.Err})
		}
		if expect != nil {
			doc.Expect = &scenarioExpectJSON{URL: o.ExpectURL, DiffResult: *expect}
		}
		return ui.WriteJSONLine(io.Out, doc)
	}
	tty := io.IsStdoutTTY()
	s := io.Styles()
	var b strings.Builder
	width := 0
	for _, r := range results {
		width = max(width, len(r.C.Label()))
	}
	for _, r := range results {
		label := r.C.Label()
		if !tty {
			fmt.Fprintf(&b, "%d\t%d\t%s\t%s\t%d\t%s\t%d\t%.2f\t%s\n", r.D.N, r.D.Callback+1, r.C.Event, label,
				r.D.Attempt, r.D.Hazard, r.Status, millis(r.Latency), r.Err)
			continue
		}
		answer := s.Fail.Render("no answer")
		if r.Status != 0 {
			mark := s.Pass.Render("✓")
			if r.Verdict == deliver.Rejected {
				mark = s.Fail.Render("✗")
			}
			answer = mark + " " + s.Status(r.Status).Render(strconv.Itoa(r.Status))
		}
		note := ""
		if r.D.Attempt > 1 {
			note = fmt.Sprintf("re-delivery %d of #%d", r.D.Attempt, r.D.Callback+1)
		}
		if r.D.Hazard != "" {
			note = strings.TrimPrefix(note+", "+strings.ReplaceAll(string(r.D.Hazard), "_", " "), ", ")
		}
		if note != "" {
			note = "  " + s.Warn.Render(note)
		}
		if r.Err != "" {
			note += "  " + s.Faint.Render(r.Err)
		}
		fmt.Fprintf(&b, "%3d  %s  #%-3d %s%s  %s%s\n", r.D.N, s.Faint.Render(offsetText(r.Offset)), r.D.Callback+1,
			s.Event.Render(label), strings.Repeat(" ", width-len(label)), answer, note)
	}
	if _, err := io.Out.Write([]byte(b.String())); err != nil {
		return err
	}
	if seen != nil && tty {
		fmt.Fprintln(io.Out, s.Faint.Render(receiverSummary(seen)))
	} else if seen != nil {
		f.Progressf("%s", receiverSummary(seen))
	}

	if err := renderState(f, "true state", "true", out.True); err != nil {
		return err
	}
	if err := renderState(f, "ZEGO's rules", "zego_rules", out.ZegoRules); err != nil {
		return err
	}
	if tty {
		fmt.Fprintln(io.Out)
	}
	if out.ZegoRulesRight {
		fmt.Fprintln(io.Out, s.Pass.Render("ZEGO's documented rules end with the true state for this arrival order."))
	} else {
		fmt.Fprintln(io.Out, s.Fail.Render("ZEGO's documented rules end WRONG for this arrival order:"))
		for _, e := range scenario.Diff(out.True, out.ZegoRules).Entries {
			if e.Verdict != scenario.Pass {
				fmt.Fprintf(io.Out, "  %s\n", diffText(e, "true", "ZEGO's rules"))
			}
		}
		fmt.Fprintln(io.Out, s.Faint.Render("  A receiver that follows only the docs ends here; docs/scenarios.md shows the robust rule."))
	}
	if out.ZegoPending > 0 {
		fmt.Fprintln(io.Out, s.Faint.Render(fmt.Sprintf("  (ZEGO's rules still hold %s back, waiting for what they depend on)", plural(out.ZegoPending, "callback", "callbacks"))))
	}
	if expect != nil {
		if tty {
			fmt.Fprintln(io.Out)
		}
		fmt.Fprintf(io.Out, "%s %s against the true state:\n", s.Bold.Render("--expect-url"), o.ExpectURL)
		for _, e := range expect.Entries {
			v := s.Pass.Render(string(e.Verdict))
			if e.Verdict != scenario.Pass {
				v = s.Fail.Render(string(e.Verdict))
			}
			fmt.Fprintf(io.Out, "  %s  %s\n", v, diffText(e, "want", "got"))
		}
		verdict := s.Pass.Render(fmt.Sprintf("PASS: %d of %d entries match", expect.Passed, expect.Passed+expect.Failed))
		if !expect.OK() {
			verdict = s.Fail.Render(fmt.Sprintf("FAIL: %d of %d entries differ from the true state", expect.Failed, expect.Passed+expect.Failed))
		}
		fmt.Fprintln(io.Out, verdict)
	}
	return nil
}

// diffText is one diff entry in words: "stream r1/s1: true present, ZEGO's rules absent".
func diffText(e scenario.DiffEntry, wantName, gotName string) string {
	what := e.Room
	if e.ID != "" {
		what += "/" + e.ID
	}
	return fmt.Sprintf("%s %s: %s %s, %s %s", strings.ReplaceAll(e.Kind, "_", " "), what, wantName, e.Want, gotName, e.Got)
}

// renderState prints a state: on a terminal a title and a table, piped
// headerless rows that start with the state's name.
func renderState(f *Factory, title, key string, st scenario.State) error {
	io := f.IO
	tty := io.IsStdoutTTY()
	if tty {
		fmt.Fprintf(io.Out, "\n%s %s\n", io.Styles().Bold.Render(title), io.Styles().Faint.Render("("+plural(len(st.Rooms), "room", "rooms")+")"))
		if len(st.Rooms) == 0 {
			fmt.Fprintln(io.Out, io.Styles().Faint.Render("  no rooms"))
			return nil
		}
	}
	t := io.NewTable("STATE", "ROOM", "SESSION", "USERS", "STREAMS")
	if tty {
		t = io.NewTable("ROOM", "SESSION", "USERS", "STREAMS")
		t.MaxWidth = io.Width()
	}
	for _, r := range st.Rooms {
		users, streams := orDash(strings.Join(r.Users, " ")), orDash(strings.Join(r.Streams, " "))
		if tty {
			t.AddRow(r.RoomID, orDash(r.RoomSessionID), users, streams)
		} else {
			t.AddRow(key, r.RoomID, orDash(r.RoomSessionID), users, streams)
		}
	}
	return t.Render()
}

func orDash(s string) string { return orText(s, "-") }

// receiverSummary says what the built-in receiver saw.
func receiverSummary(seen []listen.Event) string {
	var ok, redelivered int
	for _, e := range seen {
		if e.Sig == listen.SigOK {
			ok++
		}
		if e.Delivery > 1 {
			redelivered++
		}
	}
	return fmt.Sprintf("built-in receiver: %s arrived, %d with a valid signature, %d recognised as re-deliveries (same nonce)",
		plural(len(seen), "callback", "callbacks"), ok, redelivered)
}
