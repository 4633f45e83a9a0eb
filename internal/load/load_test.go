package load

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

const secret = "load-test-secret"

func template(t *testing.T, event string, form bool) *Template {
	t.Helper()
	e, _ := callback.Default().Lookup(event)
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, secret, "1700000000", callback.NewNonce())
	f := callback.FormatJSON
	if form {
		f = callback.FormatForm
	}
	tpl, err := NewTemplate(TemplateSpec{
		Body: p.Encode(f), Form: form, Secret: secret, RefreshTimestamp: true,
		TimestampKey: e.RoleField(callback.RoleTimestamp).Name,
		NonceKey:     e.RoleField(callback.RoleNonce).Name,
		SignatureKey: e.RoleField(callback.RoleSignature).Name,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// verifier is an endpoint that re-verifies every signature and remembers nonces.
type verifier struct {
	mu     sync.Mutex
	nonces map[string]bool
	bad    int
	status int
}

func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var ts, nonce, sig string
	if r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		q, _ := url.ParseQuery(string(b))
		ts, nonce, sig = q.Get("timestamp"), q.Get("nonce"), q.Get("signature")
	} else {
		ts = gjson.GetBytes(b, "timestamp").String()
		nonce = gjson.GetBytes(b, "nonce").String()
		sig = gjson.GetBytes(b, "signature").String()
	}
	v.mu.Lock()
	if !signature.Verify(secret, ts, nonce, sig) || v.nonces[nonce] {
		v.bad++
	}
	v.nonces[nonce] = true
	v.mu.Unlock()
	if v.status != 0 {
		w.WriteHeader(v.status)
	}
	io.WriteString(w, "1")
}

func TestRunSendsDistinctSignedCallbacks(t *testing.T) {
	for _, form := range []bool{false, true} {
		v := &verifier{nonces: map[string]bool{}}
		srv := httptest.NewServer(v)
		ctype := "application/json"
		if form {
			ctype = "application/x-www-form-urlencoded"
		}
		r, err := New(Config{URL: srv.URL, Header: http.Header{"Content-Type": {ctype}}, Template: template(t, "stream_create", form), Requests: 200, Concurrency: 8, ExpectBody: "1"})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.Run(context.Background())
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 200 || rep.Status[200] != 200 || rep.Latency.Count() != 200 || r.Done() != 200 {
			t.Fatalf("form=%v: report %+v", form, rep.Status)
		}
		if v.bad != 0 || len(v.nonces) != 200 {
			t.Fatalf("form=%v: %d bad signatures or repeated nonces, %d distinct", form, v.bad, len(v.nonces))
		}
		if rep.BodyMismatch != 0 || rep.Percentile(0.5) <= 0 || rep.Max() < rep.Percentile(0.99) {
			t.Fatalf("mismatch %d p50 %v", rep.BodyMismatch, rep.Percentile(0.5))
		}
	}
}

func TestRunCountsStatusesAndErrors(t *testing.T) {
	v := &verifier{nonces: map[string]bool{}, status: 503}
	srv := httptest.NewServer(v)
	defer srv.Close()
	r, _ := New(Config{URL: srv.URL, Template: template(t, "room_create", false), Requests: 20, Concurrency: 4})
	rep, _ := r.Run(context.Background())
	if rep.Status[503] != 20 || rep.OK() != 0 || rep.Failed() != 20 {
		t.Fatalf("status %v", rep.Status)
	}

	dead := httptest.NewServer(http.NotFoundHandler())
	addr := dead.URL
	dead.Close()
	r, _ = New(Config{URL: addr, Template: template(t, "stream_close", false), Requests: 5, Concurrency: 2, Timeout: time.Second})
	rep, _ = r.Run(context.Background())
	if rep.Requests != 5 || rep.Errors["connection refused"] != 5 {
		t.Fatalf("errors %v", rep.Errors)
	}
}

func TestDurationAndRateBoundTheRun(t *testing.T) {
	v := &verifier{nonces: map[string]bool{}}
	srv := httptest.NewServer(v)
	defer srv.Close()
	r, _ := New(Config{URL: srv.URL, Template: template(t, "mix_stop", false), Duration: 300 * time.Millisecond, Rate: 50, Concurrency: 4})
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// 50/s for 0.3 s is 15 slots (0..14); never more.
	if rep.Requests < 1 || rep.Requests > 16 {
		t.Fatalf("sent %d requests at 50/s in 0.3s", rep.Requests)
	}
}

func TestHistogramCountsEverything(t *testing.T) {
	rep := &Report{}
	for d := time.Duration(1); d <= 10; d++ {
		rep.Latency.Record(d)
	}
	total := 0
	for _, b := range rep.Histogram(4) {
		total += b.Count
	}
	if total != 10 || rep.Percentile(0.5) != 5 || rep.Percentile(0.9) != 9 || rep.Percentile(1) != 10 {
		t.Fatalf("total %d p50 %v p90 %v", total, rep.Percentile(0.5), rep.Percentile(0.9))
	}
}

func TestTemplateSignatureMatchesSignaturePackage(t *testing.T) {
	tpl := template(t, "censor_audio_v2_status", false)
	b := tpl.NewStamper(1).Body(time.Unix(1800000000, 0))
	ts := gjson.GetBytes(b, "Timestamp").Raw
	if ts != "1800000000" {
		t.Fatalf("timestamp not refreshed: %s", b)
	}
	if !signature.Verify(secret, ts, gjson.GetBytes(b, "Nonce").String(), gjson.GetBytes(b, "Signature").String()) {
		t.Fatalf("bad signature in %s", b)
	}
}

func BenchmarkStamperBody(b *testing.B) {
	tpl := template(&testing.T{}, "stream_create", false)
	st := tpl.NewStamper(1)
	now := time.Now()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		st.Body(now)
	}
}

// BenchmarkRun measures the engine against an in-process bare endpoint
// (go test ./internal/load -bench Run -cpuprofile cpu.out to profile).
func BenchmarkRun(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "1")
	}))
	defer srv.Close()
	tpl := template(&testing.T{}, "stream_create", false)
	b.ReportAllocs()
	b.ResetTimer()
	r, _ := New(Config{URL: srv.URL, Template: tpl, Requests: b.N, Concurrency: 32})
	rep, _ := r.Run(context.Background())
	b.ReportMetric(rep.Throughput, "req/s")
}

// The fast path copes with what real servers answer: chunked bodies,
// Connection: close, 1xx, and TLS; net/http is the path for custom transports.
func TestRawPathResponseShapes(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"chunked": func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, "1")
			w.(http.Flusher).Flush()
			io.WriteString(w, "")
		},
		"close": func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Connection", "close")
			io.WriteString(w, "1")
		},
		"big": func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("X-Long", strings.Repeat("x", 20000))
			io.WriteString(w, "1"+strings.Repeat(" ", 100000))
		},
		"continue": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusContinue)
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, "1")
		},
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			r, _ := New(Config{URL: srv.URL, Template: template(t, "record", false), Requests: 30, Concurrency: 3, ExpectBody: "1"})
			rep, err := r.Run(context.Background())
			if err != nil || rep.Status[200] != 30 || len(rep.Errors) != 0 {
				t.Fatalf("err %v status %v errors %v", err, rep.Status, rep.Errors)
			}
			if name == "big" && rep.BodyMismatch != 30 {
				t.Fatalf("a 100 KB body is not %q: mismatches %d", "1", rep.BodyMismatch)
			}
			if name != "big" && rep.BodyMismatch != 0 {
				t.Fatalf("mismatches %d (%q)", rep.BodyMismatch, rep.FirstMismatchBody)
			}
		})
	}
}

func TestRawPathTLSAndTransportPath(t *testing.T) {
	v := &verifier{nonces: map[string]bool{}}
	srv := httptest.NewTLSServer(v)
	defer srv.Close()
	tlsConf := srv.Client().Transport.(*http.Transport).TLSClientConfig
	r, _ := New(Config{URL: srv.URL, Template: template(t, "stream_create", false), Requests: 20, Concurrency: 2, TLS: tlsConf})
	if rep, err := r.Run(context.Background()); err != nil || rep.Status[200] != 20 {
		t.Fatalf("TLS: %v %v %v", err, rep.Status, rep.Errors)
	}
	r, _ = New(Config{URL: srv.URL, Template: template(t, "stream_create", false), Requests: 20, Concurrency: 2, Transport: srv.Client().Transport})
	if rep, err := r.Run(context.Background()); err != nil || rep.Status[200] != 20 {
		t.Fatalf("net/http: %v %v %v", err, rep.Status, rep.Errors)
	}
	if v.bad != 0 || len(v.nonces) != 40 {
		t.Fatalf("%d bad, %d nonces", v.bad, len(v.nonces))
	}
	// No TLS trust: a clear error, no hang.
	r, _ = New(Config{URL: srv.URL, Template: template(t, "stream_create", false), Requests: 2, Timeout: time.Second})
	if rep, _ := r.Run(context.Background()); rep.Errors == nil || len(rep.Errors) != 1 {
		t.Fatalf("untrusted certificate: %v", rep.Errors)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	ctx, cancel := context.WithCancel(context.Background())
	r, _ := New(Config{URL: srv.URL, Template: template(t, "record", false), Requests: 100, Concurrency: 4, Timeout: time.Minute})
	go func() {
		for r.Done() == 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
			cancel()
		}
	}()
	rep, err := r.Run(ctx)
	if err != context.Canceled || rep.Requests != 0 {
		t.Fatalf("err %v, %d requests", err, rep.Requests)
	}
}

// Each request on a kept-alive connection has at least the timeout left,
// however the deadline refreshes fall.
func TestRawConnDeadlineCoversTheTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "1")
	}))
	defer srv.Close()
	const timeout = 10 * time.Second
	head := []byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
	rc := newRawConn(srv.Listener.Addr().String(), nil, head, 0, timeout)
	defer rc.close()
	now := time.Now()
	for _, step := range []time.Duration{0, 500 * time.Millisecond, 999 * time.Millisecond, 1001 * time.Millisecond, 3 * time.Second} {
		now = now.Add(step)
		if status, _, _, err := rc.roundTrip(now, nil, func() {}); err != nil || status != 200 {
			t.Fatalf("+%v: status %d, %v", step, status, err)
		}
		if left := rc.deadline.Sub(now); left < timeout || left > timeout+timeout/10 {
			t.Errorf("+%v: %v left for the request, want %v to %v", step, left, timeout, timeout+timeout/10)
		}
	}
}

// Restamp, which rewrites only the nonce, timestamp and signature of a
// buffer Into filled, makes the same body Into would.
func TestRestampMatchesInto(t *testing.T) {
	tpl := template(t, "stream_create", false)
	a, b := tpl.NewStamper(7), tpl.NewStamper(7)
	reused := make([]byte, tpl.Len())
	a.Into(reused, time.Unix(1800000000, 0))
	b.Into(make([]byte, tpl.Len()), time.Unix(1800000000, 0)) // same random draws
	for _, sec := range []int64{1800000001, 1800000001, 1900000000} {
		now := time.Unix(sec, 0)
		a.Restamp(reused, now)
		fresh := b.Body(now)
		if string(reused) != string(fresh) {
			t.Fatalf("at %d: Restamp\n%s\nInto\n%s", sec, reused, fresh)
		}
		ts := gjson.GetBytes(reused, "timestamp").String()
		if ts != strconv.FormatInt(sec, 10) || !signature.Verify(secret, ts, gjson.GetBytes(reused, "nonce").String(), gjson.GetBytes(reused, "signature").String()) {
			t.Fatalf("at %d: bad stamp in %s", sec, reused)
		}
	}
}

// A response body of known length is read into peek and the rest is
// counted and dropped, leaving the next response in the buffer.
func TestReadResponseKnownLength(t *testing.T) {
	for _, tc := range []struct {
		body       string
		peek, n    int
		rest       int64
		wantErr    bool
		truncateBy int
	}{
		{body: "1", peek: 0, n: 0, rest: 1},
		{body: "1", peek: 64, n: 1, rest: 0},
		{body: strings.Repeat("x", 20000), peek: 64, n: 64, rest: 20000 - 64},
		{body: strings.Repeat("x", 100), peek: 64, truncateBy: 10, wantErr: true},
	} {
		resp := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(tc.body)) + "\r\n\r\n" + tc.body
		resp = resp[:len(resp)-tc.truncateBy]
		next := "HTTP/1.1 204 No Content\r\n\r\n"
		if tc.wantErr {
			next = ""
		}
		br := bufio.NewReaderSize(strings.NewReader(resp+next), 4096)
		peek := make([]byte, tc.peek)
		status, n, rest, keep, err := readResponse(br, peek)
		if tc.wantErr {
			if err != io.ErrUnexpectedEOF || keep {
				t.Fatalf("truncated body: err %v keep %v", err, keep)
			}
			continue
		}
		if err != nil || status != 200 || n != tc.n || rest != tc.rest || !keep || string(peek[:n]) != tc.body[:n] {
			t.Fatalf("body %d bytes, peek %d: status %d n %d rest %d keep %v err %v", len(tc.body), tc.peek, status, n, rest, keep, err)
		}
		if status, _, _, _, err := readResponse(br, peek); status != 204 || err != nil {
			t.Fatalf("next response: %d %v", status, err)
		}
	}
}

// BenchmarkRestamp is the per-request stamping of the fast path.
func BenchmarkRestamp(b *testing.B) {
	tpl := template(&testing.T{}, "stream_create", false)
	st := tpl.NewStamper(1)
	buf := make([]byte, tpl.Len())
	now := time.Now()
	st.Into(buf, now)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		st.Restamp(buf, now)
	}
}
