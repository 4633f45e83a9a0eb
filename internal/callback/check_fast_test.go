package callback

import (
	"strings"
	"testing"
)

var arrayCases = []string{
	`[]`, ` [ ] `, `["a"]`, `["a","bb" , "ccc"]`, `[ "a\"b\u00e9" ]`, `["a",1]`, `[1,"a"]`, `[null]`, `[["a"]]`,
	`[{"a":"b"}]`, `["` + strings.Repeat("x", 300) + `"]`, `["` + strings.Repeat(`\"`, 200) + `"]`,
	`["` + strings.Repeat(`\u00e9`, 60) + `"]`, `["` + strings.Repeat("y", 256) + `","` + strings.Repeat("z", 400) + `"]`,
	`["a",]`, `["a"`, `[`, `"a"`, `{}`, `["\ud83d"]`,
}

// scanStringArray, when it can tell, agrees with the gjson walk it
// replaces, for every limit.
func TestScanStringArrayAgrees(t *testing.T) {
	for _, raw := range arrayCases {
		for _, max := range []int{0, 1, 100, 256, 300} {
			bad, long, ok := scanStringArray(raw, max)
			if !ok {
				if validJSONFast(raw) && strings.HasPrefix(raw, "[") {
					t.Errorf("%q: cannot tell for a valid array", raw)
				}
				continue
			}
			wbad, wlong := gjsonStringArray(raw, max)
			if bad != wbad || long != wlong {
				t.Errorf("%q max %d: got bad=%v long=%d, want %v %d", raw, max, bad, long, wbad, wlong)
			}
		}
	}
}

// validJSONFast never accepts what ValidJSON refuses, and accepts the
// usual JSON-in-string values.
func TestValidJSONFast(t *testing.T) {
	cases := append(append([]string{}, scanCases...), arrayCases...)
	cases = append(cases, `1`, ` -2.5e3 `, `"x"`, `true`, `false`, `null`, `nul`, `{"TaskId":"a","Duration":3.5}`, strings.Repeat("[", 100)+strings.Repeat("]", 100))
	for _, s := range cases {
		if validJSONFast(s) && !ValidJSON(s) {
			t.Errorf("validJSONFast accepts invalid %q", s)
		}
	}
	for _, s := range []string{`{"TaskId":"a","Duration":3.5}`, `[1,{"a":[true,null]}]`, ` "s" `, `0`} {
		if !validJSONFast(s) {
			t.Errorf("validJSONFast refuses %q", s)
		}
	}
}
