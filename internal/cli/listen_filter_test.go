package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// lsMixed posts a mix through l: stream_close (room-7c81), record (no
// room), room_login (room-d661, user user-dec7), the record again with a
// bad signature, and a GET (rejected).
func lsMixed(t *testing.T, l *bgRun) {
	t.Helper()
	post := func(body []byte) { lsPost(t, l.url("/"), "application/json", body) }
	post(lsFixture(t, "stream_close"))
	post(lsFixture(t, "record"))
	post(lsFixture(t, "room_login"))
	post(bytes.Replace(lsFixture(t, "record"), []byte(`"signature":"ee`), []byte(`"signature":"EE`), 1))
	resp, err := http.Get(l.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// The display filters, through the real server, in each output mode: what
// is shown, and the summary's count of what was hidden. The capture file
// still holds every callback.
func TestListenFilters(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		shown  []string // header fragments shown, in order
		hidden int
	}{
		{"event", []string{"--event", "record"}, []string{"#2  record", "#4  record"}, 3},
		{"events", []string{"--event", "stream_close,ROOM_LOGIN"}, []string{"#1  stream_close", "#3  room_login"}, 3},
		{"room", []string{"--room", "room-d661"}, []string{"#3  room_login"}, 4},
		{"user", []string{"--user", "user-dec7,nobody"}, []string{"#3  room_login"}, 4},
		{"stream via alias", []string{"--stream", "room-34dd-user-6176"}, []string{"#2  record", "#4  record"}, 3},
		{"only failures", []string{"--only-failures"}, []string{"#4  record", "rejected  GET /"}, 3},
		{"and", []string{"--event", "record", "--only-failures"}, []string{"#4  record"}, 4},
	}
	for _, tt := range tests {
		for _, mode := range []string{"pretty", "quiet"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				capPath := filepath.Join(t.TempDir(), "cap.jsonl")
				args := append([]string{"--save", capPath}, tt.args...)
				if mode == "quiet" {
					args = append(args, "-q")
				}
				l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen(args...)
				lsMixed(t, l)
				if code := l.stop(); code != 0 {
					t.Fatalf("exit %d", code)
				}
				var heads []string
				for _, line := range strings.Split(l.out.String(), "\n") {
					if lsHeaderLine.MatchString(line) {
						heads = append(heads, line)
					}
				}
				if len(heads) != len(tt.shown) {
					t.Fatalf("%d lines shown, want %d:\n%s", len(heads), len(tt.shown), strings.Join(heads, "\n"))
				}
				for i, want := range tt.shown {
					if !strings.Contains(heads[i], want) {
						t.Errorf("line %d is %q, want %q", i, heads[i], want)
					}
				}
				if !strings.Contains(l.errOut.String(), "4 events,") || !strings.Contains(l.errOut.String(), ", "+strconv.Itoa(tt.hidden)+" hidden by filters") {
					t.Errorf("summary: %s", l.errOut.String())
				}
				if recs := lsReadCapture(t, capPath); len(recs) != 4 {
					t.Errorf("capture holds %d callbacks, want all 4", len(recs))
				}
			})
		}
	}
}

// -o json is filtered too.
func TestListenFiltersJSON(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-o", "json", "--event", "room_login")
	lsMixed(t, l)
	l.stop()
	rows := lsJSONLines(t, l.out.String())
	if len(rows) != 1 || rows[0]["event"] != "room_login" {
		t.Fatalf("rows: %v", rows)
	}
}

// Filters hide from the display only: a callback hidden by every filter is
// still forwarded to the app, and its background retries too; the startup
// notes say so.
func TestListenFiltersStillForward(t *testing.T) {
	var got atomic.Int32
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		io.WriteString(w, "1")
	}))
	defer app.Close()
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--forward-to", app.URL, "--event", "no_such_event", "--room", "nowhere")
	lsMixed(t, l)
	l.stop()
	if got.Load() != 3 { // the three well-signed callbacks
		t.Errorf("the app got %d callbacks, want 3", got.Load())
	}
	if strings.TrimSpace(l.out.String()) != "" {
		t.Errorf("shown: %s", l.out.String())
	}
	errOut := l.errOut.String()
	for _, want := range []string{"showing only no_such_event events of room nowhere (every request is still answered and forwarded)", "--event no_such_event: not an event, group or family zegocb knows", "5 hidden by filters"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// Without filters the summary does not mention them.
func TestListenNoFilterNoHiddenCount(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-q")
	lsMixed(t, l)
	l.stop()
	if strings.Contains(l.errOut.String(), "hidden") {
		t.Errorf("summary: %s", l.errOut.String())
	}
}

func TestMatchEventName(t *testing.T) {
	for _, tt := range []struct {
		wanted []string
		name   string
		want   bool
	}{
		{[]string{"stream_create"}, "stream_create", true},
		{[]string{"stream_create", "record"}, "record", true},
		{[]string{"Stream_Create"}, "stream_create", true},
		{[]string{"stream_create"}, "stream_close", false},
		{[]string{"stream"}, "stream_create", false},
		{nil, "record", false},
	} {
		if got := matchEventName(tt.wanted, tt.name, nil); got != tt.want {
			t.Errorf("matchEventName(%v, %q) = %v", tt.wanted, tt.name, got)
		}
	}
}
