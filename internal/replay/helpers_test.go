package replay

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

const (
	testSecret  = "replay-test-secret-91f"
	otherSecret = "an-older-secret-0000"
)

// t0 is the received time of the first record in the fixtures.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// sample returns a callback body of event signed with secret, with the
// given room (when not empty), in JSON.
func sample(t testing.TB, event, room, secret string, seed uint64) *callback.Payload {
	t.Helper()
	spec, ok := callback.Default().Lookup(event)
	if !ok {
		t.Fatalf("no event %s", event)
	}
	p := spec.Sample(callback.SampleOptions{Now: t0, Rand: rand.New(rand.NewPCG(seed, seed+1))})
	if room != "" {
		if _, ok := p.Get("room_id"); ok {
			p.Set("room_id", callback.String(room))
		}
	}
	spec.Stamp(p, secret, "1772366400", fmt.Sprintf("72541193279866%05d", seed))
	return p
}

func signedJSON(t testing.TB, event, room, secret string, seed uint64) []byte {
	return sample(t, event, room, secret, seed).JSON()
}

// record encodes a capture record line (with its newline) as listen writes it.
func record(t testing.TB, body []byte, ctype string, received time.Time, status int) string {
	t.Helper()
	rec := &capture.Record{V: 1, ReceivedAt: received, Method: "POST", Path: "/zego", RemoteAddr: "127.0.0.1:40000"}
	if ctype != "" {
		rec.Headers = map[string][]string{"Content-Type": {ctype}, "User-Agent": {"ZEGO-Callback/1.0"}}
	}
	rec.SetBody(body)
	if status != 0 {
		rec.Answer = &capture.Answer{Status: status, Body: "1"}
	}
	b, err := rec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hit is one request the endpoint received.
type hit struct {
	at    time.Time
	ctype string
	body  []byte
}

// endpoint records what it receives and answers with answer (200 "1" by default).
type endpoint struct {
	mu       sync.Mutex
	hits     []hit
	answer   func(n int, body []byte) (int, string)
	delay    time.Duration
	inFlight int
	maxIn    int
	srv      *httptest.Server
}

func newEndpoint(t testing.TB) *endpoint {
	ep := &endpoint{}
	ep.srv = httptest.NewServer(ep) // 127.0.0.1
	t.Cleanup(ep.srv.Close)
	return ep
}

func (ep *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	at := time.Now()
	ep.mu.Lock()
	ep.hits = append(ep.hits, hit{at: at, ctype: r.Header.Get("Content-Type"), body: b})
	n := len(ep.hits)
	ep.inFlight++
	ep.maxIn = max(ep.maxIn, ep.inFlight)
	answer := ep.answer
	ep.mu.Unlock()
	if ep.delay > 0 {
		time.Sleep(ep.delay)
	}
	status, text := 200, "1"
	if answer != nil {
		status, text = answer(n, b)
	}
	ep.mu.Lock()
	ep.inFlight--
	ep.mu.Unlock()
	w.WriteHeader(status)
	io.WriteString(w, text)
}

func (ep *endpoint) got() []hit {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return append([]hit(nil), ep.hits...)
}

// replay runs Run and collects the results.
func replay(t testing.TB, opts Options, inputs ...Input) ([]Result, Summary, error) {
	t.Helper()
	var (
		mu  sync.Mutex
		out []Result
	)
	sum, err := Run(context.Background(), opts, inputs, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		c := *r
		if r.Request != nil {
			req := *r.Request
			req.Body = append([]byte(nil), r.Request.Body...)
			c.Request = &req
		}
		c.AttemptLog = nil
		out = append(out, c)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, sum, err
}

func files(paths ...string) []Input {
	in := make([]Input, len(paths))
	for i, p := range paths {
		in[i] = Input{Path: p}
	}
	return in
}

// zegoSign is ZEGO's signature computed independently of internal/signature:
// sha1 of the sorted concatenation, lowercase hex.
func zegoSign(secret, ts, nonce string) string {
	parts := []string{secret, ts, nonce}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

func writeBytes(p string, b []byte) error { return os.WriteFile(p, b, 0o600) }
