package scenario

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func expandBuiltin(t *testing.T, name string, o Options) *Run {
	t.Helper()
	d, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	run, err := Expand(d, o)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func text(c *Callback, field string) string {
	v, ok := c.Payload.Get(field)
	if !ok {
		return ""
	}
	return v.Text
}

// TestPayloadsMatchCatalog: every payload, signed, passes the catalog's
// schema check with no problem at all, and carries the callback's ids.
func TestPayloadsMatchCatalog(t *testing.T) {
	cat := callback.Default()
	for _, info := range List() {
		run := expandBuiltin(t, info.Name, Options{Seed: 11})
		for i := range run.Callbacks {
			c := &run.Callbacks[i]
			ev, _ := cat.Lookup(c.Event)
			p := c.Payload.Clone()
			ev.Sign(p, "secret")
			if probs := ev.Check(p); len(probs) > 0 {
				t.Errorf("%s #%d %s: %v", info.Name, i+1, c.Event, probs)
			}
			if got := p.EventName(); got != c.Event {
				t.Errorf("%s #%d: event field %q, want %q", info.Name, i+1, got, c.Event)
			}
			if got := text(c, ev.RoleField(callback.RoleAppID).Name); got != run.AppID {
				t.Errorf("%s #%d %s: appid %q, want %q", info.Name, i+1, c.Event, got, run.AppID)
			}
			if got, want := text(c, "timestamp"), strconv.FormatInt(c.At.Unix(), 10); got != want {
				t.Errorf("%s #%d %s: timestamp %s, want %s", info.Name, i+1, c.Event, got, want)
			}
		}
	}
}

// TestIDsConsistent checks the ids and times across each run: the fields
// ZEGO's rules compare agree with one another and with what happened.
func TestIDsConsistent(t *testing.T) {
	for _, info := range List() {
		for seed := uint64(0); seed < 20; seed++ {
			run := expandBuiltin(t, info.Name, Options{Seed: seed})
			name := fmt.Sprintf("%s seed %d", info.Name, seed)
			roomSession := map[string]string{} // room -> current room_session_id
			sessions := map[string]bool{}      // every session id handed out
			lastSeq := map[string]int{}        // room session -> stream_seq
			sids := map[string]string{}        // stream -> stream_sid of its live instance
			var prev time.Time
			nonces := map[string]bool{}
			for i := range run.Callbacks {
				c := &run.Callbacks[i]
				if !c.At.After(prev) && i > 0 {
					t.Errorf("%s #%d: time %v not after %v", name, i+1, c.At, prev)
				}
				prev = c.At
				if n := text(c, "nonce"); nonces[n] {
					t.Errorf("%s #%d: nonce %s used twice", name, i+1, n)
				} else {
					nonces[n] = true
				}
				at := strconv.FormatInt(c.At.UnixMilli(), 10)
				if c.Opener >= 0 {
					o := &run.Callbacks[c.Opener]
					if o.Index != c.Opener || o.Room != c.Room || o.RoomSession != c.RoomSession || o.User != c.User || o.Stream != c.Stream || o.Session != c.Session {
						t.Errorf("%s #%d %s: opener #%d does not match", name, i+1, c.Event, c.Opener+1)
					}
				}
				switch c.Event {
				case "room_create":
					if sessions[c.RoomSession] {
						t.Errorf("%s #%d: room session %s reused", name, i+1, c.RoomSession)
					}
					sessions[c.RoomSession] = true
					roomSession[c.Room] = c.RoomSession
					if text(c, "room_session_id") != c.RoomSession || text(c, "room_create_time") != at || text(c, "room_id") != c.Room {
						t.Errorf("%s #%d room_create: %s", name, i+1, c.Payload.JSON())
					}
				case "room_close":
					if text(c, "room_session_id") != roomSession[c.Room] || text(c, "room_close_time") != at {
						t.Errorf("%s #%d room_close: %s", name, i+1, c.Payload.JSON())
					}
					delete(roomSession, c.Room)
				case "room_login", "room_logout":
					if text(c, "room_seq") != roomSession[c.Room] || text(c, "session_id") != c.Session || text(c, "user_account") != c.User {
						t.Errorf("%s #%d %s: %s", name, i+1, c.Event, c.Payload.JSON())
					}
					if c.Event == "room_login" {
						if sessions[c.Session] {
							t.Errorf("%s #%d: session %s reused", name, i+1, c.Session)
						}
						sessions[c.Session] = true
						if text(c, "login_time") != at || (text(c, "relogin") == "1") != c.Relogin {
							t.Errorf("%s #%d room_login: %s", name, i+1, c.Payload.JSON())
						}
					} else {
						o := &run.Callbacks[c.Opener]
						if text(c, "logout_time") != at || text(c, "login_time") != text(o, "login_time") {
							t.Errorf("%s #%d room_logout: %s", name, i+1, c.Payload.JSON())
						}
						if c.Added == "relogin" && text(c, "reason") != "3" {
							t.Errorf("%s #%d: a relogin's logout has reason %s, want 3", name, i+1, text(c, "reason"))
						}
					}
				case "stream_create", "stream_close":
					key := c.RoomSession
					seq, _ := strconv.Atoi(text(c, "stream_seq"))
					if seq != lastSeq[key]+1 || seq != c.StreamSeq {
						t.Errorf("%s #%d %s: stream_seq %d after %d", name, i+1, c.Event, seq, lastSeq[key])
					}
					lastSeq[key] = seq
					if text(c, "room_session_id") != roomSession[c.Room] || text(c, "stream_id") != c.Stream || text(c, "user_id") != c.User {
						t.Errorf("%s #%d %s: %s", name, i+1, c.Event, c.Payload.JSON())
					}
					sid := text(c, "stream_sid")
					if c.Event == "stream_create" {
						if c.Recreate != (text(c, "recreate") == "1") {
							t.Errorf("%s #%d: recreate field %q", name, i+1, text(c, "recreate"))
						}
						if c.Recreate && sids[c.Stream] != sid {
							t.Errorf("%s #%d: recreate changed stream_sid %s -> %s", name, i+1, sids[c.Stream], sid)
						}
						if !c.Recreate && sid == sids[c.Stream] {
							t.Errorf("%s #%d: a new stream kept stream_sid %s", name, i+1, sid)
						}
						sids[c.Stream] = sid
						if text(c, "create_time_ms") != at {
							t.Errorf("%s #%d stream_create: %s", name, i+1, c.Payload.JSON())
						}
					} else {
						o := &run.Callbacks[c.Opener]
						if sid != sids[c.Stream] || text(c, "destroy_timemillis") != at || text(c, "create_time_ms") == "" || o.Event != "stream_create" || o.Recreate {
							t.Errorf("%s #%d stream_close: %s", name, i+1, c.Payload.JSON())
						}
					}
				}
			}
		}
	}
}

func TestExpandDeterministic(t *testing.T) {
	start := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	for _, info := range List() {
		a := expandBuiltin(t, info.Name, Options{Seed: 42, Start: start})
		b := expandBuiltin(t, info.Name, Options{Seed: 42, Start: start})
		c := expandBuiltin(t, info.Name, Options{Seed: 43, Start: start})
		if !bytes.Equal(dump(a), dump(b)) {
			t.Errorf("%s: seed 42 twice gave different runs", info.Name)
		}
		if bytes.Equal(dump(a), dump(c)) || a.Tag == c.Tag && a.AppID == c.AppID {
			t.Errorf("%s: seeds 42 and 43 gave the same run", info.Name)
		}
		if !a.Start.Equal(start) || a.Callbacks[0].At != start {
			t.Errorf("%s: starts at %v, want %v", info.Name, a.Callbacks[0].At, start)
		}
	}
	run := expandBuiltin(t, "live", Options{Seed: 1, AppID: "1234567890"})
	if run.AppID != "1234567890" || text(&run.Callbacks[0], "appid") != "1234567890" {
		t.Errorf("AppID option not used: %s", run.AppID)
	}
	if got := run.Span(); got != run.Callbacks[len(run.Callbacks)-1].At.Sub(DefaultStart) || got < time.Minute {
		t.Errorf("Span %v", got)
	}
}

func dump(run *Run) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "appid %s tag %s\n", run.AppID, run.Tag)
	for _, c := range run.Callbacks {
		b.Write(c.Payload.JSON())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestGoldenReconnect pins the reconnect scenario's bodies for seed 1 (run
// with -update after an intended change).
func TestGoldenReconnect(t *testing.T) {
	run := expandBuiltin(t, "reconnect", Options{Seed: 1})
	got := dump(run)
	file := filepath.Join("testdata", "reconnect-seed1.golden")
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("reconnect seed 1 differs from %s (go test -run TestGoldenReconnect -update if intended)\n%s", file, got)
	}
}
