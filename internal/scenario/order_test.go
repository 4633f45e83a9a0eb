package scenario

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestArrangeNaturalAndShuffled(t *testing.T) {
	run := expandBuiltin(t, "churn", Options{Seed: 5})
	n := len(run.Callbacks)
	nat, err := Arrange(run, Natural, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range nat.Deliveries {
		if d.Callback != i || d.Attempt != 1 || d.N != i+1 || d.Hazard != "" {
			t.Fatalf("natural delivery %d = %+v", i, d)
		}
	}
	if len(nat.Deliveries) != n {
		t.Fatalf("natural has %d deliveries, want %d", len(nat.Deliveries), n)
	}
	distinct := map[string]bool{}
	for seed := uint64(0); seed < 50; seed++ {
		p, err := Arrange(run, Shuffled, seed)
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]bool, n)
		for _, d := range p.Deliveries {
			if seen[d.Callback] || d.Attempt != 1 {
				t.Fatalf("seed %d: callback %d delivered twice", seed, d.Callback)
			}
			seen[d.Callback] = true
		}
		if len(p.Deliveries) != n {
			t.Fatalf("seed %d: %d deliveries, want %d", seed, len(p.Deliveries), n)
		}
		distinct[fmt.Sprint(p.Deliveries)] = true
	}
	if len(distinct) < 45 {
		t.Errorf("50 seeds gave only %d distinct shuffles", len(distinct))
	}
}

func TestArrangeSameSeedSamePlan(t *testing.T) {
	for _, info := range List() {
		for _, o := range []Order{Natural, Shuffled, Adversarial} {
			for seed := uint64(0); seed < 20; seed++ {
				a, _ := Arrange(expandBuiltin(t, info.Name, Options{Seed: seed}), o, seed)
				b, _ := Arrange(expandBuiltin(t, info.Name, Options{Seed: seed}), o, seed)
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("%s %s seed %d: two plans differ", info.Name, o, seed)
				}
			}
		}
	}
	run := expandBuiltin(t, "live", Options{Seed: 1})
	a, _ := Arrange(run, Adversarial, 1)
	b, _ := Arrange(run, Adversarial, 2)
	c, _ := Arrange(run, Adversarial, 3)
	if reflect.DeepEqual(a.Deliveries, b.Deliveries) && reflect.DeepEqual(b.Deliveries, c.Deliveries) {
		t.Error("adversarial seeds 1, 2, 3 gave one plan")
	}
}

// TestAdversarialHazardsPresent checks, from the delivered sequence alone,
// that each hazard really happens, for every built-in and seeds 0..249.
func TestAdversarialHazardsPresent(t *testing.T) {
	for _, info := range List() {
		for seed := uint64(0); seed < 250; seed++ {
			run := expandBuiltin(t, info.Name, Options{Seed: seed})
			p, err := Arrange(run, Adversarial, seed)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s seed %d", info.Name, seed)
			first := map[int]int{} // callback -> position of its first delivery
			count := map[int]int{}
			for i, d := range p.Deliveries {
				if _, ok := first[d.Callback]; !ok {
					first[d.Callback] = i
				}
				count[d.Callback]++
				if d.N != i+1 {
					t.Fatalf("%s: delivery %d numbered %d", name, i, d.N)
				}
			}
			if len(first) != len(run.Callbacks) {
				t.Fatalf("%s: %d of %d callbacks delivered", name, len(first), len(run.Callbacks))
			}
			// Pair a close or logout with its create or login by payload ids,
			// not by Opener.
			closeFirst, logoutFirst := false, false
			for i, c := range run.Callbacks {
				for j := 0; j < i; j++ {
					o := run.Callbacks[j]
					var pair bool
					switch c.Event {
					case "room_close":
						pair = o.Event == "room_create" && text(&o, "room_session_id") == text(&c, "room_session_id")
					case "stream_close":
						pair = o.Event == "stream_create" && text(&o, "stream_sid") == text(&c, "stream_sid") && text(&o, "recreate") == "0"
					case "room_logout":
						pair = o.Event == "room_login" && text(&o, "session_id") == text(&c, "session_id")
					}
					if pair && first[i] < first[j] {
						if c.Event == "room_logout" {
							logoutFirst = true
						} else {
							closeFirst = true
						}
					}
				}
			}
			// A duplicate: the same callback twice in a row. A late retry: a
			// second delivery of a callback after the first delivery of a
			// later callback about the same room, user or stream.
			dup, late := false, false
			for i, d := range p.Deliveries {
				if i > 0 && p.Deliveries[i-1].Callback == d.Callback {
					dup = true
				}
				if i == first[d.Callback] {
					continue
				}
				c := run.Callbacks[d.Callback]
				for j := d.Callback + 1; j < len(run.Callbacks); j++ {
					o := run.Callbacks[j]
					sameKey := c.Room == o.Room && ((isRoomEv(c.Event) && isRoomEv(o.Event)) ||
						(isUserEv(c.Event) && isUserEv(o.Event) && c.User == o.User) ||
						(isStreamEv(c.Event) && isStreamEv(o.Event) && c.Stream == o.Stream))
					if sameKey && first[j] < i {
						late = true
					}
				}
			}
			if !closeFirst || !logoutFirst || !dup || !late {
				t.Errorf("%s: close before create %v, logout before login %v, duplicate %v, late retry %v", name, closeFirst, logoutFirst, dup, late)
			}
			for _, h := range p.Hazards {
				if !h.Applied {
					t.Errorf("%s: %s not applied: %s", name, h.Hazard, h.Note)
				}
			}
			if len(p.Hazards) != len(Hazards) {
				t.Errorf("%s: %d hazard notes", name, len(p.Hazards))
			}
		}
	}
}

func isRoomEv(e string) bool   { return e == "room_create" || e == "room_close" }
func isUserEv(e string) bool   { return e == "room_login" || e == "room_logout" }
func isStreamEv(e string) bool { return e == "stream_create" || e == "stream_close" }

func TestAdversarialSaysWhatItCannotApply(t *testing.T) {
	d, err := Load("opens.json", []byte(`{"steps":[{"event":"room_create","room":"r1"},{"event":"room_login","room":"r1","user":"u1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	run, _ := Expand(d, Options{})
	p, _ := Arrange(run, Adversarial, 1)
	got := map[Hazard]bool{}
	for _, h := range p.Hazards {
		got[h.Hazard] = h.Applied
	}
	want := map[Hazard]bool{CloseBeforeCreate: false, LogoutBeforeLogin: false, Duplicate: true, LateRetry: false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hazards applied %v, want %v", got, want)
	}
}

func TestParseOrderAndTiming(t *testing.T) {
	for _, s := range []string{"natural", "Shuffled", " adversarial "} {
		if _, err := ParseOrder(s); err != nil {
			t.Errorf("ParseOrder(%q): %v", s, err)
		}
	}
	if _, err := ParseOrder("random"); err == nil || err.Error() != `unknown order "random" (natural, shuffled or adversarial)` {
		t.Errorf("ParseOrder(random): %v", err)
	}
	if _, err := Arrange(&Run{}, Order("x"), 1); err == nil {
		t.Error("Arrange accepted order x")
	}
	if len(Orders()) != 3 {
		t.Errorf("Orders() = %v", Orders())
	}
	cases := []struct {
		t    Timing
		want string
	}{
		{Timing{Concurrency: 1}, ""},
		{Timing{Gap: 50 * time.Millisecond, Concurrency: 4}, ""},
		{Timing{Concurrency: 0}, "concurrency: 0 is below 1"},
		{Timing{Concurrency: 1001}, "concurrency: 1001 is above 1000"},
		{Timing{Gap: -time.Second, Concurrency: 1}, "gap: -1s is negative"},
		{Timing{Gap: 2 * time.Hour, Concurrency: 1}, "gap: 2h0m0s is above 1h0m0s"},
	}
	for _, tc := range cases {
		err := tc.t.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && err.Error() != tc.want) {
			t.Errorf("%+v: %v, want %q", tc.t, err, tc.want)
		}
	}
}

func TestAdversarialWithoutLists(t *testing.T) {
	d, err := Load("snap.json", []byte(`{"steps":[{"event":"snapshot"},{"event":"snapshot"},{"event":"transcode_start"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	run, _ := Expand(d, Options{})
	p, _ := Arrange(run, Adversarial, 3)
	for _, h := range p.Hazards {
		if h.Hazard == LateRetry && h.Applied {
			t.Errorf("a late retry of %v: these callbacks are no news about a room, user or stream", h.Callbacks)
		}
		if h.Hazard == Duplicate && !h.Applied {
			t.Error("no duplicate")
		}
	}
}
