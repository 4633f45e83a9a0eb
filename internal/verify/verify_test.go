package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

const testSecret = "test-callback-secret"

var testNow = time.Unix(1772366430, 0)

func testOptions() Options {
	return Options{Secret: testSecret, Now: func() time.Time { return testNow }}
}

// collect runs the engine over one reader and copies the results.
func collect(t *testing.T, opts Options, data string) ([]Result, Summary) {
	t.Helper()
	var out []Result
	sum, err := Run(context.Background(), opts, []Input{{Reader: strings.NewReader(data), Name: "in"}}, func(r *Result) error {
		c := *r
		c.Reasons = append([]string(nil), r.Reasons...)
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, sum
}

func signedLine(t testing.TB, event string, ts int64, nonce string) string {
	t.Helper()
	ev, ok := callback.Default().Lookup(event)
	if !ok {
		t.Fatalf("no event %s", event)
	}
	p := ev.Sample(callback.SampleOptions{Now: time.Unix(ts, 0), AppID: "1234567890"})
	ev.Stamp(p, testSecret, strconv.FormatInt(ts, 10), nonce)
	return string(p.JSON())
}

func TestLinesCRLFBlankAndOrder(t *testing.T) {
	a := signedLine(t, "room_login", 1772366400, "1")
	b := signedLine(t, "stream_close", 1772366400, "2")
	data := a + "\r\n\r\n   \n" + b + "\r\n\n"
	res, sum := collect(t, testOptions(), data)
	if len(res) != 2 || res[0].Line != 1 || res[1].Line != 4 {
		t.Fatalf("rows %+v", res)
	}
	if sum.Passed != 2 || res[0].Event != "room_login" || res[1].Signature != SigOK {
		t.Fatalf("summary %+v rows %+v", sum, res)
	}
}

func TestTornLastLine(t *testing.T) {
	a := signedLine(t, "room_login", 1772366400, "1")
	res, sum := collect(t, testOptions(), a+"\n"+a[:len(a)/2])
	if len(res) != 2 || !res[1].Unreadable || !strings.Contains(res[1].Reasons[0], "torn last line") {
		t.Fatalf("rows %+v", res)
	}
	if sum.Unreadable != 1 || sum.Passed != 1 {
		t.Fatalf("summary %+v", sum)
	}
	// The same truncated JSON followed by a newline is just invalid JSON.
	res, _ = collect(t, testOptions(), a[:len(a)/2]+"\n")
	if strings.Contains(res[0].Reasons[0], "torn") || !strings.Contains(res[0].Reasons[0], "truncated JSON") {
		t.Fatalf("reason %q", res[0].Reasons[0])
	}
}

func TestTornOnlyWhenTheInputRunsOut(t *testing.T) {
	a := signedLine(t, "room_login", 1772366400, "1")
	for _, tt := range []struct {
		name, data string
		want       string // in the last row's first reason
		torn       bool
	}{
		{"cut mid-object", a[:40], "torn last line: byte 40:", true},
		{"cut after other lines", a + "\n" + a[:40], "byte 40:", true},
		{"cut inside a UTF-8 character", "{\"event\":\"room_login\",\"user_name\":\"\xe4\xbd", "torn last line: byte 35:", true},
		// Broken elsewhere, with no final newline: invalid, not torn.
		{"NaN", `{"event":"room_login","timestamp":NaN}`, "byte 34: invalid JSON: invalid character 'N'", false},
		{"two objects", `{"event":"a"}{"event":"b"}`, "byte 13: invalid JSON: invalid character '{' after top-level value", false},
		{"deep", strings.Repeat(`{"a":`, 20_000), "exceeded max depth", false},
		{"invalid UTF-8 mid-line", "{\"event\":\"room_login\",\"user_name\":\"\xff\"}", "byte 35: invalid UTF-8", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := collect(t, testOptions(), tt.data)
			r := res[len(res)-1]
			if !r.Unreadable || !strings.Contains(r.Reasons[0], tt.want) || strings.Contains(r.Reasons[0], "torn") != tt.torn {
				t.Fatalf("reasons %q, want %q (torn %v)", r.Reasons, tt.want, tt.torn)
			}
			// "The lines before it are intact" only when there are some.
			if strings.Contains(r.Reasons[0], "lines before it") != (r.Line > 1) {
				t.Fatalf("line %d: %q", r.Line, r.Reasons[0])
			}
		})
	}
}

func TestEmptySignatureFails(t *testing.T) {
	a := signedLine(t, "stream_close", 1772366400, "1")
	p, _ := callback.ParseJSON([]byte(a))
	p.Set("signature", callback.String(""))
	line := string(p.JSON()) + "\n"
	for _, opts := range []Options{testOptions(), {Now: testOptions().Now}} { // with and without a secret
		res, sum := collect(t, opts, line)
		if sum.Failed != 1 || len(res[0].Reasons) != 1 || res[0].Reasons[0] != "signature: is empty" {
			t.Fatalf("secret %v: rows %+v", opts.Secret != "", res)
		}
		if opts.Secret != "" && (res[0].Signature != SigMissing || res[0].SignatureReason != "missing_signature") {
			t.Fatalf("signature %s (%s)", res[0].Signature, res[0].SignatureReason)
		}
	}
}

// An event the catalog does not know has no schema to name its missing
// signature fields, so the signature check says it.
func TestUnknownEventMissingSignatureIsReported(t *testing.T) {
	opts := testOptions()
	opts.AllowUnknown = true
	res, sum := collect(t, opts, `{"event":"custom_thing","timestamp":"1772366400","nonce":"7"}`+"\n")
	if sum.Failed != 1 || res[0].Signature != SigMissing || res[0].Reasons[0] != "signature: the payload has no signature field" {
		t.Fatalf("rows %+v", res)
	}
}

func TestNonStringEventFails(t *testing.T) {
	opts := testOptions()
	opts.AllowUnknown = true // a number is no event name, known or not
	res, sum := collect(t, opts, `{"event":123,"timestamp":"1","nonce":"2","signature":"x"}`+"\n"+`{"Event":null}`+"\n")
	if sum.Failed != 2 || res[0].Reasons[0] != "event: is a JSON number, want a string" || res[1].Reasons[0] != "Event: is a JSON null, want a string" {
		t.Fatalf("rows %+v", res)
	}
	if res[0].Event != "" {
		t.Fatalf("event %q", res[0].Event)
	}
}

func TestLongLineIsNotReadWhole(t *testing.T) {
	a := signedLine(t, "room_login", 1772366400, "1")
	opts := testOptions()
	opts.MaxSize = 1024
	long := `{"event":"room_login","pad":"` + strings.Repeat("x", 50_000) + `"}`
	for _, tail := range []string{"\n" + a + "\n", ""} {
		res, sum := collect(t, opts, a+"\n"+long+tail)
		if !res[1].Unreadable || !strings.Contains(res[1].Reasons[0], "over the 1 KiB payload limit") {
			t.Fatalf("rows %+v", res)
		}
		if !strings.Contains(res[1].Reasons[0], strconv.Itoa(len(long))+" bytes") {
			t.Fatalf("size not reported: %q", res[1].Reasons[0])
		}
		if tail != "" && (len(res) != 3 || res[2].Line != 3 || res[2].Verdict != Pass) {
			t.Fatalf("line after the long one: %+v", res)
		}
		if sum.Unreadable != 1 {
			t.Fatalf("summary %+v", sum)
		}
	}
}

func TestWholePrettyFileIsOnePayload(t *testing.T) {
	a := signedLine(t, "room_close", 1772366400, "1")
	p, _ := callback.ParseJSON([]byte(a))
	var b strings.Builder
	b.WriteString("\n{\n")
	for i, e := range p.Entries {
		fmt.Fprintf(&b, "  %s: %s", callback.QuoteJSON(e.Key), e.Value.Raw)
		if i < len(p.Entries)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	res, _ := collect(t, testOptions(), b.String())
	if len(res) != 1 || res[0].Verdict != Pass || res[0].Line != 2 {
		t.Fatalf("rows %+v", res)
	}
	// A broken pretty file is one unreadable payload whose error names the byte.
	broken := strings.Replace(b.String(), `"room_id"`, `"room_id",`, 1)
	res, _ = collect(t, testOptions(), broken)
	if len(res) != 1 || !res[0].Unreadable || !strings.Contains(res[0].Reasons[0], "byte ") {
		t.Fatalf("rows %+v", res)
	}
	// The same when the first line holds the first key, CRLF line ends and
	// a trailing comma: one error at the comma's closing brace, not one per line.
	crlf := "{\"event\":\"stream_create\",\r\n\"timestamp\":\"1\",\r\n}\r\n"
	res, _ = collect(t, testOptions(), crlf)
	if len(res) != 1 || res[0].Reasons[0] != "unreadable: byte 45: invalid JSON: invalid character '}' looking for beginning of object key string" {
		t.Fatalf("rows %+v", res)
	}
	// A JSON-lines file whose first line is broken is still read per line.
	res, _ = collect(t, testOptions(), `{"event":"room_close",`+"\n"+a+"\n")
	if len(res) != 2 || !res[0].Unreadable || res[1].Verdict != Pass {
		t.Fatalf("rows %+v", res)
	}
	// Two pretty objects are not one JSON value: one unreadable payload that
	// says where the second begins.
	res, _ = collect(t, testOptions(), b.String()+b.String())
	if len(res) != 1 || !res[0].Unreadable || !strings.Contains(res[0].Reasons[0], "after top-level value") {
		t.Fatalf("rows %+v", res)
	}
}

func TestCaptureRecordAgeFromReceivedAt(t *testing.T) {
	body := signedLine(t, "room_login", 1772366400, "1")
	rec := func(received string) string {
		return `{"v":1,"received_at":"` + received + `","method":"POST","path":"/","headers":{"Content-Type":["application/json"]},"body":` +
			callback.QuoteJSON(body) + `}`
	}
	opts := testOptions()
	opts.MaxAge = time.Minute
	opts.Now = func() time.Time { return time.Unix(1772366400+86400, 0) } // a day later: only received_at matters
	res, _ := collect(t, opts, rec("2026-03-01T12:00:30Z")+"\n"+rec("2026-03-01T12:05:00Z")+"\n"+rec("2026-03-01T11:50:00Z")+"\n")
	if res[0].Verdict != Pass {
		t.Fatalf("30 s old: %+v", res[0])
	}
	if res[1].Verdict != Fail || !strings.Contains(res[1].Reasons[0], "5m0s old (relative to received_at)") {
		t.Fatalf("5 min old: %+v", res[1])
	}
	if res[2].Verdict != Warn || !strings.Contains(res[2].Reasons[0], "in the future") {
		t.Fatalf("10 min in the future: %+v", res[2])
	}
	if res[1].RedeliveryOf != "in:1" {
		t.Fatalf("same body twice is a re-delivery: %+v", res[1])
	}
	// A timestamp past what a time.Duration holds is far in the future, not
	// a negative time "in the future".
	res, _ = collect(t, testOptions(), signedLine(t, "room_login", 9000000000000000000, "1")+"\n")
	if len(res) != 1 || len(res[0].Reasons) == 0 || !strings.Contains(res[0].Reasons[0], "in the future") || strings.Contains(res[0].Reasons[0], "is -") {
		t.Fatalf("far future: %+v", res)
	}
}

func TestDedupWindowRotates(t *testing.T) {
	d := newDedup(2)
	seen := func(k uint64, line int) string { s, _, _ := d.check(k, 0, "f", line); return s }
	seen(1, 1)
	seen(2, 2)
	seen(3, 3) // rotates: {1,2} become the previous generation
	if got := seen(1, 4); got != "f:1" {
		t.Fatalf("within two generations: %q", got)
	}
	seen(4, 5) // rotates again: {3,1} previous, {1,2} dropped
	seen(5, 6)
	// 1 was seen again at line 4, so it moved into the generation that is
	// now the previous one.
	if _, ok := d.prev.get(1); !ok {
		t.Fatal("a key seen again must outlive the next rotation")
	}
	if got := seen(2, 7); got != "" {
		t.Fatalf("older than two generations must be forgotten, got %q", got)
	}
	if d.cur.n > 2 || d.prev.n > 2 {
		t.Fatalf("generations exceed the window: %d %d", d.cur.n, d.prev.n)
	}
}

func TestOrderWithManyWorkersAndFiles(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for f := 0; f < 5; f++ {
		var b strings.Builder
		for i := 0; i < 700; i++ {
			b.WriteString(signedLine(t, "room_logout", 1772366400, strconv.Itoa(f*1000+i)) + "\n")
		}
		name := filepath.Join(dir, fmt.Sprintf("f%d.jsonl", f))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	opts := testOptions()
	opts.Workers = 7
	var got []string
	_, err := Run(context.Background(), opts, []Input{{Path: dir}}, func(r *Result) error {
		got = append(got, r.Location())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, n := range names {
		for line := 1; line <= 700; line++ {
			if want := n + ":" + strconv.Itoa(line); got[i] != want {
				t.Fatalf("row %d is %s, want %s", i, got[i], want)
			}
			i++
		}
	}
}

func TestEmitErrorStopsRun(t *testing.T) {
	line := signedLine(t, "room_login", 1772366400, "1") + "\n"
	data := strings.Repeat(line, 20_000)
	stop := errors.New("stop")
	n := 0
	_, err := Run(context.Background(), testOptions(), []Input{{Reader: strings.NewReader(data)}}, func(r *Result) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("err %v after %d rows", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, testOptions(), []Input{{Reader: strings.NewReader(data)}}, func(*Result) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
}

type errReader struct{ n int }

func (e *errReader) Read(p []byte) (int, error) {
	if e.n > 0 {
		e.n = 0
		return copy(p, "{\"event\":\"room_login\"}\n"), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func TestReadErrorIsUnreadableRow(t *testing.T) {
	var rows []Result
	sum, err := Run(context.Background(), testOptions(), []Input{{Reader: &errReader{n: 1}, Name: "pipe"}}, func(r *Result) error {
		rows = append(rows, *r)
		return nil
	})
	if err != nil || sum.Unreadable != 1 || len(rows) != 2 || !strings.Contains(rows[1].Reasons[0], "read error") {
		t.Fatalf("err %v sum %+v rows %+v", err, sum, rows)
	}
}

// TestPublishedPayloadsVerify re-signs every example under testdata/payloads
// with a test secret: each must verify PASS or WARN, never FAIL.
func TestPublishedPayloadsVerify(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "payloads", "*", "*.json"))
	if len(files) < 20 {
		t.Fatalf("found %d payload fixtures", len(files))
	}
	cat := callback.Default()
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := callback.ParseJSON(b)
			if err != nil {
				t.Fatal(err)
			}
			ev := cat.Detect(p).Event
			if ev == nil {
				t.Fatalf("fixture event %q not in the catalog", p.EventName())
			}
			tsField := ev.RoleField(callback.RoleTimestamp)
			if ts, _ := p.Get(tsField.Name); !callback.IsInteger(ts.Text) {
				p.Set(tsField.Name, tsField.Typed("1772366400")) // a placeholder such as "timestamp"
			}
			ev.Sign(p, testSecret)
			res := CheckPayload(testOptions(), p.JSON(), false)
			if res.Verdict == Fail {
				t.Fatalf("FAIL: %v", res.Reasons)
			}
			if res.Signature != SigOK {
				t.Fatalf("signature %s", res.Signature)
			}
		})
	}
}

// TestMemoryFlat checks that the heap does not grow with the input: 100k
// lines stream through the same bounded buffers as 1k. (Dedup memory is
// bounded by its window, which both inputs stay under, so it is measured
// with the window small.)
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100k lines")
	}
	lines := make([]string, 64)
	for i := range lines {
		lines[i] = signedLine(t, []string{"room_login", "stream_close", "record", "room_close"}[i%4], 1772366400, strconv.Itoa(i))
	}
	peak := func(n int) uint64 {
		opts := testOptions()
		opts.DedupWindow = 1000
		r := &repeatReader{lines: lines, n: n}
		runtime.GC()
		var maxHeap uint64
		count := 0
		_, err := Run(context.Background(), opts, []Input{{Reader: r}}, func(*Result) error {
			if count++; count%(n/10) == 0 {
				runtime.GC() // measure what is live, not garbage awaiting collection
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				maxHeap = max(maxHeap, ms.HeapInuse)
			}
			return nil
		})
		if err != nil || count != n {
			t.Fatalf("err %v, %d rows of %d", err, count, n)
		}
		return maxHeap
	}
	small, large, larger := peak(1_000), peak(100_000), peak(200_000)
	t.Logf("live heap: 1k lines %d KiB, 100k lines %d KiB, 200k lines %d KiB", small>>10, large>>10, larger>>10)
	// From 1k to 100k lines the pipeline fills up: at most a dozen batches
	// of 512 KiB are in flight. Past that nothing may grow.
	if large > small+16<<20 {
		t.Fatalf("heap grew with input: %d KiB for 1k lines, %d KiB for 100k", small>>10, large>>10)
	}
	if larger > large+2<<20 {
		t.Fatalf("heap grew with input: %d KiB for 100k lines, %d KiB for 200k", large>>10, larger>>10)
	}
}

// repeatReader yields n lines cycling through lines, without holding them all.
type repeatReader struct {
	lines []string
	n, i  int
	buf   bytes.Buffer
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for r.buf.Len() < len(p) && r.i < r.n {
		r.buf.WriteString(r.lines[r.i%len(r.lines)])
		r.buf.WriteByte('\n')
		r.i++
	}
	if r.buf.Len() == 0 {
		return 0, io.EOF
	}
	return r.buf.Read(p)
}

func TestHashTableAgainstMap(t *testing.T) {
	tab := newHashTable(4) // grows past its capacity
	ref := map[uint64]uint64{}
	for i := uint64(0); i < 5000; i++ {
		k := (i * 0x9e3779b97f4a7c15) >> (i % 7) // some collide in the low bits
		switch i % 13 {
		case 0:
			k = 0
		case 1:
			k &= 0xffffffff // fingerprint 0
		case 2:
			k = k&^0xffffffff | 5 // same probe slot, different fingerprints
		}
		if _, ok := ref[k]; !ok {
			ref[k] = i
			tab.put(k, i, 0)
		}
		if e, ok := tab.get(k); !ok || e.val != ref[k] {
			t.Fatalf("get(%#x) = %d %v, want %d", k, e.val, ok, ref[k])
		}
	}
	if tab.n != len(ref) {
		t.Fatalf("n = %d, want %d", tab.n, len(ref))
	}
	if _, ok := tab.get(0xdeadbeef12345); ok {
		t.Fatal("found a key never put")
	}
}

// verify tells the family and event from the body, and says which rule
// decided when several events share the routing value.
func TestVerifyDetectsFamilies(t *testing.T) {
	cat := callback.Default()
	sign := func(name string, mut func(p *callback.Payload)) []byte {
		e, _ := cat.Lookup(name)
		p := e.Sample(callback.SampleOptions{Now: time.Unix(1772366400, 0)})
		if mut != nil {
			mut(p)
		}
		e.Stamp(p, testSecret, "1772366400", "350176")
		return p.JSON()
	}
	for _, tc := range []struct {
		name, event, family, rule, reason string
		body                              []byte
	}{
		{"rtc room_create", "room_create", "rtc", "room_session_id", "", sign("room_create", nil)},
		{"zim room_create", "zim/room_create", "zim", "operator_account", "", sign("zim/room_create", nil)},
		{"zim user_action", "user_action", "zim", "", "", sign("user_action", nil)},
		{"zim before_send_msg", "before_send_msg", "zim", "", "", sign("before_send_msg", nil)},
		{"room_create without markers", "room_create", "rtc", "no distinguishing field", "note: no distinguishing field (room_session_id, operator_account): room_create means rtc/room_create",
			sign("zim/room_create", func(p *callback.Payload) { p.Delete("operator_account") })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckPayload(testOptions(), tc.body, false)
			if r.Event != tc.event || r.Family != tc.family || !strings.Contains(r.Rule, tc.rule) || (tc.rule == "") != (r.Rule == "") {
				t.Fatalf("event %q family %q rule %q, want %q %q ~%q", r.Event, r.Family, r.Rule, tc.event, tc.family, tc.rule)
			}
			if r.Signature != SigOK {
				t.Fatalf("signature %s: %v", r.Signature, r.Reasons)
			}
			if tc.reason != "" && !strings.Contains(strings.Join(r.Reasons, "\n"), tc.reason) {
				t.Fatalf("reasons %q lack %q", r.Reasons, tc.reason)
			}
			if tc.reason == "" && r.Verdict != Pass {
				t.Fatalf("%s: %v", r.Verdict, r.Reasons)
			}
		})
	}
}

// The same nonce and signature with a different body is a possible replay
// or tampering: WARN (FAIL with Strict), counted apart from re-deliveries,
// which repeat the body byte for byte.
func TestReplayWithDifferentBody(t *testing.T) {
	body := signedLine(t, "room_login", 1772366400, "1")
	tampered := strings.Replace(body, `"room_id":"`, `"room_id":"evil-`, 1)
	if tampered == body {
		t.Fatal("the sample has no room_id to change")
	}
	data := body + "\n" + body + "\n" + tampered + "\n"
	for _, strict := range []bool{false, true} {
		opts := testOptions()
		opts.Strict = strict
		res, sum := collect(t, opts, data)
		if res[1].Verdict != Pass || res[1].Replay || res[1].RedeliveryOf != "in:1" || !strings.Contains(strings.Join(res[1].Reasons, ";"), "note: re-delivery of in:1") {
			t.Fatalf("strict=%v: identical body: %+v", strict, res[1])
		}
		want, prefix := Warn, "warning: same nonce and signature as in:1 but a different body: possible replay"
		if strict {
			want, prefix = Fail, "same nonce and signature as in:1 but a different body: possible replay"
		}
		if r := res[2]; r.Verdict != want || !r.Replay || r.RedeliveryOf != "in:1" || len(r.Reasons) != 1 || !strings.HasPrefix(r.Reasons[0], prefix) {
			t.Fatalf("strict=%v: different body: %+v", strict, r)
		}
		if sum.Redeliveries != 1 || sum.Replays != 1 {
			t.Fatalf("strict=%v: summary %+v", strict, sum)
		}
	}
	// A replay's finding sits between errors and notes.
	r := Result{Verdict: Fail, Reasons: []string{"e1", "warning: w1", "note: n1"}}
	r.replay("f:1", false)
	if r.Verdict != Fail || r.Reasons[2] != "warning: same nonce and signature as f:1 but a different body: possible replay or tampering (a retry repeats the body byte for byte)" || r.Reasons[3] != "note: n1" {
		t.Fatalf("order: %q", r.Reasons)
	}
	r = Result{Verdict: Warn, Reasons: []string{"e1", "warning: w1"}}
	r.replay("f:1", true)
	if r.Verdict != Fail || !strings.HasSuffix(r.Reasons[1], "(--strict)") || r.Reasons[2] != "warning: w1" {
		t.Fatalf("strict order: %q", r.Reasons)
	}
}
