package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/signature"
	"github.com/zegocb/zegocb/internal/ui"
)

// lsSample is a deterministic signed sample of event with fields set.
func lsSample(t *testing.T, event, nonce string, set map[string]string) []byte {
	t.Helper()
	e, ok := callback.Default().Lookup(event)
	if !ok {
		t.Fatalf("no event %s", event)
	}
	p := e.Sample(callback.SampleOptions{Now: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), Rand: rand.New(rand.NewPCG(3, 4))})
	for k, v := range set {
		p.Set(k, callback.String(v))
	}
	e.Stamp(p, lsSecret, "1741944413", nonce)
	return p.JSON()
}

// lsDay is a stretch of a listening day: long ZEGO-style ids, a callback
// re-delivered identically twice, one "re-delivered" with a changed body,
// a bad signature, an unknown event, a body that does not parse and a GET.
func lsDay(t *testing.T, l *bgRun, clock *testClock) {
	t.Helper()
	long := lsSample(t, "stream_create", "5501", map[string]string{
		"room_id":   "live-room-2025-03-14-shanghai-0042",
		"stream_id": "live-room-2025-03-14-shanghai-0042-host-8f3a9c",
		"user_id":   "host-8f3a9c-7d21-4b0e-a6f5",
	})
	post := func(body []byte) { lsPost(t, l.url("/zego"), "application/json", body) }
	post(long)
	clock.Add(2010 * time.Millisecond)
	post(long) // retry 1: identical
	clock.Add(4020 * time.Millisecond)
	post(long) // retry 2: identical
	post(lsFixture(t, "stream_close"))
	changed := bytes.Replace(long, []byte(`"live-room-2025-03-14-shanghai-0042"`), []byte(`"live-room-2025-03-14-shanghai-0043"`), 1)
	clock.Add(8 * time.Second)
	post(changed) // same nonce and signature, another body
	forged := bytes.Replace(lsFixture(t, "record"), []byte(`"signature":"ee`), []byte(`"signature":"EE`), 1)
	post(forged)
	post([]byte(`{"event":"stream_cerate","room_id":"r1","timestamp":"1741944413","nonce":"1","signature":"` + signature.Sign(lsSecret, "1741944413", "1") + `"}`))
	post([]byte(`{"event":"stream_create",`))
	resp, err := http.Get(l.url("/zego"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

var lsHeaderLine = regexp.MustCompile(`^\d\d:\d\d:\d\d`)

// Goldens of a listening day at 80, 100 and 160 columns, pretty (on a
// terminal) and -q; every header line fits its width.
func TestListenWidthGolden(t *testing.T) {
	for _, width := range []int{80, 100, 160} {
		for _, mode := range []struct {
			name string
			args []string
		}{{"pretty", []string{"--color", "never"}}, {"quiet", []string{"-q", "--color", "never"}}} {
			name := fmt.Sprintf("%s-%d.tty", mode.name, width)
			t.Run(name, func(t *testing.T) {
				clock := &testClock{t: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
				l := newCmdtest(t, cmdOpts{env: lsEnv, ttyOut: true, width: width, clock: clock}).listen(mode.args...)
				lsDay(t, l, clock)
				if code := l.stop(); code != 0 {
					t.Fatalf("exit %d", code)
				}
				out := l.out.String()
				for _, line := range strings.Split(out, "\n") {
					if (lsHeaderLine.MatchString(line) || mode.name == "quiet") && ansi.StringWidth(line) > width {
						t.Errorf("%d columns wide, over %d: %q", ansi.StringWidth(line), width, line)
					}
				}
				assertGolden(t, "listen", name, []byte(out))
			})
		}
	}
}

// Every header line fits every width from 20 to 200 columns, with colour
// or without, whatever the ids: long, wide (CJK), escaped.
func TestListenHeaderFitsEveryWidth(t *testing.T) {
	e, _ := callback.Default().Lookup("stream_create")
	payload := func(room, stream, user string) *callback.Payload {
		p := e.Sample(callback.SampleOptions{Rand: rand.New(rand.NewPCG(1, 2))})
		p.Set("room_id", callback.String(room))
		p.Set("stream_id", callback.String(stream))
		p.Set("user_id", callback.String(user))
		return p
	}
	base := listen.Event{Seq: 123456, Received: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC), Name: "stream_create", Spec: e,
		Sig: listen.SigOK, Delivery: 1, Status: 200, Answer: "1", Latency: 312 * time.Microsecond}
	var events []listen.Event
	for _, ids := range [][3]string{
		{"room-1", "s-1", "u-1"},
		{strings.Repeat("r", 90), strings.Repeat("s", 70), strings.Repeat("u", 50)},
		{"房间一二三四五六七八九十一二三四五六七八九十", "流-" + strings.Repeat("长", 30), "用户-甲乙丙丁戊己庚辛壬癸"},
		{"a\x1b[2Jb\u202ec", "tab\there", "\xff\xfe"},
	} {
		ev := base
		ev.Payload = payload(ids[0], ids[1], ids[2])
		events = append(events, ev)
		retry := ev
		retry.Delivery, retry.SincePrev, retry.Drift = 7, 32*time.Second+15*time.Millisecond, 15*time.Millisecond
		events = append(events, retry)
		early := retry
		early.Delivery, early.Drift = 3, -1500*time.Microsecond
		events = append(events, early)
		bad := ev
		bad.Sig, bad.SigResult, bad.Status, bad.Answer = listen.SigBad, signature.Result{Reason: signature.Reason("sender_secret_whitespace")}, 401, "invalid signature"
		events = append(events, bad)
		unknown := ev
		unknown.Spec, unknown.Name = nil, strings.Repeat("x\x07", 50)
		events = append(events, unknown)
	}
	for _, color := range []bool{false, true} {
		ios, _, _, _ := ui.Test()
		if color {
			ios.SetColorMode(ui.ColorAlways)
		}
		r := &listenRenderer{mode: renderQuiet, color: color, s: ios.Styles()}
		for i := range events {
			ev := &events[i]
			// The widths fit adds up are the widths printed, for every
			// combination of what can be left out.
			var f hdrFacts
			f.measure(ev, 14, i%2 == 0)
			for mask := 0; mask < 1<<10; mask++ {
				bit := func(n int) bool { return mask&(1<<n) != 0 }
				l := hdrLayout{noFirst: bit(0), noOKAnswer: bit(1), noLatency: bit(2), noDrift: bit(3), noTask: bit(4),
					shortTime: bit(5), noAnswer: bit(6), sameShort: bit(7), noSame: bit(8), noReason: bit(9), ids: -1 + mask%4, idMax: 9 + mask%31}
				line := strings.TrimSuffix(string(r.appendLaidOut(nil, &f, &l, 0)), "\n")
				if got, want := ansi.StringWidth(line), f.width(&l); got != want {
					t.Fatalf("colour %v, event %d, layout %+v: measured %d columns, printed %d: %q", color, i, l, want, got, line)
				}
			}
			full := strings.TrimSuffix(string(r.appendHeaderLine(nil, ev, 0, 14, i%2 == 0)), "\n")
			for width := 20; width <= 200; width++ {
				line := string(r.appendHeaderLine(nil, ev, width, 14, i%2 == 0))
				if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
					t.Fatalf("not one line: %q", line)
				}
				line = strings.TrimSuffix(line, "\n")
				if w := ansi.StringWidth(line); w > width {
					t.Fatalf("colour %v, event %d: %d columns at width %d: %q", color, i, w, width, line)
				}
				if fw := ansi.StringWidth(full); fw <= width && line != full {
					t.Fatalf("colour %v, event %d: a line that fits (%d <= %d) was changed:\n%q\n%q", color, i, fw, width, line, full)
				}
				if strings.ContainsAny(ansi.Strip(line), "\x1b\a\u202e") {
					t.Fatalf("raw control characters from the network: %q", line)
				}
			}
		}
	}
}

// An id cut to fit keeps both ends, around one ellipsis.
func TestAppendShortID(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"room-1", 10, "room-1"},
		{"live-room-2025-03-14-shanghai-0042", 15, "live-ro…ai-0042"},
		{"live-room-2025-03-14-shanghai-0042", 9, "live…0042"},
		{"房间一二三四五六七八", 9, "房间…七八"},
	} {
		got := string(appendShortID(nil, tt.in, textWidth(tt.in), tt.max))
		if got != tt.want || ansi.StringWidth(got) > tt.max {
			t.Errorf("appendShortID(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

// --body: full prints every delivery's body, new all but identical
// re-deliveries (the default), none no body at all.
func TestListenBodyModes(t *testing.T) {
	body := lsFixture(t, "room_login")
	for _, tt := range []struct {
		args   []string
		bodies int
	}{{nil, 1}, {[]string{"--body", "new"}, 1}, {[]string{"--body", "full"}, 3}, {[]string{"--body", "none"}, 0}} {
		t.Run(strings.Join(append([]string{"body"}, tt.args...), " "), func(t *testing.T) {
			clock := &testClock{t: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
			l := newCmdtest(t, cmdOpts{env: lsEnv, ttyOut: true, width: 160, clock: clock}).listen(append([]string{"--color", "never"}, tt.args...)...)
			for i := 0; i < 3; i++ {
				lsPost(t, l.url("/"), "application/json", body)
				clock.Add(2 * time.Second)
			}
			l.stop()
			out := l.out.String()
			if got := strings.Count(out, `"event": "room_login"`); got != tt.bodies {
				t.Errorf("%d bodies printed, want %d:\n%s", got, tt.bodies, out)
			}
			for _, want := range []string{"#2  room_login", "retry 1 of 5, +2.00s", "body identical to #", "retry 2 of 5, +2.00s"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			// The schema warning (user_role 9) is the first delivery's; an
			// identical re-delivery does not repeat it.
			if got := strings.Count(out, "warning user_role"); got != 1 {
				t.Errorf("%d schema warnings, want 1:\n%s", got, out)
			}
		})
	}
}

// A delivery with a seen nonce and signature but another body is no
// retry: it is labelled a possible replay and its body is printed.
func TestListenRedeliveryChangedBody(t *testing.T) {
	clock := &testClock{t: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
	l := newCmdtest(t, cmdOpts{env: lsEnv, ttyOut: true, width: 160, clock: clock}).listen("--color", "never")
	body := lsFixture(t, "room_login")
	lsPost(t, l.url("/"), "application/json", body)
	clock.Add(2 * time.Second)
	lsPost(t, l.url("/"), "application/json", bytes.Replace(body, []byte(`"room-d661"`), []byte(`"room-evil"`), 1))
	l.stop()
	out := l.out.String()
	if !strings.Contains(out, "#2  room_login  room=room-evil user=user-dec7  sig ok  same nonce, different body: possible replay  → 200") || strings.Contains(out, "retry 1") || strings.Count(out, `"event": "room_login"`) != 2 || !strings.Contains(out, `"room-evil"`) {
		t.Errorf("a changed re-delivery is not shown as such:\n%s", out)
	}
}

func TestListenDisplayFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"bad body", []string{"--body", "some"}, "invalid --body"},
		{"body with -q", []string{"--body", "full", "-q"}, "--body only applies"},
		{"body with json", []string{"--body", "none", "-o", "json"}, "--body only applies"},
		{"bad public url", []string{"--public-url", "example.com"}, "invalid --public-url"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCmdtest(t, cmdOpts{env: lsEnv})
			c.runFails(2, []string{tt.want}, append([]string{"listen"}, tt.args...)...)
		})
	}
	got, err := parseOpts(newCmdtest(t, cmdOpts{}), newListenCmd, "--event", "stream_create, stream_close,", "--room", "r1", "--only-failures")
	if err != nil || strings.Join(got.Events, "|") != "stream_create|stream_close" || got.Rooms[0] != "r1" || !got.OnlyFailures || got.Body != "new" {
		t.Fatalf("parsed %+v, %v", got, err)
	}
}

// The cap computed for ASCII ids is the one bisection finds.
func TestFitIDsComputedEqualsBisection(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 5000; trial++ {
		var f hdrFacts
		f.ev = &listen.Event{Sig: listen.SigOK, Status: 200}
		f.task = -1
		f.nIDs = 1 + rng.IntN(4)
		for i := 0; i < f.nIDs; i++ {
			w := 1 + rng.IntN(60)
			f.ids[i] = hdrID{label: "room", value: strings.Repeat("x", w), width: w, ascii: true}
		}
		f.wBase = 20 + rng.IntN(60)
		width := 30 + rng.IntN(150)
		floor := 9 + rng.IntN(12)
		l := hdrLayout{ids: -1}
		f.asciiIDs = true
		okComputed := l.fitIDs(&f, width, floor)
		computed := l.idMax
		f.asciiIDs = false
		okBisect := l.fitIDs(&f, width, floor)
		if okComputed != okBisect || computed != l.idMax {
			t.Fatalf("ids %+v, width %d, floor %d: computed %d %v, bisection %d %v", f.ids[:f.nIDs], width, floor, computed, okComputed, l.idMax, okBisect)
		}
	}
}
