package listen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// An app that always fails gets ZEGO's whole schedule — six attempts,
// numbered in X-Zegocb-Delivery — and the chain gives up.
func TestForwarderGivesUpAfterSchedule(t *testing.T) {
	var mu sync.Mutex
	var numbers []string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		numbers = append(numbers, r.Header.Get(DeliveryHeader))
		mu.Unlock()
		http.Error(w, "nope", http.StatusServiceUnavailable)
	}))
	defer app.Close()
	var gaps []time.Duration
	attempts := make(chan ForwardAttempt, 16)
	fwd := NewForwarder(context.Background(), ForwardOptions{
		URL:       app.URL,
		Sleep:     func(_ context.Context, d time.Duration) error { gaps = append(gaps, d); return nil },
		OnAttempt: func(a ForwardAttempt) { attempts <- a },
	})
	ev := &Event{Seq: 7, Name: "stream_create", Method: "POST", ContentType: "application/json", Body: []byte(`{"event":"stream_create"}`), Key: "k"}
	res := fwd.Forward(ev)
	if res.Status != http.StatusServiceUnavailable || res.Attempt.N != 1 || !res.Retrying || res.Max != 6 {
		t.Fatalf("first: %+v", res)
	}
	var last ForwardAttempt
	for i := 2; i <= 6; i++ {
		last = <-attempts
		if last.Attempt.N != i || last.Seq != 7 {
			t.Fatalf("attempt %+v", last)
		}
	}
	if !last.Final || last.NextIn != 0 {
		t.Fatalf("last attempt not final: %+v", last)
	}
	fwd.Close()
	if st := fwd.Stats(); st.Chains != 1 || st.GaveUp != 1 || st.Delivered != 0 {
		t.Fatalf("stats %+v", st)
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second}
	for i, g := range want {
		if gaps[i] != g {
			t.Fatalf("gaps %v", gaps)
		}
	}
	for i, n := range numbers {
		if n != strconv.Itoa(i+1) {
			t.Fatalf("delivery headers %v", numbers)
		}
	}
	// A re-delivery is answered from the finished chain, not forwarded.
	again := fwd.Forward(ev)
	if !again.Redelivery || again.Retrying || again.Status != http.StatusServiceUnavailable || len(numbers) != 6 {
		t.Fatalf("redelivery %+v after %d requests", again, len(numbers))
	}
}
