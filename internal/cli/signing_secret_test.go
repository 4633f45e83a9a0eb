package cli

import (
	"strings"
	"testing"
)

// send and scenario take their signing secret from one Factory helper:
// the configured one; with none, an ephemeral one for the built-in
// receiver or a dry run; and for a --to endpoint, an error (exit 2).
func TestSigningSecret(t *testing.T) {
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: "configured-secret"}})
	if s, eph, err := c.f.SigningSecret("http://127.0.0.1:1/zego"); s != "configured-secret" || eph || err != nil {
		t.Errorf("configured: %q %v %v", s, eph, err)
	}
	c = newCmdtest(t, cmdOpts{env: map[string]string{}})
	s, eph, err := c.f.SigningSecret("")
	if !eph || err != nil || len(s) != 32 || strings.Trim(s, "0123456789abcdef") != "" {
		t.Errorf("ephemeral: %q %v %v", s, eph, err)
	}
	if s2, _, _ := c.f.SigningSecret(""); s2 == s {
		t.Error("two ephemeral secrets are equal")
	}
	if _, _, err := c.f.SigningSecret("http://127.0.0.1:1/zego"); err == nil || !strings.Contains(err.Error(), "no callback secret: set $"+EnvSecret) {
		t.Errorf("--to without a secret: %v", err)
	}
	for _, args := range [][]string{
		{"send", "stream_create", "--to", "http://127.0.0.1:1/zego"},
		{"scenario", "reconnect", "--to", "http://127.0.0.1:1/zego"},
	} {
		c := newCmdtest(t, cmdOpts{env: map[string]string{}})
		c.runFails(2, []string{"no callback secret: set $" + EnvSecret}, args...)
	}
	for _, args := range [][]string{{"send", "stream_create", "--dry-run"}, {"scenario", "reconnect"}} {
		code, _, errOut := newCmdtest(t, cmdOpts{env: map[string]string{}}).call(args...)
		if code != 0 {
			t.Errorf("%v without a secret: exit %d: %s", args, code, errOut)
		}
	}
}
