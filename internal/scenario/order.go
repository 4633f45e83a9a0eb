// order.go holds delivery orders: Arrange turns a Run into a Plan (natural,
// shuffled or adversarial, with ZEGO's documented hazards), and Timing is
// how a sender paces it.

package scenario

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Order is how a run's callbacks are delivered.
type Order string

const (
	// Natural delivers each callback once, in the order things happened.
	Natural Order = "natural"
	// Shuffled delivers each callback once, in a random order.
	Shuffled Order = "shuffled"
	// Adversarial starts from the natural order and applies ZEGO's
	// documented hazards, one of each: a close before its create, a logout
	// before its login, a duplicate delivery and a late retry.
	Adversarial Order = "adversarial"
)

// OrderInfo is an order and its one-line meaning, for help text.
type OrderInfo struct {
	Name    Order
	Meaning string
}

// Orders lists the orders.
func Orders() []OrderInfo {
	return []OrderInfo{
		{Natural, "each callback once, in the order the events happened"},
		{Shuffled, "each callback once, in a random order"},
		{Adversarial, "the natural order with ZEGO's hazards: a close before its create, a logout before its login, a duplicate, a late retry"},
	}
}

// ParseOrder checks an order's name.
func ParseOrder(s string) (Order, error) {
	switch o := Order(strings.ToLower(strings.TrimSpace(s))); o {
	case Natural, Shuffled, Adversarial:
		return o, nil
	}
	return "", fmt.Errorf("unknown order %q (natural, shuffled or adversarial)", s)
}

// Hazard names a delivery problem ZEGO documents.
type Hazard string

const (
	CloseBeforeCreate Hazard = "close_before_create" // a room_close or stream_close arrives before its create
	LogoutBeforeLogin Hazard = "logout_before_login" // a room_logout arrives before its login
	Duplicate         Hazard = "duplicate"           // the same callback arrives twice in a row (a retry after a lost answer)
	LateRetry         Hazard = "late_retry"          // a retry of an earlier callback arrives after later news about the same key
)

// Hazards lists every hazard, in the order Adversarial applies them.
var Hazards = []Hazard{CloseBeforeCreate, LogoutBeforeLogin, Duplicate, LateRetry}

// Delivery is one POST of a plan.
type Delivery struct {
	N        int    `json:"n"`        // position in the plan, from 1
	Callback int    `json:"callback"` // index into Run.Callbacks
	Attempt  int    `json:"attempt"`  // 1 for the first delivery; 2, 3… re-deliver the same body (same nonce)
	Hazard   Hazard `json:"hazard,omitempty"`
}

// HazardNote says how Adversarial applied one hazard, or why it could not.
type HazardNote struct {
	Hazard    Hazard `json:"hazard"`
	Applied   bool   `json:"applied"`
	Callbacks []int  `json:"callbacks,omitempty"` // the callbacks involved (indexes into Run.Callbacks)
	Note      string `json:"note"`
}

// Plan is the order a run's callbacks are delivered in.
type Plan struct {
	Order      Order        `json:"order"`
	Seed       uint64       `json:"seed"`
	Deliveries []Delivery   `json:"deliveries"`
	Hazards    []HazardNote `json:"hazards,omitempty"` // Adversarial only
}

// Arrange orders run's callbacks. The same run, order and seed give the same
// plan.
func Arrange(run *Run, order Order, seed uint64) (Plan, error) {
	p := Plan{Order: order, Seed: seed}
	n := len(run.Callbacks)
	rng := rand.New(rand.NewPCG(seed, 0x6f72646572696e67)) // "ordering"
	seq := make([]Delivery, n)
	for i := range seq {
		seq[i] = Delivery{Callback: i, Attempt: 1}
	}
	switch order {
	case Natural:
	case Shuffled:
		rng.Shuffle(n, func(i, j int) { seq[i], seq[j] = seq[j], seq[i] })
	case Adversarial:
		seq, p.Hazards = adversarial(run, seq, rng)
	default:
		return Plan{}, fmt.Errorf("unknown order %q (natural, shuffled or adversarial)", order)
	}
	for i := range seq {
		seq[i].N = i + 1
	}
	p.Deliveries = seq
	return p, nil
}

func describe(c *Callback) string {
	var id string
	switch {
	case c.Stream != "":
		id = c.Stream
	case c.User != "":
		id = c.User
	default:
		id = c.Room
	}
	return fmt.Sprintf("#%d %s %s", c.Index+1, c.Event, id)
}

func adversarial(run *Run, seq []Delivery, rng *rand.Rand) ([]Delivery, []HazardNote) {
	cbs := run.Callbacks
	var notes []HazardNote
	pos := func(i int) int {
		return slices.IndexFunc(seq, func(d Delivery) bool { return d.Callback == i && d.Attempt == 1 })
	}
	// moveBefore delivers callback c just before callback target.
	moveBefore := func(c, target int, h Hazard) {
		i := pos(c)
		d := seq[i]
		d.Hazard = h
		seq = slices.Delete(seq, i, i+1)
		seq = slices.Insert(seq, pos(target), d)
	}

	// A close before its create, and a logout before its login.
	for _, h := range []Hazard{CloseBeforeCreate, LogoutBeforeLogin} {
		var cands []int
		for i := range cbs {
			c := &cbs[i]
			if c.Opener < 0 {
				continue
			}
			if (h == LogoutBeforeLogin) == (c.Event == "room_logout") {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			what := "room_close or stream_close"
			if h == LogoutBeforeLogin {
				what = "room_logout"
			}
			notes = append(notes, HazardNote{Hazard: h, Note: "the scenario has no " + what})
			continue
		}
		c := cands[rng.IntN(len(cands))]
		o := cbs[c].Opener
		moveBefore(c, o, h)
		notes = append(notes, HazardNote{Hazard: h, Applied: true, Callbacks: []int{c, o},
			Note: fmt.Sprintf("%s arrives before %s", describe(&cbs[c]), describe(&cbs[o]))})
	}

	// A duplicate: a callback that changes the lists, delivered again at
	// once, as ZEGO does when the receiver's answer is lost.
	var lists []int
	for i := range cbs {
		if _, ok := factFields[cbs[i].Event]; ok {
			lists = append(lists, i)
		}
	}
	if len(lists) == 0 {
		for i := range cbs {
			lists = append(lists, i)
		}
	}
	if len(lists) == 0 {
		notes = append(notes, HazardNote{Hazard: Duplicate, Note: "the scenario has no callbacks"})
	} else {
		c := lists[rng.IntN(len(lists))]
		i := pos(c)
		seq = slices.Insert(seq, i+1, Delivery{Callback: c, Attempt: 2, Hazard: Duplicate})
		notes = append(notes, HazardNote{Hazard: Duplicate, Applied: true, Callbacks: []int{c},
			Note: describe(&cbs[c]) + " arrives twice in a row"})
	}

	// A late retry: a callback about a key that later news changed arrives
	// again at the end, after that news.
	var late []int
	for _, i := range lists {
		if laterNews(cbs, i) >= 0 {
			late = append(late, i)
		}
	}
	if len(late) == 0 {
		notes = append(notes, HazardNote{Hazard: LateRetry, Note: "no callback has later news about the same room, user or stream"})
	} else {
		c := late[rng.IntN(len(late))]
		attempt := 2
		for _, d := range seq {
			if d.Callback == c {
				attempt = max(attempt, d.Attempt+1)
			}
		}
		seq = append(seq, Delivery{Callback: c, Attempt: attempt, Hazard: LateRetry})
		notes = append(notes, HazardNote{Hazard: LateRetry, Applied: true, Callbacks: []int{c, laterNews(cbs, c)},
			Note: fmt.Sprintf("%s is retried at the end, after %s", describe(&cbs[c]), describe(&cbs[laterNews(cbs, c)]))})
	}
	return seq, notes
}

// laterNews is the first callback after i that changes the same room, user
// or stream, or -1.
func laterNews(cbs []Callback, i int) int {
	k := listKey(&cbs[i])
	if k == "" {
		return -1
	}
	for j := i + 1; j < len(cbs); j++ {
		if listKey(&cbs[j]) == k {
			return j
		}
	}
	return -1
}

func listKey(c *Callback) string {
	switch c.Event {
	case "room_create", "room_close":
		return "room " + c.Room
	case "room_login", "room_logout":
		return "user " + c.Room + " " + c.User
	case "stream_create", "stream_close":
		return "stream " + c.Room + " " + c.Stream
	}
	return ""
}

// Timing is how a sender paces a plan: plain data for the command.
type Timing struct {
	// Gap is the pause between the start of one delivery and the next.
	Gap time.Duration `json:"gap"`
	// Concurrency is how many deliveries may be in flight at once. Above 1,
	// deliveries that overlap can arrive in either order, so the arrival
	// order is no longer exactly the plan's.
	Concurrency int `json:"concurrency"`
}

// MaxGap bounds Timing.Gap.
const MaxGap = time.Hour

// Validate checks the knobs, naming the flag-like field in a one-line error.
func (t Timing) Validate() error {
	switch {
	case t.Concurrency < 1:
		return fmt.Errorf("concurrency: %d is below 1", t.Concurrency)
	case t.Concurrency > 1000:
		return fmt.Errorf("concurrency: %d is above 1000", t.Concurrency)
	case t.Gap < 0:
		return fmt.Errorf("gap: %s is negative", t.Gap)
	case t.Gap > MaxGap:
		return fmt.Errorf("gap: %s is above %s", t.Gap, MaxGap)
	}
	return nil
}
