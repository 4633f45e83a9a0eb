// expand_sim.go holds Expand's simulation: the model of the rooms, users,
// streams and mix tasks that exist, the walk over a definition's steps in
// happening order, and the building of each callback's payload. The steps
// themselves are in expand_steps.go.

package scenario

import (
	"fmt"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

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
