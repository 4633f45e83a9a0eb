package inspect

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

// familiesCapture is a capture with one sample of every catalog event,
// each signed with fixtureSecret by its family's scheme.
func familiesCapture(t testing.TB) ([]byte, []*callback.Event) {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	events := callback.Default().Events()
	var b []byte
	for i, e := range events {
		p := e.Sample(callback.SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(uint64(i), 7))})
		e.Stamp(p, fixtureSecret, e.Timestamp(now), "nonce-"+strconv.Itoa(i))
		rec := &capture.Record{
			V: capture.Version, ReceivedAt: now.Add(time.Duration(i) * time.Second), RemoteAddr: "127.0.0.1:50001",
			Method: "POST", Path: "/zego/callback",
			Headers: map[string][]string{"Content-Type": {"application/json"}},
			Answer:  &capture.Answer{Status: 200, Body: "ok"},
		}
		rec.SetBody(p.JSON())
		b = rec.AppendJSON(b)
	}
	return b, events
}

func familiesModel(t testing.TB, w, h int) (*Model, []*callback.Event) {
	b, events := familiesCapture(t)
	opts := Options{Source: NewFileSource(bytes.NewReader(b), "families.jsonl"), Secret: fixtureSecret, Location: time.UTC}
	return loaded(t, opts, w, h), events
}

// TestFamilies: every event of every family is identified from its body
// as verify and listen identify it (numeric EventType / event_type,
// ReportType, markers), named by its Ref, and its signature is checked by
// its family's scheme: no failures.
func TestFamilies(t *testing.T) {
	m, events := familiesModel(t, 120, 100)
	if m.Len() != len(events) {
		t.Fatalf("kept %d entries, want %d", m.Len(), len(events))
	}
	fams := map[string]bool{}
	for i, want := range events {
		e := m.entries.at(i)
		fams[want.Product.Name] = true
		if e.Spec != want || e.Event != want.Ref || !e.Known || e.Family != want.Product {
			t.Errorf("line %d (%s): shown as %q (spec %v, family %v)", i+1, want.Qualified, e.Event, e.Spec != nil, e.Family)
		}
		if e.Sig != SigOK {
			t.Errorf("%s: signature %s (%s: %s)", want.Qualified, e.Sig, e.SigReason, e.SigDetail)
		}
		if e.Failed() {
			t.Errorf("%s counted as a failure", want.Qualified)
		}
		for _, p := range e.Problems {
			if strings.HasPrefix(p, "error") {
				t.Errorf("%s: %s", want.Qualified, p)
			}
		}
	}
	if len(fams) < 9 {
		t.Errorf("the capture covers %d families, want every one", len(fams))
	}
	v := m.View()
	frameOK(t, v, 120, 100)
	title, _, _ := strings.Cut(v, "\n")
	if strings.Contains(v, "no event field") || strings.Contains(title, "failure") || strings.Contains(v, "BAD") {
		t.Errorf("the list shows an unidentified event or a failure:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v+"\n"))
}

// TestFamiliesDetail: the detail pane names the event the body identifies,
// shows its family, and pretty-prints with that event's spec, not the RTC
// event of the same bare name.
func TestFamiliesDetail(t *testing.T) {
	for _, name := range []string{"zim/room_create", "minigame/game_settlement", "cloudplayer/player_status", "cloudrecording/record_completed"} {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			m, events := familiesModel(t, 100, 60)
			idx := -1
			for i, e := range events {
				if e.Qualified == name {
					idx = i
				}
			}
			if idx < 0 {
				t.Fatalf("%s is not in the catalog", name)
			}
			press(m, "g")
			for i := 0; i < idx; i++ {
				press(m, "j")
			}
			press(m, "enter")
			v := m.View()
			frameOK(t, v, 100, 60)
			spec := events[idx]
			if !strings.Contains(v, spec.Ref) || !strings.Contains(v, "family   "+spec.Product.Title) {
				t.Errorf("detail does not name %s and its family:\n%s", spec.Ref, v)
			}
			golden.RequireEqual(t, []byte(v+"\n"))
		})
	}
}

// TestFamiliesFilter: family: and the ids of every family filter the list.
func TestFamiliesFilter(t *testing.T) {
	m, events := familiesModel(t, 120, 100)
	count := func(filter string) int {
		f, n := parseFilter(filter), 0
		for i := range events {
			if f.match(m.entries.at(i)) {
				n++
			}
		}
		return n
	}
	perFamily := map[string]int{}
	for _, e := range events {
		perFamily[e.Product.Name]++
	}
	for _, c := range []struct {
		filter string
		want   int
	}{
		{"family:minigame", perFamily["minigame"]},
		{"family:cloudplayer", perFamily["cloudplayer"]},
		{"player:" + m.entries.at(indexOf(t, events, "cloudplayer/player_status")).keyID("player"), 1},
		{"call:" + m.entries.at(indexOf(t, events, "zim/call_create")).keyID("call"), 1},
		{"agent:" + m.entries.at(indexOf(t, events, "aiagent/LLMResult")).keyID("agent"), 1},
		{"group:group-", 4},
	} {
		if got := count(c.filter); got != c.want || c.want == 0 {
			t.Errorf("filter %q matches %d entries, want %d", c.filter, got, c.want)
		}
	}
}

func indexOf(t testing.TB, events []*callback.Event, qualified string) int {
	t.Helper()
	for i, e := range events {
		if e.Qualified == qualified {
			return i
		}
	}
	t.Fatalf("%s is not in the catalog", qualified)
	return -1
}
