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
