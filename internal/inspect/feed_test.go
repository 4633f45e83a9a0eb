package inspect

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
)

// liveEvent is listen's event for a room_login numbered i, received at
// 12:00:00 + i seconds.
func liveEvent(i int) listen.Event {
	body := []byte(`{"event":"room_login","appid":"1","timestamp":"1772366400","nonce":"` + strconv.Itoa(1000+i) + `","signature":"x","room_id":"room-` + strconv.Itoa(i%7) + `","user_account":"u` + strconv.Itoa(i) + `"}`)
	p, err := callback.Parse(body, "application/json")
	if err != nil {
		panic(err)
	}
	spec, _ := callback.Default().Lookup("room_login")
	return listen.Event{
		Seq: i, Received: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Method: "POST", Path: "/cb", RemoteAddr: "127.0.0.1:1", ContentType: "application/json",
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   body, Payload: p, Spec: spec, Name: "room_login",
		Sig: listen.SigOK, Delivery: 1, Status: 200, Answer: "1", Latency: 300 * time.Microsecond,
	}
}

// Push never blocks: with nobody reading, a full buffer drops and counts.
func TestFeedNonBlocking(t *testing.T) {
	feed := NewFeed("live", 10)
	done := make(chan struct{})
	var accepted int
	go func() {
		defer close(done)
		ev := liveEvent(1)
		for i := 0; i < 1000; i++ {
			if feed.Push(ev) {
				accepted++
			}
		}
		feed.PushReject(Reject{Status: 404})
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Push blocked with nobody reading")
	}
	if accepted != 10 || feed.Dropped() != 991 {
		t.Fatalf("accepted %d, dropped %d; want 10 and 991", accepted, feed.Dropped())
	}
	// Concurrent pushers (run with -race) while the inspector reads.
	feed = NewFeed("live", 64)
	m := NewModel(context.Background(), Options{Source: feed, MaxEvents: 100})
	m.Init()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				feed.Push(liveEvent(i))
			}
		}()
	}
	stop := make(chan struct{})
	go func() { wg.Wait(); feed.Close(); close(stop) }()
	for !m.Done() {
		m.Update(batchMsg(feed.next(context.Background(), batchMax)))
	}
	<-stop
	seen := int(m.entries.nextID - 1)
	if int64(seen)+feed.Dropped() != 4000 {
		t.Fatalf("seen %d + dropped %d != 4000 pushed", seen, feed.Dropped())
	}
	if m.Len() > 100 {
		t.Fatalf("kept %d > 100", m.Len())
	}
	if feed.Push(liveEvent(1)); false {
		t.Fatal("push after close")
	}
}

// Under a long run the inspector keeps exactly MaxEvents entries.
func TestBoundedMemory(t *testing.T) {
	t.Run("live", func(t *testing.T) {
		feed := NewFeed("live", 0)
		m := NewModel(context.Background(), Options{Source: feed, MaxEvents: 1000, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		m.Init()
		press(m, "/", "room-3", "enter") // a filter must not keep ids of evicted entries either
		const total = 50000
		pushed := 0
		for pushed < total {
			for i := 0; i < 3000 && pushed < total; i++ {
				pushed++
				if !feed.Push(liveEvent(pushed)) {
					t.Fatalf("dropped #%d with room left", pushed)
				}
			}
			for len(feed.ch) > 0 {
				m.Update(batchMsg(feed.next(context.Background(), batchMax)))
			}
		}
		if m.Len() != 1000 || m.Evicted() != total-1000 {
			t.Fatalf("kept %d, evicted %d; want 1000 and %d", m.Len(), m.Evicted(), total-1000)
		}
		if got := m.entries.at(0).Seq; got != total-999 {
			t.Fatalf("oldest kept #%d, want #%d", got, total-999)
		}
		if len(m.entries.buf) != 1000 || len(m.vis) > 1000 || len(m.vis) < 100 {
			t.Fatalf("ring holds %d slots, filter %d ids", len(m.entries.buf), len(m.vis))
		}
		if v := m.View(); !strings.Contains(v, "keeps last 1,000, 49,000 older left") {
			t.Fatalf("the title does not say what is kept:\n%s", v)
		}
	})
	t.Run("file", func(t *testing.T) {
		recs := fixtureRecords(t)
		path := filepath.Join(t.TempDir(), "big.jsonl")
		var b []byte
		for i := 0; i < 50000; i++ {
			b = recs[i%len(recs)].AppendJSON(b)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		m := loaded(t, Options{Source: NewFileSource(f, "big.jsonl"), MaxEvents: 1000, Secret: fixtureSecret}, 80, 24)
		if m.Len() != 1000 || m.entries.at(0).Seq != 49001 || m.Selected().Seq != 50000 {
			t.Fatalf("kept %d from line %d, selected %d", m.Len(), m.entries.at(0).Seq, m.Selected().Seq)
		}
		// failures are counted over the kept entries only: 2 in every 7 lines
		want := 0
		for i := 0; i < 1000; i++ {
			if m.entries.at(i).Failed() {
				want++
			}
		}
		if m.failed != want || want < 250 {
			t.Fatalf("failures %d, want %d", m.failed, want)
		}
	})
}

func TestFileSourceSkipsAndErrors(t *testing.T) {
	recs := fixtureRecords(t)
	text := string(recs[0].AppendJSON(nil)) + "not json at all\n\n" + string(recs[1].AppendJSON(nil)) +
		`{"event":"room_login","room_id":"bare body"}` + "\n"
	m := loaded(t, Options{Source: NewFileSource(strings.NewReader(text), "mixed.jsonl"), Location: time.UTC}, 100, 24)
	if m.Len() != 3 {
		t.Fatalf("kept %d entries, want 3 (two records and a bare body)", m.Len())
	}
	if e := m.entries.at(2); e.Seq != 5 || e.keyID("room") != "bare body" || e.Status != 0 {
		t.Fatalf("bare body entry %+v", e)
	}
	v := m.View()
	if !strings.Contains(v, "1 line skipped (line 2: neither a capture record nor a callback body)") {
		t.Fatalf("skipped line not reported:\n%s", v)
	}
	if m.entries.at(0).Sig != SigUnchecked {
		t.Fatal("without a secret, records are unchecked")
	}
	// A read error ends the source and is shown.
	m = loaded(t, Options{Source: NewFileSource(&failingReader{data: recs[0].AppendJSON(nil)}, "broken.jsonl")}, 100, 24)
	if m.Len() != 1 || !strings.Contains(m.View(), "read error: broken.jsonl: line 2: disk on fire") {
		t.Fatalf("read error:\n%s", m.View())
	}
}

type failingReader struct {
	data []byte
	done bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, r.data), nil
	}
	return 0, fmt.Errorf("disk on fire")
}

// Nothing from the network can steer the terminal, and the secret never shows.
func TestNoSecretNoControlBytes(t *testing.T) {
	feed := NewFeed("live", 8)
	m := NewModel(context.Background(), Options{Source: feed, Secret: "s3cret-value", Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Init()
	ev := liveEvent(1)
	ev.Name = "evil\x1b[2J\x1b]0;title\x07"
	ev.Spec = nil
	ev.Body = []byte(`{"event":"evil\u001b[2J","room_id":"r\u202eoom","x":"\u009b31m"}`)
	ev.Payload, _ = callback.Parse(ev.Body, "")
	ev.Header = http.Header{"Content-Type": {"application/json"}, "X-Debug": {"key=s3cret-value"}, "Authorization": {"Bearer abc"}}
	ev.Sig, ev.SigResult.Reason, ev.SigResult.Detail = listen.SigBad, "mismatch", "signature does not match"
	feed.Push(ev)
	feed.PushReject(Reject{At: time.Now(), Method: "GET", Path: "/\x1b[31mred", Status: 405})
	m.Update(batchMsg(feed.next(context.Background(), batchMax)))
	for _, keys := range [][]string{nil, {"g"}, {"g", "enter"}, {"b"}, {"esc", "G", "enter"}} {
		press(m, keys...)
		v := m.View()
		if strings.ContainsAny(v, "\x1b\x07\u202e\u009b") {
			t.Fatalf("control bytes reach the terminal (%v): %q", keys, v)
		}
		for _, s := range []string{"s3cret-value", "Bearer abc"} {
			if strings.Contains(v, s) {
				t.Fatalf("%q is shown (%v):\n%s", s, keys, v)
			}
		}
	}
}
