package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

// The worked examples of zego-ordering.md sections 3 to 6, replayed through
// the keepers: ZEGO's rules must reach the final states the document gives
// (right and wrong), and Robust must reach the correct one every time.

// mk builds a callback with only the fields the rules read: "k=v" pairs.
func mk(event string, kv ...string) *callback.Payload {
	p := &callback.Payload{Format: callback.FormatJSON}
	p.Set("event", callback.String(event))
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		p.Set(k, callback.String(v))
	}
	return p
}

// A 19-digit session id above 2^53 and one that differs from it only in
// the last digit: a float64 comparison would call them equal.
const (
	sidS1 = "8580129252044104001"
	sidS2 = "8580129252044104002"
)

func roomCreate(sid, t string) *callback.Payload {
	return mk("room_create", "room_id=r1", "room_session_id="+sid, "room_create_time="+t)
}

func roomClose(sid, t string) *callback.Payload {
	return mk("room_close", "room_id=r1", "room_session_id="+sid, "room_close_time="+t)
}

func login(user, sess, t string) *callback.Payload {
	return mk("room_login", "room_id=r1", "room_seq="+sidS1, "user_account="+user, "session_id="+sess, "login_time="+t)
}

func logout(user, sess, t string) *callback.Payload {
	return mk("room_logout", "room_id=r1", "room_seq="+sidS1, "user_account="+user, "session_id="+sess, "logout_time="+t)
}

func streamEv(event, seq, t string) *callback.Payload {
	tf := "create_time_ms"
	if event == "stream_close" {
		tf = "destroy_timemillis"
	}
	return mk(event, "room_id=r1", "room_session_id="+sidS1, "stream_id=s1", "stream_seq="+seq, tf+"="+t)
}

// perms returns every order of 0..n-1.
func perms(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range perms(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

func feed(t *testing.T, k Keeper, ps ...*callback.Payload) State {
	t.Helper()
	for _, p := range ps {
		if err := k.Apply(p); err != nil {
			t.Fatal(err)
		}
	}
	return k.State()
}

func orderName(o []int, names []string) string {
	var s []string
	for _, i := range o {
		s = append(s, names[i])
	}
	return strings.Join(s, ",")
}

// zegoRoom is the stored room r1 (nil if none).
func zegoRoom(z *ZegoRules) *zRoom { return z.rooms["r1"] }

func TestDocsRoomList(t *testing.T) {
	c := []*callback.Payload{roomCreate(sidS1, "1000"), roomClose(sidS1, "2000"), roomCreate(sidS2, "3000"), roomClose(sidS2, "4000")}
	names := []string{"c1", "c2", "c3", "c4"}

	// The doc's own example and every order of c1..c3: r1 @S2.
	for _, o := range perms(3) {
		z := NewZegoRules()
		for _, i := range o {
			feed(t, z, c[i])
		}
		if r := zegoRoom(z); r == nil || fmt.Sprint(r.sid) != sidS2 {
			t.Errorf("ZEGO rules, %s: room %+v, want r1 @S2", orderName(o, names), r)
		}
	}

	// All 24 orders of c1..c4: the truth is no room; ZEGO's rules get
	// exactly the three orders the doc lists wrong (c1 re-adds S1).
	wrong := map[string]bool{}
	for _, o := range perms(4) {
		z := NewZegoRules()
		for _, i := range o {
			feed(t, z, c[i])
		}
		if r := zegoRoom(z); r != nil {
			if fmt.Sprint(r.sid) != sidS1 {
				t.Errorf("%s: stored session %d, the doc says the wrong result is S1", orderName(o, names), r.sid)
			}
			wrong[orderName(o, names)] = true
		}
		rob := NewRobust()
		for _, i := range o {
			feed(t, rob, c[i])
		}
		if s := rob.State(); len(s.Rooms) != 0 {
			t.Errorf("robust, %s: %v, want no room", orderName(o, names), s)
		}
	}
	want := map[string]bool{"c2,c3,c4,c1": true, "c3,c2,c4,c1": true, "c2,c4,c3,c1": true}
	if fmt.Sprint(wrong) != fmt.Sprint(want) {
		t.Errorf("orders ZEGO's rules get wrong: %v, the doc says %v", wrong, want)
	}

	// c1, c2, then a late duplicate of c1: the ghost comes back.
	if s := feed(t, NewZegoRules(), c[0], c[1], c[0]); len(s.Rooms) != 1 {
		t.Errorf("late duplicate of c1: ZEGO's rules give %v, the doc says r1 is wrongly re-added", s)
	}
	if s := feed(t, NewRobust(), c[0], c[1], c[0]); len(s.Rooms) != 0 {
		t.Errorf("late duplicate of c1: robust gives %v, want no room", s)
	}
}

func TestDocsUserList(t *testing.T) {
	room := roomCreate(sidS1, "0")
	c := []*callback.Payload{login("u1", "11", "1"), login("u2", "12", "2"), logout("u1", "11", "3"), login("u1", "13", "4")}
	names := []string{"c1", "c2", "c3", "c4"}
	for _, o := range perms(4) { // every order: u1@c, u2@b
		for _, k := range []Keeper{NewZegoRules(), NewRobust()} {
			k.Apply(room)
			for _, i := range o {
				feed(t, k, c[i])
			}
			r, _ := k.State().Room("r1")
			if fmt.Sprint(r.Users) != "[u1 u2]" {
				t.Errorf("%T, %s: users %v, want [u1 u2]", k, orderName(o, names), r.Users)
			}
			if z, ok := k.(*ZegoRules); ok {
				if u := zegoRoom(z).users["u1"]; u == nil || u.sid != 13 {
					t.Errorf("ZEGO rules, %s: u1 %+v, want session c (13)", orderName(o, names), u)
				}
			}
		}
	}

	// c3 first: queued, then c1 adds u1 and the replay deletes it.
	if r, _ := feed(t, NewZegoRules(), room, c[2], c[0]).Room("r1"); len(r.Users) != 0 {
		t.Errorf("c3, c1: users %v, want none", r.Users)
	}
	// A login before its room_create waits in the queue.
	if r, _ := feed(t, NewZegoRules(), c[0], room).Room("r1"); fmt.Sprint(r.Users) != "[u1]" {
		t.Errorf("login before room_create: users %v, want [u1]", r.Users)
	}

	// u1: login a@1, logout a@2, login c@3, logout c@4 — 3 of 24 wrong.
	d := []*callback.Payload{login("u1", "11", "1"), logout("u1", "11", "2"), login("u1", "13", "3"), logout("u1", "13", "4")}
	wrong := map[string]bool{}
	for _, o := range perms(4) {
		z, rob := NewZegoRules(), NewRobust()
		feed(t, z, room)
		feed(t, rob, room)
		for _, i := range o {
			feed(t, z, d[i])
			feed(t, rob, d[i])
		}
		if u := zegoRoom(z).users["u1"]; u != nil {
			if u.sid != 11 {
				t.Errorf("%s: u1 stored with session %d, the doc says a (11)", orderName(o, names), u.sid)
			}
			wrong[orderName(o, []string{"1", "2", "3", "4"})] = true
		}
		if r, _ := rob.State().Room("r1"); len(r.Users) != 0 {
			t.Errorf("robust, %s: users %v, want none", orderName(o, names), r.Users)
		}
	}
	if want := map[string]bool{"2,3,4,1": true, "2,4,3,1": true, "3,2,4,1": true}; fmt.Sprint(wrong) != fmt.Sprint(want) {
		t.Errorf("orders ZEGO's rules get wrong: %v, the doc says %v", wrong, want)
	}

	// Relogin: login a@1, login c@2, logout a@3 (reason 3) — u1@c in every
	// order, and in some the logout of a stays queued for good.
	e := []*callback.Payload{login("u1", "11", "1"), login("u1", "13", "2"), logout("u1", "11", "3")}
	stuck := 0
	for _, o := range perms(3) {
		z := NewZegoRules()
		feed(t, z, room)
		for _, i := range o {
			feed(t, z, e[i])
		}
		if u := zegoRoom(z).users["u1"]; u == nil || u.sid != 13 {
			t.Errorf("relogin, %s: u1 %+v, want session c", orderName(o, names), u)
		}
		if z.Pending() > 0 {
			stuck++
		}
	}
	if stuck == 0 {
		t.Error("relogin: the doc says the logout of a stays queued in some orders; none did")
	}
}

func TestDocsStreamList(t *testing.T) {
	room := roomCreate(sidS1, "0")
	sc := []*callback.Payload{streamEv("stream_create", "1", "1"), streamEv("stream_close", "2", "2"), streamEv("stream_create", "3", "3"), streamEv("stream_close", "4", "4")}
	names := []string{"sc1", "sc2", "sc3", "sc4"}
	live := func(s State) bool { r, _ := s.Room("r1"); return fmt.Sprint(r.Streams) == "[s1]" }

	for _, o := range perms(3) { // the doc's example and every order of sc1..sc3: live
		for _, k := range []Keeper{NewZegoRules(), NewRobust()} {
			k.Apply(room)
			for _, i := range o {
				feed(t, k, sc[i])
			}
			if !live(k.State()) {
				t.Errorf("%T, %s: s1 not live", k, orderName(o, names))
			}
		}
	}
	wrong := 0
	for _, o := range perms(4) { // 8 of 24 wrong
		z, rob := NewZegoRules(), NewRobust()
		feed(t, z, room)
		feed(t, rob, room)
		for _, i := range o {
			feed(t, z, sc[i])
			feed(t, rob, sc[i])
		}
		if live(z.State()) {
			wrong++
		}
		if live(rob.State()) {
			t.Errorf("robust, %s: s1 live, want closed", orderName(o, names))
		}
	}
	if wrong != 8 {
		t.Errorf("ZEGO's rules get %d of 24 orders wrong, the doc says 8", wrong)
	}
	for _, o := range [][]int{{0, 3, 1, 2}, {1, 2, 3, 0}} { // the doc's two named failures
		if !live(feed(t, NewZegoRules(), append([]*callback.Payload{room}, sc[o[0]], sc[o[1]], sc[o[2]], sc[o[3]])...)) {
			t.Errorf("%s: the doc says ZEGO's rules wrongly keep s1 live", orderName(o, names))
		}
	}
}

// TestDocsRobustLateDuplicate checks section 6's claim: the robust keeper
// matches the truth in every arrival order with a late duplicate of any one
// event.
func TestDocsRobustLateDuplicate(t *testing.T) {
	room := roomCreate(sidS1, "0")
	cases := []struct {
		name   string
		evs    []*callback.Payload
		want   string
		prefix []*callback.Payload
	}{
		{"rooms", []*callback.Payload{roomCreate(sidS1, "1000"), roomClose(sidS1, "2000"), roomCreate(sidS2, "3000"), roomClose(sidS2, "4000")}, "(no rooms)", nil},
		{"users", []*callback.Payload{login("u1", "11", "1"), logout("u1", "11", "2"), login("u1", "13", "3"), logout("u1", "13", "4")}, "r1@" + sidS1 + " users=[] streams=[]", []*callback.Payload{room}},
		{"streams", []*callback.Payload{streamEv("stream_create", "1", "1"), streamEv("stream_close", "2", "2"), streamEv("stream_create", "3", "3"), streamEv("stream_close", "4", "4")}, "r1@" + sidS1 + " users=[] streams=[]", []*callback.Payload{room}},
	}
	for _, tc := range cases {
		for _, o := range perms(4) {
			for dup := range 4 {
				k := NewRobust()
				feed(t, k, tc.prefix...)
				for _, i := range o {
					feed(t, k, tc.evs[i])
				}
				if got := feed(t, k, tc.evs[dup]).String(); got != tc.want {
					t.Errorf("%s, order %v then a duplicate of %d: %s, want %s", tc.name, o, dup+1, got, tc.want)
				}
			}
		}
	}
}

func TestKeeperRejectsUnusableFields(t *testing.T) {
	cases := []struct {
		p    *callback.Payload
		want string
	}{
		{mk("room_create", "room_id=r1", "room_create_time=1"), "room_create: room_session_id: missing"},
		{mk("stream_close", "room_id=r1", "room_session_id=1", "stream_id=s1", "stream_seq=1.5", "destroy_timemillis=2"), `stream_close: stream_seq: "1.5" is not an unsigned 64-bit integer`},
		{mk("room_login", "room_id=", "room_seq=1", "user_account=u", "session_id=1", "login_time=1"), "room_login: room_id: empty"},
		{mk("room_logout", "room_id=r1", "room_seq=99999999999999999999", "user_account=u", "session_id=1", "logout_time=1"), `room_logout: room_seq: "99999999999999999999" is not an unsigned 64-bit integer`},
	}
	for _, tc := range cases {
		for _, k := range []Keeper{NewZegoRules(), NewRobust(), NewNaive()} {
			err := k.Apply(tc.p)
			if err == nil || err.Error() != tc.want {
				t.Errorf("%T: %v, want %q", k, err, tc.want)
			}
			if s := k.State(); len(s.Rooms) != 0 {
				t.Errorf("%T kept %v from a rejected callback", k, s)
			}
		}
	}
	// Events outside the lists are ignored, not errors.
	if err := NewZegoRules().Apply(mk("mix_start", "task_id=x")); err != nil {
		t.Errorf("mix_start: %v", err)
	}
}
