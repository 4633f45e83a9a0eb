package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// A capture of bodies in different shapes: compact JSON, JSON with spaces
// and a charset in its content type, a form body. Byte-exact replay sends
// each one's bytes and content type exactly.
func TestByteExactBodiesAndContentTypes(t *testing.T) {
	spaced := []byte("{ \"event\" : \"stream_close\",\n \"appid\": \"1\", \"timestamp\": \"1772366400\", \"nonce\": \"7254119327986670314\", \"signature\": \"" +
		zegoSign(testSecret, "1772366400", "7254119327986670314") + "\", \"room_id\":\"r\", \"stream_alias\": \"s\", \"type\": \"1\", \"channel_id\": \"c\", \"user_id\":\"u\", \"stream_sid\":\"x\", \"title\":\"caf\u00e9 \\u00e9\" }")
	form := sample(t, "mix_start", "room-f", testSecret, 3).Form()
	cases := []struct {
		body  []byte
		ctype string
	}{
		{signedJSON(t, "stream_create", "room-a", testSecret, 1), "application/json"},
		{spaced, "application/json; charset=utf-8"},
		{form, "application/x-www-form-urlencoded"},
	}
	var capt strings.Builder
	for i, c := range cases {
		capt.WriteString(record(t, c.body, c.ctype, t0.Add(time.Duration(i)*time.Second), 200))
	}
	path := writeFile(t, "cap.jsonl", capt.String())
	// The bodies spooled inline (the default), and taken out of the file
	// again (no budget).
	for _, mem := range []int{0, -1} {
		ep := newEndpoint(t)
		res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, spoolInline: mem}, files(path)...)
		if err != nil {
			t.Fatal(err)
		}
		hits := ep.got()
		if len(hits) != len(cases) || sum.Delivered != len(cases) {
			t.Fatalf("inline %d: %d hits, summary %+v", mem, len(hits), sum)
		}
		for i, c := range cases {
			if !bytes.Equal(hits[i].body, c.body) {
				t.Errorf("inline %d, case %d: body\n got %q\nwant %q", mem, i, hits[i].body, c.body)
			}
			if hits[i].ctype != c.ctype {
				t.Errorf("inline %d, case %d: content type %q, want %q", mem, i, hits[i].ctype, c.ctype)
			}
			if res[i].Mode != ModeExact || res[i].ModeReason != ReasonVerifies || res[i].Line != i+1 {
				t.Errorf("inline %d, case %d: result %+v", mem, i, res[i])
			}
		}
	}
}

// A capture longer than the inline budget: its start is spooled with its
// bodies, the rest by reference to its lines, and every body arrives
// byte-exact and in order across the boundary, whatever the budget.
func TestSpoolInlineBudget(t *testing.T) {
	const n = 3*vbatchItems + 7
	var capt strings.Builder
	var bodies [][]byte
	firstBatch := 0 // the bytes of the first batch's lines
	var firstBodies, allBodies int64
	inFirst := 0
	for i := 0; i < n; i++ {
		ev := []string{"stream_create", "stream_close", "room_login"}[i%3]
		body := signedJSON(t, ev, "room-"+strconv.Itoa(i), testSecret, uint64(i))
		if i%5 == 0 { // an escape-heavy body: quotes, backslashes, non-ASCII, a line break
			b := bytes.TrimRight(body, "}\n") // re-signing would change the body: sent as captured
			body = append(b[:len(b):len(b)], `,"x":"a\"b\\c\u00e9é\n\/"}`...)
		}
		line := record(t, body, "application/json", t0.Add(time.Duration(i)*time.Millisecond), 200)
		if inFirst++; inFirst <= vbatchItems && firstBatch < vbatchBytes { // as the reader cuts batches
			firstBatch += len(line) - 1
			firstBodies += int64(len(body))
		}
		allBodies += int64(len(body))
		capt.WriteString(line)
		bodies = append(bodies, body)
	}
	path := writeFile(t, "cap.jsonl", capt.String())
	for _, c := range []struct {
		mem      int
		min, max int64 // the spool's size
	}{
		{0, allBodies, 2 * allBodies},                        // every body inline
		{firstBatch, firstBodies, firstBodies + allBodies/4}, // the first batch's
		{firstBatch - 1, 1, allBodies / 4},                   // nothing fits: none
		{-1, 1, allBodies / 4},
	} {
		ep := newEndpoint(t)
		tmp := t.TempDir()
		spooled := int64(-1)
		_, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Mode: ModeExact, spoolInline: c.mem, TempDir: tmp, OnPlan: func(Plan) error {
			entries, err := os.ReadDir(tmp)
			if err != nil || len(entries) != 1 {
				return fmt.Errorf("spool files %v, %v", entries, err)
			}
			st, err := os.Stat(filepath.Join(tmp, entries[0].Name()))
			if err != nil {
				return err
			}
			spooled = st.Size()
			return nil
		}}, files(path)...)
		if err != nil || sum.Delivered != n {
			t.Fatalf("inline %d: %v, %+v", c.mem, err, sum)
		}
		if spooled < c.min || spooled > c.max {
			t.Errorf("inline %d: the spool holds %d bytes, want %d to %d", c.mem, spooled, c.min, c.max)
		}
		hits := ep.got()
		for i := range bodies {
			if !bytes.Equal(hits[i].body, bodies[i]) {
				t.Fatalf("inline %d: callback %d: body\n got %q\nwant %q", c.mem, i+1, hits[i].body, bodies[i])
			}
		}
	}
}

// Callback bodies on their own: JSON lines, a pretty-printed JSON file, a
// form file, a directory of them, and stdin.
func TestBodyInputs(t *testing.T) {
	a := signedJSON(t, "stream_create", "", testSecret, 1)
	b := signedJSON(t, "room_login", "", testSecret, 2)
	form := sample(t, "stream_close", "", testSecret, 3).Form()
	var pretty bytes.Buffer
	pretty.WriteString("{\n")
	p := sample(t, "record", "", testSecret, 4)
	for i, e := range p.Entries {
		if i > 0 {
			pretty.WriteString(",\n")
		}
		pretty.WriteString("  " + callback.QuoteJSON(e.Key) + ": " + e.Value.Raw)
	}
	pretty.WriteString("\n}\n")

	dir := t.TempDir()
	writeIn := func(name string, content []byte) string {
		t.Helper()
		p := dir + "/" + name
		if err := writeBytes(p, content); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lines := writeIn("a.jsonl", []byte(string(a)+"\r\n\n"+string(b)+"\n"))
	prettyFile := writeIn("b.json", pretty.Bytes())
	formFile := writeIn("c.form", form)
	writeIn("ignored.bin", []byte("not read"))

	ep := newEndpoint(t)
	res, _, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret}, Input{Path: dir}, Input{Reader: bytes.NewReader(a)})
	if err != nil {
		t.Fatal(err)
	}
	hits := ep.got()
	want := []struct {
		file  string
		line  int
		body  []byte
		ctype string
	}{
		{lines, 1, a, "application/json"},
		{lines, 3, b, "application/json"},
		{prettyFile, 1, bytes.TrimSpace(pretty.Bytes()), "application/json"},
		{formFile, 1, form, "application/x-www-form-urlencoded"},
		{"stdin", 1, a, "application/json"},
	}
	if len(hits) != len(want) {
		t.Fatalf("%d hits, want %d", len(hits), len(want))
	}
	for i, w := range want {
		if !bytes.Equal(hits[i].body, w.body) || hits[i].ctype != w.ctype {
			t.Errorf("%d: got %q (%s), want %q (%s)", i, hits[i].body, hits[i].ctype, w.body, w.ctype)
		}
		if res[i].File != w.file || res[i].Line != w.line {
			t.Errorf("%d: from %s:%d, want %s:%d", i, res[i].File, res[i].Line, w.file, w.line)
		}
	}
}

// Captured with another secret: auto mode re-stamps, says why, and the
// receiver can verify the new signature. Only timestamp, nonce and
// signature change.
func TestRestampedSignaturesVerify(t *testing.T) {
	jsonBody := signedJSON(t, "stream_create", "room-a", otherSecret, 1)
	formBody := sample(t, "stream_close", "room-b", otherSecret, 2).Form()
	// AI-Agent-style millisecond timestamp, as a JSON number.
	msBody := []byte(`{"event":"room_login","appid":"1","timestamp":1772366400123,"nonce":"42","signature":"` +
		zegoSign(otherSecret, "1772366400123", "42") + `","room_id":"room-c","user_account":"u","user_nickname":"n","session_id":"1","login_time":"1772366400000","room_seq":"5","user_update_seq":"1"}`)
	urlenc := []byte(url.QueryEscape(string(signedJSON(t, "mix_stop", "", otherSecret, 5))))
	var capt strings.Builder
	capt.WriteString(record(t, jsonBody, "application/json", t0, 200))
	capt.WriteString(record(t, formBody, "application/x-www-form-urlencoded", t0, 200))
	capt.WriteString(record(t, msBody, "application/json", t0, 200))
	capt.WriteString(record(t, urlenc, "application/json", t0, 200))
	path := writeFile(t, "cap.jsonl", capt.String())

	now := time.Unix(1800000000, 500e6)
	nonces := []string{"1111111111111111111", "2222222222222222222", "3333333333333333333", "4444444444444444444"}
	var mu = make(chan struct{}, 1)
	k := 0
	ep := newEndpoint(t)
	res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Now: func() time.Time { return now },
		Nonce: func() string { mu <- struct{}{}; defer func() { <-mu }(); k++; return nonces[k-1] }}, files(path)...)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Restamped != 4 || sum.Plan.Reasons["the captured signature does not verify (mismatch)"] != 4 {
		t.Fatalf("plan %+v", sum.Plan)
	}
	hits := ep.got()
	if len(hits) != 4 {
		t.Fatalf("%d hits", len(hits))
	}
	for i, h := range hits {
		p, err := callback.Parse(h.body, h.ctype)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		get := func(k string) string {
			if v, ok := p.Get(k); ok {
				return v.Text
			}
			t.Fatalf("%d: no %s in %s", i, k, h.body)
			return ""
		}
		ts, nonce, sig := get("timestamp"), get("nonce"), get("signature")
		if sig != zegoSign(testSecret, ts, nonce) {
			t.Errorf("%d: signature %s does not verify for ts %s nonce %s", i, sig, ts, nonce)
		}
		if nonce != nonces[i] || nonce != res[i].Stamp.Nonce || res[i].Mode != ModeRestamp {
			t.Errorf("%d: nonce %s, result %+v", i, nonce, res[i])
		}
		wantTS := "1800000000"
		if i == 2 {
			wantTS = "1800000000500" // milliseconds, as captured
		}
		if ts != wantTS {
			t.Errorf("%d: timestamp %s, want %s", i, ts, wantTS)
		}
	}
	// In place: the JSON and form bodies differ from the captured ones only
	// in the three values.
	for i, orig := range [][]byte{jsonBody, formBody, msBody} {
		p, _ := callback.Parse(orig, hits[i].ctype)
		tsV, _ := p.Get("timestamp")
		nV, _ := p.Get("nonce")
		sV, _ := p.Get("signature")
		want := string(orig)
		for _, r := range [][2]string{{sV.Text, res[i].Stamp.Signature}, {nV.Text, res[i].Stamp.Nonce}, {tsV.Text, res[i].Stamp.Timestamp}} {
			want = strings.Replace(want, r[0], r[1], 1)
		}
		if string(hits[i].body) != want {
			t.Errorf("%d: re-stamped body\n got %s\nwant %s", i, hits[i].body, want)
		}
	}
	if !bytes.Contains(hits[2].body, []byte(`"timestamp":1800000000500,`)) {
		t.Errorf("the number timestamp did not stay a number: %s", hits[2].body)
	}
}

// The mode rules: byte-exact forced, re-stamp forced, no secret.
func TestModes(t *testing.T) {
	body := signedJSON(t, "stream_create", "", testSecret, 1)
	path := writeFile(t, "cap.jsonl", record(t, body, "application/json", t0, 200))
	cases := []struct {
		name   string
		opts   Options
		mode   Mode
		reason string
		same   bool
	}{
		{"verifies", Options{Secret: testSecret}, ModeExact, ReasonVerifies, true},
		{"other secret", Options{Secret: otherSecret}, ModeRestamp, "the captured signature does not verify (mismatch)", false},
		{"forced exact", Options{Secret: otherSecret, Mode: ModeExact}, ModeExact, ReasonAsked, true},
		{"forced restamp", Options{Secret: testSecret, Mode: ModeRestamp}, ModeRestamp, ReasonAsked, false},
		{"no secret", Options{}, ModeExact, ReasonNoSecret, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ep := newEndpoint(t)
			c.opts.URL = ep.srv.URL
			res, _, err := replay(t, c.opts, files(path)...)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || res[0].Mode != c.mode || res[0].ModeReason != c.reason {
				t.Fatalf("results %+v", res)
			}
			if got := ep.got()[0].body; bytes.Equal(got, body) != c.same {
				t.Fatalf("body unchanged = %v, want %v", !c.same, c.same)
			}
		})
	}
	if _, _, err := replay(t, Options{URL: "http://127.0.0.1:1", Mode: ModeRestamp}, files(path)...); !isOptionError(err) {
		t.Fatalf("re-stamp without a secret: %v", err)
	}
}

func isOptionError(err error) bool {
	var oe *OptionError
	return errors.As(err, &oe)
}

// Retries follow internal/deliver's schedule; without Retry each callback
// is sent once. A closed port is unreachable.
func TestRetryAndOutcomes(t *testing.T) {
	body := signedJSON(t, "stream_create", "", testSecret, 1)
	path := writeFile(t, "cap.jsonl", record(t, body, "application/json", t0, 200))

	ep := newEndpoint(t)
	ep.answer = func(n int, _ []byte) (int, string) {
		if n <= 2 {
			return 503, "busy"
		}
		return 200, "1"
	}
	res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Retry: true, RetryScale: 0.001}, files(path)...)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != Delivered || res[0].Attempts != 3 || sum.Attempts != 3 || res[0].Status != 200 {
		t.Fatalf("result %+v", res[0])
	}
	for _, h := range ep.got() {
		if !bytes.Equal(h.body, body) {
			t.Fatal("a retry changed the body")
		}
	}

	ep2 := newEndpoint(t)
	ep2.answer = func(int, []byte) (int, string) { return 500, "boom" }
	res, sum, _ = replay(t, Options{URL: ep2.srv.URL, Secret: testSecret}, files(path)...)
	if res[0].Outcome != Rejected || res[0].Attempts != 1 || res[0].Answer != "boom" || sum.Rejected != 1 || sum.OK() {
		t.Fatalf("no-retry result %+v summary %+v", res[0], sum)
	}
	if !strings.Contains(sum.FirstFailure, path+":1: status 500") {
		t.Fatalf("first failure %q", sum.FirstFailure)
	}

	ep3 := newEndpoint(t)
	u := ep3.srv.URL
	ep3.srv.Close()
	res, sum, _ = replay(t, Options{URL: u, Secret: testSecret, Retry: true, RetryScale: 0.0001}, files(path)...)
	if res[0].Outcome != Unreachable || res[0].Attempts != 6 || sum.Unreachable != 1 || res[0].Error == "" {
		t.Fatalf("unreachable result %+v", res[0])
	}
}

// record's docs ask for the body "1": another body is a warning, or a
// failure with Strict.
func TestDocumentedBody(t *testing.T) {
	path := writeFile(t, "cap.jsonl", record(t, signedJSON(t, "record", "", testSecret, 1), "application/json", t0, 200))
	ep := newEndpoint(t)
	ep.answer = func(int, []byte) (int, string) { return 200, "ok" }
	res, _, _ := replay(t, Options{URL: ep.srv.URL, Secret: testSecret}, files(path)...)
	if res[0].Outcome != Warned || !strings.Contains(res[0].Error, `docs ask for "1"`) {
		t.Fatalf("result %+v", res[0])
	}
	res, _, _ = replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Strict: true}, files(path)...)
	if res[0].Outcome != Rejected {
		t.Fatalf("strict result %+v", res[0])
	}
}

// Concurrency runs deliveries in parallel (never more than asked); Rate
// caps how fast they start.
func TestConcurrencyAndRate(t *testing.T) {
	var capt strings.Builder
	for i := 0; i < 16; i++ {
		capt.WriteString(record(t, signedJSON(t, "stream_create", "", testSecret, uint64(i)), "application/json", t0, 200))
	}
	path := writeFile(t, "cap.jsonl", capt.String())

	ep := newEndpoint(t)
	ep.delay = 60 * time.Millisecond
	_, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Concurrency: 8}, files(path)...)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Delivered != 16 || ep.maxIn != 8 {
		t.Fatalf("delivered %d, at most %d in flight (want 8)", sum.Delivered, ep.maxIn)
	}

	ep2 := newEndpoint(t)
	start := time.Now()
	_, sum, err = replay(t, Options{URL: ep2.srv.URL, Secret: testSecret, Concurrency: 4, Rate: 100}, files(path)...)
	if err != nil {
		t.Fatal(err)
	}
	hits := ep2.got()
	if sum.Delivered != 16 || hits[15].at.Sub(hits[0].at) < 140*time.Millisecond {
		t.Fatalf("rate 100/s: 16 deliveries spread over %v, want >= 150ms", hits[15].at.Sub(hits[0].at))
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %v", el)
	}
}

// --preserve-timing keeps the captured gaps, divided by the speed, within
// 5%. The arrival times are measured at the receiver, so a busy machine can
// delay a delivery on its own: the run is tried up to three times, and one
// run within 5% everywhere passes (late is noise; early never is).
func TestPreserveTiming(t *testing.T) {
	gaps := []time.Duration{0, 300 * time.Millisecond, 120 * time.Millisecond, 450 * time.Millisecond, 60 * time.Millisecond, 0}
	const speed = 1.5
	var capt strings.Builder
	at := t0
	for i, g := range gaps {
		at = at.Add(g)
		capt.WriteString(record(t, signedJSON(t, "stream_create", "", testSecret, uint64(i)), "application/json", at, 200))
	}
	path := writeFile(t, "cap.jsonl", capt.String())
	var problems []string
	for try := 0; try < 3; try++ {
		ep := newEndpoint(t)
		res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, PreserveTiming: true, Speed: speed, Concurrency: 2}, files(path)...)
		if err != nil {
			t.Fatal(err)
		}
		if want := 930 * time.Millisecond; sum.Plan.Span != want {
			t.Fatalf("plan span %v, want %v", sum.Plan.Span, want)
		}
		hits := ep.got()
		if len(hits) != len(gaps) {
			t.Fatalf("%d hits", len(hits))
		}
		problems = problems[:0]
		var offset time.Duration
		for i := 1; i < len(gaps); i++ {
			offset += time.Duration(float64(gaps[i]) / speed)
			if res[i].Scheduled != offset {
				t.Fatalf("delivery %d scheduled at %v, want %v", i+1, res[i].Scheduled, offset)
			}
			got := hits[i].at.Sub(hits[0].at)
			// Within 5% of the scaled offset from the first delivery (and
			// 2ms for timer granularity on a zero gap).
			if d := got - offset; d < -offset/20-2*time.Millisecond || d > offset/20+2*time.Millisecond {
				problems = append(problems, fmt.Sprintf("delivery %d at +%v, want +%v ±5%%", i+1, got, offset))
			}
		}
		if len(problems) == 0 {
			return
		}
		t.Logf("try %d: %s", try+1, strings.Join(problems, "; "))
	}
	t.Fatal("timing off in every try")
}

// Nothing is sent with DryRun; the request is reported.
func TestDryRun(t *testing.T) {
	body := signedJSON(t, "stream_create", "", testSecret, 1)
	path := writeFile(t, "cap.jsonl", record(t, body, "application/json; charset=utf-8", t0, 200))
	res, sum, err := replay(t, Options{DryRun: true, Secret: testSecret}, files(path)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Outcome != DryRun || !bytes.Equal(res[0].Request.Body, body) ||
		res[0].Request.Header.Get("Content-Type") != "application/json; charset=utf-8" || sum.Done != 1 || sum.Attempts != 0 {
		t.Fatalf("result %+v", res)
	}
}

// An emit error stops the run and is returned; so is a cancelled context.
// (On the event loop emit has a goroutine of its own, which may fall
// behind by emitBacklog results before the loop waits for it: that many
// more can have been sent before the loop hears of the error.)
func TestStops(t *testing.T) {
	var capt strings.Builder
	for i := 0; i < emitBacklog+50; i++ {
		capt.WriteString(record(t, signedJSON(t, "stream_create", "", testSecret, uint64(i)), "application/json", t0.Add(time.Duration(i)*time.Second), 200))
	}
	path := writeFile(t, "cap.jsonl", capt.String())
	ep := newEndpoint(t)
	stop := errors.New("stop")
	n := 0
	_, err := Run(context.Background(), Options{URL: ep.srv.URL, Secret: testSecret}, files(path), func(*Result) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || len(ep.got()) > 4+emitBacklog+1 {
		t.Fatalf("err %v after %d hits", err, len(ep.got()))
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = Run(ctx, Options{URL: ep.srv.URL, Secret: testSecret, PreserveTiming: true}, files(path), nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("cancelled run: %v after %v", err, time.Since(start))
	}
}

func TestHistogram(t *testing.T) {
	h := newHistogram()
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Millisecond)
	}
	st := h.stats()
	for _, c := range []struct {
		got, want time.Duration
	}{{st.P50, 500 * time.Millisecond}, {st.P90, 900 * time.Millisecond}, {st.P99, 990 * time.Millisecond}} {
		if d := c.got - c.want; d < 0 || d > c.want/32 {
			t.Errorf("percentile %v, want %v (+3%%)", c.got, c.want)
		}
	}
	if st.Min != time.Millisecond || st.Max != time.Second || st.Count != 1000 {
		t.Fatalf("stats %+v", st)
	}
	for _, d := range []time.Duration{0, 1, 31, 32, 33, 1000, 123456789, 1 << 62} {
		if top := bucketTop(bucketOf(d)); top < d || top-d > d/32 {
			t.Errorf("bucket of %d tops at %d", d, top)
		}
	}
	_ = strconv.Itoa
}

// What is sent is what was validated: lines appended to the capture after
// the validation pass (listen still saving) are not replayed, and the
// temporary copy of the selection is gone when Run returns.
func TestSendsWhatWasValidated(t *testing.T) {
	good := record(t, signedJSON(t, "stream_create", "", testSecret, 1), "application/json", t0, 200)
	path := writeFile(t, "cap.jsonl", good+good)
	tmp := t.TempDir()
	ep := newEndpoint(t)
	res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, TempDir: tmp, OnPlan: func(p Plan) error {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString(good + "{torn")
		if entries, _ := os.ReadDir(tmp); len(entries) != 1 {
			t.Errorf("temporary files while replaying: %v", entries)
		}
		return err
	}}, files(path)...)
	if err != nil || len(res) != 2 || sum.Delivered != 2 || len(ep.got()) != 2 {
		t.Fatalf("%v: %d results, %+v", err, len(res), sum)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// A capture rewritten between the passes is noticed, not half-sent, when
// the bodies are read from it again; spooled inline, they are sent as
// validated.
func TestFileRewrittenWhileReplaying(t *testing.T) {
	good := record(t, signedJSON(t, "stream_create", "", testSecret, 1), "application/json", t0, 200)
	path := writeFile(t, "cap.jsonl", good+good)
	rewrite := func(Plan) error {
		return os.WriteFile(path, []byte(strings.Repeat("x", len(good))+"\n"), 0o600)
	}
	// Bodies taken out of the file again (past the inline budget).
	ep := newEndpoint(t)
	_, _, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, spoolInline: -1, OnPlan: rewrite}, files(path)...)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line != 1 || ie.Msg != "the file changed while it was being replayed" {
		t.Fatalf("error %v", err)
	}
	if len(ep.got()) != 0 {
		t.Fatal("sent from a rewritten file")
	}
	// Bodies spooled inline: what was validated is sent.
	if err := os.WriteFile(path, []byte(good+good), 0o600); err != nil {
		t.Fatal(err)
	}
	ep = newEndpoint(t)
	_, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, OnPlan: rewrite}, files(path)...)
	want := signedJSON(t, "stream_create", "", testSecret, 1)
	if hits := ep.got(); err != nil || sum.Delivered != 2 || len(hits) != 2 || !bytes.Equal(hits[0].body, want) || !bytes.Equal(hits[1].body, want) {
		t.Fatalf("%v %+v %d hits", err, sum, len(hits))
	}
}
