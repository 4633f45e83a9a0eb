package callback

import (
	"hash/maphash"
	"testing"
)

func TestDigestIsTheContent(t *testing.T) {
	seed := maphash.MakeSeed()
	d := func(body, ctype string) uint64 {
		t.Helper()
		p, err := Parse([]byte(body), ctype)
		if err != nil {
			t.Fatal(err)
		}
		return p.Digest(seed)
	}
	base := d(`{"event":"room_login","room_id":"r1","seq":7}`, "application/json")
	for _, same := range []struct{ body, ctype string }{
		{`{"event":"room_login","room_id":"r1","seq":7}`, "application/json"},
		{`{ "seq": "7", "room_id": "r1", "event": "room_login" }`, "application/json"}, // order, spacing, number as string
		{`event=room_login&room_id=r1&seq=7`, "application/x-www-form-urlencoded"},
	} {
		if got := d(same.body, same.ctype); got != base {
			t.Errorf("%s: digest differs for the same content", same.body)
		}
	}
	for _, other := range []string{
		`{"event":"room_login","room_id":"r2","seq":7}`,
		`{"event":"room_login","room_id":"7","seq":"r1"}`, // values swapped
		`{"event":"room_login","room_id":"r1","seq":7,"x":""}`,
		`{"event":"room_login","room_id":"r1"}`,
		`{"event":"room_login","room_id":"r1","seq":7,"seq":7}`,
	} {
		if d(other, "application/json") == base {
			t.Errorf("%s: same digest as different content", other)
		}
	}
}
