package scenario

import (
	"fmt"
	"strconv"

	"github.com/zegocb/zegocb/internal/callback"
)

// A Keeper keeps room, user and stream lists from callbacks in the order
// they arrive, as a receiver does. Callbacks other than room_create,
// room_close, room_login, room_logout, stream_create and stream_close are
// ignored. Apply fails, changing nothing, on a payload that lacks a field
// the rules compare or has a non-integer where they need one.
type Keeper interface {
	Apply(p *callback.Payload) error
	State() State
}

// TrueState is the state after the run's callbacks in the order they
// happened: the rooms open at the end, the users in them and their live
// streams. It comes from the definition's own model, not from a Keeper.
func TrueState(run *Run) State { return run.truth.normal() }

// Replay feeds the run's callbacks to k in the plan's delivery order and
// returns k's final state.
func Replay(k Keeper, run *Run, plan Plan) (State, error) {
	for _, d := range plan.Deliveries {
		if err := k.Apply(run.Callbacks[d.Callback].Payload); err != nil {
			return State{}, fmt.Errorf("delivery %d: %w", d.N, err)
		}
	}
	return k.State(), nil
}

// Outcome is what a plan leads to: the true state, the state ZEGO's
// documented rules reach for this arrival order (and how many callbacks
// their queue still holds), and the robust keeper's state.
type Outcome struct {
	True        State `json:"true_state"`
	ZegoRules   State `json:"zego_rules_state"`
	ZegoPending int   `json:"zego_rules_queued"`
	Robust      State `json:"robust_state"`
	// ZegoRulesRight is whether ZEGO's rules end with the true state.
	ZegoRulesRight bool `json:"zego_rules_right"`
}

// Evaluate replays the plan through ZegoRules and Robust.
func Evaluate(run *Run, plan Plan) (Outcome, error) {
	z := NewZegoRules()
	zs, err := Replay(z, run, plan)
	if err != nil {
		return Outcome{}, err
	}
	rs, err := Replay(NewRobust(), run, plan)
	if err != nil {
		return Outcome{}, err
	}
	t := TrueState(run)
	return Outcome{True: t, ZegoRules: zs, ZegoPending: z.Pending(), Robust: rs, ZegoRulesRight: zs.Equal(t)}, nil
}

// fact is what the ordering rules read from one callback. Ids are compared
// as exact 64-bit integers (room_session_id exceeds 2^53; stream_seq can
// have a leading zero), times in milliseconds.
type fact struct {
	event  string
	room   string
	rsid   uint64 // room_session_id, or room_seq on login and logout
	user   string // user_account
	sess   uint64 // session_id
	stream string
	seq    uint64 // stream_seq
	t      uint64 // the event's own time (create, close, login, logout)
}

// FactError says which field of a callback the rules cannot use.
type FactError struct {
	Event, Field, Msg string
}

func (e *FactError) Error() string { return e.Event + ": " + e.Field + ": " + e.Msg }

var factFields = map[string][]string{
	// id fields..., then the time field last
	"room_create":   {"room_id", "room_session_id", "room_create_time"},
	"room_close":    {"room_id", "room_session_id", "room_close_time"},
	"room_login":    {"room_id", "room_seq", "user_account", "session_id", "login_time"},
	"room_logout":   {"room_id", "room_seq", "user_account", "session_id", "logout_time"},
	"stream_create": {"room_id", "room_session_id", "stream_id", "stream_seq", "create_time_ms"},
	"stream_close":  {"room_id", "room_session_id", "stream_id", "stream_seq", "destroy_timemillis"},
}

// factOf reads p; ok is false for an event the lists do not use.
func factOf(p *callback.Payload) (f fact, ok bool, err error) {
	f.event = p.EventName()
	names, ok := factFields[f.event]
	if !ok {
		return f, false, nil
	}
	for _, name := range names {
		v, found := p.Get(name)
		if !found {
			return f, true, &FactError{f.event, name, "missing"}
		}
		switch name {
		case "room_id", "user_account", "stream_id":
			if v.Text == "" {
				return f, true, &FactError{f.event, name, "empty"}
			}
			switch name {
			case "room_id":
				f.room = v.Text
			case "user_account":
				f.user = v.Text
			default:
				f.stream = v.Text
			}
			continue
		}
		n, perr := strconv.ParseUint(v.Text, 10, 64)
		if perr != nil {
			return f, true, &FactError{f.event, name, fmt.Sprintf("%q is not an unsigned 64-bit integer", v.Text)}
		}
		switch name {
		case "room_session_id", "room_seq":
			f.rsid = n
		case "session_id":
			f.sess = n
		case "stream_seq":
			f.seq = n
		default:
			f.t = n
		}
	}
	return f, true, nil
}

// ZegoRules keeps the lists by ZEGO's documented rules
// (docs/scenarios.md; zego-ordering.md sections 3 to 5): one record per
// room, per user and per stream, no record of deleted entries, and one
// shared cache queue for callbacks that arrive too early.
//
// Where the docs are silent, this keeper chooses (and the docs say so): a
// replay of the queue goes through it oldest first, again and again until
// a pass uses none of it; an entry deferred again keeps its place; nothing
// expires. A room_create that replaces a room's session drops the old
// session's users and streams with it.
type ZegoRules struct {
	rooms     map[string]*zRoom
	queue     []fact
	replaying bool
}

type zRoom struct {
	sid        uint64
	createTime uint64
	users      map[string]*zUser
	streams    map[string]uint64 // stream_id -> stream_seq
}

type zUser struct{ sid, loginTime uint64 }

// NewZegoRules returns an empty keeper.
func NewZegoRules() *ZegoRules { return &ZegoRules{rooms: map[string]*zRoom{}} }

// Pending is how many callbacks wait in the cache queue.
func (z *ZegoRules) Pending() int { return len(z.queue) }

// Apply takes one callback.
func (z *ZegoRules) Apply(p *callback.Payload) error {
	f, ok, err := factOf(p)
	if !ok || err != nil {
		return err
	}
	z.dispatch(f)
	return nil
}

func (z *ZegoRules) push(f fact) { z.queue = append(z.queue, f) }

// replay runs the queue to a fixed point. A replay asked for while one runs
// is covered by the running one's next pass.
func (z *ZegoRules) replay() {
	if z.replaying {
		return
	}
	z.replaying = true
	for {
		q := z.queue
		z.queue = nil
		used := false
		for _, f := range q {
			n := len(z.queue)
			z.dispatch(f)
			if len(z.queue) == n {
				used = true
			}
		}
		if !used {
			break
		}
	}
	z.replaying = false
}

func (z *ZegoRules) dispatch(f fact) {
	switch f.event {
	case "room_create":
		z.roomCreate(f)
	case "room_close":
		z.roomClose(f)
	case "room_login":
		z.login(f)
	case "room_logout":
		z.logout(f)
	case "stream_create":
		z.streamCreate(f)
	case "stream_close":
		z.streamClose(f)
	}
}

func newZRoom(f fact) *zRoom {
	return &zRoom{sid: f.rsid, createTime: f.t, users: map[string]*zUser{}, streams: map[string]uint64{}}
}

// [RL] rules 1 to 5.
func (z *ZegoRules) roomCreate(f fact) {
	r := z.rooms[f.room]
	switch {
	case r == nil:
		z.rooms[f.room] = newZRoom(f)
	case f.rsid == r.sid:
		r.createTime = max(r.createTime, f.t) // the newer data of one session
	case f.t <= r.createTime:
		return // an older session
	default:
		z.rooms[f.room] = newZRoom(f) // a newer session replaces the stored one
	}
	z.replay()
}

// [RL] rules 6 to 9.
func (z *ZegoRules) roomClose(f fact) {
	r := z.rooms[f.room]
	switch {
	case r == nil:
		z.push(f)
	case f.rsid == r.sid:
		delete(z.rooms, f.room)
		z.replay()
	case f.t <= r.createTime:
		// that session has already ended
	default:
		z.push(f)
	}
}

// [UL] rules 1 to 6.
func (z *ZegoRules) login(f fact) {
	r := z.rooms[f.room]
	if r == nil {
		z.push(f)
		return
	}
	if f.rsid != r.sid {
		if f.t >= r.createTime {
			z.push(f)
		}
		return
	}
	u := r.users[f.user]
	switch {
	case u == nil:
		r.users[f.user] = &zUser{sid: f.sess, loginTime: f.t}
	case f.sess == u.sid:
		u.loginTime = max(u.loginTime, f.t)
		return // the flowchart does not replay here
	case f.t > u.loginTime:
		r.users[f.user] = &zUser{sid: f.sess, loginTime: f.t}
	default:
		return
	}
	z.replay()
}

// [UL] rules 7 to 12.
func (z *ZegoRules) logout(f fact) {
	r := z.rooms[f.room]
	if r == nil {
		z.push(f)
		return
	}
	if f.rsid != r.sid {
		if f.t > r.createTime {
			z.push(f)
		}
		return
	}
	u := r.users[f.user]
	switch {
	case u == nil:
		z.push(f)
	case f.sess == u.sid:
		delete(r.users, f.user)
	case f.t > u.loginTime:
		z.push(f)
	}
}

// [SL] rules 1 to 4.
func (z *ZegoRules) streamCreate(f fact) {
	r := z.rooms[f.room]
	if r == nil {
		z.push(f)
		return
	}
	if f.rsid != r.sid {
		if f.t >= r.createTime {
			z.push(f)
			return
		}
		// dropped; the flowchart still replays the queue
	} else if seq, ok := r.streams[f.stream]; !ok || f.seq > seq {
		r.streams[f.stream] = f.seq
	}
	z.replay()
}

// [SL] rules 5 to 9.
func (z *ZegoRules) streamClose(f fact) {
	r := z.rooms[f.room]
	if r == nil {
		z.push(f)
		return
	}
	if f.rsid != r.sid {
		if f.t > r.createTime {
			z.push(f)
		}
		return
	}
	seq, ok := r.streams[f.stream]
	switch {
	case !ok:
		z.push(f)
	case f.seq > seq:
		delete(r.streams, f.stream)
	}
}

// State returns the stored lists.
func (z *ZegoRules) State() State {
	var s State
	for id, r := range z.rooms {
		rs := RoomState{RoomID: id, RoomSessionID: strconv.FormatUint(r.sid, 10)}
		for u := range r.users {
			rs.Users = append(rs.Users, u)
		}
		for st := range r.streams {
			rs.Streams = append(rs.Streams, st)
		}
		s.Rooms = append(s.Rooms, rs)
	}
	return s.normal()
}

// Robust keeps the lists in a way that does not depend on arrival order
// (not ZEGO's; docs/scenarios.md): the newest open event per key plus the
// closed session ids.
//
//   - rooms: per room_id the room_create with the latest room_create_time,
//     and the set of closed room_session_ids; the room exists when that
//     create's session is not closed;
//   - users: per (room session, user_account) the room_login with the
//     latest login_time, and the set of closed session_ids; the user is in
//     the room when that login's session is not closed;
//   - streams: per (room session, stream_id) whichever of stream_create and
//     stream_close has the largest stream_seq; the stream is live when it is
//     a create.
//
// Ties (equal times) go to the larger session id, and a close beats a
// create with the same stream_seq, so the result never depends on order.
// The closed sets are tombstones; how long to keep them is a receiver's
// choice (at least ZEGO's retry window, about 62 s).
type Robust struct {
	creates   map[string]idAt        // room_id -> newest create
	closed    map[roomSession]bool   // closed room sessions
	logins    map[userKey]idAt       // newest login
	loggedOut map[userKey]sessionSet // closed login sessions
	streams   map[streamKey]seqEvent
}

type idAt struct{ id, t uint64 }

// newer reports whether (id, t) beats the stored one.
func (a idAt) newer(id, t uint64) bool { return t > a.t || (t == a.t && id > a.id) }

type roomSession struct {
	room string
	sid  uint64
}

type userKey struct {
	roomSession
	user string
}

type streamKey struct {
	roomSession
	stream string
}

type sessionSet map[uint64]bool

type seqEvent struct {
	seq  uint64
	open bool
}

// NewRobust returns an empty keeper.
func NewRobust() *Robust {
	return &Robust{creates: map[string]idAt{}, closed: map[roomSession]bool{}, logins: map[userKey]idAt{},
		loggedOut: map[userKey]sessionSet{}, streams: map[streamKey]seqEvent{}}
}

// Apply takes one callback.
func (k *Robust) Apply(p *callback.Payload) error {
	f, ok, err := factOf(p)
	if !ok || err != nil {
		return err
	}
	rs := roomSession{f.room, f.rsid}
	switch f.event {
	case "room_create":
		if c, ok := k.creates[f.room]; !ok || c.newer(f.rsid, f.t) {
			k.creates[f.room] = idAt{f.rsid, f.t}
		}
	case "room_close":
		k.closed[rs] = true
	case "room_login":
		key := userKey{rs, f.user}
		if l, ok := k.logins[key]; !ok || l.newer(f.sess, f.t) {
			k.logins[key] = idAt{f.sess, f.t}
		}
	case "room_logout":
		key := userKey{rs, f.user}
		if k.loggedOut[key] == nil {
			k.loggedOut[key] = sessionSet{}
		}
		k.loggedOut[key][f.sess] = true
	case "stream_create", "stream_close":
		key := streamKey{rs, f.stream}
		open := f.event == "stream_create"
		if s, ok := k.streams[key]; !ok || f.seq > s.seq || (f.seq == s.seq && !open) {
			k.streams[key] = seqEvent{f.seq, open}
		}
	}
	return nil
}

// State returns the rooms whose newest session is open, with their users
// and live streams.
func (k *Robust) State() State {
	var s State
	for room, c := range k.creates {
		rs := roomSession{room, c.id}
		if k.closed[rs] {
			continue
		}
		r := RoomState{RoomID: room, RoomSessionID: strconv.FormatUint(c.id, 10)}
		for key, l := range k.logins {
			if key.roomSession == rs && !k.loggedOut[key][l.id] {
				r.Users = append(r.Users, key.user)
			}
		}
		for key, e := range k.streams {
			if key.roomSession == rs && e.open {
				r.Streams = append(r.Streams, key.stream)
			}
		}
		s.Rooms = append(s.Rooms, r)
	}
	return s.normal()
}

// Naive trusts arrival order, as many receivers do: a create or login adds,
// a close or logout removes, whatever came before. It is here to show what
// that costs.
type Naive struct {
	rooms map[string]*nRoom
}

type nRoom struct {
	exists  bool
	sid     uint64
	users   map[string]bool
	streams map[string]bool
}

// NewNaive returns an empty keeper.
func NewNaive() *Naive { return &Naive{rooms: map[string]*nRoom{}} }

// Apply takes one callback.
func (k *Naive) Apply(p *callback.Payload) error {
	f, ok, err := factOf(p)
	if !ok || err != nil {
		return err
	}
	r := k.rooms[f.room]
	if r == nil {
		r = &nRoom{users: map[string]bool{}, streams: map[string]bool{}}
		k.rooms[f.room] = r
	}
	switch f.event {
	case "room_create":
		r.exists, r.sid = true, f.rsid
	case "room_close":
		k.rooms[f.room] = &nRoom{users: map[string]bool{}, streams: map[string]bool{}}
	case "room_login":
		r.users[f.user] = true
	case "room_logout":
		delete(r.users, f.user)
	case "stream_create":
		r.streams[f.stream] = true
	case "stream_close":
		delete(r.streams, f.stream)
	}
	return nil
}

// State returns the rooms it believes exist.
func (k *Naive) State() State {
	var s State
	for id, r := range k.rooms {
		if !r.exists {
			continue
		}
		rs := RoomState{RoomID: id, RoomSessionID: strconv.FormatUint(r.sid, 10)}
		rs.Users = sortedKeys(r.users)
		rs.Streams = sortedKeys(r.streams)
		s.Rooms = append(s.Rooms, rs)
	}
	return s.normal()
}
