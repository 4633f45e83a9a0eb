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

// sim walks a definition's steps in happening order, keeping a model of
// what exists. It reports the first id used before it exists and, when
// emit is set, builds the callbacks and the true final state.
type sim struct {
	d       *Def
	g       *ids
	emit    bool
	run     *Run
	cat     *callback.Catalog
	rooms   map[string]*simRoom
	streams map[string]*simStream // the latest instance of each stream name
	tasks   map[string]*simTask
	last    time.Time // the latest callback's time

	// The step being walked.
	si int
	s  *Step
	at time.Time
}

func simulate(d *Def, g *ids, emit bool) (*Run, error) {
	m := &sim{d: d, g: g, emit: emit, cat: callback.Default(),
		run:   &Run{Def: d, AppID: g.appid, Tag: g.tag, Start: g.start},
		rooms: map[string]*simRoom{}, streams: map[string]*simStream{}, tasks: map[string]*simTask{}}
	for _, si := range d.order {
		m.si, m.s = si, &d.Steps[si]
		m.at = g.start.Add(time.Duration(d.at[si]) * time.Millisecond)
		var err error
		switch m.s.Event {
		case "room_create":
			err = m.roomCreate()
		case "room_close":
			err = m.roomClose()
		case "room_login":
			err = m.login()
		case "room_logout":
			err = m.logout()
		case "stream_create":
			err = m.streamCreate()
		case "stream_close":
			err = m.streamClose()
		case "mix_start", "mix_stop":
			err = m.mix()
		case "record":
			err = m.record()
		default:
			err = m.other()
		}
		if err != nil {
			return nil, err
		}
	}
	if !emit {
		return nil, nil
	}
	m.run.truth = finalState(m.rooms, g)
	return m.run, nil
}

func (m *sim) fail(field, format string, args ...any) error {
	s := m.s
	return &DefError{File: m.d.File, Step: m.si + 1, StepID: s.ID, Event: s.Event, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (m *sim) notYet(field, name, why string) error {
	return m.fail(field, "%q is used before it exists (%s)", name, why)
}

func (m *sim) notIn(room string) string {
	return fmt.Sprintf("it is not logged in to room %q at this step", room)
}

// next is the time of the step's next callback: every callback gets its
// own millisecond, so "which happened first" is never a tie.
func (m *sim) next() time.Time {
	if !m.last.IsZero() && !m.at.After(m.last) {
		m.at = m.last.Add(time.Millisecond)
	}
	m.last = m.at
	return m.at
}

// add builds c's payload from the catalog: a sample from vars, then the
// fields in set, typed as the catalog documents them. It returns c's index.
func (m *sim) add(c Callback, vars callback.Vars, set map[string]string) int {
	if !m.emit {
		return -1
	}
	c.Index = len(m.run.Callbacks)
	c.Step = m.si + 1
	c.StepID = m.s.ID
	ev, _ := m.cat.Lookup(c.Event)
	base := callback.NewVars(callback.SampleOptions{Now: c.At, Rand: m.g.rng, AppID: m.g.appid})
	base["now_s"] = secs(c.At)
	base["now_ms"] = ms(c.At)
	for k, v := range vars {
		base[k] = v
	}
	p := ev.SampleFrom(base)
	for k, v := range set {
		if f := ev.Field(k); f != nil {
			p.Set(k, f.Typed(v))
		}
	}
	c.Payload = p
	m.run.Callbacks = append(m.run.Callbacks, c)
	return c.Index
}

// openRoom is the step's room, which must be open.
func (m *sim) openRoom() (*simRoom, error) {
	r := m.rooms[m.s.Room]
	if r == nil || !r.open {
		return nil, m.notYet("room", m.s.Room, "no room_create of it happens before this step, or it has closed")
	}
	return r, nil
}

func (m *sim) roomCreate() error {
	s, g := m.s, m.g
	if r := m.rooms[s.Room]; r != nil && r.open {
		return m.fail("room", "%q is already open", s.Room)
	}
	t := m.next()
	r := &simRoom{name: s.Room, open: true, session: g.unique(19), createdAt: t,
		users: map[string]*simUser{}, streams: map[string]*simStream{}}
	m.rooms[s.Room] = r
	creator := s.User
	if creator == "" {
		creator = firstLogin(m.d, m.si, s.Room)
	}
	r.opener = m.add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, Opener: -1},
		callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session, "start_ms": ms(t), "user_id": g.name(creator)}, nil)
	return nil
}

func (m *sim) roomClose() error {
	s, g := m.s, m.g
	r, err := m.openRoom()
	if err != nil {
		return err
	}
	if n := firstKey(r.users); n != "" {
		return m.fail("room", "%q closes while user %q is still in it (add its room_logout first)", s.Room, n)
	}
	r.open = false
	m.add(Callback{Event: s.Event, At: m.next(), Room: g.name(s.Room), RoomSession: r.session, Opener: r.opener},
		callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session}, nil)
	return nil
}

// login adds a user's session. For a user already in the room it is a
// login again: ZEGO closes the old session's streams (type 2) and logs the
// old session out (reason 3).
func (m *sim) login() error {
	s, g := m.s, m.g
	r, err := m.openRoom()
	if err != nil {
		return err
	}
	old := r.users[s.User]
	t := m.next()
	u := &simUser{session: g.unique(18), loginAt: t}
	r.users[s.User] = u
	r.userSeq++
	relogin := "0"
	if old != nil {
		relogin = "1"
	}
	u.opener = m.add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, User: g.name(s.User), Session: u.session,
		Relogin: old != nil, Opener: -1},
		callback.Vars{"room_id": g.name(s.Room), "room_name": "Room " + s.Room, "room_session_id": r.session, "user_id": g.name(s.User),
			"user_name": s.User, "session_id": u.session, "start_ms": ms(t), "user_update_seq": strconv.Itoa(r.userSeq)},
		map[string]string{"relogin": relogin})
	if old == nil {
		return nil
	}
	for _, name := range sortedKeys(r.streams) {
		if st := r.streams[name]; st.user == s.User {
			m.closeStream(r, st, name, "2", "relogin")
		}
	}
	m.endSession(r, s.User, old, "3", "relogin")
	return nil
}

func (m *sim) logout() error {
	s := m.s
	r, err := m.openRoom()
	if err != nil {
		return err
	}
	u := r.users[s.User]
	if u == nil {
		return m.notYet("user", s.User, m.notIn(s.Room))
	}
	for _, name := range sortedKeys(r.streams) {
		if r.streams[name].user == s.User {
			return m.fail("user", "%q logs out while publishing stream %q (add its stream_close first)", s.User, name)
		}
	}
	delete(r.users, s.User)
	m.endSession(r, s.User, u, strconv.Itoa(s.Reason), "")
	return nil
}

func (m *sim) endSession(r *simRoom, user string, u *simUser, reason, added string) {
	g := m.g
	r.userSeq++
	m.add(Callback{Event: "room_logout", At: m.next(), Room: g.name(r.name), RoomSession: r.session, User: g.name(user), Session: u.session,
		Opener: u.opener, Added: added},
		callback.Vars{"room_id": g.name(r.name), "room_session_id": r.session, "user_id": g.name(user), "user_name": user,
			"session_id": u.session, "start_ms": ms(u.loginAt), "user_update_seq": strconv.Itoa(r.userSeq)},
		map[string]string{"reason": reason})
}

func (m *sim) streamCreate() error {
	s, g := m.s, m.g
	r, err := m.openRoom()
	if err != nil {
		return err
	}
	if r.users[s.User] == nil {
		return m.notYet("user", s.User, m.notIn(s.Room))
	}
	st := m.streams[s.Stream]
	recreate := s.Recreate == 1
	switch {
	case recreate && (st == nil || !st.live):
		return m.notYet("stream", s.Stream, "recreate 1 continues a live stream, and this one is not live")
	case recreate && (st.room != s.Room || st.user != s.User):
		return m.fail("stream", "%q is published by %q in room %q; recreate 1 must name the same room and user", s.Stream, st.user, st.room)
	case !recreate && st != nil && st.live:
		return m.fail("stream", "%q is already live (use recreate 1 for a republish, or close it first)", s.Stream)
	case !recreate:
		st = &simStream{room: s.Room, user: s.User, sid: "s-" + g.unique(27), live: true}
		m.streams[s.Stream] = st
		r.streams[s.Stream] = st
	}
	t := m.next()
	st.createdAt = t
	r.streamSeq++
	i := m.add(Callback{Event: s.Event, At: t, Room: g.name(s.Room), RoomSession: r.session, User: g.name(s.User), Stream: g.name(s.Stream),
		StreamSeq: r.streamSeq, Recreate: recreate, Opener: -1},
		callback.Vars{"room_id": g.name(s.Room), "room_session_id": r.session, "user_id": g.name(s.User), "user_name": s.User,
			"stream_id": g.name(s.Stream), "stream_sid": st.sid, "stream_seq": strconv.Itoa(r.streamSeq), "start_s": secs(t), "start_ms": ms(t)},
		map[string]string{"recreate": strconv.Itoa(s.Recreate)})
	if !recreate {
		st.opener = i
	}
	return nil
}

func (m *sim) streamClose() error {
	s := m.s
	st := m.streams[s.Stream]
	switch {
	case st == nil || !st.live:
		return m.notYet("stream", s.Stream, "no stream_create of it happens before this step, or it has closed")
	case s.Room != "" && s.Room != st.room:
		return m.fail("room", "stream %q is live in room %q, not %q", s.Stream, st.room, s.Room)
	case s.User != "" && s.User != st.user:
		return m.fail("user", "stream %q is published by %q, not %q", s.Stream, st.user, s.User)
	}
	m.closeStream(m.rooms[st.room], st, s.Stream, strconv.Itoa(s.Type), "")
	return nil
}

func (m *sim) closeStream(r *simRoom, st *simStream, name, typ, added string) {
	g := m.g
	t := m.next()
	st.live = false
	st.closedAt = t
	delete(r.streams, name)
	r.streamSeq++
	m.add(Callback{Event: "stream_close", At: t, Room: g.name(st.room), RoomSession: r.session, User: g.name(st.user), Stream: g.name(name),
		StreamSeq: r.streamSeq, Opener: st.opener, Added: added},
		callback.Vars{"room_id": g.name(st.room), "room_session_id": r.session, "user_id": g.name(st.user), "user_name": st.user,
			"stream_id": g.name(name), "stream_sid": st.sid, "stream_seq": strconv.Itoa(r.streamSeq), "start_ms": ms(st.createdAt)},
		map[string]string{"type": typ})
}

func (m *sim) mix() error {
	s, g := m.s, m.g
	tk := m.tasks[s.Task]
	if s.Event == "mix_start" {
		if tk != nil && tk.running {
			return m.fail("task", "%q is already running", s.Task)
		}
		r, err := m.openRoom()
		if err != nil {
			return err
		}
		user := s.User
		switch {
		case user == "":
			if user = firstKey(r.users); user == "" {
				return m.fail("user", "room %q has nobody in it to start a mix", s.Room)
			}
		case r.users[user] == nil:
			return m.notYet("user", user, m.notIn(s.Room))
		}
		tk = &simTask{id: g.appid + ":task-" + fmt.Sprintf("%08x", g.rng.Uint32()), room: s.Room, user: user, seq: 1 + g.rng.IntN(1000)}
		m.tasks[s.Task] = tk
	} else if tk == nil || !tk.running {
		return m.notYet("task", s.Task, "no mix_start of it is running at this step")
	}
	tk.running = s.Event == "mix_start"
	tk.seq++
	m.add(Callback{Event: s.Event, At: m.next(), Room: g.name(tk.room), User: g.name(tk.user), Opener: -1},
		callback.Vars{"room_id": g.name(tk.room), "user_id": g.name(tk.user), "task_id": tk.id, "seq": strconv.Itoa(tk.seq),
			"mix_stream_id": "mix-" + g.name(tk.room)}, nil)
	return nil
}

func (m *sim) record() error {
	s, g := m.s, m.g
	st := m.streams[s.Stream]
	if st == nil {
		return m.notYet("stream", s.Stream, "no stream_create of it happens before this step")
	}
	t := m.next()
	end := t
	if !st.live {
		end = st.closedAt
	}
	m.add(Callback{Event: s.Event, At: t, Room: g.name(st.room), Stream: g.name(s.Stream), Opener: -1},
		callback.Vars{"stream_id": g.name(s.Stream), "start_s": secs(st.createdAt), "end_s": secs(end)}, nil)
	return nil
}

// other is any other catalog event, with the step's names where given.
func (m *sim) other() error {
	s, g := m.s, m.g
	vars := callback.Vars{}
	if s.Room != "" {
		if _, err := m.openRoom(); err != nil {
			return err
		}
		vars["room_id"] = g.name(s.Room)
		vars["mix_stream_id"] = "mix-" + g.name(s.Room)
	}
	if s.User != "" {
		vars["user_id"] = g.name(s.User)
	}
	if s.Stream != "" {
		if m.streams[s.Stream] == nil {
			return m.notYet("stream", s.Stream, "no stream_create of it happens before this step")
		}
		vars["stream_id"] = g.name(s.Stream)
	}
	m.add(Callback{Event: s.Event, At: m.next(), Room: vars["room_id"], Stream: vars["stream_id"], Opener: -1}, vars, nil)
	return nil
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
