package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/build"
)

func TestCompletionScripts(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "__start_zegocb",
		"zsh":        "#compdef zegocb",
		"fish":       "complete -c zegocb",
		"powershell": "Register-ArgumentCompleter",
	} {
		ct := newCmdtest(t, cmdOpts{width: 100})
		if code := ct.run("completion", shell); code != 0 {
			t.Fatalf("%s: exit %d: %s", shell, code, ct.errOut)
		}
		if !strings.Contains(ct.out.String(), marker) {
			t.Errorf("%s script lacks %q", shell, marker)
		}
	}
}

func TestUnknownCommandIsUsage(t *testing.T) {
	newCmdtest(t, cmdOpts{width: 100}).runFails(ExitUsage, []string{`unknown command "evnets"`, "did you mean events?", "zegocb --help"}, "evnets")
}

func TestVersionJSON(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{width: 100})
	if code := ct.run("version", "-o", "json"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got build.Info
	if err := json.Unmarshal(ct.out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, ct.out)
	}
	if got.Version == "" || got.Go == "" {
		t.Errorf("version info %+v", got)
	}
}
