package scenario

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// Options fixes everything Expand draws: the same Def and Options give the
// same Run, byte for byte.
type Options struct {
	// Seed draws the run tag, session ids, stream_sids, nonces and (when
	// AppID is empty) the appid.
	Seed uint64
	// AppID is used as-is when set.
	AppID string
	// Start is when the first step happens. Zero means DefaultStart, so a
	// run is reproducible; a command sending to a receiver with a timestamp
	// window passes a recent time (now minus Run.Span).
	Start time.Time
}

// DefaultStart is the start time used when Options.Start is zero.
var DefaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Callback is one concrete callback, in the order things happen.
type Callback struct {
	Index  int    // position in the happening order, from 0
	Step   int    // the definition's step, from 1
	StepID string // the step's id, if it has one
	Event  string
	At     time.Time // when it happened (the payload's times say the same)

	// Concrete ids; empty where the event has none.
	Room        string
	RoomSession string // room_session_id (room_seq on login and logout)
	User        string
	Session     string // the user's login session_id
	Stream      string
	StreamSeq   int
	Recreate    bool // a stream_create with recreate=1
	Relogin     bool // a room_login with relogin=1
	// Opener is, for a room_close, room_logout or stream_close, the Index
	// of the room_create, room_login or stream_create (recreate=0) that
	// opened what it closes; -1 otherwise.
	Opener int
	// Added says why Expand added a callback the definition did not name
	// ("relogin"), empty for a step's own callback.
	Added string

	// Payload is the callback's body: fields and types from the catalog,
	// timestamp and a nonce set, signature empty. A sender clones it
	// before stamping or signing (the keepers read it too), and a
	// re-delivery of the same callback keeps its nonce, as ZEGO's retries
	// do.
	Payload *callback.Payload
}

// Label names the callback for a timeline: event, the id it is about, and
// what the ordering rules compare ("stream_create s1-3fa2 seq=4 recreate=1").
func (c *Callback) Label() string {
	var b strings.Builder
	b.WriteString(c.Event)
	switch {
	case c.Stream != "":
		b.WriteString(" " + c.Stream)
	case c.User != "":
		b.WriteString(" " + c.User)
	case c.Room != "":
		b.WriteString(" " + c.Room)
	}
	if c.StreamSeq > 0 {
		fmt.Fprintf(&b, " seq=%d", c.StreamSeq)
	}
	if c.Recreate {
		b.WriteString(" recreate=1")
	}
	if c.Relogin {
		b.WriteString(" relogin=1")
	}
	if c.Added != "" {
		b.WriteString(" (" + c.Added + ")")
	}
	return b.String()
}

// Run is an expanded scenario.
type Run struct {
	Def       *Def
	Seed      uint64
	AppID     string
	Tag       string // the suffix of every id in this run ("r1" becomes "r1-<tag>")
	Start     time.Time
	Callbacks []Callback

	truth State
}

// Span is the time from the start to the last callback.
func (r *Run) Span() time.Duration {
	if len(r.Callbacks) == 0 {
		return 0
	}
	return r.Callbacks[len(r.Callbacks)-1].At.Sub(r.Start)
}

// Expand turns d into concrete callbacks.
func Expand(d *Def, o Options) (*Run, error) {
	if d.order == nil {
		if err := d.check(); err != nil {
			return nil, err
		}
	}
	return simulate(d, newIDs(d, o.Seed).with(o), true)
}

// ids draws the concrete values of one run.
type ids struct {
	rng   *rand.Rand
	tag   string
	appid string
	start time.Time
	used  map[string]bool // session ids and stream_sids handed out
}

func newIDs(d *Def, seed uint64) *ids {
	r := rand.New(rand.NewPCG(seed, 0x7a65676f63622d73)) // "zegocb-s"
	g := &ids{rng: r, start: DefaultStart, used: map[string]bool{}}
	g.tag = fmt.Sprintf("%04x", r.Uint32N(0x10000))
	g.appid = strconv.FormatUint(uint64(1_000_000_000+r.Uint32N(3_000_000_000)), 10)
	return g
}

func (g *ids) with(o Options) *ids {
	if o.AppID != "" {
		g.appid = o.AppID
	}
	if !o.Start.IsZero() {
		g.start = o.Start
	}
	return g
}

func (g *ids) name(n string) string { return n + "-" + g.tag }

// unique draws a fresh decimal id of n digits (first digit 1-8, so 19
// digits stay below 2^63 but above 2^53).
func (g *ids) unique(n int) string {
	for {
		b := make([]byte, n)
		b[0] = byte('1' + g.rng.IntN(8))
		for i := 1; i < n; i++ {
			b[i] = byte('0' + g.rng.IntN(10))
		}
		if s := string(b); !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

// The simulation's model of what exists.
type simRoom struct {
	name      string
	open      bool
	session   string
	createdAt time.Time
	users     map[string]*simUser // by user name
	streams   map[string]*simStream
	streamSeq int
	userSeq   int
	opener    int // the room_create's callback index
}

type simUser struct {
	session string
	loginAt time.Time
	opener  int
}

type simStream struct {
	room      string // room name
	user      string // user name
	sid       string
	createdAt time.Time
	closedAt  time.Time
	opener    int
	live      bool
}

type simTask struct {
	id      string
	room    string
	user    string
	seq     int
	running bool
}

// simulate walks the steps in happening order. It reports the first id used
// before it exists and, when emit is set, builds the callbacks and the true
// final state.
func simulate(d *Def, g *ids, emit bool) (*Run, error) {
	run := &Run{Def: d, AppID: g.appid, Tag: g.tag, Start: g.start}
	rooms := map[string]*simRoom{}
	streams := map[string]*simStream{} // latest instance of each stream name
	tasks := map[string]*simTask{}
	cat := callback.Default()
	last := time.Time{}

	for _, si := range d.order {
		s := &d.Steps[si]
		serr := func(field, format string, args ...any) error {
			return &DefError{File: d.File, Step: si + 1, StepID: s.ID, Event: s.Event, Field: field, Msg: fmt.Sprintf(format, args...)}
		}
		notYet := func(field, name, why string) error {
			return serr(field, "%q is used before it exists (%s)", name, why)
		}
		at := g.start.Add(time.Duration(d.at[si]) * time.Millisecond)
		// Every callback gets its own millisecond, so "which happened
		// first" is never a tie.
		next := func() time.Time {
			if !last.IsZero() && !at.After(last) {
				at = last.Add(time.Millisecond)
			}
			last = at
			return at
		}
		add := func(c Callback, vars callback.Vars, set map[string]string) {
			if !emit {
				return
			}
			c.Index = len(run.Callbacks)
			c.Step = si + 1
			c.StepID = s.ID
			if c.Event == "" {
				c.Event = s.Event
			}
			ev, _ := cat.Lookup(c.Event)
			base := callback.NewVars(callback.SampleOptions{Now: c.At, Rand: g.rng, AppID: g.appid})
			base["now_s"] = strconv.FormatInt(c.At.Unix(), 10)
			base["now_ms"] = strconv.FormatInt(c.At.UnixMilli(), 10)
			for k, v := range vars {
				base[k] = v
			}
			p := ev.SampleFrom(base)
			for k, v := range set {
				f := ev.Field(k)
				if f == nil {
					continue
				}
				p.Set(k, f.Typed(v))
			}
			c.Payload = p
			run.Callbacks = append(run.Callbacks, c)
		}
		room := func(field string) (*simRoom, error) {
			r := rooms[s.Room]
			if r == nil || !r.open {
				return nil, notYet(field, s.Room, "no room_create of it happens before this step, or it has closed")
			}
			return r, nil
		}

		switch s.Event {
		case "room_create":
			r := rooms[s.Room]
			if r != nil && r.open {
				return nil, serr("room", "%q is already open", s.Room)
			}
			t := next()
			r = &simRoom{name: s.Room, open: true, session: g.unique(19), createdAt: t,
				users: map[string]*simUser{}, streams: map[string]*simStream{}}
			rooms[s.Room] = r
			creator := s.User
			if creator == "" {
				creator = firstLogin(d, si, s.Room)
			}
			add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, Opener: -1},
				callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session, "start_ms": ms(t), "user_id": g.name(creator)}, nil)
			r.opener = len(run.Callbacks) - 1

		case "room_close":
			r, err := room("room")
			if err != nil {
				return nil, err
			}
			if n := firstKey(r.users); n != "" {
				return nil, serr("room", "%q closes while user %q is still in it (add its room_logout first)", s.Room, n)
			}
			t := next()
			r.open = false
			add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, Opener: r.opener},
				callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session}, nil)

		case "room_login":
			r, err := room("room")
			if err != nil {
				return nil, err
			}
			old := r.users[s.User]
			t := next()
			u := &simUser{session: g.unique(18), loginAt: t}
			r.users[s.User] = u
			r.userSeq++
			set := map[string]string{"relogin": "0"}
			if old != nil {
				set["relogin"] = "1"
			}
			add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, User: g.name(s.User), Session: u.session, Relogin: old != nil, Opener: -1},
				callback.Vars{"room_id": g.name(s.Room), "room_name": "Room " + s.Room, "room_session_id": r.session, "user_id": g.name(s.User),
					"user_name": s.User, "session_id": u.session, "start_ms": ms(t), "user_update_seq": strconv.Itoa(r.userSeq)}, set)
			u.opener = len(run.Callbacks) - 1
			if old != nil {
				// ZEGO closes the old session's streams (type 2) and logs
				// the old session out (reason 3).
				for _, name := range sortedKeys(r.streams) {
					st := r.streams[name]
					if st.user != s.User || !st.live {
						continue
					}
					closeStream(r, st, name, next(), "2", "relogin", g, add)
				}
				t := next()
				r.userSeq++
				add(Callback{Event: "room_logout", At: t, Room: g.name(s.Room), RoomSession: r.session, User: g.name(s.User), Session: old.session, Opener: old.opener, Added: "relogin"},
					callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session, "user_id": g.name(s.User), "user_name": s.User,
						"session_id": old.session, "start_ms": ms(old.loginAt), "user_update_seq": strconv.Itoa(r.userSeq)},
					map[string]string{"reason": "3"})
			}

		case "room_logout":
			r, err := room("room")
			if err != nil {
				return nil, err
			}
			u := r.users[s.User]
			if u == nil {
				return nil, notYet("user", s.User, fmt.Sprintf("it is not logged in to room %q at this step", s.Room))
			}
			for _, name := range sortedKeys(r.streams) {
				if st := r.streams[name]; st.user == s.User && st.live {
					return nil, serr("user", "%q logs out while publishing stream %q (add its stream_close first)", s.User, name)
				}
			}
			t := next()
			delete(r.users, s.User)
			r.userSeq++
			add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, User: g.name(s.User), Session: u.session, Opener: u.opener},
				callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session, "user_id": g.name(s.User), "user_name": s.User,
					"session_id": u.session, "start_ms": ms(u.loginAt), "user_update_seq": strconv.Itoa(r.userSeq)},
				map[string]string{"reason": strconv.Itoa(s.Reason)})

		case "stream_create":
			r, err := room("room")
			if err != nil {
				return nil, err
			}
			if r.users[s.User] == nil {
				return nil, notYet("user", s.User, fmt.Sprintf("it is not logged in to room %q at this step", s.Room))
			}
			st := streams[s.Stream]
			if s.Recreate == 1 {
				if st == nil || !st.live {
					return nil, notYet("stream", s.Stream, "recreate 1 continues a live stream, and this one is not live")
				}
				if st.room != s.Room || st.user != s.User {
					return nil, serr("stream", "%q is published by %q in room %q; recreate 1 must name the same room and user", s.Stream, st.user, st.room)
				}
			} else if st != nil && st.live {
				return nil, serr("stream", "%q is already live (use recreate 1 for a republish, or close it first)", s.Stream)
			}
			t := next()
			if s.Recreate == 0 {
				st = &simStream{room: s.Room, user: s.User, sid: "s-" + g.unique(27), live: true}
				streams[s.Stream] = st
				r.streams[s.Stream] = st
			}
			st.createdAt = t
			r.streamSeq++
			add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, User: g.name(s.User), Stream: g.name(s.Stream),
				StreamSeq: r.streamSeq, Recreate: s.Recreate == 1, Opener: -1},
				callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session, "user_id": g.name(s.User), "user_name": s.User,
					"stream_id": g.name(s.Stream), "stream_sid": st.sid, "stream_seq": strconv.Itoa(r.streamSeq), "start_s": secs(t), "start_ms": ms(t)},
				map[string]string{"recreate": strconv.Itoa(s.Recreate)})
			if s.Recreate == 0 {
				st.opener = len(run.Callbacks) - 1
			}

		case "stream_close":
			st := streams[s.Stream]
			if st == nil || !st.live {
				return nil, notYet("stream", s.Stream, "no stream_create of it happens before this step, or it has closed")
			}
			if s.Room != "" && s.Room != st.room {
				return nil, serr("room", "stream %q is live in room %q, not %q", s.Stream, st.room, s.Room)
			}
			if s.User != "" && s.User != st.user {
				return nil, serr("user", "stream %q is published by %q, not %q", s.Stream, st.user, s.User)
			}
			closeStream(rooms[st.room], st, s.Stream, next(), strconv.Itoa(s.Type), "", g, add)

		case "mix_start", "mix_stop":
			tk := tasks[s.Task]
			if s.Event == "mix_start" {
				if tk != nil && tk.running {
					return nil, serr("task", "%q is already running", s.Task)
				}
				if s.Room == "" {
					return nil, serr("room", "missing (the mixed room's name)")
				}
				r, err := room("room")
				if err != nil {
					return nil, err
				}
				user := s.User
				if user == "" {
					user = firstKey(r.users)
				} else if r.users[user] == nil {
					return nil, notYet("user", user, fmt.Sprintf("it is not logged in to room %q at this step", s.Room))
				}
				if user == "" {
					return nil, serr("user", "room %q has nobody in it to start a mix", s.Room)
				}
				tk = &simTask{id: g.appid + ":task-" + fmt.Sprintf("%08x", g.rng.Uint32()), room: s.Room, user: user, seq: 1 + g.rng.IntN(1000)}
				tasks[s.Task] = tk
			} else if tk == nil || !tk.running {
				return nil, notYet("task", s.Task, "no mix_start of it is running at this step")
			}
			tk.running = s.Event == "mix_start"
			tk.seq++
			t := next()
			add(Callback{Event: s.Event, At: t, Room: g.name(tk.room), User: g.name(tk.user), Opener: -1},
				callback.Vars{"room_id": g.name(tk.room), "user_id": g.name(tk.user), "task_id": tk.id, "seq": strconv.Itoa(tk.seq),
					"mix_stream_id": "mix-" + g.name(tk.room)}, nil)

		case "record":
			st := streams[s.Stream]
			if st == nil {
				return nil, notYet("stream", s.Stream, "no stream_create of it happens before this step")
			}
			t := next()
			end := t
			if !st.live {
				end = st.closedAt
			}
			add(Callback{Event: s.Event, At: t, Room: g.name(st.room), Stream: g.name(s.Stream), Opener: -1},
				callback.Vars{"stream_id": g.name(s.Stream), "start_s": secs(st.createdAt), "end_s": secs(end)}, nil)

		default: // any other catalog event, with the step's names where given
			vars := callback.Vars{}
			if s.Room != "" {
				if _, err := room("room"); err != nil {
					return nil, err
				}
				vars["room_id"] = g.name(s.Room)
				vars["mix_stream_id"] = "mix-" + g.name(s.Room)
			}
			if s.User != "" {
				vars["user_id"] = g.name(s.User)
			}
			if s.Stream != "" {
				if streams[s.Stream] == nil {
					return nil, notYet("stream", s.Stream, "no stream_create of it happens before this step")
				}
				vars["stream_id"] = g.name(s.Stream)
			}
			t := next()
			add(Callback{Event: s.Event, At: t, Room: vars["room_id"], Stream: vars["stream_id"], Opener: -1}, vars, nil)
		}
	}
	if !emit {
		return nil, nil
	}
	run.truth = finalState(rooms, g)
	return run, nil
}

type addFunc func(Callback, callback.Vars, map[string]string)

func closeStream(r *simRoom, st *simStream, name string, t time.Time, typ, added string, g *ids, add addFunc) {
	st.live = false
	st.closedAt = t
	delete(r.streams, name)
	r.streamSeq++
	add(Callback{Event: "stream_close", At: t, Room: g.name(st.room), RoomSession: r.session, User: g.name(st.user), Stream: g.name(name),
		StreamSeq: r.streamSeq, Opener: st.opener, Added: added},
		callback.Vars{"room_id": g.name(st.room), "room_session_id": r.session, "user_id": g.name(st.user), "user_name": st.user,
			"stream_id": g.name(name), "stream_sid": st.sid, "stream_seq": strconv.Itoa(r.streamSeq), "start_ms": ms(st.createdAt)},
		map[string]string{"type": typ})
}

func finalState(rooms map[string]*simRoom, g *ids) State {
	var s State
	for _, name := range sortedKeys(rooms) {
		r := rooms[name]
		if !r.open {
			continue
		}
		rs := RoomState{RoomID: g.name(name), RoomSessionID: r.session, Users: []string{}, Streams: []string{}}
		for _, u := range sortedKeys(r.users) {
			rs.Users = append(rs.Users, g.name(u))
		}
		for _, st := range sortedKeys(r.streams) {
			rs.Streams = append(rs.Streams, g.name(st))
		}
		s.Rooms = append(s.Rooms, rs)
	}
	return s.normal()
}

// firstLogin is the first user to log in to room after step si, for
// room_create's id_name when the step names no creator.
func firstLogin(d *Def, si int, room string) string {
	seen := false
	for _, i := range d.order {
		if i == si {
			seen = true
			continue
		}
		if s := d.Steps[i]; seen && s.Event == "room_login" && s.Room == room {
			return s.User
		}
	}
	return "creator"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func firstKey[V any](m map[string]V) string {
	if k := sortedKeys(m); len(k) > 0 {
		return k[0]
	}
	return ""
}

func ms(t time.Time) string   { return strconv.FormatInt(t.UnixMilli(), 10) }
func secs(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
