package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/build"
	"github.com/zegocb/zegocb/internal/scenario"
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

// dataKeys are the fields whose value is data rather than vocabulary: a
// payload, a map keyed by statuses, errors, reasons or header names. Their
// own names are checked; the keys inside them are not.
var dataKeys = map[string]bool{"payload": true, "status_counts": true, "errors": true, "reasons": true, "headers": true}

// jsonFieldNames adds to names every object key in the JSON lines of out,
// at any depth, except inside dataKeys.
func jsonFieldNames(t *testing.T, what, out string, names map[string]string) {
	t.Helper()
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if _, ok := names[k]; !ok {
					names[k] = what
				}
				if !dataKeys[k] {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var v any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("%s line %d: %v\n%s", what, i+1, err, line)
		}
		walk(v)
	}
}

// Every command's -o json unmarshals, strictly, into the types docs/json.md
// documents, and carries the vocabulary's version; every field name any of
// them emits is named, backquoted, in docs/json.md.
func TestJSONOutputMatchesDocumentedTypes(t *testing.T) {
	dir := t.TempDir()
	emitted := map[string]string{} // field name -> the first output that had it
	seen := func(what, out string) { jsonFieldNames(t, what, out, emitted) }
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
	seen("listen", l.out.String())
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
		seen("verify", out)
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
	seen("send", out)
	res := strictLines[sendJSON](t, "send", out)[0]
	hasV(t, "send", res.V)
	if len(res.Receiver) != 1 || res.Receiver[0].Signature != "ok" || res.Receiver[0].Answer.Status != 200 || len(res.SignatureHex) != 40 {
		t.Errorf("send: %+v\n%s", res, errOut)
	}
	s = newCmdtest(t, cmdOpts{env: env})
	_, out, _ = s.call("send", "mix_start", "--dry-run", "-o", "json")
	seen("send --dry-run", out)
	hasV(t, "send --dry-run", strictLines[sendRequestJSON](t, "send --dry-run", out)[0].V)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "1") }))
	defer srv.Close()
	s = newCmdtest(t, cmdOpts{env: env})
	_, out, errOut = s.call("send", "mix_start", "--to", srv.URL, "-n", "20", "-c", "2", "-o", "json")
	if out == "" {
		t.Fatalf("send load: no output: %s", errOut)
	}
	seen("send load", out)
	hasV(t, "send load", strictLines[loadJSON](t, "send load", out)[0].V)

	// probe against the built-in receiver.
	pr := newCmdtest(t, cmdOpts{env: env, wall: true})
	_, out, errOut = pr.call("probe", "--events", "stream_create", "-o", "json")
	if out == "" {
		t.Fatalf("probe: no output: %s", errOut)
	}
	seen("probe", out)
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
	seen("sign", out)
	hasV(t, "sign", strictLines[signResult](t, "sign", out)[0].V)
	sg = newCmdtest(t, cmdOpts{env: env, stdin: string(good)})
	_, out, _ = sg.call("sign", "-", "-o", "json")
	seen("sign FILE", out)
	if r := strictLines[signResult](t, "sign FILE", out)[0]; r.V != jsonVersion || r.Body == "" {
		t.Errorf("sign FILE: %+v", r)
	}

	// events and version print data, not reports: no v, still documented.
	ev := newCmdtest(t, cmdOpts{})
	_, out, _ = ev.call("events", "-o", "json")
	seen("events", out)
	strictLines[catalogEventJSON](t, "events", out)
	vr := newCmdtest(t, cmdOpts{})
	_, out, _ = vr.call("version", "-o", "json")
	seen("version", out)
	strictLines[build.Info](t, "version", out)

	// replay: deliveries of every outcome but a warning, then the summary.
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	capt := writeCapture(t,
		captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false),
		captureLine(t, "room_login", "other-secret", "room-1", at.Add(time.Second), 200, false),
		captureLine(t, "stream_close", replaySecret, "room-1", at.Add(2*time.Second), 502, false))
	rs := newRecordingServer(t, 200)
	rp := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	_, out, errOut = rp.call("replay", capt, "--to", rs.URL, "--no-retry", "-o", "json")
	seen("replay", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("replay: want 3 deliveries and a summary:\n%s%s", out, errOut)
	}
	for _, d := range strictLines[replayJSON](t, "replay delivery", strings.Join(lines[:3], "\n")) {
		hasV(t, "replay delivery", d.V)
	}
	if sum := strictLines[replaySummaryJSON](t, "replay summary", lines[3])[0]; sum.V != jsonVersion || sum.Done != 3 {
		t.Errorf("replay summary %+v", sum)
	}

	// scenario: the timeline with hazards, and the --expect-url diff.
	st := newStateReceiver(t, scenario.NewRobust())
	sc := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	_, out, errOut = sc.call("scenario", "reconnect", "--to", st.URL, "--order", "adversarial", "--seed", "25", "--expect-url", st.URL+"/state", "-o", "json")
	seen("scenario", out)
	if doc := strictLines[scenarioJSON](t, "scenario", out)[0]; doc.V != jsonVersion || len(doc.Hazards) == 0 || doc.Expect == nil {
		t.Errorf("scenario: %+v\n%s", doc, errOut)
	}

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
	// ... and every field name emitted, backquoted (alone or in a
	// backquoted list such as `{"status", "body"}`).
	var missing []string
	for name, what := range emitted {
		if !docNamesField(doc, name) {
			missing = append(missing, name+" ("+what+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/json.md does not document %d emitted fields: %s", len(missing), strings.Join(missing, ", "))
	}
	if len(emitted) < 100 {
		t.Errorf("only %d field names collected", len(emitted))
	}
}

// docNamesField reports whether doc names field in an inline code span
// (`field`, `answer.status`, `{"status", "body"}`); fenced examples do not
// count.
func docNamesField(doc []byte, field string) bool {
	return docCodeNames(doc)[field]
}

// docCodeNames is the set of snake_case words inside doc's inline code
// spans, outside fenced blocks.
func docCodeNames(doc []byte) map[string]bool {
	names := map[string]bool{}
	var prose []string
	fenced := false
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			prose = append(prose, line)
		}
	}
	// A code span may continue on the next line of its paragraph.
	spans := strings.Split(strings.Join(prose, "\n"), "`")
	for i := 1; i < len(spans); i += 2 {
		for _, w := range strings.FieldsFunc(spans[i], func(r rune) bool {
			return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			names[w] = true
		}
	}
	return names
}
