package deliver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// Options.Send makes the attempts: its answers are judged and retried as
// Client's would be, and its errors become the attempt's words.
func TestSendHook(t *testing.T) {
	answers := []struct {
		status int
		body   string
		err    error
	}{
		{0, "", errors.New("connection refused")},
		{200, "partial", io.ErrUnexpectedEOF},
		{503, "busy", nil},
		{200, "1", nil},
	}
	var got []*Request
	n := 0
	res, err := Deliver(context.Background(), Request{URL: "http://127.0.0.1:1/x", Body: []byte("b")}, Options{
		Schedule: ZEGOSchedule,
		Sleep:    func(context.Context, time.Duration) error { return nil },
		Timeout:  time.Second,
		Send: func(ctx context.Context, req *Request) (int, http.Header, []byte, error) {
			if _, ok := ctx.Deadline(); ok {
				t.Error("Send applies the timeout itself: no deadline expected")
			}
			got = append(got, req)
			a := answers[n]
			n++
			return a.status, http.Header{"X": {"1"}}, []byte(a.body), a.err
		},
	})
	if err != nil || !res.Delivered || len(res.Attempts) != 4 {
		t.Fatalf("%v %+v", err, res)
	}
	want := []struct {
		v      Verdict
		reason string
	}{
		{Unreachable, "connection refused"},
		{Rejected, "status 200, body cut short: connection closed by the endpoint"},
		{Rejected, "status 503 is not 2xx"},
		{Accepted, "200"},
	}
	for i, w := range want {
		a := res.Attempts[i]
		if a.Verdict != w.v || a.Reason != w.reason || got[i].URL != "http://127.0.0.1:1/x" || string(got[i].Body) != "b" {
			t.Errorf("attempt %d: %v %q", i+1, a.Verdict, a.Reason)
		}
	}
	if res.Attempts[0].Err == nil || res.Attempts[3].Header.Get("X") != "1" {
		t.Fatalf("attempts %+v", res.Attempts)
	}
}
