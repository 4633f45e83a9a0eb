package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/build"
	"github.com/zegocb/zegocb/internal/scenario"
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

// Event names complete wherever an event is taken, through cobra's hidden
// __complete command (what the shell scripts call).
func TestCompleteEventNames(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		want      []string // completions, in order (descriptions dropped)
		directive string
		first     bool // want is only the first completions (a family, then its qualified events)
	}{
		{[]string{"send", "str"}, []string{"stream_close", "stream_create", "stream_task_status", "stream_not_exist"}, ":4", false},
		{[]string{"send", "zim/room_c"}, []string{"zim/room_create"}, ":4", false},
		{[]string{"send", "rtc/room_c"}, []string{"rtc/room_close", "rtc/room_create"}, ":4", false},
		{[]string{"send", "mix_start", "mix_s"}, []string{"mix_start", "mix_stop"}, ":4", false}, // several EVENTs share ids
		{[]string{"events", "room_l"}, []string{"room_login", "room_logout"}, ":4", false},
		{[]string{"sign", "--event", "mix"}, []string{"mix_start", "mix_stop"}, ":4", false},
		{[]string{"probe", "--events", "rec"}, []string{"record", "record_completed", "record_paused", "record_resumed"}, ":6", false},
		{[]string{"probe", "--events", "stream_create,stream_c"}, []string{"stream_create,stream_close"}, ":6", false},
		{[]string{"probe", "--events=room_login,room_lo"}, []string{"room_login,room_logout"}, ":6", false},
		// Families (and probe's all) complete wherever a list takes them.
		{[]string{"probe", "--events", "stream_create,zi"}, []string{"stream_create,zim"}, ":6", true},
		{[]string{"probe", "--events", "al"}, []string{"all"}, ":6", false},
		{[]string{"listen", "--event", "minig"}, []string{"minigame"}, ":6", true},
		{[]string{"replay", "--event", "mix"}, []string{"mix_start", "mix_stop"}, ":6", false},
		{[]string{"replay", "--event", "cloudr"}, []string{"cloudrecording"}, ":6", true},
		{[]string{"events", "--family", "c"}, []string{"cloudplayer", "cloudrecording"}, ":4", false},
		{[]string{"scenario", ""}, []string{"churn", "live", "reconnect"}, ":0", false}, // or a definition file
		{[]string{"scenario", "re"}, []string{"reconnect"}, ":0", false},
	} {
		c := newCmdtest(t, cmdOpts{})
		code, out, errOut := c.call(append([]string{"__complete"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		var got []string
		for _, l := range lines[:len(lines)-1] {
			name, desc, _ := strings.Cut(l, "\t")
			if desc == "" {
				t.Errorf("%v: %q has no description", tc.args, l)
			}
			got = append(got, name)
		}
		if tc.first && len(got) > len(tc.want) {
			got = got[:len(tc.want)]
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") || lines[len(lines)-1] != tc.directive {
			t.Errorf("%v: got %q %s, want %q %s", tc.args, got, lines[len(lines)-1], tc.want, tc.directive)
		}
	}
	// Every family and every built-in scenario completes.
	c := newCmdtest(t, cmdOpts{})
	_, out, _ := c.call("__complete", "events", "--family", "")
	for _, fm := range c.f.Catalog.Families() {
		if !strings.Contains(out, fm.Name+"\t") {
			t.Errorf("events --family does not complete %s", fm.Name)
		}
	}
	_, out, _ = c.call("__complete", "replay", "--event", "")
	for _, fm := range c.f.Catalog.Families() {
		if !strings.Contains(out, fm.Name+"\t") {
			t.Errorf("replay --event does not complete %s", fm.Name)
		}
	}
	_, out, _ = c.call("__complete", "scenario", "")
	for _, in := range scenario.List() {
		if !strings.Contains(out, in.Name+"\t") {
			t.Errorf("scenario does not complete %s", in.Name)
		}
	}
	// Every event in the catalog completes.
	c = newCmdtest(t, cmdOpts{})
	_, out, _ = c.call("__complete", "send", "")
	for _, name := range c.f.Catalog.Names() {
		if !strings.Contains(out, name+"\t") {
			t.Errorf("send does not complete %s", name)
		}
	}
}
