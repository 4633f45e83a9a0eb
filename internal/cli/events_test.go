package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

func TestNewEventsCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    eventsOptions
		json    bool
		wantErr string
	}{
		{name: "list", args: nil, want: eventsOptions{}},
		{name: "one event", args: []string{"mix_start"}, want: eventsOptions{Event: "mix_start"}},
		{name: "signed", args: []string{"mix_start", "--signed"}, want: eventsOptions{Event: "mix_start", Signed: true}},
		{name: "json", args: []string{"-o", "json"}, json: true},
		{name: "signed needs an event", args: []string{"--signed"}, wantErr: "--signed needs an EVENT"},
		{name: "two events", args: []string{"a", "b"}, wantErr: "at most 1 argument"},
		{name: "unknown flag", args: []string{"--sined"}, wantErr: "unknown flag: --sined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := newCmdtest(t, cmdOpts{width: 100})
			got, err := parseOpts(ct, newEventsCmd, tt.args...)
			if tt.wantErr != "" {
				var fe *FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a FlagError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Event != tt.want.Event || got.Signed != tt.want.Signed || got.F.JSON() != tt.json {
				t.Errorf("opts = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestEventsGolden(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		tty   bool
		width int
		env   map[string]string
	}{
		{name: "list.tty", tty: true},
		{name: "list-80.tty", tty: true, width: 80},
		{name: "list.pipe"},
		{name: "list-json.pipe", args: []string{"-o", "json"}},
		{name: "mix_start.tty", args: []string{"mix_start"}, tty: true},
		{name: "mix_start.pipe", args: []string{"mix_start"}},
		{name: "room_logout-80.tty", args: []string{"room_logout"}, tty: true, width: 80},
		{name: "record.tty", args: []string{"record"}, tty: true},
		{name: "before_send_msg.tty", args: []string{"zim/before_send_msg"}, tty: true},
		{name: "zim-list.tty", args: []string{"--family", "zim"}, tty: true},
		{name: "mix_start-json.tty", args: []string{"mix_start", "-o", "json"}, tty: true},
		{name: "mix_start-json.pipe", args: []string{"mix_start", "-o", "json"}},
		{name: "stream_create-appid.pipe", args: []string{"stream_create", "-o", "json"}, env: map[string]string{EnvAppID: "1234567890"}},
		{name: "room_create-signed.pipe", args: []string{"room_create", "--signed", "-o", "json"}, env: map[string]string{EnvSecret: "secret"}},
		{name: "censor_audio_v2_status-signed.tty", args: []string{"censor_audio_v2_status", "--signed"}, tty: true, env: map[string]string{EnvSecret: "secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := newCmdtest(t, cmdOpts{tty: tt.tty, width: 100})
			if tt.width != 0 {
				ct.f.IO.SetWidth(tt.width)
			}
			for k, v := range tt.env {
				ct.env[k] = v
			}
			if code := ct.run(append([]string{"events", "--color", "never"}, tt.args...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, ct.errOut)
			}
			if strings.Contains(ct.out.String(), "\x1b[") {
				t.Fatalf("escape codes with --color never:\n%q", ct.out)
			}
			assertGolden(t, "events", tt.name, ct.out.Bytes())
		})
	}
}

func TestEventsColour(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{tty: true, width: 100})
	ct.env["CLICOLOR_FORCE"] = "1"
	if code := ct.run("events", "mix_start"); code != 0 {
		t.Fatalf("exit %d: %s", code, ct.errOut)
	}
	if !strings.Contains(ct.out.String(), "\x1b[") {
		t.Fatal("no colour on a terminal")
	}
	ct = newCmdtest(t, cmdOpts{tty: true, width: 100})
	ct.env["NO_COLOR"] = "1"
	ct.run("events", "mix_start")
	if strings.Contains(ct.out.String(), "\x1b[") {
		t.Fatal("colour despite NO_COLOR")
	}
}

func TestEventsListPipeIsComplete(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{width: 100})
	if code := ct.run("events"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(ct.out.String(), "\n"), "\n")
	cat := callback.Default()
	if len(lines) != len(cat.Events()) {
		t.Fatalf("%d rows for %d events", len(lines), len(cat.Events()))
	}
	for i, e := range cat.Events() {
		cols := strings.Split(lines[i], "\t")
		if len(cols) != 5 || cols[0] != e.Ref || cols[1] != e.Group || cols[3] != strings.Join(e.Required(), ",") || cols[4] != e.Product.Name {
			t.Errorf("row %q does not describe %s", lines[i], e.Name)
		}
	}
	if ct.errOut.Len() != 0 {
		t.Errorf("stderr when piped: %q", ct.errOut)
	}
}

func TestEventsCatalogJSON(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{width: 100})
	if code := ct.run("events", "-o", "json"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	cat := callback.Default()
	all := ct.out.String()
	sc := bufio.NewScanner(strings.NewReader(all))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var got catalogEventJSON
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		e := cat.Events()[n]
		if got.Name != e.Name || len(got.Fields) != len(e.Fields) || strings.Join(got.Required, ",") != strings.Join(e.Required(), ",") {
			t.Errorf("line %d describes %s badly: %s", n+1, e.Name, sc.Bytes())
		}
		for _, f := range got.Fields {
			if f.Wire == "" || f.Type == "" || f.Enum == nil {
				t.Errorf("%s.%s: empty type, wire or enum: %+v", e.Name, f.Name, f)
			}
		}
		n++
	}
	if n != len(cat.Events()) {
		t.Fatalf("%d lines for %d events", n, len(cat.Events()))
	}
	// Every key is present even when empty, so jq filters never meet null.
	var raw map[string]any
	first, _, _ := strings.Cut(all, "\n")
	_ = json.Unmarshal([]byte(first), &raw)
	for _, k := range []string{"name", "title", "summary", "family", "doc", "response", "required", "notes", "fields"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
}

// Every event's sample, as the command prints it, passes the catalog's own check.
func TestEventsSamplesPassTheSchema(t *testing.T) {
	for _, e := range callback.Default().Events() {
		ct := newCmdtest(t, cmdOpts{width: 100})
		if code := ct.run("events", e.Ref, "-o", "json"); code != 0 {
			t.Fatalf("%s: exit %d", e.Name, code)
		}
		p, err := callback.Parse(bytes.TrimSuffix(ct.out.Bytes(), []byte("\n")), "")
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		for _, prob := range e.Check(p) {
			if prob.Severity == callback.Error {
				t.Errorf("%s: %s", e.Name, prob)
			}
		}
	}
}

func TestEventsSigned(t *testing.T) {
	const secret = "4f9a1c2e7b3d5a6f8e0c1b2a3d4e5f60"
	for _, e := range callback.Default().Events() {
		ct := newCmdtest(t, cmdOpts{width: 100})
		ct.env[EnvSecret] = secret
		ct.env[EnvAppID] = "1234567890"
		if code := ct.run("events", e.Ref, "--signed", "-o", "json"); code != 0 {
			t.Fatalf("%s: exit %d: %s", e.Name, code, ct.errOut)
		}
		p, err := callback.Parse(ct.out.Bytes(), "")
		if err != nil {
			t.Fatal(err)
		}
		in := callback.SignatureInput(e, p, secret)
		if r := signature.Check(in); !r.OK() { // the family's scheme: Mini Game signs MD5
			t.Errorf("%s: signature does not verify: %s: %s", e.Name, r.Detail, ct.out)
		}
		if in.Timestamp != e.Timestamp(testNow) || in.Nonce != testNonce { // 13 digits for the ms families
			t.Errorf("%s: stamped %s/%s, want Now and the factory nonce", e.Name, in.Timestamp, in.Nonce)
		}
		if v, _ := p.Get(e.RoleField(callback.RoleAppID).Name); v.Text != "1234567890" {
			t.Errorf("%s: appid %q, want $ZEGO_APP_ID", e.Name, v.Text)
		}
		if strings.Contains(ct.out.String()+ct.errOut.String(), secret) {
			t.Fatalf("%s: the secret was printed", e.Name)
		}
	}
}

func TestEventsErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"typo", []string{"events", "mix_strat"}, ExitUsage, []string{`unknown event "mix_strat": did you mean mix_start or mix_stop?`, "zegocb events --help"}},
		{"nothing close", []string{"events", "nope_nope_nope"}, ExitUsage, []string{fmt.Sprintf("run 'zegocb events' to list the %d known events", len(callback.Default().Events()))}},
		{"signed without a secret", []string{"events", "mix_start", "--signed"}, ExitUsage, []string{"no callback secret: set $ZEGO_CALLBACK_SECRET, or pass --secret-file PATH"}},
		{"secret file missing", []string{"events", "mix_start", "--signed", "--secret-file", "/nonexistent/secret"}, ExitUsage, []string{"--secret-file: open /nonexistent/secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newCmdtest(t, cmdOpts{width: 100}).runFails(tt.code, tt.stderr, tt.args...)
		})
	}
}

func TestEventsCompletion(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{width: 100})
	root := NewRootCmd(ct.f)
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs([]string{"__complete", "events", "room_lo"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"room_login\tUser logged in", "room_logout\tUser logged out", ":4"} {
		if !strings.Contains(got, want) {
			t.Errorf("completion %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "mix_start") {
		t.Errorf("completion ignores the prefix: %q", got)
	}
}

// events groups by family: every family with events gets a heading, in
// catalog order, and --family lists one family only.
func TestEventsFamilies(t *testing.T) {
	cat := callback.Default()
	ct := newCmdtest(t, cmdOpts{tty: true, width: 100})
	if code := ct.run("events", "--color", "never"); code != 0 {
		t.Fatalf("exit %d: %s", code, ct.errOut)
	}
	out := ct.out.String()
	last := -1
	for _, f := range cat.Families() {
		n := len(cat.FamilyEvents(f))
		i := strings.Index(out, "\n"+f.Name+"  "+f.Title)
		if f == cat.Families()[0] && strings.HasPrefix(out, f.Name+"  ") {
			i = 0
		}
		if n == 0 {
			if i >= 0 {
				t.Errorf("heading for %s, which has no events", f.Name)
			}
			continue
		}
		if i < 0 || i < last {
			t.Errorf("no heading for %s after the previous family's (at %d, previous %d)", f.Name, i, last)
		}
		last = i
	}
	for _, line := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(line); w > 100 {
			t.Errorf("line wider than 100 columns (%d): %q", w, line)
		}
	}
	for _, f := range cat.Families() {
		evs := cat.FamilyEvents(f)
		if len(evs) == 0 {
			continue
		}
		ct := newCmdtest(t, cmdOpts{width: 100})
		if code := ct.run("events", "--family", f.Name); code != 0 {
			t.Fatalf("--family %s: exit %d: %s", f.Name, code, ct.errOut)
		}
		rows := strings.Split(strings.TrimSuffix(ct.out.String(), "\n"), "\n")
		if len(rows) != len(evs) {
			t.Fatalf("--family %s: %d rows for %d events", f.Name, len(rows), len(evs))
		}
		for i, e := range evs {
			cols := strings.Split(rows[i], "\t")
			if cols[0] != e.Ref || cols[len(cols)-1] != f.Name {
				t.Errorf("--family %s row %q is not %s", f.Name, rows[i], e.Qualified)
			}
			// The listed name resolves back to the event.
			if got, _ := cat.Resolve(cols[0]); got != e {
				t.Errorf("listed name %q resolves to %v, not %s", cols[0], got, e.Qualified)
			}
		}
	}
	ct = newCmdtest(t, cmdOpts{width: 100})
	if code := ct.run("events", "--family", "nosuch"); code != 2 || !strings.Contains(ct.errOut.String(), "unknown family \"nosuch\": want one of rtc, zim") {
		t.Errorf("--family nosuch: exit %d, stderr %q", code, ct.errOut)
	}
}

// A bare name two families share means the RTC event, and stderr names the
// other on one hint line; the qualified name and --family reach the other.
func TestEventsCollidingName(t *testing.T) {
	cat := callback.Default()
	for _, e := range cat.Events() {
		d, alts := cat.Resolve(e.Name)
		if len(alts) == 0 {
			continue
		}
		if d.Product != cat.Families()[0] && slicesContainsFamily(alts, cat.Families()[0]) {
			t.Errorf("%s means %s, not the RTC event", e.Name, d.Qualified)
		}
		ct := newCmdtest(t, cmdOpts{width: 100})
		if code := ct.run("events", e.Name, "-o", "json"); code != 0 {
			t.Fatalf("%s: exit %d", e.Name, code)
		}
		p, _ := callback.Parse(bytes.TrimSpace(ct.out.Bytes()), "")
		if got := cat.Detect(p); got.Event != d {
			t.Errorf("events %s printed a %v sample, want %s", e.Name, got.Event, d.Qualified)
		}
		hint := strings.TrimSpace(ct.errOut.String())
		if strings.Count(hint, "\n") != 0 || !strings.Contains(hint, e.Name+" means "+d.Qualified) {
			t.Errorf("events %s: hint %q, want one line saying it means %s", e.Name, hint, d.Qualified)
		}
		for _, a := range alts {
			if !strings.Contains(hint, a.Qualified) {
				t.Errorf("events %s: hint %q does not name %s", e.Name, hint, a.Qualified)
			}
			for _, args := range [][]string{{a.Qualified}, {e.Name, "--family", a.Product.Name}} {
				ct := newCmdtest(t, cmdOpts{width: 100})
				if code := ct.run(append([]string{"events", "-o", "json"}, args...)...); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, ct.errOut)
				}
				p, _ := callback.Parse(bytes.TrimSpace(ct.out.Bytes()), "")
				if got := cat.Detect(p); got.Event != a {
					t.Errorf("events %v printed a %v sample, want %s", args, got.Event, a.Qualified)
				}
				if ct.errOut.Len() != 0 {
					t.Errorf("events %v: stderr %q for an unambiguous name", args, ct.errOut)
				}
			}
		}
	}
}

func slicesContainsFamily(evs []*callback.Event, f *callback.Family) bool {
	for _, e := range evs {
		if e.Product == f {
			return true
		}
	}
	return false
}

// A numeric event type is listed with its number beside its name; a named
// event by the name that resolves back to it.
func TestEventsListName(t *testing.T) {
	for _, tc := range []struct {
		e    callback.Event
		want string
	}{
		{callback.Event{Name: "player_status", Ref: "player_status", Route: "3"}, "player_status (3)"},
		{callback.Event{Name: "room_create", Ref: "zim/room_create"}, "zim/room_create"},
		{callback.Event{Name: "user_action", Ref: "user_action"}, "user_action"},
	} {
		if got := listName(&tc.e); got != tc.want {
			t.Errorf("listName(%s) = %q, want %q", tc.e.Name, got, tc.want)
		}
	}
}
