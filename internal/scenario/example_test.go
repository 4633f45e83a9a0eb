package scenario_test

import (
	"fmt"

	"github.com/zegocb/zegocb/internal/scenario"
)

// The calls a `zegocb scenario` command makes: load, expand, arrange,
// deliver (here: only list), evaluate, and diff a receiver's state.
func Example() {
	def, err := scenario.Builtin("reconnect")
	if err != nil {
		panic(err)
	}
	run, _ := scenario.Expand(def, scenario.Options{Seed: 25})
	plan, _ := scenario.Arrange(run, scenario.Adversarial, 25)
	for _, d := range plan.Deliveries {
		c := run.Callbacks[d.Callback]
		hazard := ""
		if d.Hazard != "" {
			hazard = " (" + string(d.Hazard) + ")"
		}
		fmt.Printf("%02d #%d %s, attempt %d%s\n", d.N, c.Index+1, c.Label(), d.Attempt, hazard)
	}
	out, _ := scenario.Evaluate(run, plan)
	fmt.Printf("true:        %s", out.True.JSON())
	fmt.Printf("ZEGO rules:  right=%v, %d queued\n", out.ZegoRulesRight, out.ZegoPending)

	// A receiver that trusts arrival order, as its --expect-url would answer.
	naive, _ := scenario.Replay(scenario.NewNaive(), run, plan)
	got, err := scenario.ParseState(naive.JSON())
	if err != nil {
		panic(err)
	}
	for _, e := range scenario.Diff(out.True, got).Entries {
		fmt.Printf("%s %s %s: want %s, got %s\n", e.Verdict, e.Kind, e.Room+"/"+e.ID, e.Want, e.Got)
	}
	// Output:
	// 01 #1 room_create r1-38b8, attempt 1
	// 02 #1 room_create r1-38b8, attempt 2 (duplicate)
	// 03 #2 room_login u1-38b8, attempt 1
	// 04 #8 room_logout u2-38b8, attempt 1 (logout_before_login)
	// 05 #3 room_login u2-38b8, attempt 1
	// 06 #6 stream_close s1-38b8 seq=3, attempt 1 (close_before_create)
	// 07 #4 stream_create s1-38b8 seq=1, attempt 1
	// 08 #5 stream_create s1-38b8 seq=2 recreate=1, attempt 1
	// 09 #7 stream_create s1-38b8 seq=4, attempt 1
	// 10 #6 stream_close s1-38b8 seq=3, attempt 2 (late_retry)
	// true:        {"rooms":[{"room_id":"r1-38b8","room_session_id":"3745629907517231977","users":["u1-38b8"],"streams":["s1-38b8"]}]}
	// ZEGO rules:  right=true, 0 queued
	// PASS room r1-38b8/: want present, got present
	// PASS room_session r1-38b8/: want 3745629907517231977, got 3745629907517231977
	// PASS user r1-38b8/u1-38b8: want present, got present
	// FAIL user r1-38b8/u2-38b8: want absent, got present
	// FAIL stream r1-38b8/s1-38b8: want present, got absent
}
