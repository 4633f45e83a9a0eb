// match.go holds matching events against what a user typed: names, qualified
// names, families and groups.

package callback

import (
	"sort"
	"strings"
)

// MatchEvent reports whether a callback matches one event filter value
// (replay --event, listen --event): the one place that decides it. want may
// be the event's name, in any case (a bare name two families share means
// the RTC event, as everywhere), FAMILY/EVENT, its product family (rtc,
// zim), or its group: a bare group names an RTC group (stream, room), and
// FAMILY/GROUP another family's (zim/room, asr/task; rtc/stream works too).
// spec is the catalog entry, nil when the event is unknown: then only name,
// the routing value as sent, can match.
func MatchEvent(spec *Event, name, want string) bool {
	if spec == nil {
		return name != "" && strings.EqualFold(name, want)
	}
	family := ""
	if spec.Product != nil {
		family = spec.Product.Name
	}
	if strings.EqualFold(spec.Ref, want) || strings.EqualFold(spec.Qualified, want) || strings.EqualFold(family, want) {
		return true
	}
	if spec.Group == "" {
		return false
	}
	if strings.EqualFold(spec.GroupRef, want) {
		return true
	}
	fam, group, ok := strings.Cut(want, "/")
	return ok && strings.EqualFold(fam, family) && strings.EqualFold(group, spec.Group)
}

// Matches reports whether an event filter value names anything in the
// catalog: an event, a family or a group.
func (c *Catalog) Matches(want string) bool {
	for _, e := range c.events {
		if MatchEvent(e, e.Name, want) {
			return true
		}
	}
	return false
}

// GroupsNamed lists, as FAMILY/GROUP and sorted, the groups called group
// (in any case) that a bare filter value does not name: another family's.
// For the error about an unknown --event value ("did you mean
// asr/task, cloudrecording/task or digitalhuman/task?").
func (c *Catalog) GroupsNamed(group string) []string {
	if group == "" || strings.Contains(group, "/") {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range c.events {
		if e.Group != "" && strings.EqualFold(e.Group, group) && !strings.EqualFold(e.GroupRef, group) && !seen[e.GroupRef] {
			seen[e.GroupRef] = true
			out = append(out, e.GroupRef)
		}
	}
	sort.Strings(out)
	return out
}
