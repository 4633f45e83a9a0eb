package cli

// families_test.go: every product family of the catalog round-trips send →
// the built-in receiver and send → the real listen server over loopback;
// colliding bare names; synchronous answers judged; --reply per event.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// familyEvents lists, family by family, the catalog's events (families
// added to the catalog are covered without touching this test).
func familyEvents(t *testing.T) map[*callback.Family][]*callback.Event {
	t.Helper()
	cat := callback.Default()
	out := map[*callback.Family][]*callback.Event{}
	for _, f := range cat.Families() {
		if evs := cat.FamilyEvents(f); len(evs) > 0 {
			out[f] = evs
		}
	}
	if len(out) < 2 {
		t.Fatalf("only %d families with events", len(out))
	}
	return out
}

// wantAnswer is what a correct receiver answers e: its documented JSON, or "1".
func wantAnswer(e *callback.Event) string {
	if s := e.Answer().Sync; s != nil {
		return s.Default
	}
	return "1"
}

func TestEveryFamilyRoundTripsTheBuiltinReceiver(t *testing.T) {
	for f, evs := range familyEvents(t) {
		for _, e := range evs {
			for _, enc := range []string{"json", "form"} {
				ct := newCmdtest(t, sendOpts())
				if code := ct.run("send", e.Qualified, "--encoding", enc, "-o", "json"); code != ExitOK {
					t.Fatalf("%s %s: exit %d: %s", e.Qualified, enc, code, ct.errOut)
				}
				var res sendJSON
				if err := json.Unmarshal(ct.out.Bytes(), &res); err != nil {
					t.Fatalf("%s: %v\n%s", e.Qualified, err, ct.out)
				}
				if res.Event != e.Ref || res.Family != f.Name || res.Outcome != "delivered" || len(res.Receiver) != 1 {
					t.Fatalf("%s %s: %+v", e.Qualified, enc, res)
				}
				r := res.Receiver[0]
				if r.Event != e.Ref || r.Signature != "ok" || r.Answer.Status != 200 || r.Answer.Body != wantAnswer(e) || len(r.Problems) != 0 {
					t.Errorf("%s %s: the receiver saw %+v", e.Qualified, enc, r)
				}
				// The timestamp is in the family's unit.
				digits := 10
				if e.TimestampUnit() == "ms" {
					digits = 13
				}
				if len(res.Timestamp) != digits {
					t.Errorf("%s: timestamp %q, want %d digits", e.Qualified, res.Timestamp, digits)
				}
			}
		}
	}
}

func TestEveryFamilyRoundTripsListen(t *testing.T) {
	fams := familyEvents(t)
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-o", "json")
	var sent []*callback.Event
	for _, evs := range fams {
		for _, e := range evs {
			ct := newCmdtest(t, cmdOpts{env: lsEnv, wall: true})
			if code := ct.run("send", e.Qualified, "--to", l.url("/zego"), "--no-retry", "-o", "json"); code != ExitOK {
				t.Fatalf("%s: exit %d: %s", e.Qualified, code, ct.errOut)
			}
			var res sendJSON
			if err := json.Unmarshal(ct.out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if a := res.Attempts[0]; a.Status != 200 || a.Body != wantAnswer(e) || a.Verdict != "ok" {
				t.Errorf("%s: send saw %+v", e.Qualified, a)
			}
			sent = append(sent, e)
		}
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("listen exit %d", code)
	}
	rows := lsJSONLines(t, l.out.String())
	if len(rows) != len(sent) {
		t.Fatalf("listen saw %d callbacks, %d sent", len(rows), len(sent))
	}
	for i, e := range sent {
		r := rows[i]
		answer, _ := r["answer"].(map[string]any)
		if r["event"] != e.Ref || r["known"] != true || r["signature"] != "ok" || answer["status"] != 200.0 || answer["body"] != wantAnswer(e) {
			t.Errorf("%s: listen row %v", e.Qualified, r)
		}
		if probs, _ := r["problems"].([]any); len(probs) != 0 {
			t.Errorf("%s: schema problems %v", e.Qualified, probs)
		}
	}
}

// A bare name two families share means the RTC event, and one hint line
// names the others; the qualified name reaches the other without a hint;
// --data with the other family's fields picks it.
func TestSendCollidingBareName(t *testing.T) {
	cat := callback.Default()
	for _, e := range cat.Events() {
		d, alts := cat.Resolve(e.Name)
		if len(alts) == 0 || d != e {
			continue
		}
		ct := newCmdtest(t, sendOpts())
		if code := ct.run("send", e.Name, "--dry-run"); code != ExitOK {
			t.Fatalf("%s: exit %d: %s", e.Name, code, ct.errOut)
		}
		for _, a := range alts {
			if a.Product == cat.Families()[0] { // RTC's wins wherever it is a candidate
				t.Errorf("%s means %s, not the RTC event %s", e.Name, e.Qualified, a.Qualified)
			}
		}
		hints := strings.Split(strings.TrimSpace(ct.errOut.String()), "\n")
		var hint string
		for _, h := range hints {
			if strings.HasPrefix(h, e.Name+" means ") {
				if hint != "" {
					t.Errorf("%s: two hint lines", e.Name)
				}
				hint = h
			}
		}
		if !strings.Contains(hint, e.Qualified) {
			t.Errorf("%s: hint %q does not say it means %s", e.Name, hint, e.Qualified)
		}
		for _, a := range alts {
			if !strings.Contains(hint, a.Qualified) {
				t.Errorf("%s: hint %q does not name %s", e.Name, hint, a.Qualified)
			}
			ct := newCmdtest(t, sendOpts())
			if code := ct.run("send", a.Qualified, "-o", "json"); code != ExitOK {
				t.Fatalf("%s: exit %d: %s", a.Qualified, code, ct.errOut)
			}
			var res sendJSON
			_ = json.Unmarshal(ct.out.Bytes(), &res)
			if res.Event != a.Ref || res.Receiver[0].Event != a.Ref || strings.Contains(ct.errOut.String(), " means ") {
				t.Errorf("%s: sent %s, receiver saw %s, stderr %q", a.Qualified, res.Event, res.Receiver[0].Event, ct.errOut)
			}
			// --data holding the other family's event, named by the bare name.
			body := a.Sample(callback.SampleOptions{}).JSON()
			ct = newCmdtest(t, sendOpts())
			ct.in.Write(body)
			if code := ct.run("send", e.Name, "--data", "-", "-o", "json"); code != ExitOK {
				t.Fatalf("%s --data %s: exit %d: %s", e.Name, a.Qualified, code, ct.errOut)
			}
			_ = json.Unmarshal(ct.out.Bytes(), &res)
			if res.Event != a.Ref {
				t.Errorf("send %s --data (a %s body) sent %s", e.Name, a.Qualified, res.Event)
			}
		}
	}
}

// syncEvent is the first event with a synchronous answer (ZIM before_send_msg).
func syncEvent(t *testing.T) *callback.Event {
	for _, e := range callback.Default().Events() {
		if s := e.Answer().Sync; s != nil && s.Deadline > 0 {
			return e
		}
	}
	t.Skip("no synchronous event with a deadline in the catalog")
	return nil
}

func answering(t *testing.T, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestSendJudgesSynchronousAnswers(t *testing.T) {
	e := syncEvent(t)
	deadline := time.Duration(e.Answer().Sync.Deadline)
	attempts := len(e.RetryProfile().Delays) + 1
	for _, tc := range []struct {
		name, body string
		step       time.Duration // how far the clock moves per reading: the answer's latency
		code       int
		want       []string
	}{
		{"decision shown", `{"result":3,"reason":"spam","new_payload":"masked"}`, time.Millisecond, ExitOK,
			[]string{"result 3 (do not send)", `reason "spam"`, `new_payload "masked"`}},
		{"neutral", `{"result":0}`, time.Millisecond, ExitOK, []string{"result 0 (neutral: send)"}},
		{"undocumented result", `{"result":7}`, time.Millisecond, ExitCheckFailed,
			[]string{"result 7 is not a documented value (0, 1, 2, 3)", "answered as the catalog asks"}},
		{"not JSON", `1`, time.Millisecond, ExitCheckFailed, []string{"want JSON such as " + e.Answer().Sync.Default}},
		{"deadline overrun", `{"result":0}`, deadline + 500*time.Millisecond, ExitCheckFailed,
			[]string{"answered after " + (deadline + 500*time.Millisecond).String() + ", over the " + deadline.String() + " deadline"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := sendOpts()
			o.clock = &testClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), step: tc.step}
			ct := newCmdtest(t, o)
			code := ct.run("send", e.Qualified, "--to", answering(t, tc.body), "--retry-scale", "0.001")
			all := ct.out.String() + ct.errOut.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			// A failed answer is retried on the event's own profile.
			if tc.code != ExitOK && !strings.Contains(all, "#"+strconv.Itoa(attempts)+"/"+strconv.Itoa(attempts)) {
				t.Errorf("no attempt %d/%d (the event's retry profile):\n%s", attempts, attempts, all)
			}
		})
	}
}

// listen --reply EVENT=BODY answers one event with BODY ("block this
// message"), as JSON; other events keep theirs; an unknown EVENT is a usage
// error.
func TestListenReplyPerEvent(t *testing.T) {
	e := syncEvent(t)
	block := `{"result":3,"reason":"blocked by policy"}`
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-o", "json", "--reply", e.Ref+"="+block, "--reply", "ok")
	ct := newCmdtest(t, cmdOpts{env: lsEnv, wall: true})
	if code := ct.run("send", e.Ref, "--to", l.url("/"), "--no-retry"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, ct.errOut)
	}
	if all := ct.out.String() + ct.errOut.String(); !strings.Contains(all, `result 3 (do not send), reason "blocked by policy"`) {
		t.Errorf("send did not show the blocking answer:\n%s", all)
	}
	resp, err := http.Post(l.url("/"), "application/json", strings.NewReader(string(lsSigned(t, e.Qualified, lsSecret))))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != block || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("answer %q (%s)", b, resp.Header.Get("Content-Type"))
	}
	if status, answer := lsPost(t, l.url("/"), "application/json", lsSigned(t, "stream_create", lsSecret)); status != 200 || answer != "ok" {
		t.Errorf("stream_create: %d %q, want the --reply BODY", status, answer)
	}
	l.stop()

	bad := newCmdtest(t, cmdOpts{env: lsEnv})
	if code := bad.run("listen", "--reply", "no_such_event=x"); code != ExitUsage || !strings.Contains(bad.errOut.String(), `"no_such_event" is no event or family`) {
		t.Errorf("exit %d: %s", code, bad.errOut)
	}
}

// listen labels a re-delivery with the event's own retry profile: ZIM
// before_send_msg is retried once, RTC events five times.
func TestListenRetryLabelFollowsTheProfile(t *testing.T) {
	e := syncEvent(t)
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-q")
	for _, name := range []string{e.Qualified, "stream_create"} {
		body := lsSigned(t, name, lsSecret)
		lsPost(t, l.url("/"), "application/json", body)
		lsPost(t, l.url("/"), "application/json", body)
	}
	l.stop()
	out := l.out.String()
	n := len(e.RetryProfile().Delays)
	for _, want := range []string{"retry 1 of " + strconv.Itoa(n), "retry 1 of 5"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q:\n%s", want, out)
		}
	}
}

// Load mode re-stamps and re-signs each request in the family's unit and
// scheme: every request of every family verifies at the built-in receiver.
func TestEveryFamilyLoadModeVerifies(t *testing.T) {
	for _, evs := range familyEvents(t) {
		e := evs[0]
		ct := newCmdtest(t, cmdOpts{env: lsEnv, wall: true})
		if code := ct.run("send", e.Qualified, "-n", "20", "-c", "2", "-o", "json"); code != ExitOK {
			t.Fatalf("%s: exit %d: %s%s", e.Qualified, code, ct.out, ct.errOut)
		}
		var res struct {
			OK     int `json:"ok"`
			Failed int `json:"failed"`
		}
		if err := json.Unmarshal(ct.out.Bytes(), &res); err != nil || res.OK != 20 || res.Failed != 0 {
			t.Errorf("%s: %+v (%v)", e.Qualified, res, err)
		}
	}
}
