// number.go holds GroupDigits, the one way numbers get thousands separators
// on screen (listen's and the inspector's counts).

package ui

import "strconv"

// GroupDigits writes n with thousands separators: 10,000.
func GroupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
