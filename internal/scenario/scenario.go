// Package scenario plays ZEGO's room, user and stream callbacks as whole,
// consistent sequences and works out the state a receiver should end with.
//
// The pieces, in the order a `zegocb scenario` command uses them:
//
//   - Def: a scenario definition, data embedded from defs/*.json (List,
//     Builtin) or a user's file (Load). Loading checks it and fails with one
//     line naming the file, step and field.
//   - Expand: a Def becomes a Run, the concrete callbacks in the order they
//     happen, with one appid and consistent rooms, users, streams, session
//     ids, sequence numbers and times; payloads are built from the catalog in
//     internal/callback.
//   - Arrange: a Run becomes a Plan, the order the callbacks are delivered in
//     (natural, shuffled or adversarial), reproducible from a seed.
//   - State: TrueState is the state after the callbacks in the order they
//     happened; ZegoRules, Robust and Naive are receivers that keep a state
//     from callbacks in the order they arrive (Replay runs a Plan through
//     one). ParseState reads a receiver's own state document strictly, and
//     Diff compares two states entry by entry.
//
// The package never prints and never touches the network.
package scenario

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
)

//go:embed defs/*.json
var defsFS embed.FS

// Def is a scenario definition: named steps, each one callback (a few steps
// add the callbacks ZEGO fires with them, see Step).
type Def struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	Steps   []Step `json:"steps"`

	// File is where the definition came from ("defs/live.json" for a
	// built-in one), as used in error messages.
	File string `json:"-"`

	order []int   // happening order of the steps (indexes into Steps)
	at    []int64 // each step's time, ms from the scenario's start
}

// Step is one thing that happens. Rooms, users, streams and mix tasks are
// named by the definition ("r1", "host"); Expand turns the names into
// concrete ids.
//
// A step happens after the steps named in After (by ID), or after the step
// before it in the file when After is empty, GapMS milliseconds later
// (default 1000). Steps that follow the same step happen close together,
// which is when ZEGO's callbacks arrive out of order.
//
// room_login of a user who is already in the room is a login again
// (relogin=1, a new session): Expand adds ZEGO's stream_close (type 2) of
// each stream the user still publishes, then the old session's room_logout
// (reason 3).
type Step struct {
	ID       string   `json:"id,omitempty"`
	Event    string   `json:"event"`
	Room     string   `json:"room,omitempty"`
	User     string   `json:"user,omitempty"`
	Stream   string   `json:"stream,omitempty"`
	Task     string   `json:"task,omitempty"`
	After    []string `json:"after,omitempty"`
	GapMS    *int64   `json:"gap_ms,omitempty"`
	Recreate int      `json:"recreate,omitempty"` // stream_create: 1 = republished within 90 s
	Reason   int      `json:"reason,omitempty"`   // room_logout's reason
	Type     int      `json:"type,omitempty"`     // stream_close's type
}

// DefaultGapMS is the time between a step and the step it follows.
const DefaultGapMS = 1000

// MaxSteps bounds a definition.
const MaxSteps = 10000

// Info names a built-in scenario: its steps, the callbacks they make and
// the time from the first to the last.
type Info struct {
	Name      string  `json:"name"`
	Summary   string  `json:"summary"`
	Steps     int     `json:"steps"`
	Callbacks int     `json:"callbacks"`
	SpanS     float64 `json:"span_s"`
}

// List returns the built-in scenarios in name order.
func List() []Info {
	names := builtinNames()
	out := make([]Info, 0, len(names))
	for _, n := range names {
		d, err := Builtin(n)
		if err != nil { // a broken built-in is a build defect, caught by the tests
			continue
		}
		in := Info{Name: d.Name, Summary: d.Summary, Steps: len(d.Steps)}
		if run, err := Expand(d, Options{}); err == nil { // the count and span do not depend on the seed
			in.Callbacks, in.SpanS = len(run.Callbacks), math.Round(run.Span().Seconds()*10)/10
		}
		out = append(out, in)
	}
	return out
}

func builtinNames() []string {
	ents, _ := defsFS.ReadDir("defs")
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// ErrUnknownScenario is returned by Builtin for a name that is not built in.
var ErrUnknownScenario = errors.New("unknown scenario")

// Builtin loads the named built-in scenario.
func Builtin(name string) (*Def, error) {
	file := "defs/" + name + ".json"
	if !namePattern.MatchString(name) {
		return nil, fmt.Errorf("%w %q (built in: %s)", ErrUnknownScenario, name, strings.Join(builtinNames(), ", "))
	}
	data, err := defsFS.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w %q (built in: %s)", ErrUnknownScenario, name, strings.Join(builtinNames(), ", "))
	}
	return Load(file, data)
}

// DefError is a problem with a scenario definition. Its message is one line:
// file, step (number from 1, id and event when known), field and what is wrong.
type DefError struct {
	File   string
	Step   int // from 1; 0 for the file as a whole
	StepID string
	Event  string
	Field  string
	Msg    string
}

func (e *DefError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Step > 0 {
		fmt.Fprintf(&b, ": step %d", e.Step)
		if e.StepID != "" {
			fmt.Fprintf(&b, " %q", e.StepID)
		}
		if e.Event != "" {
			fmt.Fprintf(&b, " (%s)", e.Event)
		}
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// Load parses and checks a scenario definition. file names it in errors (a
// path as the user gave it). Unknown keys, unknown events, a cycle in
// "after", and a room, user, stream or task used before it exists are
// reported as a *DefError.
func Load(file string, data []byte) (*Def, error) {
	ferr := func(field, format string, args ...any) error {
		return &DefError{File: file, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	var top struct {
		Name    *string           `json:"name"`
		Summary string            `json:"summary"`
		Steps   []json.RawMessage `json:"steps"`
	}
	if err := strictDecode(data, &top); err != nil {
		return nil, ferr("", "%s", jsonProblem(data, err))
	}
	if top.Steps == nil {
		return nil, ferr("steps", "missing (a list of steps)")
	}
	if len(top.Steps) == 0 {
		return nil, ferr("steps", "empty")
	}
	if len(top.Steps) > MaxSteps {
		return nil, ferr("steps", "%d steps, at most %d", len(top.Steps), MaxSteps)
	}
	d := &Def{File: file, Summary: top.Summary}
	if top.Name != nil {
		d.Name = *top.Name
	} else {
		d.Name = strings.TrimSuffix(path.Base(strings.ReplaceAll(file, `\`, "/")), ".json")
	}
	if !namePattern.MatchString(d.Name) {
		return nil, ferr("name", "%q is not a usable name (letters, digits, _ . -; at most 40)", d.Name)
	}
	d.Steps = make([]Step, len(top.Steps))
	for i, raw := range top.Steps {
		if err := strictDecode(raw, &d.Steps[i]); err != nil {
			return nil, &DefError{File: file, Step: i + 1, Msg: jsonProblem(raw, err)}
		}
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return d, nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("extra data after the JSON value")
	}
	return nil
}

// jsonProblem turns a decoding error into a short phrase.
func jsonProblem(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%s: want %s, got JSON %s", typ.Field, typeName(typ.Type.String()), typ.Value)
		}
		return fmt.Sprintf("want a JSON object, got JSON %s", typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if len(bytes.TrimSpace(data)) == 0 {
			return "empty"
		}
		return "invalid JSON: unexpected end"
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown key " + f
	}
	return strings.TrimPrefix(msg, "json: ")
}

func typeName(t string) string {
	switch t {
	case "string", "*string":
		return "a string"
	case "int", "int64", "*int64":
		return "an integer"
	case "[]string":
		return "a list of strings"
	case "[]json.RawMessage":
		return "a list"
	}
	return t
}

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
