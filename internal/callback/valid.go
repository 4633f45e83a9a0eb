// valid.go holds quick checks of JSON text: validity and nesting depth.

package callback

import "github.com/tidwall/gjson"

// MaxDepth is the deepest JSON nesting zegocb accepts, as encoding/json
// does. ZEGO's callbacks nest two or three levels.
const MaxDepth = 10000

// ValidJSON reports whether s is valid JSON no deeper than MaxDepth.
// gjson.Valid recurses once per level, so ten million '[' exhaust the
// goroutine stack (a fatal error, not a panic); the depth is counted
// first, iteratively.
func ValidJSON(s string) bool {
	return !DeeperThan(s, MaxDepth) && gjson.Valid(s)
}

// DeeperThan reports whether brackets outside strings nest deeper than
// limit somewhere in s. It validates nothing else and stops early.
func DeeperThan(s string, limit int) bool {
	depth, inString := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > limit {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}
