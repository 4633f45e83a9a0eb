// listen_filter.go holds listen's display filters (--event, --room, --user,
// --stream, --only-failures). They decide what is shown and nothing else:
// every request is still judged, answered, captured and forwarded.

package cli

import (
	"strings"
	"sync"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
)

// listenFilter is the display filter. The zero value (and nil) shows
// everything. Its methods are safe for concurrent use (-q filters in the
// handler goroutines).
type listenFilter struct {
	events       []string // --event: event names
	rooms        []string // --room
	users        []string // --user
	streams      []string // --stream
	onlyFailures bool     // --only-failures

	// shownSeqs remembers the callbacks shown, when ids are filtered and
	// callbacks are forwarded: a background forward attempt carries no ids
	// and is shown when its callback was.
	shownSeqs *seqSet
}

// active reports whether the filter hides anything.
func (f *listenFilter) active() bool {
	return f != nil && (len(f.events) > 0 || f.filtersIDs() || f.onlyFailures)
}

func (f *listenFilter) filtersIDs() bool {
	return len(f.rooms) > 0 || len(f.users) > 0 || len(f.streams) > 0
}

// shows reports whether it passes the filter. Every filter given must
// match (they combine with "and"; the values of one filter with "or").
// Rejected requests (404, 405, 413) carry no event and no ids: any filter
// but --only-failures hides them.
func (f *listenFilter) shows(it listenItem) bool {
	if !f.active() {
		return true
	}
	switch {
	case it.ev != nil:
		ev := it.ev
		if len(f.events) > 0 && !matchEventName(f.events, ev.Name, ev.Spec) {
			return false
		}
		if f.onlyFailures && ev.Sig != listen.SigBad && !ev.Replay && ok2xx(ev.Status) {
			return false
		}
		if !f.idsMatch(ev.Payload) {
			return false
		}
		if f.shownSeqs != nil {
			f.shownSeqs.add(ev.Seq)
		}
		return true
	case it.fa != nil:
		fa := it.fa
		if len(f.events) > 0 && !matchEventName(f.events, fa.Event, nil) {
			return false
		}
		if f.onlyFailures && (fa.Attempt.Verdict == deliver.Accepted || fa.Attempt.Verdict == deliver.AcceptedWithWarning) {
			return false
		}
		if f.filtersIDs() {
			return f.shownSeqs != nil && f.shownSeqs.has(fa.Seq)
		}
		return true
	case it.reject != nil:
		return len(f.events) == 0 && !f.filtersIDs()
	}
	return true
}

// idsMatch reports whether p carries one of the wanted values for each id
// filter given (in any of the fields that carry that id, as on the header
// line: room_id or channel_id for --room, and so on).
func (f *listenFilter) idsMatch(p *callback.Payload) bool {
	for _, want := range []struct {
		label  string
		values []string
	}{{"room", f.rooms}, {"stream", f.streams}, {"user", f.users}} {
		if len(want.values) == 0 {
			continue
		}
		if p == nil || !payloadHasID(p, want.label, want.values) {
			return false
		}
	}
	return true
}

func payloadHasID(p *callback.Payload, label string, values []string) bool {
	for _, name := range callback.KeyIDFields(label) {
		if v, ok := p.Get(name); ok && v.Kind != callback.KindArray && v.Kind != callback.KindObject {
			for _, want := range values {
				if v.Text == want {
					return true
				}
			}
		}
	}
	return false
}

// matchEventName reports whether an event named name (spec: its catalog
// entry, nil when not in the catalog) is one of wanted: a name, FAMILY/EVENT,
// a product family or a group, as callback.MatchEvent decides for every
// command.
func matchEventName(wanted []string, name string, spec *callback.Event) bool {
	for _, w := range wanted {
		if callback.MatchEvent(spec, name, w) {
			return true
		}
	}
	return false
}

// seqSet is a bounded set of arrival numbers (two generations).
type seqSet struct {
	mu        sync.Mutex
	cur, prev map[int]struct{}
}

const seqSetMax = 4096

func newSeqSet() *seqSet { return &seqSet{cur: map[int]struct{}{}, prev: map[int]struct{}{}} }

func (s *seqSet) add(seq int) {
	s.mu.Lock()
	if len(s.cur) >= seqSetMax {
		s.prev, s.cur = s.cur, make(map[int]struct{}, seqSetMax)
	}
	s.cur[seq] = struct{}{}
	s.mu.Unlock()
}

func (s *seqSet) has(seq int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.cur[seq]
	if !ok {
		_, ok = s.prev[seq]
	}
	return ok
}

// describe says what the filter shows, for the start-up notes:
// "stream_create or stream_close events in room room-1, failures only".
func (f *listenFilter) describe() string {
	var parts []string
	if len(f.events) > 0 {
		parts = append(parts, joinWords(f.events, "or")+" events")
	} else {
		parts = append(parts, "events")
	}
	for _, id := range []struct {
		label  string
		values []string
	}{{"room", f.rooms}, {"user", f.users}, {"stream", f.streams}} {
		if len(id.values) > 0 {
			parts = append(parts, "of "+id.label+" "+joinWords(id.values, "or"))
		}
	}
	text := strings.Join(parts, " ")
	if f.onlyFailures {
		text += " that failed (bad signature, non-2xx answer, rejected)"
	}
	return text
}
