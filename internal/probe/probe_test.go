package probe

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
)

const secret = "probe-test-secret"

func cfg(url string) Config {
	return Config{URL: url, Secret: secret, Rand: rand.New(rand.NewPCG(1, 2)), Timeout: 2 * time.Second}
}

func rows(res *Result) map[string]Row {
	m := map[string]Row{}
	for _, r := range res.Rows {
		m[r.ID] = r
	}
	return m
}

func TestCorrectEndpointPassesEverything(t *testing.T) {
	srv := httptest.NewServer(listen.NewHandler(listen.Config{Secret: secret}, nil))
	defer srv.Close()
	var seen int
	c := cfg(srv.URL)
	c.OnRow = func(Row) { seen++ }
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := Plan(cfg(srv.URL))
	reps, _ := Events(callback.Default(), nil)
	if len(res.Rows) != len(ids) || seen != len(ids) || len(ids) != 3*len(reps)+10 {
		t.Fatalf("%d rows, %d planned, %d reported", len(res.Rows), len(ids), seen)
	}
	for _, r := range res.Rows {
		if r.Verdict == Fail || r.Verdict == Warn {
			t.Errorf("%s: %s %s", r.ID, r.Verdict, r.Reason)
		}
	}
	if res.Failed() {
		t.Fatal("failed")
	}
	if got := rows(res)["timestamp/stale"]; got.Verdict != Info {
		t.Fatalf("stale: %+v", got)
	}
}

// acceptAll is the classic insecure endpoint: 200 for anything.
func acceptAll(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	io.WriteString(w, "1")
}

func TestAcceptEverythingFailsSecurity(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(acceptAll))
	defer srv.Close()
	c := cfg(srv.URL)
	c.Events = []string{"record", "room_create"}
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	m := rows(res)
	for _, id := range []string{"security/forged-signature", "security/missing-signature", "security/other-secret"} {
		if m[id].Verdict != Fail || !strings.Contains(m[id].Reason, "fake callbacks") {
			t.Errorf("%s: %+v", id, m[id])
		}
	}
	if m["record/json"].Verdict != Pass || m["room_create/form"].Verdict != Pass || m["security/forged-signature"].Event != "record" {
		t.Errorf("rows %+v", m)
	}
	if !res.Failed() {
		t.Fatal("an endpoint that accepts forged callbacks passed")
	}
}

func TestWrongBodyForRecordWarns(t *testing.T) {
	srv := httptest.NewServer(listen.NewHandler(listen.Config{Secret: secret, ReplyBody: "ok"}, nil))
	defer srv.Close()
	c := cfg(srv.URL)
	c.Events = []string{"record", "stream_close"}
	res, _ := Run(context.Background(), c)
	m := rows(res)
	if m["record/json"].Verdict != Warn || m["stream_close/json"].Verdict != Pass {
		t.Fatalf("record %+v stream_close %+v", m["record/json"], m["stream_close/json"])
	}
}

// dedupRejecter answers 409 to a nonce it has seen: it breaks ZEGO's retries.
type dedupRejecter struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *dedupRejecter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	p, err := callback.Parse(b, r.Header.Get("Content-Type"))
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	in := callback.SignatureInput(nil, p, secret)
	d.mu.Lock()
	dup := d.seen[in.Nonce]
	d.seen[in.Nonce] = true
	d.mu.Unlock()
	if dup {
		http.Error(w, "duplicate", http.StatusConflict)
		return
	}
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	listen.NewHandler(listen.Config{Secret: secret}, nil).ServeHTTP(w, r)
}

func TestRejectingRedeliveriesFails(t *testing.T) {
	d := &dedupRejecter{seen: map[string]bool{}}
	srv := httptest.NewServer(d)
	defer srv.Close()
	c := cfg(srv.URL)
	c.Events = []string{"stream_create"}
	res, _ := Run(context.Background(), c)
	m := rows(res)
	if r := m["delivery/redelivered"]; r.Verdict != Fail || r.Status != 409 || !strings.Contains(r.Reason, "answer 2xx to duplicates") {
		t.Fatalf("redelivered: %+v", r)
	}
	if r := m["replay/reused-nonce"]; r.Verdict != Info || !strings.Contains(r.Reason, "remembers nonces") {
		t.Fatalf("reused nonce: %+v", r)
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res, err := Run(context.Background(), cfg(url))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unreachable || len(res.Rows) != 0 || !strings.Contains(res.Err, "refused") {
		t.Fatalf("%+v", res)
	}
}

func TestUnknownEvent(t *testing.T) {
	c := cfg("http://127.0.0.1:1")
	c.Events = []string{"nope"}
	if _, err := Plan(c); err == nil || !strings.Contains(err.Error(), `unknown event "nope"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestJUnitIsValidXML(t *testing.T) {
	res := &Result{URL: "http://x", Rows: []Row{
		{ID: "a/json", Check: "signed JSON", Verdict: Pass, Reason: "accepted"},
		{ID: "security/forged-signature", Check: "forged <sig> & co", Verdict: Fail, Reason: "accepted a forged \"signature\""},
		{ID: "timestamp/stale", Verdict: Info, Reason: "policy"},
	}}
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(JUnit(res), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Suites[0]
	if s.Tests != 3 || s.Failures != 1 || s.Cases[1].Failure == nil || s.Cases[1].Failure.Message != `accepted a forged "signature"` || s.Cases[0].Failure != nil {
		t.Fatalf("%+v", doc)
	}
}

func TestExcerptKeepsCharactersWhole(t *testing.T) {
	for _, s := range []string{"成功成功成功成功成功", "x成功成功成功成功成功", "xy成功成功成功成功成功"} {
		got, err := strconv.Unquote(excerpt([]byte(s), 10))
		if err != nil || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
			t.Errorf("excerpt(%q, 10) = %q (%v)", s, got, err)
		}
	}
}

// gate wraps a correct endpoint (listen's handler): refuse answers 401
// ("refused") to the requests it picks, before the signature is checked.
func gate(t *testing.T, refuse func(body []byte, ctype string) bool) string {
	t.Helper()
	h := listen.NewHandler(listen.Config{Secret: secret}, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if refuse(b, r.Header.Get("Content-Type")) {
			http.Error(w, "refused", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func runEvents(t *testing.T, url string, events ...string) (*Result, map[string]Row) {
	t.Helper()
	c := cfg(url)
	c.Events = events
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return res, rows(res)
}

// The endpoint refuses even a fresh, correctly signed callback: no
// protocol check is judged, and the run says the endpoint refused valid
// callbacks (the repro of issue 13: listen --status 401).
func TestRefusedBaselineJudgesNothing(t *testing.T) {
	url := gate(t, func([]byte, string) bool { return true })
	res, m := runEvents(t, url, "stream_create")
	for _, r := range res.Rows {
		switch {
		case r.Baseline:
			if r.Verdict != Fail || !strings.Contains(r.Reason, "nothing correctly signed passed in this run; does the endpoint use the same CallbackSecret?") {
				t.Errorf("%s: %s %s", r.ID, r.Verdict, r.Reason)
			}
		case r.Verdict != Skip || r.Status != 0 || !strings.Contains(r.Reason, "not judged: the endpoint refused the correctly signed stream_create/json (answered 401)"):
			t.Errorf("%s: %s %q (status %d)", r.ID, r.Verdict, r.Reason, r.Status)
		}
	}
	for _, bad := range []string{"a window this short drops it", "must have judged the content"} {
		for _, r := range res.Rows {
			if strings.Contains(r.Reason, bad) {
				t.Errorf("%s still says %q", r.ID, bad)
			}
		}
	}
	if c := res.Counts(); c[Skip] != 10 || c[Pass] != 0 || c[Fail] != 3 {
		t.Errorf("counts %v", c)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "the endpoint rejected valid callbacks: all 3 correctly signed deliveries were refused, so 10 checks that depend on them were not judged") {
		t.Errorf("notes %q", res.Notes)
	}
	if m["security/forged-signature"].Verdict == Pass {
		t.Error("a refusal of a forged signature passed without a baseline")
	}
}

// A format whose baseline failed judges nothing in that format: the
// protocol checks are JSON, so a refused JSON baseline skips them even
// though form passes; the one-line reason names the format.
func TestRefusedJSONBaselineSkipsJSONChecks(t *testing.T) {
	url := gate(t, func(b []byte, ct string) bool { return strings.HasPrefix(ct, "application/json") })
	res, m := runEvents(t, url, "stream_create")
	if r := m["stream_create/form"]; r.Verdict != Pass {
		t.Fatalf("form: %+v", r)
	}
	if r := m["stream_create/json"]; r.Verdict != Fail || !strings.Contains(r.Reason, "the same stream_create passed as form, so the endpoint does not parse JSON bodies") || strings.Contains(r.Reason, "CallbackSecret") {
		t.Errorf("json: %s", r.Reason)
	}
	if r := m["timestamp/retry-age"]; r.Verdict != Skip {
		t.Errorf("retry-age: %+v", r)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "stream_create/json was refused, so the 10 protocol checks that use it were not judged") {
		t.Errorf("notes %q", res.Notes)
	}
}

// The hint for a refused correctly signed callback reads the run's pattern.
func TestRefusalPatterns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refuse func(b []byte, ct string) bool
		events []string
		row    string
		want   string
		note   string
	}{
		{
			name: "snake-case only", events: []string{"stream_create", "room_login", "transcode_start", "censor_audio_v2_result"},
			refuse: func(b []byte, ct string) bool {
				p, err := callback.Parse(b, ct)
				if err != nil {
					return true
				}
				_, ok := p.Get("signature")
				return !ok
			},
			row:  "transcode_start/json",
			want: "every PascalCase (Timestamp/Nonce/Signature) event was refused and every snake_case (timestamp/nonce/signature) one accepted: the endpoint probably reads only snake_case (timestamp/nonce/signature) fields",
			note: "PascalCase (Timestamp/Nonce/Signature) events were refused",
		},
		{
			name: "allow-list", events: []string{"stream_create", "room_login", "stream_close"},
			refuse: func(b []byte, ct string) bool { return strings.Contains(string(b), "room_login") },
			row:    "room_login/form",
			want:   "other events signed the same way were accepted (stream_create, stream_close): the endpoint probably allows only a list of events",
			note:   "the endpoint probably allows only a list of events",
		},
		{
			name: "JSON only", events: []string{"stream_create", "record"},
			refuse: func(b []byte, ct string) bool { return !strings.HasPrefix(string(b), "{") },
			row:    "record/form",
			want:   "the same record passed as JSON, so the endpoint does not parse form bodies",
			note:   "JSON bodies passed, form ones were refused",
		},
		{
			name: "no URL-decoding", events: []string{"stream_create"},
			refuse: func(b []byte, ct string) bool { return strings.HasPrefix(string(b), "%7B") },
			row:    "stream_create/urlencoded-json",
			want:   "the same stream_create passed as JSON, so the endpoint does not URL-decode the body",
			note:   "JSON bodies passed, UrlEncoded JSON ones were refused",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, m := runEvents(t, gate(t, tc.refuse), tc.events...)
			r := m[tc.row]
			if r.Verdict != Fail || !strings.Contains(r.Reason, tc.want) {
				t.Errorf("%s: %s %q\nwant %q", tc.row, r.Verdict, r.Reason, tc.want)
			}
			for _, row := range res.Rows {
				if strings.Contains(row.Reason, "CallbackSecret") {
					t.Errorf("%s suggests the secret though signed callbacks passed: %s", row.ID, row.Reason)
				}
				if row.Verdict == Skip {
					t.Errorf("%s not judged though its baseline passed", row.ID)
				}
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), tc.note) {
				t.Errorf("notes %q lack %q", res.Notes, tc.note)
			}
		})
	}
}

// A check not judged is a JUnit <skipped>, counted in the suite's skipped;
// the run's notes are properties.
func TestJUnitSkipped(t *testing.T) {
	res := &Result{URL: "http://x", Notes: []string{"the endpoint rejected valid callbacks"}, Rows: []Row{
		{ID: "a/json", Check: "signed JSON", Verdict: Fail, Reason: "rejected", Baseline: true},
		{ID: "security/forged-signature", Check: "forged", Verdict: Skip, Reason: "not judged: x"},
	}}
	var doc struct {
		Suites []struct {
			Skipped int `xml:"skipped,attr"`
			Props   []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(JUnit(res), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Suites[0]
	if s.Skipped != 1 || s.Cases[1].Skipped == nil || s.Cases[1].Skipped.Message != "not judged: x" || s.Cases[0].Skipped != nil ||
		len(s.Props) != 2 || s.Props[1].Name != "note1" || s.Props[1].Value != res.Notes[0] {
		t.Fatalf("%+v", doc)
	}
}

// By default probe sends one representative per family (every family with
// events, in catalog order, RTC's being stream_create); "all" sends every
// event, a family name that family's events.
func TestEventsDefaultAllAndFamilies(t *testing.T) {
	cat := callback.Default()
	reps, err := Events(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	var fams []*callback.Family
	for _, f := range cat.Families() {
		if len(cat.FamilyEvents(f)) > 0 {
			fams = append(fams, f)
		}
	}
	if len(reps) != len(fams) {
		t.Fatalf("%d representatives for %d families with events", len(reps), len(fams))
	}
	for i, e := range reps {
		if e.Product != fams[i] {
			t.Errorf("representative %d is %s, want one of %s", i, e.Qualified, fams[i].Name)
		}
	}
	if reps[0].Name != "stream_create" {
		t.Errorf("RTC's representative is %s", reps[0].Qualified)
	}
	all, _ := Events(cat, []string{"all"})
	if len(all) != len(cat.Events()) {
		t.Errorf("all: %d events of %d", len(all), len(cat.Events()))
	}
	for _, f := range fams {
		evs, err := Events(cat, []string{f.Name, cat.FamilyEvents(f)[0].Qualified})
		if err != nil || len(evs) != len(cat.FamilyEvents(f)) {
			t.Errorf("%s: %d events (%v), want %d, each once", f.Name, len(evs), err, len(cat.FamilyEvents(f)))
		}
	}
	if _, err := Events(cat, []string{"nosuch"}); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("nosuch: %v", err)
	}
}

// Every family's events pass against listen's handler: the family's casing,
// types, timestamp unit and scheme, and its answer (before_send_msg's JSON).
func TestEveryEventOfEveryFamilyPasses(t *testing.T) {
	srv := httptest.NewServer(listen.NewHandler(listen.Config{Secret: secret}, nil))
	defer srv.Close()
	c := cfg(srv.URL)
	c.Events = []string{"all"}
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.Verdict == Fail || r.Verdict == Warn || r.Verdict == Skip {
			t.Errorf("%s: %s %s", r.ID, r.Verdict, r.Reason)
		}
	}
}

// A synchronous callback's answer is judged: "1" to before_send_msg fails,
// with what ZEGO expects; the documented JSON passes with its decision.
func TestSyncAnswerJudged(t *testing.T) {
	cat := callback.Default()
	var sync *callback.Event
	for _, e := range cat.Events() {
		if e.Answer().Sync != nil {
			sync = e
			break
		}
	}
	if sync == nil {
		t.Skip("no synchronous event in the catalog")
	}
	for _, tc := range []struct {
		body, want string
		v          Verdict
	}{
		{"1", "is synchronous, ZEGO reads the answer", Fail},
		{sync.Answer().Sync.Default, "accepted (200, ", Pass},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, tc.body) }))
		c := cfg(srv.URL)
		c.Events = []string{sync.Qualified}
		res, err := Run(context.Background(), c)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		r := res.Rows[0]
		if r.Verdict != tc.v || !strings.Contains(r.Reason, tc.want) {
			t.Errorf("answer %q: %s %q, want %s containing %q", tc.body, r.Verdict, r.Reason, tc.v, tc.want)
		}
	}
}
