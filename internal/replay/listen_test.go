package replay

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zegocb/zegocb/internal/listen"
)

// receiver is a real listen handler on 127.0.0.1 that keeps its events.
type receiver struct {
	mu     sync.Mutex
	events []listen.Event
	srv    *httptest.Server
}

func newReceiver(t *testing.T, cfg listen.Config) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.srv = httptest.NewServer(listen.NewHandler(cfg, func(e listen.Event) {
		rc.mu.Lock()
		rc.events = append(rc.events, e)
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) got() []listen.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]listen.Event(nil), rc.events...)
}

// A capture made by the real listen (listen --save, failing the first
// delivery of each callback) replayed into a second real listen: the
// second receives every captured body byte for byte, with its content
// type, and its signatures check out; --failed picks the failed deliveries.
func TestListenCaptureReplayedIntoListen(t *testing.T) {
	capPath := filepath.Join(t.TempDir(), "captures.jsonl")
	cf, err := listen.OpenCapture(capPath)
	if err != nil {
		t.Fatal(err)
	}
	first := newReceiver(t, listen.Config{Secret: testSecret, FailFirst: 1, Save: cf.SaveLine})
	type sent struct {
		body  []byte
		ctype string
	}
	var bodies []sent
	for i, ev := range []string{"room_create", "room_login", "stream_create", "mix_start", "stream_close", "record"} {
		b := signedJSON(t, ev, "room-e2e", testSecret, uint64(i))
		ct := "application/json"
		if i == 3 {
			b, ct = sample(t, ev, "room-e2e", testSecret, uint64(i)).Form(), "application/x-www-form-urlencoded"
		}
		bodies = append(bodies, sent{b, ct})
		for try := 0; try < 2; try++ { // the first delivery fails (FailFirst), the retry is acknowledged
			resp, err := http.Post(first.srv.URL+"/zego/callback", ct, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := []int{500, 200}[try]; resp.StatusCode != want {
				t.Fatalf("%s delivery %d: status %d, want %d", ev, try+1, resp.StatusCode, want)
			}
		}
	}
	if err := cf.Close(); err != nil {
		t.Fatal(err)
	}

	second := newReceiver(t, listen.Config{Secret: testSecret})
	res, sum, err := replay(t, Options{URL: second.srv.URL + "/replayed", Secret: testSecret}, files(capPath)...)
	if err != nil {
		t.Fatal(err)
	}
	evs := second.got()
	if len(evs) != 2*len(bodies) || sum.Delivered != len(evs) || sum.Plan.ByteExact != len(evs) {
		t.Fatalf("%d events, summary %+v", len(evs), sum)
	}
	for i, ev := range evs {
		want := bodies[i/2]
		if !bytes.Equal(ev.Body, want.body) || ev.ContentType != want.ctype {
			t.Errorf("event %d: body %q (%s), want %q (%s)", i, ev.Body, ev.ContentType, want.body, want.ctype)
		}
		if ev.Sig != listen.SigOK || ev.Spec == nil || ev.Status != 200 {
			t.Errorf("event %d: %s sig %s status %d", i, ev.Name, ev.Sig, ev.Status)
		}
		// The same nonce and signature arrive twice: the second listen
		// recognises the captured retry as a re-delivery.
		if wantDelivery := i%2 + 1; ev.Delivery != wantDelivery {
			t.Errorf("event %d: delivery %d, want %d", i, ev.Delivery, wantDelivery)
		}
		if res[i].Line != i+1 || res[i].Mode != ModeExact {
			t.Errorf("result %d: %+v", i, res[i])
		}
	}

	// --failed: the first delivery of each callback, which listen answered 500.
	third := newReceiver(t, listen.Config{Secret: testSecret})
	res, _, err = replay(t, Options{URL: third.srv.URL, Secret: testSecret, Select: Selection{Failed: true}}, files(capPath)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(bodies) || len(third.got()) != len(bodies) {
		t.Fatalf("--failed replayed %d", len(res))
	}
	for i, r := range res {
		if r.Line != 2*i+1 {
			t.Errorf("--failed result %d from line %d, want %d", i, r.Line, 2*i+1)
		}
	}

	// A receiver with another secret: the captured signatures do not verify
	// with it, so replay re-stamps and re-signs, and that receiver accepts them.
	fourth := newReceiver(t, listen.Config{Secret: otherSecret})
	res, sum, err = replay(t, Options{URL: fourth.srv.URL, Secret: otherSecret, Select: Selection{Events: []string{"stream"}}}, files(capPath)...)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Plan.Restamped != 4 || sum.Delivered != 4 {
		t.Fatalf("summary %+v", sum)
	}
	for i, ev := range fourth.got() {
		if ev.Sig != listen.SigOK || !strings.HasPrefix(ev.Name, "stream_") || ev.Delivery != 1 {
			t.Errorf("re-stamped event %d: %s sig %s delivery %d", i, ev.Name, ev.Sig, ev.Delivery)
		}
		if res[i].ModeReason != "the captured signature does not verify (mismatch)" {
			t.Errorf("reason %q", res[i].ModeReason)
		}
	}
}
