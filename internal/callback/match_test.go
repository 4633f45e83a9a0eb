package callback

import "testing"

// A bare group names RTC's group only (as a shared bare name means the RTC
// event); FAMILY/GROUP names any family's.
func TestMatchEventGroups(t *testing.T) {
	c := Default()
	for _, tt := range []struct {
		event, want string
		ok          bool
	}{
		{"stream_create", "stream", true},
		{"room_create", "room", true},
		{"room_create", "rtc/room", true},
		{"zim/room_create", "room", false},
		{"zim/room_create", "zim/room", true},
		{"zim/room_create", "Zim/ROOM", true},
		{"zim/room_create", "zim", true},
		{"zim/room_create", "zim/room_create", true},
		{"room_create", "zim/room", false},
		{"zim/call_accept", "call", false},
		{"zim/call_accept", "zim/call", true},
		{"stream_create", "zim/stream", false},
		{"stream_create", "/stream", false},
		{"stream_create", "rtc/", false},
	} {
		e, ok := c.Lookup(tt.event)
		if !ok {
			t.Fatalf("no event %s", tt.event)
		}
		if got := MatchEvent(e, e.Name, tt.want); got != tt.ok {
			t.Errorf("MatchEvent(%s, %q) = %v, want %v", e.Qualified, tt.want, got, tt.ok)
		}
	}
	// --event task took asr, cloudrecording and digitalhuman tasks.
	for _, e := range c.Events() {
		if e.Product.Name != "rtc" && e.Group != "" && MatchEvent(e, e.Name, e.Group) {
			t.Errorf("bare group %q matches %s", e.Group, e.Qualified)
		}
		if e.Group != "" && !c.Matches(e.GroupRef) {
			t.Errorf("%s's group %q is not a filter value", e.Qualified, e.GroupRef)
		}
	}
	if got := c.GroupsNamed("task"); len(got) != 3 || got[0] != "asr/task" || got[1] != "cloudrecording/task" || got[2] != "digitalhuman/task" {
		t.Errorf("GroupsNamed(task) = %q", got)
	}
	if got := c.GroupsNamed("stream"); len(got) != 0 {
		t.Errorf("GroupsNamed(stream) = %q: RTC's is bare", got)
	}
	if c.Matches("task") || !c.Matches("asr/task") || !c.Matches("stream") {
		t.Error("Matches: want bare groups for RTC only")
	}
}
