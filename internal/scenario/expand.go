// expand.go holds Expand and what it returns: Options, Run and Callback,
// the run's id drawing (ids), and small helpers the package shares
// (sortedKeys, firstKey, ms, secs). The simulation that builds the
// callbacks is in expand_sim.go and expand_steps.go.

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
