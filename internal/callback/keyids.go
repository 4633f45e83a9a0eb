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
// for MaxKeyIDs).
func AppendKeyIDs(dst []KeyID, p *Payload) []KeyID {
	if p == nil {
		return dst
	}
	for _, k := range keyIDFields {
		for _, f := range k.fields {
			if v, ok := p.Get(f); ok && v.Kind != KindArray && v.Kind != KindObject && v.Text != "" {
				dst = append(dst, KeyID{Label: k.label, Value: v.Text})
				break
			}
		}
	}
	return dst
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
