package probe

import (
	"context"
	"encoding/xml"
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
	if len(res.Rows) != len(ids) || seen != len(ids) || len(ids) != 2*len(callback.Default().Events())+10 {
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
