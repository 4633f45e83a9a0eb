// check.go holds a definition's checks: each step on its own (event, names,
// parameters, what the event needs), the happening order worked out from
// "after" and gap_ms (resolveOrder, which names a cycle), then the walk
// that finds an id used before it exists.

package scenario

import (
	"fmt"
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
)

// check validates the steps one by one, resolves the happening order, then
// walks it to find ids used before they exist.
func (d *Def) check() error {
	cat := callback.Default()
	ids := map[string]int{}
	for i := range d.Steps {
		s := &d.Steps[i]
		serr := func(field, format string, args ...any) error {
			return &DefError{File: d.File, Step: i + 1, StepID: s.ID, Event: s.Event, Field: field, Msg: fmt.Sprintf(format, args...)}
		}
		if s.ID != "" {
			if !namePattern.MatchString(s.ID) {
				return serr("id", "%q is not a usable id (letters, digits, _ . -; at most 40)", s.ID)
			}
			if j, dup := ids[s.ID]; dup {
				return serr("id", "%q is already the id of step %d", s.ID, j+1)
			}
			ids[s.ID] = i
		}
		if s.Event == "" {
			return serr("event", "missing")
		}
		ev, ok := cat.Lookup(s.Event)
		if !ok {
			msg := fmt.Sprintf("unknown event %q", s.Event)
			if sug := cat.Suggest(s.Event, 1); len(sug) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", sug[0])
			}
			return serr("event", "%s", msg)
		}
		s.Event = ev.Name
		for _, f := range []struct{ name, val string }{{"room", s.Room}, {"user", s.User}, {"stream", s.Stream}, {"task", s.Task}} {
			if f.val != "" && !namePattern.MatchString(f.val) {
				return serr(f.name, "%q is not a usable name (letters, digits, _ . -; at most 40)", f.val)
			}
		}
		if s.GapMS != nil && (*s.GapMS < 0 || *s.GapMS > 24*3600*1000) {
			return serr("gap_ms", "%d is outside 0..86400000", *s.GapMS)
		}
		if err := checkParam(ev, "recreate", s.Recreate, "stream_create"); err != nil {
			return serr("recreate", "%s", err)
		}
		if err := checkParam(ev, "reason", s.Reason, "room_logout"); err != nil {
			return serr("reason", "%s", err)
		}
		if err := checkParam(ev, "type", s.Type, "stream_close"); err != nil {
			return serr("type", "%s", err)
		}
		if field, msg := needs(s); msg != "" {
			return serr(field, "%s", msg)
		}
	}
	if err := d.resolveOrder(ids); err != nil {
		return err
	}
	_, err := simulate(d, newIDs(d, 0), false)
	return err
}

// checkParam checks a numeric parameter against the catalog's documented
// values for event only, and rejects it on any other event.
func checkParam(ev *callback.Event, field string, v int, only string) error {
	if v == 0 {
		return nil
	}
	if ev.Name != only {
		return fmt.Errorf("only %s takes %s", only, field)
	}
	f := ev.Field(field)
	if f == nil || len(f.Enum) == 0 {
		return nil
	}
	var vals []string
	for _, e := range f.Enum {
		if e.Value == fmt.Sprint(v) {
			return nil
		}
		vals = append(vals, e.Value)
	}
	return fmt.Errorf("%d is not one of ZEGO's values (%s)", v, strings.Join(vals, ", "))
}

// needs says which names a step's event requires.
func needs(s *Step) (field, msg string) {
	var want []string
	switch s.Event {
	case "room_create", "room_close":
		want = []string{"room"}
	case "room_login", "room_logout":
		want = []string{"room", "user"}
	case "stream_create":
		want = []string{"room", "user", "stream"}
	case "stream_close", "record":
		want = []string{"stream"}
	case "mix_start":
		want = []string{"task", "room"}
	case "mix_stop":
		want = []string{"task"}
	}
	have := map[string]string{"room": s.Room, "user": s.User, "stream": s.Stream, "task": s.Task}
	what := map[string]string{"room": "the room's name", "user": "the user's name", "stream": "the stream's name", "task": "the mix task's name"}
	for _, f := range want {
		if have[f] == "" {
			return f, "missing (" + what[f] + ")"
		}
	}
	return "", ""
}

// resolveOrder works out when each step happens: after its "after" steps
// (or the step before it), GapMS later. A cycle is an error naming it.
func (d *Def) resolveOrder(ids map[string]int) error {
	n := len(d.Steps)
	deps := make([][]int, n)
	for i := range d.Steps {
		s := &d.Steps[i]
		if len(s.After) == 0 {
			if i > 0 {
				deps[i] = []int{i - 1}
			}
			continue
		}
		for _, a := range s.After {
			j, ok := ids[a]
			if !ok {
				return &DefError{File: d.File, Step: i + 1, StepID: s.ID, Event: s.Event, Field: "after", Msg: fmt.Sprintf("no step has the id %q", a)}
			}
			deps[i] = append(deps[i], j)
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := make([]int, n)
	at := make([]int64, n)
	var stack []int
	var visit func(i int) error
	visit = func(i int) error {
		switch color[i] {
		case black:
			return nil
		case grey:
			k := len(stack) - 1
			for stack[k] != i {
				k--
			}
			cyc := stack[k:]
			var names []string
			for _, j := range append(cyc, i) {
				names = append(names, d.stepName(j))
			}
			// Report it at the first step of the cycle that says "after".
			at := cyc[0]
			for _, j := range cyc {
				if len(d.Steps[j].After) > 0 {
					at = j
					break
				}
			}
			s := &d.Steps[at]
			return &DefError{File: d.File, Step: at + 1, StepID: s.ID, Event: s.Event, Field: "after",
				Msg: "a cycle: " + strings.Join(names, " after ") + " (a step cannot happen after itself)"}
		}
		color[i] = grey
		stack = append(stack, i)
		gap := int64(DefaultGapMS)
		if g := d.Steps[i].GapMS; g != nil {
			gap = *g
		}
		var t int64
		if len(deps[i]) == 0 {
			t = 0
		}
		for _, j := range deps[i] {
			if err := visit(j); err != nil {
				return err
			}
			t = max(t, at[j]+gap)
		}
		at[i] = t
		stack = stack[:len(stack)-1]
		color[i] = black
		return nil
	}
	for i := range d.Steps {
		if err := visit(i); err != nil {
			return err
		}
	}
	// Happening order: by time, then dependencies first, then file order.
	// A step never comes before one it depends on (its time is not smaller
	// and, with a zero gap, Kahn's order keeps it after).
	indeg := make([]int, n)
	users := make([][]int, n)
	for i, ds := range deps {
		for _, j := range ds {
			indeg[i]++
			users[j] = append(users[j], i)
		}
	}
	var ready []int
	for i := range n {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	order := make([]int, 0, n)
	for len(ready) > 0 {
		best := 0
		for k, i := range ready {
			if at[i] < at[ready[best]] || (at[i] == at[ready[best]] && i < ready[best]) {
				best = k
			}
		}
		i := ready[best]
		ready = append(ready[:best], ready[best+1:]...)
		order = append(order, i)
		for _, u := range users[i] {
			if indeg[u]--; indeg[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	d.order, d.at = order, at
	return nil
}

func (d *Def) stepName(i int) string {
	if id := d.Steps[i].ID; id != "" {
		return id
	}
	return fmt.Sprintf("step %d", i+1)
}
