// keep.go holds what every keeper shares: the Keeper interface, TrueState,
// Replay and Evaluate, and the facts the ordering rules read from a
// callback (factOf, FactError). The keepers are in keep_zego.go (ZegoRules)
// and keep_robust.go (Robust, Naive).

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
