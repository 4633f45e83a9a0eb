package cli

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

// Every command's --help fits in helpWidth columns, examples aside (they
// are commands to copy, with their comments in one column).
func TestHelpFitsWidth(t *testing.T) {
	root := newCmdtest(t, cmdOpts{}).f
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			// completion's subcommands are cobra's own text.
			if !sub.Hidden && sub.Name() != "help" && c.Name() != "completion" {
				walk(sub, append(append([]string{}, path...), sub.Name()))
			}
		}
	}
	walk(NewRootCmd(root), nil)
	if len(paths) < 12 {
		t.Fatalf("only %d commands", len(paths))
	}
	for _, p := range paths {
		c := newCmdtest(t, cmdOpts{})
		code, out, errOut := c.call(append(append([]string{}, p...), "--help")...)
		if code != 0 {
			t.Fatalf("%v --help: exit %d: %s", p, code, errOut)
		}
		inExamples := false
		for _, line := range strings.Split(out, "\n") {
			switch {
			case line == "Examples:":
				inExamples = true
			case inExamples && line != "" && !strings.HasPrefix(line, " "):
				inExamples = false
			}
			if !inExamples && utf8.RuneCountInString(line) > helpWidth {
				t.Errorf("zegocb %s --help: %d columns: %s", strings.Join(p, " "), utf8.RuneCountInString(line), line)
			}
		}
	}
}

// In every command's examples, the comments start in one column.
func TestExampleCommentsAligned(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		col := -1
		for _, line := range strings.Split(c.Example, "\n") {
			i := strings.Index(line, "  # ")
			if i < 0 {
				continue
			}
			if col >= 0 && i != col {
				t.Errorf("%s example: comment at column %d, the others at %d: %s", c.CommandPath(), i+2, col+2, line)
			}
			col = i
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(newCmdtest(t, cmdOpts{}).f))
}

// The commands whose stream of JSON objects docs/json.md documents point
// there from --help.
func TestHelpPointsToJSONSchema(t *testing.T) {
	for _, cmd := range []string{"listen", "verify"} {
		_, out, _ := newCmdtest(t, cmdOpts{}).call(cmd, "--help")
		if !strings.Contains(out, "docs/json.md") {
			t.Errorf("%s --help does not point to docs/json.md", cmd)
		}
	}
}
