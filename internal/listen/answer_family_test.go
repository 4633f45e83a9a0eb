package listen

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// Every event of every family gets its family's answer: the documented
// JSON of a synchronous callback (as application/json), else ReplyBody;
// Replies overrides one event; the name is the one that resolves back.
func TestAnswerPerFamily(t *testing.T) {
	cat := callback.Default()
	var block *callback.Event
	for _, e := range cat.Events() {
		if e.Answer().Sync != nil {
			block = e
			break
		}
	}
	replies := map[*callback.Event]string{}
	if block != nil {
		replies[block] = `{"result":3,"reason":"blocked"}`
	}
	srv, events := serve(t, Config{Secret: testSecret, ReplyBody: "ok", Replies: replies})
	for _, e := range cat.Events() {
		p := e.Sample(callback.SampleOptions{})
		e.Stamp(p, testSecret, e.Timestamp(time.Now()), "7254119327986670314")
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(string(p.JSON())))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want, ctype := "ok", "text/plain; charset=utf-8"
		if s := e.Answer().Sync; s != nil {
			want, ctype = s.Default, "application/json"
		}
		if r, ok := replies[e]; ok {
			want = r
		}
		if resp.StatusCode != 200 || string(b) != want || resp.Header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q (%s), want 200 %q (%s)", e.Qualified, resp.StatusCode, b, resp.Header.Get("Content-Type"), want, ctype)
		}
		ev := <-events
		if ev.Spec != e || ev.Name != e.Ref || ev.Family != e.Product || ev.Sig != SigOK {
			t.Errorf("%s: event %v named %q, family %v, sig %s", e.Qualified, ev.Spec, ev.Name, ev.Family, ev.Sig)
		}
	}
}

// The gap a re-delivery is measured against is the event's retry profile.
func TestRetryGapFollowsTheProfile(t *testing.T) {
	for _, e := range callback.Default().Events() {
		ds := e.RetryProfile().Durations()
		if RetriesOf(e) != len(ds) {
			t.Errorf("%s: RetriesOf %d, profile %d", e.Qualified, RetriesOf(e), len(ds))
		}
		for k := 1; k <= len(ds)+1; k++ {
			want := time.Duration(0)
			if len(ds) > 0 {
				want = ds[min(k, len(ds))-1]
			}
			if got := RetryGap(e, k); got != want {
				t.Errorf("%s: RetryGap(%d) = %s, want %s", e.Qualified, k, got, want)
			}
		}
	}
	if RetryGap(nil, 3) != 8*time.Second || RetriesOf(nil) != 5 {
		t.Error("an unknown event is not measured against RTC's schedule")
	}
}
