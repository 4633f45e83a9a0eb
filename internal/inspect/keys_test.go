package inspect

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/zegocb/zegocb/internal/deliver"
)

func selSeq(m *Model) int {
	if e := m.Selected(); e != nil {
		return e.Seq
	}
	return -1
}

func TestKeysMove(t *testing.T) {
	cases := []struct {
		keys []string
		want int // selected line
	}{
		{nil, 7}, // follows the newest
		{[]string{"g"}, 1},
		{[]string{"home"}, 1},
		{[]string{"g", "j", "down"}, 3},
		{[]string{"k"}, 6},
		{[]string{"up", "up", "G"}, 7},
		{[]string{"g", "end"}, 7},
		{[]string{"g", "k"}, 1}, // stops at the top
		{[]string{"j"}, 7},      // and at the bottom
		{[]string{"pgup"}, 1},
		{[]string{"g", "pgdown"}, 7},
		{[]string{"g", "f"}, 3}, // the 500
		{[]string{"g", "f", "f"}, 5},
		{[]string{"g", "f", "f", "f"}, 3}, // wraps
		{[]string{"/", "event:room", "enter", "g", "j"}, 2},
		{[]string{"/", "sig:bad", "enter"}, 5},
		{[]string{"g", "enter", "n"}, 2},
		{[]string{"g", "enter", "n", "n", "p"}, 2},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.keys, ","), func(t *testing.T) {
			m := loaded(t, fixtureOptions(t), 80, 24)
			press(m, c.keys...)
			if got := selSeq(m); got != c.want {
				t.Errorf("selected line %d, want %d", got, c.want)
			}
		})
	}
}

func TestKeysFilter(t *testing.T) {
	cases := []struct {
		filter string
		want   []int
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7}},
		{"event:room", []int{1, 2, 5, 7}},
		{"event:STREAM_C", []int{3, 4, 6}},
		{"room:47bf", []int{5}},
		{"user:92c3 event:stream", []int{3, 4, 6}},
		{"stream:room-bbfe-user", []int{3, 4, 6}},
		{"status:5", []int{3}},
		{"status:2", []int{1, 2, 4, 6, 7}},
		{"sig:bad", []int{5}},
		{"h264", []int{3, 4}},            // free text in the body
		{"simulated", []int{3}},          // and in our answer
		{"destroy_timemillis", []int{6}}, // a form body
		{"nothing-has-this", nil},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			m := loaded(t, fixtureOptions(t), 80, 24)
			press(m, "/", c.filter, "enter")
			var got []int
			for _, id := range m.vis {
				got = append(got, m.entries.byID(id).Seq)
			}
			if !equalInts(got, c.want) {
				t.Errorf("filter %q shows %v, want %v", c.filter, got, c.want)
			}
			press(m, "esc") // clears it
			if len(m.vis) != 7 || m.filter.text != "" {
				t.Errorf("esc left %d shown, filter %q", len(m.vis), m.filter.text)
			}
		})
	}
}

func TestFilterAsYouTypeAndCancel(t *testing.T) {
	m := loaded(t, fixtureOptions(t), 80, 24)
	press(m, "/", "room:47")
	if len(m.vis) != 1 {
		t.Fatalf("typing filters: %d shown", len(m.vis))
	}
	press(m, "q") // typed into the filter, not quit
	if m.input != inputFilter || m.filter.text != "room:47q" {
		t.Fatalf("q while typing: input %v filter %q", m.input, m.filter.text)
	}
	press(m, "esc")
	if m.input != inputNone || len(m.vis) != 7 {
		t.Fatalf("esc: input %v, %d shown", m.input, len(m.vis))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestKeysModes(t *testing.T) {
	m := loaded(t, fixtureOptions(t), 80, 24)
	press(m, "enter")
	if m.mode != modeDetail {
		t.Fatal("enter did not open the detail")
	}
	press(m, "?")
	if m.mode != modeHelp || !strings.Contains(m.View(), "keeps the last 10,000 events") {
		t.Fatalf("? did not show help:\n%s", m.View())
	}
	press(m, "x") // any key closes help, back to where it was
	if m.mode != modeDetail {
		t.Fatalf("help closed to mode %v", m.mode)
	}
	press(m, "esc")
	if m.mode != modeList {
		t.Fatal("esc did not go back to the list")
	}
	for _, k := range []string{"q", "ctrl+c"} {
		cmd := press(m, k)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s did not quit", k)
		}
	}
}

// New events never move the selection, unless it is on the newest.
func TestLiveDoesNotStealCursor(t *testing.T) {
	feed := NewFeed("live", 64)
	m := NewModel(context.Background(), Options{Source: feed, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 12})
	m.Init()
	push := func(from, to int) {
		for i := from; i <= to; i++ {
			if !feed.Push(liveEvent(i)) {
				t.Fatal("push dropped")
			}
		}
		m.Update(batchMsg(feed.next(context.Background(), batchMax)))
	}
	push(1, 5)
	if selSeq(m) != 5 {
		t.Fatalf("follows the newest: selected #%d", selSeq(m))
	}
	press(m, "k", "k") // #3
	push(6, 30)
	if selSeq(m) != 3 {
		t.Fatalf("new events moved the selection to #%d", selSeq(m))
	}
	if !strings.Contains(m.View(), "> 12:00:03") {
		t.Fatalf("the selected row is not shown:\n%s", m.View())
	}
	press(m, "enter")
	before := m.View()
	push(31, 40)
	if m.View() != strings.Replace(before, "30 events", "40 events", 1) {
		t.Fatalf("new events changed the detail pane:\n%s\n---\n%s", before, m.View())
	}
	press(m, "esc", "G")
	push(41, 42)
	if selSeq(m) != 42 {
		t.Fatalf("on the newest, the selection follows: #%d", selSeq(m))
	}
}

func TestCurl(t *testing.T) {
	var mu sync.Mutex
	var gotBody, gotCT string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		gotBody, gotCT = string(b), r.Header.Get("Content-Type")
		mu.Unlock()
		io.WriteString(w, "1")
	}))
	defer srv.Close()

	opts := fixtureOptions(t)
	m := loaded(t, opts, 80, 24)
	press(m, "g", "j", "j", "j", "j", "j") // line 6, a form body
	press(m, "c")
	path := filepath.Join(opts.CurlDir, "zegocb-6.curl.sh")
	if !strings.Contains(m.View(), "wrote "+path) {
		t.Fatalf("no message about the file:\n%s", m.View())
	}
	script, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(script), fixtureSecret) {
		t.Fatal("the curl command holds the secret")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: the command is not run")
	}
	cmd := exec.Command("sh", path)
	cmd.Env = append(os.Environ(), "URL="+srv.URL+"/zego/callback")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the curl command: %v\n%s", err, out)
	}
	want := m.Selected()
	mu.Lock()
	defer mu.Unlock()
	if gotBody != string(want.Body) || gotCT != "application/x-www-form-urlencoded" {
		t.Fatalf("curl sent %q (%s), want the body byte-exact %q", gotBody, gotCT, want.Body)
	}
}

func TestReplay(t *testing.T) {
	type got struct{ body, ct, path string }
	ch := make(chan got, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- got{string(b), r.Header.Get("Content-Type"), r.URL.Path}
		w.WriteHeader(503)
		io.WriteString(w, "busy")
	}))
	defer srv.Close()

	opts := fixtureOptions(t)
	opts.Replay = DeliverReplayer(deliver.Options{Client: srv.Client()})
	opts.ReplayURL = srv.URL + "/app"
	m := loaded(t, opts, 100, 30)
	press(m, "g", "enter") // line 1, in the detail
	cmd := press(m, "r")
	if e := m.Selected(); e.Replay == nil || !e.Replay.Pending || !strings.Contains(m.View(), "→ …") {
		t.Fatalf("no pending replay shown:\n%s", m.View())
	}
	run(m, cmd)
	g := <-ch
	e := m.Selected()
	if g.body != string(e.Body) || g.ct != "application/json" || g.path != "/app" {
		t.Fatalf("replayed %+v", g)
	}
	if e.Replay.Pending || e.Replay.Result.Status != 503 || e.Replay.Result.Body != "busy" {
		t.Fatalf("replay result %+v", e.Replay)
	}
	v := m.View()
	if !strings.Contains(v, "replay   "+srv.URL+"/app → 503 \"busy\"") {
		t.Fatalf("the answer is not shown in place:\n%s", v)
	}
	if m.failed != 3 {
		t.Fatalf("a failed replay counts as a failure: %d", m.failed)
	}

	// R asks for the URL; a typed one is used and remembered.
	cmd = press(m, "R")
	if m.input != inputURL {
		t.Fatal("R did not ask for a URL")
	}
	if m.ti.Value() != srv.URL+"/app" {
		t.Fatalf("the URL field does not start with the last URL: %q", m.ti.Value())
	}
	m.ti.SetValue("")
	cmd = press(m, srv.URL+"/other", "enter")
	run(m, cmd)
	if g := <-ch; g.path != "/other" {
		t.Fatalf("replayed to %s", g.path)
	}
	if m.lastURL != srv.URL+"/other" {
		t.Fatalf("last URL %q", m.lastURL)
	}
}

func TestReplayWithoutURLOrReplayer(t *testing.T) {
	m := loaded(t, fixtureOptions(t), 80, 24)
	press(m, "r") // no URL configured: it asks first
	if m.input != inputURL {
		t.Fatalf("r without a URL: input %v", m.input)
	}
	press(m, "esc")
	if m.input != inputNone {
		t.Fatal("esc did not cancel the URL")
	}
	cmd := press(m, "r", "http://127.0.0.1:9/x", "enter")
	if cmd != nil || !strings.Contains(m.View(), "replay is not available") {
		t.Fatalf("no replayer:\n%s", m.View())
	}
}

func TestReplayUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	r := DeliverReplayer(deliver.Options{Timeout: 2 * time.Second})
	res := r(context.Background(), ReplayRequest{URL: "http://" + addr + "/", Body: []byte(`{}`)})
	if res.Status != 0 || res.Err == "" || res.OK() {
		t.Fatalf("unreachable: %+v", res)
	}
}

// Esc followed quickly by a key arrives as Alt+key: both are acted on.
func TestEscThenKeyAsAlt(t *testing.T) {
	m := loaded(t, fixtureOptions(t), 80, 24)
	press(m, "g", "enter")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'/'}, Alt: true})
	if m.mode != modeList || m.input != inputFilter {
		t.Fatalf("alt+/ in the detail: mode %v input %v", m.mode, m.input)
	}
	press(m, "esc")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}, Alt: true})
	if cmd == nil {
		t.Fatal("alt+q did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("alt+q did not quit")
	}
}

// Keys read together arrive as one message with several runes.
func TestRunesTogether(t *testing.T) {
	m := loaded(t, fixtureOptions(t), 80, 24)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("gff")})
	if got := selSeq(m); got != 5 {
		t.Fatalf(`"gff" selected line %d, want 5`, got)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/room:47")})
	if m.input != inputFilter || m.ti.Value() != "room:47" || len(m.vis) != 1 {
		t.Fatalf(`"/room:47": input %v value %q, %d shown`, m.input, m.ti.Value(), len(m.vis))
	}
	press(m, "esc")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kq")})
	if selSeq(m) != 4 || cmd == nil {
		t.Fatalf(`"kq": selected %d, command %v`, selSeq(m), cmd)
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal(`"kq" did not quit`)
	}
}

// A replay answered after a newer one started does not overwrite it.
func TestReplayStaleAnswer(t *testing.T) {
	opts := fixtureOptions(t)
	answers := make(chan ReplayResult, 2)
	opts.Replay = func(ctx context.Context, req ReplayRequest) ReplayResult { return <-answers }
	opts.ReplayURL = "http://127.0.0.1:9/"
	m := loaded(t, opts, 80, 24)
	first := press(m, "r")
	second := press(m, "r")
	answers <- ReplayResult{Status: 500}
	m.Update(first()) // the first answer arrives late
	if e := m.Selected(); !e.Replay.Pending {
		t.Fatal("a stale answer replaced the newer replay's state")
	}
	answers <- ReplayResult{Status: 200, Body: "1"}
	m.Update(second())
	if e := m.Selected(); e.Replay.Pending || e.Replay.Result.Status != 200 || m.failed != 2 {
		t.Fatalf("replay %+v, failures %d", e.Replay, m.failed)
	}
}

// Close hands over what is buffered before the feed ends.
func TestFeedCloseDrains(t *testing.T) {
	feed := NewFeed("live", 100)
	for i := 1; i <= 50; i++ {
		feed.Push(liveEvent(i))
	}
	feed.Close()
	m := NewModel(context.Background(), Options{Source: feed})
	run(m, m.Init())
	if !m.Done() || m.Len() != 50 {
		t.Fatalf("done %v, %d kept; want all 50", m.Done(), m.Len())
	}
}
