package callback

import "strings"

// MatchEvent reports whether a callback matches one event filter value
// (replay --event, listen --event): the one place that decides it. want may
// be the event's name, in any case (a bare name two families share means
// the RTC event, as everywhere), FAMILY/EVENT, its product family (rtc,
// zim) or its group within the family (stream, room). spec is the catalog
// entry, nil when the event is unknown: then only name, the routing value
// as sent, can match.
func MatchEvent(spec *Event, name, want string) bool {
	if spec == nil {
		return name != "" && strings.EqualFold(name, want)
	}
	family := ""
	if spec.Product != nil {
		family = spec.Product.Name
	}
	return strings.EqualFold(spec.Ref, want) || strings.EqualFold(spec.Qualified, want) ||
		strings.EqualFold(spec.Group, want) || strings.EqualFold(family, want)
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
