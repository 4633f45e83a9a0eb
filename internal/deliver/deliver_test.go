package deliver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an endpoint that fails the first k requests and records arrival times.
type recorder struct {
	mu     sync.Mutex
	k      int
	times  []time.Time
	bodies []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.times = append(r.times, time.Now())
	r.bodies = append(r.bodies, string(b))
	n := len(r.times)
	r.mu.Unlock()
	if n <= r.k {
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	io.WriteString(w, "1")
}

func TestRetriesUntilAccepted(t *testing.T) {
	rec := &recorder{k: 3}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var seen []int
	res, err := Deliver(context.Background(), Request{URL: srv.URL, Body: []byte(`{"a":1}`)}, Options{
		Schedule:  ZEGOSchedule,
		Scale:     0.001,
		OnAttempt: func(a Attempt) { seen = append(seen, a.Status) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Delivered || len(res.Attempts) != 4 {
		t.Fatalf("delivered=%v attempts=%d, want true 4", res.Delivered, len(res.Attempts))
	}
	if got := seen; len(got) != 4 || got[0] != 500 || got[3] != 200 {
		t.Fatalf("statuses %v", got)
	}
	for _, b := range rec.bodies {
		if b != `{"a":1}` {
			t.Fatalf("retry changed the body: %q", b)
		}
	}
}

func TestGivesUpAfterSixAttempts(t *testing.T) {
	rec := &recorder{k: 100}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	res, err := Deliver(context.Background(), Request{URL: srv.URL}, Options{Schedule: ZEGOSchedule, Scale: 0.0001})
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered || len(res.Attempts) != 6 {
		t.Fatalf("delivered=%v attempts=%d, want false 6", res.Delivered, len(res.Attempts))
	}
	if !res.Answered() || res.Last().Verdict != Rejected {
		t.Fatalf("last = %+v", res.Last())
	}
}

// TestScheduleShape checks the waits between attempts: ZEGO's 2, 4, 8, 16
// and 32 s, scaled. It records what Deliver asks to sleep (no wall-clock
// timing, which is flaky on a busy machine).
func TestScheduleShape(t *testing.T) {
	rec := &recorder{k: 100}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var waits []time.Duration
	_, err := Deliver(context.Background(), Request{URL: srv.URL}, Options{
		Schedule: ZEGOSchedule, Scale: 0.02,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.times) != 6 {
		t.Fatalf("%d arrivals", len(rec.times))
	}
	want := []time.Duration{40 * time.Millisecond, 80 * time.Millisecond, 160 * time.Millisecond, 320 * time.Millisecond, 640 * time.Millisecond}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("wait %d = %v, want %v", i+1, waits[i], want[i])
		}
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	res, err := Deliver(context.Background(), Request{URL: url}, Options{Schedule: ZEGOSchedule[:2], Scale: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered || res.Answered() || len(res.Attempts) != 3 {
		t.Fatalf("res = %+v", res)
	}
	if !strings.Contains(res.Last().Reason, "refused") {
		t.Fatalf("reason %q should say the connection was refused", res.Last().Reason)
	}
}

func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	res, _ := Deliver(context.Background(), Request{URL: srv.URL}, Options{Timeout: 50 * time.Millisecond})
	if a := res.Last(); a.Verdict != Unreachable || !strings.Contains(a.Reason, "timeout") {
		t.Fatalf("attempt = %+v", a)
	}
}

func TestCancelStopsWaiting(t *testing.T) {
	rec := &recorder{k: 100}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Deliver(ctx, Request{URL: srv.URL}, Options{Schedule: ZEGOSchedule, OnWait: func(int, time.Duration) { cancel() }})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(rec.times) != 1 {
		t.Fatalf("%d attempts after cancel", len(rec.times))
	}
}

// TestScheduleGapsOnTheWire measures the gaps between arrivals at a real
// recording server with a scaled schedule (0.05: 100 ms ... 1.6 s) and
// checks that each gap is twice the one before within 2%, as 2/4/8/16/32 s
// are. Scheduling noise on a loaded machine can exceed 2% of a 100 ms gap,
// so a noisy measurement is repeated (up to three runs); a systematic error
// such as counting the wait from the wrong moment fails every run.
func TestScheduleGapsOnTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 3 s per run")
	}
	var last []float64
	for run := 0; run < 3; run++ {
		rec := &recorder{k: 100}
		srv := httptest.NewServer(rec)
		_, err := Deliver(context.Background(), Request{URL: srv.URL}, Options{Schedule: ZEGOSchedule, Scale: 0.05})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.times) != 6 {
			t.Fatalf("%d arrivals, want 6", len(rec.times))
		}
		last = last[:0]
		ok := true
		for i := 1; i < len(rec.times); i++ {
			last = append(last, float64(rec.times[i].Sub(rec.times[i-1])))
		}
		for i := 1; i < len(last); i++ {
			if r := last[i] / last[i-1]; r < 2*0.98 || r > 2*1.02 {
				ok = false
			}
		}
		if ok {
			return
		}
	}
	t.Fatalf("gaps %v are not 2:4:8:16:32 within 2%% in three runs", last)
}

// An unreachable endpoint's attempt says what happened in the user's
// words, with no "Post URL: dial tcp ...: connect:" prefix: every caller
// (send's rows and -o json, probe, listen's forwarder, load) shows Reason.
func TestUnreachableReasonIsShort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/zego"
	ln.Close()
	res, err := Deliver(context.Background(), Request{URL: dead, Body: []byte(`{}`)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := res.Last(); a.Verdict != Unreachable || a.Reason != "connection refused" {
		t.Fatalf("verdict %v, reason %q", a.Verdict, a.Reason)
	}
}

func TestDescribeError(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, "no answer within 2s (timeout)"},
		{context.Canceled, "interrupted"},
		{io.ErrUnexpectedEOF, "connection closed by the endpoint"},
	} {
		if got := DescribeError(tt.err, 2*time.Second); got != tt.want {
			t.Errorf("DescribeError(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
