package cli

import (
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

// listen's header line (and send's receiver line) shows the ids of every
// family, from callback.KeyIDs, not RTC's alone.
func TestAppendKeyIDsFamilies(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"event":"stream_create","room_id":"r1","stream_id":"s1","user_id":"u1"}`, "  room=r1 stream=s1 user=u1"},
		{`{"event":"call_create","call_id":"c9","from_user_id":"f"}`, "  user=f call=c9"},
		{`{"event":"group_create","group_id":"g"}`, "  group=g"},
		{`{"Event":"AgentSpeakAction","AgentInstanceId":"ai","RoomId":"R"}`, "  room=R agent=ai"},
		{`{"EventType":3,"PlayerId":"p","TaskId":"t"}`, "  task=t player=p"},
		{`{"event":"x"}`, ""},
	}
	for _, c := range cases {
		p, err := callback.Parse([]byte(c.body), "application/json")
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendKeyIDs(nil, p, plainLabel)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.body, got, c.want)
		}
	}
}
