package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zegocb/zegocb/internal/build"
)

// strictLines decodes every line of out into a fresh value from newT, with
// unknown fields refused: the output holds nothing docs/json.md does not
// document. It returns the decoded values.
func strictLines[T any](t *testing.T, what, out string) []*T {
	t.Helper()
	var vals []*T
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		v := new(T)
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("%s line %d: %v\n%s", what, i+1, err, line)
		}
		if dec.More() {
			t.Fatalf("%s line %d: more than one value", what, i+1)
		}
		vals = append(vals, v)
	}
	return vals
}

// hasV checks the version field of a top-level object.
func hasV(t *testing.T, what string, v int) {
	t.Helper()
	if v != jsonVersion {
		t.Errorf("%s: v = %d, want %d", what, v, jsonVersion)
	}
}

// Every command's -o json unmarshals, strictly, into the types docs/json.md
// documents, and carries the vocabulary's version.
func TestJSONOutputMatchesDocumentedTypes(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{EnvSecret: lsSecret}

	// listen: callback, forward_attempt and rejected lines.
	var calls atomic.Int32
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "db down", 500)
			return
		}
		io.WriteString(w, "1")
	}))
	defer app.Close()
	l := newCmdtest(t, cmdOpts{env: env, wall: true}).listen("-o", "json", "--forward-to", app.URL, "--retry-scale", "0.001", "--path", "/zego")
	good := lsSigned(t, "stream_create", lsSecret)
	lsPost(t, l.url("/zego"), "application/json", good)
	lsWaitFor(t, l.out, `"kind":"forward_attempt"`)
	lsPost(t, l.url("/zego"), "application/json", lsSigned(t, "room_login", "forged"))
	lsPost(t, l.url("/zego"), "application/json", []byte("garbage"))
	lsPost(t, l.url("/elsewhere"), "application/json", good)
	l.stop()
	kinds := map[string]int{}
	for i, line := range strings.Split(strings.TrimSuffix(l.out.String(), "\n"), "\n") {
		var k struct {
			Kind string `json:"kind"`
		}
		_ = json.Unmarshal([]byte(line), &k)
		kinds[k.Kind]++
		switch k.Kind {
		case "callback":
			v := strictLines[listenEventJSON](t, "listen callback", line)[0]
			hasV(t, "listen callback", v.V)
			if v.Answer.Status == 0 || v.Signature == "" {
				t.Errorf("listen line %d: %+v", i+1, v)
			}
		case "forward_attempt":
			hasV(t, "listen forward_attempt", strictLines[forwardAttemptJSON](t, "listen forward_attempt", line)[0].V)
		case "rejected":
			hasV(t, "listen rejected", strictLines[rejectJSON](t, "listen rejected", line)[0].V)
		default:
			t.Errorf("listen line %d: kind %q", i+1, k.Kind)
		}
	}
	if kinds["callback"] != 3 || kinds["forward_attempt"] == 0 || kinds["rejected"] != 1 {
		t.Errorf("listen kinds %v", kinds)
	}

	// verify: rows, then the summary; also over listen's own lines.
	capPath := filepath.Join(dir, "c.jsonl")
	if err := os.WriteFile(capPath, append(append(good, '\n'), append(lsSigned(t, "mix_start", "forged"), '\n')...), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, in := range []cmdOpts{{env: env}, {env: env, stdin: l.out.String()}} {
		args := []string{"verify", "-o", "json", capPath}
		if in.stdin != "" {
			args[3] = "-"
		}
		_, out, _ := newCmdtest(t, in).call(args...)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for _, row := range strictLines[verifyJSON](t, "verify row", strings.Join(lines[:len(lines)-1], "\n")) {
			hasV(t, "verify row", row.V)
		}
		sum := strictLines[verifySummaryJSON](t, "verify summary", lines[len(lines)-1])[0]
		hasV(t, "verify summary", sum.V)
		if sum.Summary.Pass+sum.Summary.Fail+sum.Summary.Warn != len(lines)-1 {
			t.Errorf("verify summary %+v for %d rows", sum.Summary, len(lines)-1)
		}
	}

	// send: a delivery (with the built-in receiver's rows), --dry-run, load.
	s := newCmdtest(t, cmdOpts{env: env})
	_, out, errOut := s.call("send", "mix_start", "-o", "json")
	res := strictLines[sendJSON](t, "send", out)[0]
	hasV(t, "send", res.V)
	if len(res.Receiver) != 1 || res.Receiver[0].Signature != "ok" || res.Receiver[0].Answer.Status != 200 || len(res.SignatureHex) != 40 {
		t.Errorf("send: %+v\n%s", res, errOut)
	}
	s = newCmdtest(t, cmdOpts{env: env})
	_, out, _ = s.call("send", "mix_start", "--dry-run", "-o", "json")
	hasV(t, "send --dry-run", strictLines[sendRequestJSON](t, "send --dry-run", out)[0].V)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "1") }))
	defer srv.Close()
	s = newCmdtest(t, cmdOpts{env: env})
	_, out, errOut = s.call("send", "mix_start", "--to", srv.URL, "-n", "20", "-c", "2", "-o", "json")
	if out == "" {
		t.Fatalf("send load: no output: %s", errOut)
	}
	hasV(t, "send load", strictLines[loadJSON](t, "send load", out)[0].V)

	// probe against the built-in receiver.
	pr := newCmdtest(t, cmdOpts{env: env, wall: true})
	_, out, errOut = pr.call("probe", "--events", "stream_create", "-o", "json")
	if out == "" {
		t.Fatalf("probe: no output: %s", errOut)
	}
	p := strictLines[probeJSON](t, "probe", out)[0]
	hasV(t, "probe", p.V)
	if len(p.Rows) == 0 || p.Summary["pass"] == 0 {
		t.Errorf("probe: %+v", p)
	}
	for k := range p.Summary {
		if k != "pass" && k != "warn" && k != "fail" && k != "info" && k != "skip" {
			t.Errorf("probe summary key %q: verdict names only", k)
		}
	}

	// sign: the two forms.
	sg := newCmdtest(t, cmdOpts{env: env})
	_, out, _ = sg.call("sign", "--timestamp", "1", "--nonce", "2", "-o", "json")
	hasV(t, "sign", strictLines[signResult](t, "sign", out)[0].V)
	sg = newCmdtest(t, cmdOpts{env: env, stdin: string(good)})
	_, out, _ = sg.call("sign", "-", "-o", "json")
	if r := strictLines[signResult](t, "sign FILE", out)[0]; r.V != jsonVersion || r.Body == "" {
		t.Errorf("sign FILE: %+v", r)
	}

	// events and version print data, not reports: no v, still documented.
	ev := newCmdtest(t, cmdOpts{})
	_, out, _ = ev.call("events", "-o", "json")
	strictLines[catalogEventJSON](t, "events", out)
	vr := newCmdtest(t, cmdOpts{})
	_, out, _ = vr.call("version", "-o", "json")
	strictLines[build.Info](t, "version", out)

	// The documentation names every type.
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "json.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"listenEventJSON", "forwardAttemptJSON", "rejectJSON", "verifyJSON", "verifySummaryJSON",
		"sendJSON", "sendRequestJSON", "loadJSON", "probeJSON", "signResult", "catalogEventJSON", "answerJSON", "problemJSON"} {
		if !bytes.Contains(doc, []byte("`"+typ+"`")) {
			t.Errorf("docs/json.md does not name %s", typ)
		}
	}
}
