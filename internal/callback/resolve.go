// resolve.go holds the Catalog: building it from families and events, its
// routing tables, and looking events up by name.

package callback

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Catalog is the set of known families and events.
type Catalog struct {
	families []*Family
	events   []*Event // by family (catalog order), then name

	qualified map[string]*Event   // "zim/room_create", lower-cased
	bare      map[string][]*Event // "room_create" -> every family's, preferred first
	// routes maps a routing field ("event", "EventType") to its values.
	routes map[string]*routeTable
	// routeFields are the routing field names, routeOrder their tables,
	// in detection order.
	routeFields []string
	routeOrder  []*routeTable
	// routeLens has bit n set when a routing field name is n bytes long
	// (all are under 64): detection skips the other keys without comparing.
	routeLens uint64
}

// routeTable is one routing field's known values.
type routeTable struct {
	field    string
	typ      RouteType
	families []*Family // the families that route on this field
	byValue  map[string]*route
	// documented lists the values for an error message ("3, 4, 10001").
	documented string
}

// route is the events one routing value can mean.
type route struct {
	events []*Event // catalog order: the default (RTC's, else the first family's) first
	// rules[i] says why events[i] was chosen: its marker fields were present.
	rules []string
	// fallback says why events[0] was chosen when no marker was present.
	fallback string
	// alts[i] are the events other than events[i].
	alts [][]*Event
}

// newCatalog checks and indexes families and events (events in any order;
// each names its family in family).
func newCatalog(fams []*Family, evs []*Event) (*Catalog, error) {
	c := &Catalog{families: fams, qualified: map[string]*Event{}, bare: map[string][]*Event{}, routes: map[string]*routeTable{}}
	famIdx := map[string]int{}
	for i, f := range fams {
		if err := f.check(); err != nil {
			return nil, err
		}
		if _, dup := famIdx[f.Name]; dup {
			return nil, fmt.Errorf("family %q defined twice", f.Name)
		}
		famIdx[f.Name] = i
	}
	for _, e := range evs {
		i, ok := famIdx[e.family]
		if !ok {
			return nil, fmt.Errorf("%s: unknown family %q", e.Name, e.family)
		}
		if err := e.index(); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", e.family, e.Name, err)
		}
		e.setFamily(fams[i])
		key := strings.ToLower(e.Qualified)
		if _, dup := c.qualified[key]; dup {
			return nil, fmt.Errorf("event %q defined twice", e.Qualified)
		}
		c.qualified[key] = e
	}
	c.events = append([]*Event(nil), evs...)
	sortEvents(c.events, famIdx)
	for _, f := range fams {
		for _, r := range f.Routing {
			t := c.routes[r.Field]
			if t == nil {
				t = &routeTable{field: r.Field, typ: r.Type, byValue: map[string]*route{}}
				c.routes[r.Field] = t
				c.routeFields = append(c.routeFields, r.Field)
				c.routeOrder = append(c.routeOrder, t)
				if len(r.Field) >= 64 {
					return nil, fmt.Errorf("routing field %q: a name of 64 bytes or more", r.Field)
				}
				c.routeLens |= 1 << len(r.Field)
			} else if t.typ != r.Type {
				return nil, fmt.Errorf("routing field %s is a %s in one family and a %s in %s", r.Field, t.typ, r.Type, f.Name)
			}
			t.families = append(t.families, f)
		}
	}
	for _, e := range c.events {
		if err := c.addRoute(e); err != nil {
			return nil, err
		}
		c.bare[e.Name] = append(c.bare[e.Name], e)
	}
	for _, e := range c.events {
		e.Ref, e.GroupRef = e.Name, ""
		if e.Group != "" {
			e.GroupRef = e.Group
			if e.Product != c.families[0] {
				e.GroupRef = e.Product.Name + "/" + e.Group
			}
		}
		if alts := c.bare[e.Name]; len(alts) > 1 && alts[0] != e {
			e.Ref = e.Qualified
		}
	}
	for _, t := range c.routes {
		var vals []string
		for _, e := range c.events {
			if e.RoleField(RoleEvent).Name == t.field {
				vals = append(vals, e.RouteValue())
			}
		}
		if t.typ == RouteNumber { // in numeric order, once each (3 and 4 are two families')
			slices.SortFunc(vals, func(a, b string) int {
				x, _ := strconv.ParseInt(a, 10, 64)
				y, _ := strconv.ParseInt(b, 10, 64)
				return cmp.Compare(x, y)
			})
			vals = slices.Compact(vals)
		}
		t.documented = strings.Join(vals, ", ")
		for _, r := range t.byValue {
			r.finish()
		}
	}
	return c, nil
}

func sortEvents(evs []*Event, famIdx map[string]int) {
	less := func(a, b *Event) bool {
		if fa, fb := famIdx[a.family], famIdx[b.family]; fa != fb {
			return fa < fb
		}
		return a.Name < b.Name
	}
	for i := 1; i < len(evs); i++ { // insertion sort: small, and stable
		for j := i; j > 0 && less(evs[j], evs[j-1]); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

func (c *Catalog) addRoute(e *Event) error {
	ev := e.RoleField(RoleEvent)
	t := c.routes[ev.Name]
	if t == nil {
		return fmt.Errorf("%s: event field %q is not a routing field of family %s", e.Qualified, ev.Name, e.Product.Name)
	}
	found := false
	for _, f := range t.families {
		found = found || f == e.Product
	}
	if !found {
		return fmt.Errorf("%s: family %s does not route on %q", e.Qualified, e.Product.Name, ev.Name)
	}
	r := t.byValue[e.RouteValue()]
	if r == nil {
		r = &route{}
		t.byValue[e.RouteValue()] = r
	}
	r.events = append(r.events, e)
	return nil
}

// finish writes the detection rules once the events sharing a value are known.
func (r *route) finish() {
	r.rules = make([]string, len(r.events))
	if len(r.events) < 2 {
		return
	}
	r.alts = make([][]*Event, len(r.events))
	for i := range r.events {
		for j, o := range r.events {
			if j != i {
				r.alts[i] = append(r.alts[i], o)
			}
		}
	}
	var others []string
	for i, e := range r.events {
		if len(e.Markers) > 0 {
			r.rules[i] = "has " + strings.Join(e.Markers, " or ") + ", a " + e.Qualified + " field"
			others = append(others, e.Markers...)
		}
	}
	d := r.events[0]
	r.fallback = "no distinguishing field (" + strings.Join(others, ", ") + "): " + d.Ref + " means " + d.Qualified
}

// Events lists the catalog: family by family (rtc first), each in name order.
func (c *Catalog) Events() []*Event { return c.events }

// Lookup finds an event by name: a qualified name ("zim/room_create"), a
// bare name ("user_action"; a colliding one means the RTC event, else the
// first family's), or a numeric event type ("cloudplayer/3"); exact, then
// case-insensitive. See Resolve for the alternatives.
func (c *Catalog) Lookup(name string) (*Event, bool) {
	e, _ := c.Resolve(name)
	return e, e != nil
}

// Resolve is Lookup that also returns, for a colliding bare name, the other
// events the name could mean, so that a caller can name them.
func (c *Catalog) Resolve(name string) (e *Event, alternatives []*Event) {
	if fam, ev, ok := strings.Cut(name, "/"); ok {
		if e := c.qualified[strings.ToLower(name)]; e != nil {
			return e, nil
		}
		f := c.Family(fam)
		if f == nil {
			return nil, nil
		}
		for _, e := range c.events { // a numeric event type: "cloudplayer/3"
			if e.Product == f && e.Route != "" && e.Route == ev {
				return e, nil
			}
		}
		return nil, nil
	}
	cands := c.bare[name]
	if cands == nil {
		for k, v := range c.bare {
			if strings.EqualFold(k, name) {
				cands = v
				break
			}
		}
	}
	if cands == nil {
		return nil, nil
	}
	return cands[0], cands[1:]
}

// Names lists every event's shortest unambiguous name (Event.Ref), in
// catalog order: what completion offers alongside QualifiedNames.
func (c *Catalog) Names() []string {
	out := make([]string, len(c.events))
	for i, e := range c.events {
		out[i] = e.Ref
	}
	return out
}

// QualifiedNames lists every event's FAMILY/EVENT name, in catalog order.
func (c *Catalog) QualifiedNames() []string {
	out := make([]string, len(c.events))
	for i, e := range c.events {
		out[i] = e.Qualified
	}
	return out
}
