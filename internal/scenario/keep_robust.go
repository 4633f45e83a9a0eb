// keep_robust.go holds Robust, the keeper whose lists do not depend on
// arrival order (newest open event per key plus closed-session tombstones),
// and Naive, the keeper that trusts arrival order, kept to show the cost.

package scenario

import (
	"strconv"

	"github.com/zegocb/zegocb/internal/callback"
)

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
