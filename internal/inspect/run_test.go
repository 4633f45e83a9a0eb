package inspect

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Run writes only to Options.Output and ends on q.
func TestRunQuits(t *testing.T) {
	var out bytes.Buffer
	in, w := io.Pipe()
	opts := fixtureOptions(t)
	opts.Input, opts.Output = in, &out
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), opts) }()
	time.Sleep(200 * time.Millisecond) // let it read the file and draw
	io.WriteString(w, "q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not end Run")
	}
	if !strings.Contains(out.String(), "zegocb inspect") {
		t.Fatalf("nothing drawn on Output: %q", out.String())
	}
}

// Run returns the context's error when the context ends it (listen's Ctrl-C).
func TestRunContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	in, _ := io.Pipe()
	opts := Options{Source: NewFeed("live", 0), Input: in, Output: io.Discard}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not end Run")
	}
	if err := Run(context.Background(), Options{}); err == nil {
		t.Fatal("no source: no error")
	}
}

// The real program on a live feed: events pushed while it runs appear,
// the moved selection stays, and Push never waits for the screen.
func TestLiveProgram(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the source's wait after the program quits
	feed := NewFeed("listening on 127.0.0.1:8080", 0)
	m := NewModel(ctx, Options{Source: feed, MaxEvents: 50, Location: time.UTC})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("waiting for callbacks")) },
		teatest.WithDuration(5*time.Second))
	for i := 1; i <= 3; i++ {
		feed.Push(liveEvent(i))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("3 events")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(keyMsgs("k")[0]) // select #2
	start := time.Now()
	for i := 4; i <= 80; i++ {
		feed.Push(liveEvent(i))
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("77 pushes took %v", d)
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("50 events (keeps last 50, 30 older left)")) },
		teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	// #2 left (only the last 50 are kept): the selection is on the oldest kept.
	if got := selSeq(fm); got != 31 {
		t.Fatalf("selected #%d, want #31", got)
	}
	view := fm.View()
	frameOK(t, view, 80, 24)
	golden.RequireEqual(t, []byte(view+"\n"))
}

// BenchmarkFeedPush is what listen --ui adds per request on its hot path,
// with the inspector reading (it parks and wakes as the buffer empties).
func BenchmarkFeedPush(b *testing.B) {
	feed := NewFeed("live", 1024)
	ev := liveEvent(1)
	go func() {
		for range feed.ch {
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		feed.Push(ev)
	}
}

// BenchmarkFeedPushFull is Push when the inspector has fallen behind: a
// drop, counted.
func BenchmarkFeedPushFull(b *testing.B) {
	feed := NewFeed("live", 1)
	ev := liveEvent(1)
	feed.Push(ev)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		feed.Push(ev)
	}
}

// BenchmarkFilter10k is one keystroke in the filter with 10,000 entries kept
// (free text searches every body).
func BenchmarkFilter10k(b *testing.B) {
	feed := NewFeed("live", 10000)
	m := NewModel(context.Background(), Options{Source: feed})
	m.Init()
	for i := 1; i <= 10000; i++ {
		feed.Push(liveEvent(i))
	}
	for len(feed.ch) > 0 {
		m.Update(batchMsg(feed.next(context.Background(), batchMax)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.applyFilter("u9999")
	}
	if len(m.vis) != 1 {
		b.Fatalf("%d shown", len(m.vis))
	}
}
