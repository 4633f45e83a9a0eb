package scenario

import (
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

// TestZegoRulesOtherSession pins rules [UL] 2 and 8, [SL] 2 and 6: a user
// or stream callback of another room session is queued when it may belong
// to a newer session (login and stream_create at or after the stored room's
// create time, logout and stream_close strictly after) and ignored
// otherwise; of the ignored ones only stream_create still replays the
// queue. Built runs never hit these edges (every callback has its own
// millisecond), so this test does.
//
// Setup: r1 session S1 created at 10; u1 logs in (session 11) at 20; a
// logout of session 13 at 25 is queued (it may end a newer login); a login
// of session 11 again at 30 moves u1's login time on without a replay, so
// the queued logout is now stale: a replay drops it from the queue.
func TestZegoRulesOtherSession(t *testing.T) {
	other := func(event, tm string) *callback.Payload {
		switch event {
		case "room_login", "room_logout":
			tf := map[string]string{"room_login": "login_time", "room_logout": "logout_time"}[event]
			return mk(event, "room_id=r1", "room_seq="+sidS2, "user_account=u2", "session_id=21", tf+"="+tm)
		}
		tf := map[string]string{"stream_create": "create_time_ms", "stream_close": "destroy_timemillis"}[event]
		return mk(event, "room_id=r1", "room_session_id="+sidS2, "stream_id=s9", "stream_seq=1", tf+"="+tm)
	}
	for _, tc := range []struct {
		event, at   string
		wantPending int
	}{
		{"room_login", "10", 2},    // at the create time: queued
		{"room_login", "9", 1},     // before: ignored, no replay
		{"room_logout", "11", 2},   // after: queued
		{"room_logout", "10", 1},   // at the create time: ignored
		{"stream_create", "10", 2}, // at the create time: queued
		{"stream_create", "9", 0},  // before: ignored, and the queue is replayed
		{"stream_close", "11", 2},  // after: queued
		{"stream_close", "10", 1},  // at the create time: ignored
	} {
		z := NewZegoRules()
		s := feed(t, z, mk("room_create", "room_id=r1", "room_session_id="+sidS1, "room_create_time=10"),
			login("u1", "11", "20"), logout("u1", "13", "25"), login("u1", "11", "30"))
		if z.Pending() != 1 {
			t.Fatalf("setup: %d queued, want 1", z.Pending())
		}
		got := feed(t, z, other(tc.event, tc.at))
		if z.Pending() != tc.wantPending {
			t.Errorf("%s at %s of another session: %d queued, want %d", tc.event, tc.at, z.Pending(), tc.wantPending)
		}
		if !got.Equal(s) {
			t.Errorf("%s at %s of another session changed the lists: %s, want %s", tc.event, tc.at, got, s)
		}
	}
}
