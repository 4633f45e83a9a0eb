package callback

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestKeyIDs(t *testing.T) {
	cases := []struct {
		body string
		want []KeyID
	}{
		{`{"event":"stream_create","room_id":"r1","stream_id":"s1","user_id":"u1"}`,
			[]KeyID{{"room", "r1"}, {"stream", "s1"}, {"user", "u1"}}},
		{`{"event":"x","channel_id":"c","stream_alias":"a","user_account":"ua"}`,
			[]KeyID{{"room", "c"}, {"stream", "a"}, {"user", "ua"}}},
		{`{"EventType":1,"RoomId":"R","StreamId":"S","UserId":"U","TaskId":"T"}`,
			[]KeyID{{"room", "R"}, {"stream", "S"}, {"user", "U"}, {"task", "T"}}},
		{`{"event":"call_create","call_id":"c9","from_user_id":"f"}`,
			[]KeyID{{"user", "f"}, {"call", "c9"}}},
		{`{"event":"group_create","group_id":"g"}`, []KeyID{{"group", "g"}}},
		{`{"Event":"AgentSpeakAction","AgentInstanceId":"ai","RoomId":"R"}`,
			[]KeyID{{"room", "R"}, {"agent", "ai"}}},
		{`{"EventType":3,"PlayerId":"p","TaskId":"t"}`, []KeyID{{"task", "t"}, {"player", "p"}}},
		// The first field present wins; empty, array and object values are skipped.
		{`{"room_id":"","channel_id":"c","stream_id":[1],"user_id":{"a":1},"UserId":"U"}`,
			[]KeyID{{"room", "c"}, {"user", "U"}}},
		{`{"event":"x"}`, nil},
	}
	for _, c := range cases {
		p, err := Parse([]byte(c.body), "application/json")
		if err != nil {
			t.Fatal(err)
		}
		if got := KeyIDs(p); !reflect.DeepEqual(got, c.want) {
			t.Errorf("KeyIDs(%s) = %v, want %v", c.body, got, c.want)
		}
	}
	if got := KeyIDs(nil); got != nil {
		t.Errorf("KeyIDs(nil) = %v", got)
	}
}

// Every family but the ones whose callbacks carry no id at all shows an id
// for at least one of its events' samples.
func TestKeyIDsEveryFamily(t *testing.T) {
	shown := map[string]bool{}
	for _, e := range Default().Events() {
		if len(KeyIDs(e.Sample(SampleOptions{Now: time.Unix(1772366400, 0), Rand: rand.New(rand.NewPCG(1, 2))}))) > 0 {
			shown[e.Product.Name] = true
		}
	}
	for _, f := range []string{"rtc", "zim", "aiagent", "cloudplayer", "cloudrecording", "minigame"} {
		if !shown[f] {
			t.Errorf("no %s event sample shows an id", f)
		}
	}
	t.Logf("families with ids: %v", shown)
}

// keyIDField's switch agrees with keyIDFields, field by field, and the
// one-pass AppendKeyIDs with a Get per field in order (first key wins, an
// empty or structured value gives way to the next field).
func TestKeyIDFieldAgrees(t *testing.T) {
	n := 0
	for l, k := range keyIDFields {
		for pos, f := range k.fields {
			gl, gp, gi, ok := keyIDField(f)
			if !ok || gl != l || gp != pos || gi != n {
				t.Errorf("%s: %d %d %d %v, want %d %d %d", f, gl, gp, gi, ok, l, pos, n)
			}
			n++
		}
	}
	if n > 32 {
		t.Fatalf("%d fields: AppendKeyIDs marks them in a uint32", n)
	}
	if _, _, _, ok := keyIDField("room"); ok {
		t.Error("room is no id field")
	}
	bodies := []string{
		`{"channel_id":"c","room_id":"r","RoomId":"R"}`,
		`{"room_id":"","channel_id":"c","room_id":"late"}`,
		`{"stream_alias":"a","StreamId":{"x":1},"mix_stream_alias":"m","UserId":"U","from_user_id":"f"}`,
		`{"TaskId":"T","task_id":"t","call_id":"1","group_id":"g","AgentInstanceId":"A","PlayerId":"P"}`,
		`{"event":"x"}`,
	}
	for _, b := range bodies {
		p, err := Parse([]byte(b), "")
		if err != nil {
			t.Fatal(err)
		}
		var want []KeyID
		for _, k := range keyIDFields {
			for _, f := range k.fields {
				if v, ok := p.Get(f); ok && v.Kind != KindArray && v.Kind != KindObject && v.Text != "" {
					want = append(want, KeyID{k.label, v.Text})
					break
				}
			}
		}
		if got := KeyIDs(p); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", b, got, want)
		}
	}
}
