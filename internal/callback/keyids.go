// keyids.go holds the ids a one-line summary of a callback shows (room, stream,
// user, task), found in one pass over the payload.

package callback

// KeyID is one id a one-line summary of a callback shows: "room",
// "stream", "user", "task", "call", "group", "agent" or "player", and its
// value as sent (from the network: escape it before printing).
type KeyID struct {
	Label, Value string
}

// keyIDFields are the ids in the order they are shown, each with the
// fields that carry it across the families (the first present wins).
var keyIDFields = [...]struct {
	label  string
	fields []string
}{
	{"room", []string{"room_id", "RoomId", "channel_id"}},
	{"stream", []string{"stream_id", "StreamId", "mix_stream_alias", "stream_alias"}},
	{"user", []string{"user_id", "UserId", "user_account", "from_user_id"}},
	{"task", []string{"task_id", "TaskId"}},
	{"call", []string{"call_id"}},
	{"group", []string{"group_id"}},
	{"agent", []string{"AgentInstanceId"}},
	{"player", []string{"PlayerId"}},
}

// MaxKeyIDs is the most ids KeyIDs returns.
const MaxKeyIDs = len(keyIDFields)

// KeyIDs returns the ids p carries, in a fixed order (room, stream, user,
// task, call, group, agent, player), each from the first of its fields
// present with a non-empty scalar value. listen's header line and the
// inspector's list show these.
func KeyIDs(p *Payload) []KeyID { return AppendKeyIDs(nil, p) }

// AppendKeyIDs is KeyIDs appending to dst (no allocation when dst has room
// for MaxKeyIDs). It reads the payload once: listen's -q line calls it for
// every request, and a Get per candidate field scanned the entries 18 times.
func AppendKeyIDs(dst []KeyID, p *Payload) []KeyID {
	if p == nil {
		return dst
	}
	// best[l] is the position, within label l's fields, of the field that
	// won so far (len(fields): none); tried marks fields already seen, so
	// that, as with Get, only a key's first value counts.
	var best [MaxKeyIDs]int
	var value [MaxKeyIDs]string
	var tried uint32 // bit n: field n seen
	for l := range keyIDFields {
		best[l] = len(keyIDFields[l].fields)
	}
	for i := range p.Entries {
		e := &p.Entries[i]
		l, pos, n, ok := keyIDField(e.Key)
		if !ok || tried&(1<<n) != 0 {
			continue
		}
		tried |= 1 << n
		v := e.Value
		if pos < best[l] && v.Kind != KindArray && v.Kind != KindObject && v.Text != "" {
			best[l], value[l] = pos, v.Text
		}
	}
	for l := range keyIDFields {
		if best[l] < len(keyIDFields[l].fields) {
			dst = append(dst, KeyID{Label: keyIDFields[l].label, Value: value[l]})
		}
	}
	return dst
}

// keyIDField locates a field of keyIDFields: its label, its position in
// that label's list, and its index among all of them (a switch: the
// compiler's string search beats hashing every key of every request).
// TestKeyIDFieldAgrees holds it to keyIDFields.
func keyIDField(key string) (label, pos, index int, ok bool) {
	switch key {
	case "room_id":
		return 0, 0, 0, true
	case "RoomId":
		return 0, 1, 1, true
	case "channel_id":
		return 0, 2, 2, true
	case "stream_id":
		return 1, 0, 3, true
	case "StreamId":
		return 1, 1, 4, true
	case "mix_stream_alias":
		return 1, 2, 5, true
	case "stream_alias":
		return 1, 3, 6, true
	case "user_id":
		return 2, 0, 7, true
	case "UserId":
		return 2, 1, 8, true
	case "user_account":
		return 2, 2, 9, true
	case "from_user_id":
		return 2, 3, 10, true
	case "task_id":
		return 3, 0, 11, true
	case "TaskId":
		return 3, 1, 12, true
	case "call_id":
		return 4, 0, 13, true
	case "group_id":
		return 5, 0, 14, true
	case "AgentInstanceId":
		return 6, 0, 15, true
	case "PlayerId":
		return 7, 0, 16, true
	}
	return 0, 0, 0, false
}

// KeyIDFields returns the fields that carry the id labelled label, in the
// order KeyIDs tries them (nil for an unknown label).
func KeyIDFields(label string) []string {
	for _, k := range keyIDFields {
		if k.label == label {
			return k.fields
		}
	}
	return nil
}
