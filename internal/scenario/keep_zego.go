// keep_zego.go holds ZegoRules, the keeper that follows ZEGO's documented
// ordering rules ([RL], [UL], [SL] in zego-ordering.md) with its shared
// cache queue for callbacks that arrive too early.

package scenario

import (
	"strconv"

	"github.com/zegocb/zegocb/internal/callback"
)

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

// session applies the rules a user or stream callback meets first ([UL]
// 1, 2, 7, 8; [SL] 1, 2, 5, 6): with its room not stored it is queued; with
// another room session stored it is queued when it may belong to a newer
// one (at or after the stored room's create time for a login or
// stream_create, opens; strictly after for a logout or stream_close) and
// ignored otherwise. It returns the stored room when f is about it, else
// nil, with ignored set when f was ignored rather than queued.
func (z *ZegoRules) session(f fact, opens bool) (r *zRoom, ignored bool) {
	r = z.rooms[f.room]
	switch {
	case r == nil:
		z.push(f)
	case f.rsid == r.sid:
		return r, false
	case f.t > r.createTime || opens && f.t == r.createTime:
		z.push(f)
	default:
		return nil, true
	}
	return nil, false
}

// [UL] rules 1 to 6.
func (z *ZegoRules) login(f fact) {
	r, _ := z.session(f, true)
	if r == nil {
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
	r, _ := z.session(f, false)
	if r == nil {
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
	r, ignored := z.session(f, true)
	switch {
	case r != nil:
		if seq, ok := r.streams[f.stream]; !ok || f.seq > seq {
			r.streams[f.stream] = f.seq
		}
	case !ignored:
		return // queued
	}
	z.replay() // after an ignored one too, as the flowchart does
}

// [SL] rules 5 to 9.
func (z *ZegoRules) streamClose(f fact) {
	r, _ := z.session(f, false)
	if r == nil {
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
