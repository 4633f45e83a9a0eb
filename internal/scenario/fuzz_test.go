package scenario

import (
	"strings"
	"testing"
)

// FuzzLoad: any bytes give a definition that expands, or one error line.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"live", "reconnect", "churn"} {
		b, _ := defsFS.ReadFile("defs/" + name + ".json")
		f.Add(b)
	}
	f.Add(genDef(1))
	f.Add([]byte(`{"steps":[{"id":"a","event":"room_create","room":"r1","after":["a"]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Load("f.json", b)
		if err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") || !strings.HasPrefix(msg, "f.json") {
				t.Fatalf("bad error line %q", msg)
			}
			return
		}
		run, err := Expand(d, Options{Seed: 1})
		if err != nil {
			t.Fatalf("Load accepted what Expand refuses: %v", err)
		}
		for _, o := range []Order{Natural, Shuffled, Adversarial} {
			plan, err := Arrange(run, o, 1)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Evaluate(run, plan)
			if err != nil {
				t.Fatal(err)
			}
			if !out.Robust.Equal(out.True) {
				t.Fatalf("%s: robust %s, truth %s", o, out.Robust, out.True)
			}
		}
	})
}

// FuzzParseState: any bytes give a state that round-trips, or one error line.
func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"rooms":[{"room_id":"r1","room_session_id":"1","users":["u"],"streams":["s"]}]}`))
	f.Add([]byte(`{"rooms":[]}`))
	f.Add([]byte(`{"rooms":[{"room_id":"r1","users":[],"streams":[],"x":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseState(b)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		again, err := ParseState(s.JSON())
		if err != nil || !again.Equal(s) {
			t.Fatalf("round trip: %v, %s vs %s", err, again, s)
		}
		if !Diff(s, again).OK() {
			t.Fatal("a state differs from itself")
		}
	})
}
