package callback

import (
	"strings"
	"testing"
)

func TestValidJSONDepth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`{"a":[1,{"b":"]]]]"}]}`, true},
		{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), true},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), false},
		{`"` + strings.Repeat("[", MaxDepth+1) + `"`, true}, // inside a string
		{`"\"` + strings.Repeat("{", MaxDepth+1) + `"`, true},
		{strings.Repeat("[", 10<<20), false}, // would overflow gjson's stack
		{`{"a":`, false},
	} {
		if got := ValidJSON(tc.in); got != tc.want {
			t.Errorf("ValidJSON(%.30q… %d bytes) = %v, want %v", tc.in, len(tc.in), got, tc.want)
		}
	}
}

func TestDeeperThan(t *testing.T) {
	s := `{"a":[{"b":"[[[["}],"c":{}}`
	if DeeperThan(s, 3) || !DeeperThan(s, 2) {
		t.Errorf("depth of %s is 3", s)
	}
}
