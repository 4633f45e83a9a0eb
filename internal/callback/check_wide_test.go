package callback

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// wideEvent is an event of n required string fields (the first five carry
// the common roles), wider than one word of CheckRoles' bitsets.
func wideEvent(t *testing.T, n int) *Event {
	t.Helper()
	e := &Event{Name: "wide"}
	roles := []Role{RoleEvent, RoleAppID, RoleTimestamp, RoleNonce, RoleSignature}
	for i := 0; i < n; i++ {
		f := Field{Name: "f" + strconv.Itoa(i), Type: TypeString, Required: true}
		if i < len(roles) {
			f.Role = roles[i]
		}
		e.Fields = append(e.Fields, f)
	}
	if err := e.index(); err != nil {
		t.Fatal(err)
	}
	return e
}

// CheckRoles reports every missing required field of an event with more
// fields than a bitset word holds, in every word, and none when all are
// present (whatever order, duplicates aside).
func TestCheckRolesWideEvent(t *testing.T) {
	for _, n := range []int{63, 64, 65, 128, 130, 200} {
		e := wideEvent(t, n)
		for _, drop := range [][]int{nil, {5}, {63}, {n - 1}, {6, min(64, n-2), n - 1}, {n / 2, n - 2}} {
			var b strings.Builder
			b.WriteString(`{"f0":"wide"`)
			for i := n - 1; i >= 1; i-- { // reverse order: no help from catalog order
				if !slices.Contains(drop, i) {
					b.WriteString(`,"f` + strconv.Itoa(i) + `":"v"`)
				}
			}
			b.WriteString(`}`)
			p, err := ParseJSON([]byte(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, pr := range e.CheckRoles(p, new(RoleEntries)) {
				got = append(got, pr.String())
			}
			var want []string
			for i := 0; i < n; i++ {
				if slices.Contains(drop, i) && !slices.Contains(want, "f"+strconv.Itoa(i)+": missing required field") {
					want = append(want, "f"+strconv.Itoa(i)+": missing required field")
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d fields, without %v: got %q, want %q", n, drop, got, want)
			}
		}
	}
}
