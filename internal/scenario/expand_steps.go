// expand_steps.go holds one simulation step per kind of event: what it
// checks in the model, how it changes the model, and the callbacks it adds
// (with the logouts and stream closes a login again implies).

package scenario

import (
	"fmt"
	"strconv"

	"github.com/zegocb/zegocb/internal/callback"
)

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
