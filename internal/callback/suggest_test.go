package callback

import (
	"reflect"
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
