package scenario

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// genDef writes a random valid definition: a walk over what may happen
// next in up to three rooms, six users and six streams, with relogins,
// recreates, rooms that close and open again, and zero gaps (ties).
func genDef(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 99))
	type room struct {
		open  bool
		users map[string]bool
	}
	rooms := map[string]*room{}
	for _, n := range []string{"r1", "r2", "r3"} {
		rooms[n] = &room{users: map[string]bool{}}
	}
	type stream struct {
		room, user string
		live       bool
	}
	streams := map[string]*stream{}
	var steps []map[string]any
	add := func(s map[string]any) {
		if g := r.IntN(4); g == 0 {
			s["gap_ms"] = 0
		} else {
			s["gap_ms"] = r.IntN(3000)
		}
		steps = append(steps, s)
	}
	userStreams := func(rn, u string) bool {
		for _, s := range streams {
			if s.live && s.room == rn && s.user == u {
				return true
			}
		}
		return false
	}
	n := 15 + r.IntN(50)
	for len(steps) < n {
		rn := fmt.Sprintf("r%d", 1+r.IntN(3))
		rm := rooms[rn]
		u := fmt.Sprintf("u%d", 1+r.IntN(6))
		sn := fmt.Sprintf("s%d", 1+r.IntN(6))
		st := streams[sn]
		switch r.IntN(9) {
		case 0:
			if !rm.open {
				rm.open = true
				add(map[string]any{"event": "room_create", "room": rn})
			}
		case 1:
			if rm.open && len(rm.users) == 0 {
				rm.open = false
				add(map[string]any{"event": "room_close", "room": rn})
			}
		case 2, 3:
			if rm.open {
				if rm.users[u] { // a relogin closes the user's streams in that room
					for _, s := range streams {
						if s.live && s.room == rn && s.user == u {
							s.live = false
						}
					}
				}
				rm.users[u] = true
				add(map[string]any{"event": "room_login", "room": rn, "user": u})
			}
		case 4:
			if rm.open && rm.users[u] && !userStreams(rn, u) {
				delete(rm.users, u)
				add(map[string]any{"event": "room_logout", "room": rn, "user": u, "reason": r.IntN(5)})
			}
		case 5, 6:
			if rm.open && rm.users[u] && (st == nil || !st.live) {
				streams[sn] = &stream{room: rn, user: u, live: true}
				add(map[string]any{"event": "stream_create", "room": rn, "user": u, "stream": sn})
			}
		case 7:
			if st != nil && st.live {
				add(map[string]any{"event": "stream_create", "room": st.room, "user": st.user, "stream": sn, "recreate": 1})
			}
		case 8:
			if st != nil && st.live {
				st.live = false
				add(map[string]any{"event": "stream_close", "stream": sn})
			}
		}
	}
	b, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("random-%d", seed), "steps": steps})
	return b
}

// TestRandomScenariosAgainstOracles repeats the oracle checks on 200
// random definitions, so the true state differs from seed to seed.
func TestRandomScenariosAgainstOracles(t *testing.T) {
	wrong, nonEmpty := 0, 0
	for seed := uint64(0); seed < 200; seed++ {
		src := genDef(seed)
		d, err := Load(fmt.Sprintf("random-%d.json", seed), src)
		if err != nil {
			t.Fatalf("seed %d: a valid random definition was rejected: %v\n%s", seed, err, src)
		}
		run, err := Expand(d, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		truth := TrueState(run).String()
		if want := oracleTruth(run); truth != want {
			t.Fatalf("seed %d: true state %s, oracle %s\n%s", seed, truth, want, src)
		}
		if truth != "(no rooms)" {
			nonEmpty++
		}
		for _, o := range []Order{Natural, Shuffled, Adversarial} {
			plan, _ := Arrange(run, o, seed)
			z := NewZegoRules()
			got, err := Replay(z, run, plan)
			if err != nil {
				t.Fatal(err)
			}
			if want, pending := oracleZego(run, plan); got.String() != want || pending != z.Pending() {
				t.Fatalf("seed %d %s: ZEGO rules %s (%d queued), oracle %s (%d queued)\n%s", seed, o, got, z.Pending(), want, pending, src)
			}
			if got.String() != truth {
				wrong++
				if o == Natural {
					t.Errorf("seed %d: ZEGO's rules end wrong in natural order: %s, truth %s", seed, got, truth)
				}
			}
			if rob, _ := Replay(NewRobust(), run, plan); rob.String() != truth {
				t.Errorf("seed %d %s: robust %s, truth %s", seed, o, rob, truth)
			}
		}
	}
	if nonEmpty < 150 || wrong == 0 {
		t.Errorf("%d of 200 random runs end non-empty, ZEGO's rules wrong %d times: the generator is too tame", nonEmpty, wrong)
	}
	t.Logf("ZEGO's rules ended wrong in %d of 600 random runs", wrong)
}
