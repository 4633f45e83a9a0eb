package callback

import (
	"reflect"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	c := Default()
	tests := []struct {
		in   string
		want []string
	}{
		{"mix_strat", []string{"mix_start", "mix_stop"}},
		{"stream_crate", []string{"stream_create", "stream_close"}},
		{"ROOM_LOGIN", []string{"room_login", "room_logout"}},
		{"transcode", []string{"transcode_start", "transcode_stop"}},
		{"zzzzzzzz", []string{}},
	}
	for _, tt := range tests {
		got := c.Suggest(tt.in, 3)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A huge name (a body's "event" value can be megabytes) is not compared
// letter by letter with every event name: the length difference alone rules
// those out, and a known name inside it is still found.
func TestSuggestHugeName(t *testing.T) {
	huge := strings.Repeat("x", 1<<20) + "stream_create"
	if got := Default().Suggest(huge, 3); len(got) != 1 || got[0] != "stream_create" {
		t.Fatalf("Suggest(huge) = %v", got)
	}
}

func BenchmarkSuggestHugeName(b *testing.B) {
	huge := strings.Repeat("x", 4<<20)
	for i := 0; i < b.N; i++ {
		Default().Suggest(huge, 3)
	}
}

func TestSuggestFamilies(t *testing.T) {
	c := Default()
	if got := c.Suggest("zim/room_creat", 2); len(got) == 0 || got[0] != "zim/room_create" {
		t.Errorf("Suggest(zim/room_creat) = %v", got)
	}
	got := c.Suggest("room_creat", 0)
	if len(got) < 2 || got[0] != "room_create" || got[1] != "zim/room_create" {
		t.Errorf("Suggest(room_creat) = %v, want room_create then zim/room_create", got)
	}
}

func TestSuggestField(t *testing.T) {
	e, _ := Default().Lookup("stream_close")
	for _, tc := range []struct{ in, want string }{{"typ", "type"}, {"stream_idd", "stream_id"}, {"ROOM_ID", "room_id"}} {
		if got := e.SuggestField(tc.in, 1); len(got) != 1 || got[0] != tc.want {
			t.Errorf("SuggestField(%q) = %v, want %s", tc.in, got, tc.want)
		}
	}
	if got := e.SuggestField("zzzzzzzz", 1); len(got) != 0 {
		t.Errorf("SuggestField(zzzzzzzz) = %v", got)
	}
}

// A known name is never suggested for itself: replay once said `unknown
// event "zim/room_create" (did you mean zim/room_create?)` for a value that
// is zegocb's qualified name, not a routing value.
func TestSuggestNeverItself(t *testing.T) {
	c := Default()
	for _, in := range []string{"zim/room_create", "stream_create", " stream_create "} {
		for _, s := range c.Suggest(in, 0) {
			if s == strings.TrimSpace(in) {
				t.Errorf("Suggest(%q) suggests %q itself: %q", in, s, c.Suggest(in, 0))
			}
		}
	}
	if got := c.Suggest("Stream_Create", 1); len(got) != 1 || got[0] != "stream_create" {
		t.Errorf("Suggest(Stream_Create) = %q, want the lower-case name", got)
	}
}

// A routing value that is zegocb's qualified name gets an explanation, not
// a suggestion; any other value gets none.
func TestQualifiedHint(t *testing.T) {
	c := Default()
	if got, want := c.QualifiedHint("zim/room_create"), `zim/room_create is zegocb's name for an event whose event field is "room_create"`; got != want {
		t.Errorf("QualifiedHint(zim/room_create) = %q, want %q", got, want)
	}
	for _, v := range []string{"room_create", "zim/nope", "stream_creat", ""} {
		if got := c.QualifiedHint(v); got != "" {
			t.Errorf("QualifiedHint(%q) = %q, want none", v, got)
		}
	}
}
