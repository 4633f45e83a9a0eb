package callback

import (
	"errors"
	"testing"
)

// JSON syntax errors point at the offending byte, 0-based like every other offset.
func TestParseJSONErrorOffset(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{`{"a":"1",,}`, 9},
		{`{"a":x}`, 5},
		{`{"a":"1"`, 8}, // truncated: the end of the body
		{`[1]`, 0},
	}
	for _, tt := range tests {
		_, err := ParseJSON([]byte(tt.body))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Offset != tt.want {
			t.Errorf("%s: err %v, want offset %d", tt.body, err, tt.want)
		}
	}
}
