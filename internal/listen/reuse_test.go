package listen

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

// With ReusePayloads, concurrent requests never see another request's
// entries while emit runs, and parse errors and forms recycle cleanly.
func TestReusePayloadsConcurrent(t *testing.T) {
	e, _ := callback.Default().Lookup("stream_create")
	var bodies [][]byte
	for i := 0; i < 64; i++ {
		p := e.Sample(callback.SampleOptions{})
		e.Stamp(p, testSecret, "1700000000", strconv.Itoa(1000+i))
		if i%8 == 7 {
			bodies = append(bodies, p.Form())
		} else {
			bodies = append(bodies, p.JSON())
		}
	}
	bodies = append(bodies, []byte(`{"event":`), []byte("\xff"))
	var (
		mu   sync.Mutex
		errs []string
	)
	h := NewHandler(Config{Secret: testSecret, SkipCheck: true, ReusePayloads: true}, func(ev Event) {
		if ev.Payload == nil {
			return
		}
		want, err := callback.Parse(ev.Body, ev.ContentType)
		n, _ := ev.Payload.Get("nonce")
		wn, _ := want.Get("nonce")
		if err != nil || n.Text != wn.Text || len(want.Entries) != len(ev.Payload.Entries) || ev.Sig != SigOK {
			mu.Lock()
			errs = append(errs, "nonce "+n.Text+" in the payload of a request with nonce "+wn.Text)
			mu.Unlock()
		}
	})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				body := bodies[(g*37+i)%len(bodies)]
				ct := "application/json"
				if bytes.HasPrefix(body, []byte("event=")) || !bytes.HasPrefix(body, []byte("{")) {
					ct = ""
				}
				r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				if ct != "" {
					r.Header.Set("Content-Type", ct)
				}
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
		}(g)
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d mix-ups, first: %s", len(errs), errs[0])
	}
}
