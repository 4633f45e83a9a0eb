package scenario

import (
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/tidwall/gjson"
)

// Two oracles written apart from the package: they read the delivered
// bodies as JSON text (gjson, big integers) instead of the keepers' facts,
// and keep their state in flat maps keyed by strings.

type oracleEv struct {
	event, room, rsid, user, sess, stream string
	seq, t                                *big.Int
}

func num(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("not a number: " + s)
	}
	return n
}

func oracleRead(body []byte) oracleEv {
	g := gjson.ParseBytes(body)
	e := oracleEv{event: g.Get("event").String(), room: g.Get("room_id").String()}
	// Sessions are compared as exact decimal text (no leading zeros here).
	e.rsid = g.Get("room_session_id").Raw
	if e.event == "room_login" || e.event == "room_logout" {
		e.rsid = g.Get("room_seq").Raw
	}
	if len(e.rsid) > 0 && e.rsid[0] == '"' {
		e.rsid = e.rsid[1 : len(e.rsid)-1]
	}
	e.user = g.Get("user_account").String()
	e.sess = g.Get("session_id").String()
	e.stream = g.Get("stream_id").String()
	if s := g.Get("stream_seq").String(); s != "" {
		e.seq = num(s)
	}
	for _, f := range []string{"room_create_time", "room_close_time", "login_time", "create_time_ms", "destroy_timemillis"} {
		if v := g.Get(f).String(); v != "" {
			e.t = num(v)
		}
	}
	if e.event == "room_logout" {
		e.t = num(g.Get("logout_time").String())
	}
	return e
}

func oracleState(rooms map[string]string, users, streams map[string]bool) string {
	var lines []string
	for room, sid := range rooms {
		var us, ss []string
		for k := range users {
			var r, u string
			fmt.Sscanf(k, "%s %s", &r, &u)
			if r == room {
				us = append(us, u)
			}
		}
		for k := range streams {
			var r, s string
			fmt.Sscanf(k, "%s %s", &r, &s)
			if r == room {
				ss = append(ss, s)
			}
		}
		sort.Strings(us)
		sort.Strings(ss)
		if us == nil {
			us = []string{}
		}
		if ss == nil {
			ss = []string{}
		}
		lines = append(lines, fmt.Sprintf("%s@%s users=%v streams=%v", room, sid, us, ss))
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		return "(no rooms)"
	}
	out := lines[0]
	for _, l := range lines[1:] {
		out += "; " + l
	}
	return out
}

// oracleTruth replays bodies in the order they happened, session-aware: a
// logout removes a user only if it ends the stored session (a relogin's
// logout of the old session does not).
func oracleTruth(run *Run) string {
	rooms := map[string]string{}
	users := map[string]bool{}
	sessions := map[string]string{}
	streams := map[string]bool{}
	for _, c := range run.Callbacks {
		e := oracleRead(c.Payload.JSON())
		uk, sk := e.room+" "+e.user, e.room+" "+e.stream
		switch e.event {
		case "room_create":
			rooms[e.room] = e.rsid
		case "room_close":
			delete(rooms, e.room)
		case "room_login":
			users[uk] = true
			sessions[uk] = e.sess
		case "room_logout":
			if sessions[uk] == e.sess {
				delete(users, uk)
			}
		case "stream_create":
			streams[sk] = true
		case "stream_close":
			delete(streams, sk)
		}
	}
	return oracleState(rooms, users, streams)
}

// oracleZego applies ZEGO's documented rules, written from the flowcharts
// again: step says whether a callback was used (else it is queued) and
// whether the queue is to be replayed; a replay repeats passes over the
// queue, oldest first, until a pass uses nothing.
func oracleZego(run *Run, plan Plan) (string, int) {
	roomSid := map[string]string{}
	roomT := map[string]*big.Int{}
	userSess := map[string]string{}
	userT := map[string]*big.Int{}
	streamSeq := map[string]*big.Int{}
	users := map[string]bool{}
	streams := map[string]bool{}
	dropRoom := func(room string) {
		delete(roomSid, room)
		for k := range users {
			var r, u string
			fmt.Sscanf(k, "%s %s", &r, &u)
			if r == room {
				delete(users, k)
				delete(userSess, k)
				delete(userT, k)
			}
		}
		for k := range streams {
			var r, s string
			fmt.Sscanf(k, "%s %s", &r, &s)
			if r == room {
				delete(streams, k)
				delete(streamSeq, k)
			}
		}
	}
	// step returns (used, replay).
	step := func(e oracleEv) (bool, bool) {
		sid, stored := roomSid[e.room]
		uk, sk := e.room+" "+e.user, e.room+" "+e.stream
		switch e.event {
		case "room_create":
			switch {
			case !stored:
				roomSid[e.room], roomT[e.room] = e.rsid, e.t
			case e.rsid == sid:
				if e.t.Cmp(roomT[e.room]) > 0 {
					roomT[e.room] = e.t
				}
			case e.t.Cmp(roomT[e.room]) <= 0:
				return true, false
			default:
				dropRoom(e.room)
				roomSid[e.room], roomT[e.room] = e.rsid, e.t
			}
			return true, true
		case "room_close":
			switch {
			case !stored:
				return false, false
			case e.rsid == sid:
				dropRoom(e.room)
				return true, true
			case e.t.Cmp(roomT[e.room]) <= 0:
				return true, false
			}
			return false, false
		}
		if !stored {
			return false, false
		}
		if e.rsid != sid {
			cmp := e.t.Cmp(roomT[e.room])
			if (e.event == "room_login" || e.event == "stream_create") && cmp >= 0 {
				return false, false
			}
			if (e.event == "room_logout" || e.event == "stream_close") && cmp > 0 {
				return false, false
			}
			return true, e.event == "stream_create"
		}
		switch e.event {
		case "room_login":
			if !users[uk] {
				users[uk], userSess[uk], userT[uk] = true, e.sess, e.t
				return true, true
			}
			if e.sess == userSess[uk] {
				if e.t.Cmp(userT[uk]) > 0 {
					userT[uk] = e.t
				}
				return true, false
			}
			if e.t.Cmp(userT[uk]) > 0 {
				userSess[uk], userT[uk] = e.sess, e.t
				return true, true
			}
			return true, false
		case "room_logout":
			if !users[uk] {
				return false, false
			}
			if e.sess == userSess[uk] {
				delete(users, uk)
				delete(userSess, uk)
				delete(userT, uk)
				return true, false
			}
			return e.t.Cmp(userT[uk]) <= 0, false
		case "stream_create":
			if !streams[sk] || e.seq.Cmp(streamSeq[sk]) > 0 {
				streams[sk], streamSeq[sk] = true, e.seq
			}
			return true, true
		case "stream_close":
			if !streams[sk] {
				return false, false
			}
			if e.seq.Cmp(streamSeq[sk]) > 0 {
				delete(streams, sk)
				delete(streamSeq, sk)
			}
			return true, false
		}
		panic("not a list callback: " + e.event)
	}
	var queue []oracleEv
	for _, d := range plan.Deliveries {
		e := oracleRead(run.Callbacks[d.Callback].Payload.JSON())
		switch e.event {
		case "room_create", "room_close", "room_login", "room_logout", "stream_create", "stream_close":
		default:
			continue // mixing, recording and the rest keep no list
		}
		used, replay := step(e)
		if !used {
			queue = append(queue, e)
		}
		for replay {
			replay = false
			var kept []oracleEv
			for _, q := range queue {
				if u, _ := step(q); u {
					replay = true
				} else {
					kept = append(kept, q)
				}
			}
			queue = kept
		}
	}
	return oracleState(roomSid, users, streams), len(queue)
}

const oracleSeeds = 250

// TestStatesAgainstOracles: for every built-in scenario, every order and
// every seed in 0..249, the package's true state and ZEGO-rules state equal
// the oracles', and the robust keeper reaches the true state.
func TestStatesAgainstOracles(t *testing.T) {
	zegoWrong := map[string]int{}
	for _, info := range List() {
		d, err := Builtin(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		for seed := uint64(0); seed < oracleSeeds; seed++ {
			run, err := Expand(d, Options{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			truth := TrueState(run).String()
			if want := oracleTruth(run); truth != want {
				t.Fatalf("%s seed %d: true state %s, oracle %s", info.Name, seed, truth, want)
			}
			for _, o := range []Order{Natural, Shuffled, Adversarial} {
				plan, err := Arrange(run, o, seed)
				if err != nil {
					t.Fatal(err)
				}
				z := NewZegoRules()
				got, err := Replay(z, run, plan)
				if err != nil {
					t.Fatal(err)
				}
				want, pending := oracleZego(run, plan)
				if got.String() != want || z.Pending() != pending {
					t.Fatalf("%s %s seed %d: ZEGO rules %s (%d queued), oracle %s (%d queued)", info.Name, o, seed, got, z.Pending(), want, pending)
				}
				if got.String() != truth {
					zegoWrong[info.Name+" "+string(o)]++
				}
				rob, err := Replay(NewRobust(), run, plan)
				if err != nil {
					t.Fatal(err)
				}
				if rob.String() != truth {
					t.Errorf("%s %s seed %d: robust %s, truth %s", info.Name, o, seed, rob, truth)
				}
				if o == Natural && got.String() != truth {
					t.Errorf("%s seed %d: ZEGO's rules are wrong in natural order: %s", info.Name, seed, got)
				}
			}
		}
	}
	// The point of the command: ZEGO's rules are wrong for some orders.
	if zegoWrong["churn shuffled"] == 0 {
		t.Errorf("ZEGO's rules were never wrong for churn shuffled in %d seeds", oracleSeeds)
	}
	t.Logf("orders where ZEGO's rules end wrong, of %d seeds: %v", oracleSeeds, zegoWrong)
}
