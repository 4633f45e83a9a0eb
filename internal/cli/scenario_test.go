package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/scenario"
	"github.com/zegocb/zegocb/internal/signature"
)

// stateReceiver is a receiver under test: it checks each callback's
// signature, keeps its lists with keeper, and serves them at /state.
type stateReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	keeper scenario.Keeper
	bodies []string
	badSig int
	doc    string // served at /state instead of the keeper's state, when set
}

func newStateReceiver(t *testing.T, keeper scenario.Keeper) *stateReceiver {
	t.Helper()
	r := &stateReceiver{keeper: keeper}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if req.Method == http.MethodGet {
			if r.doc != "" {
				io.WriteString(w, r.doc)
				return
			}
			w.Write(r.keeper.State().JSON())
			return
		}
		b, _ := io.ReadAll(req.Body)
		r.bodies = append(r.bodies, string(b))
		p, err := callback.Parse(b, req.Header.Get("Content-Type"))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ts, _ := p.Get("timestamp")
		nonce, _ := p.Get("nonce")
		sig, _ := p.Get("signature")
		if signature.Sign(replaySecret, ts.Text, nonce.Text) != sig.Text {
			r.badSig++
			http.Error(w, "bad signature", 401)
			return
		}
		if err := r.keeper.Apply(p); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		io.WriteString(w, "1")
	}))
	t.Cleanup(r.Close)
	return r
}

func TestScenarioBuiltinReceiver(t *testing.T) {
	c := newCmdtest(t, cmdOpts{ttyOut: true})
	code, out, errOut := c.call("scenario", "reconnect", "--order", "adversarial", "--seed", "25")
	out = ansi.Strip(out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"built-in receiver: 10 callbacks arrived, 10 with a valid signature, 2 recognised as re-deliveries",
		"room_logout u2-38b8", "logout before login", "true state (1 room)", "ZEGO's rules (1 room)",
		"r1-38b8  3745629907517231977  u1-38b8  s1-38b8", "ZEGO's documented rules end with the true state"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "ephemeral secret") || !strings.Contains(errOut, "--seed 25 reproduces it") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestScenarioSaysWhenZegoRulesAreWrong(t *testing.T) {
	c := newCmdtest(t, cmdOpts{})
	code, out, errOut := c.call("scenario", "churn", "--order", "adversarial", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "ZEGO's documented rules end WRONG for this arrival order:") || !strings.Contains(out, "true absent, ZEGO's rules present") {
		t.Errorf("stdout:\n%s", out)
	}
	// Piped: the states are rows that start with their name.
	if !strings.Contains(out, "\ntrue\tr1-") || !strings.Contains(out, "\nzego_rules\tr1-") {
		t.Errorf("piped state rows missing:\n%s", out)
	}
}

func TestScenarioExpectURL(t *testing.T) {
	env := map[string]string{EnvSecret: replaySecret}
	t.Run("a robust receiver passes", func(t *testing.T) {
		r := newStateReceiver(t, scenario.NewRobust())
		c := newCmdtest(t, cmdOpts{env: env})
		code, out, errOut := c.call("scenario", "churn", "--to", r.URL, "--order", "adversarial", "--seed", "1", "--expect-url", r.URL+"/state", "-o", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s\n%s", code, errOut, out)
		}
		var doc scenarioJSON
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Expect == nil || !doc.Expect.OK() || doc.Expect.Passed == 0 || doc.ZegoRulesRight || len(doc.Deliveries) != len(r.bodies) || r.badSig != 0 {
			t.Errorf("expect %+v, zego right %v, %d deliveries, %d bodies, %d bad signatures", doc.Expect, doc.ZegoRulesRight, len(doc.Deliveries), len(r.bodies), r.badSig)
		}
		// A re-delivery is the same body: same nonce and signature.
		first := map[int]string{}
		for i, d := range doc.Deliveries {
			if d.Attempt == 1 {
				first[d.Callback] = r.bodies[i]
			} else if first[d.Callback] != r.bodies[i] {
				t.Errorf("re-delivery %d of callback %d differs from its first delivery", d.Attempt, d.Callback)
			}
		}
	})
	t.Run("a naive receiver fails", func(t *testing.T) {
		r := newStateReceiver(t, scenario.NewNaive())
		c := newCmdtest(t, cmdOpts{env: env})
		code, out, errOut := c.call("scenario", "reconnect", "--to", r.URL, "--order", "adversarial", "--seed", "25", "--expect-url", r.URL+"/state")
		if code != 1 {
			t.Fatalf("exit %d, want 1: %s", code, errOut)
		}
		for _, want := range []string{"FAIL  user r1-38b8/u2-38b8: want absent, got present", "FAIL  stream r1-38b8/s1-38b8: want present, got absent",
			"PASS  room r1-38b8: want present, got present", "FAIL: 2 of 5 entries differ from the true state"} {
			if !strings.Contains(out, want) {
				t.Errorf("stdout lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("a document not in the documented shape exits 2", func(t *testing.T) {
		r := newStateReceiver(t, scenario.NewRobust())
		r.doc = `{"rooms":[{"room_id":"r1","users":"u1","streams":[]}]}`
		c := newCmdtest(t, cmdOpts{env: env})
		code, _, errOut := c.call("scenario", "reconnect", "--to", r.URL, "--expect-url", r.URL+"/state")
		if code != 2 || !strings.Contains(errOut, "not the documented state document: ") || !strings.Contains(errOut, "rooms[0].users") {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
}

func TestScenarioBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"name":"x","summary":"x","steps":[{"event":"stream_create","room":"r1","user":"u1","stream":"s1"}]}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scenario", "nosuch"}, `unknown scenario "nosuch"`},
		{[]string{"scenario", bad}, bad + ": step 1"},
		{[]string{"scenario", "live", "--order", "sideways"}, "--order"},
		{[]string{"scenario", "live", "--concurrency", "0"}, "oncurrency"},
		{[]string{"scenario", "live", "--to", "http://127.0.0.1:1/"}, "no callback secret"},
		{[]string{"scenario"}, "needs a NAME"},
	} {
		c := newCmdtest(t, cmdOpts{})
		c.runFails(2, []string{tc.want}, tc.args...)
	}
}

func TestScenarioList(t *testing.T) {
	c := newCmdtest(t, cmdOpts{})
	code, out, _ := c.call("scenario", "--list")
	if code != 0 {
		t.Fatal(code)
	}
	for _, name := range []string{"live\t", "reconnect\t", "churn\t"} {
		if !strings.Contains(out, name) {
			t.Errorf("--list lacks %q:\n%s", name, out)
		}
	}
}

// The output in each mode, with the built-in receiver and a clock that
// stands still: goldens under testdata/golden/scenario.
func TestScenarioGoldens(t *testing.T) {
	reconnect := []string{"scenario", "reconnect", "--order", "adversarial", "--seed", "25"}
	churn := []string{"scenario", "churn", "--order", "adversarial", "--seed", "1"}
	for _, mode := range []struct {
		file string
		o    cmdOpts
		args []string
	}{
		{"reconnect-adversarial.tty", cmdOpts{tty: true, width: 100}, append(reconnect, "--color", "never")},
		{"reconnect-adversarial.pipe", cmdOpts{}, reconnect},
		{"reconnect-adversarial.json", cmdOpts{}, append(reconnect, "-o", "json")},
		{"reconnect-adversarial-color.tty", cmdOpts{tty: true, width: 100, color: true}, reconnect},
		{"churn-wrong.tty", cmdOpts{tty: true, width: 100}, append(churn, "--color", "never")},
	} {
		t.Run(mode.file, func(t *testing.T) {
			c := newCmdtest(t, mode.o)
			if code := c.run(mode.args...); code != 0 {
				t.Fatalf("exit %d: %s", code, c.errOut)
			}
			assertGolden(t, "scenario", mode.file, c.out.Bytes())
		})
	}
}

// --gap spaces the starts (on the test clock); --concurrency lets
// deliveries overlap and every one still arrives.
func TestScenarioGapAndConcurrency(t *testing.T) {
	c := newCmdtest(t, cmdOpts{})
	code, out, errOut := c.call("scenario", "reconnect", "--seed", "3", "--gap", "250ms", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc scenarioJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for i, d := range doc.Deliveries {
		if want := float64(i) * 250; d.OffsetMS != want {
			t.Errorf("delivery %d at %gms, want %gms", d.N, d.OffsetMS, want)
		}
	}
	r := newStateReceiver(t, scenario.NewRobust())
	c = newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	code, out, errOut = c.call("scenario", "churn", "--to", r.URL, "--order", "shuffled", "--seed", "9", "--concurrency", "8", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc = scenarioJSON{}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(r.bodies) != len(doc.Deliveries) || len(doc.Deliveries) == 0 || r.badSig != 0 {
		t.Errorf("%d bodies arrived for %d deliveries, %d bad signatures", len(r.bodies), len(doc.Deliveries), r.badSig)
	}
}

// --expect-url that cannot be reached is a transport failure (exit 3),
// one that answers an error is not a state document (exit 2).
func TestScenarioExpectURLUnreachableOrRefusing(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()
	c := newCmdtest(t, cmdOpts{})
	code, _, errOut := c.call("scenario", "reconnect", "--expect-url", goneURL+"/state")
	if code != 3 || !strings.Contains(errOut, "--expect-url "+goneURL+"/state: ") || strings.Contains(errOut, `Get "`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	c = newCmdtest(t, cmdOpts{})
	code, _, errOut = c.call("scenario", "reconnect", "--expect-url", notFound.URL+"/state")
	if code != 2 || !strings.Contains(errOut, "answered 404, not a state document") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// An endpoint that cannot be reached: exit 3, and the error says why, as
// send's does. -c is --concurrency, as in send and replay.
func TestScenarioUnreachableSaysWhy(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	code, _, errOut := c.call("scenario", "reconnect", "--to", goneURL, "-c", "2")
	if code != 3 || !strings.Contains(errOut, "deliveries could not reach "+goneURL+": connection refused") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// --list says what a run does: as many callbacks as a natural run
// delivers, and a span its summary and docs/scenarios.md agree with.
func TestScenarioListAgreesWithARun(t *testing.T) {
	_, out, _ := newCmdtest(t, cmdOpts{}).call("scenario", "--list", "-o", "json")
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	about := regexp.MustCompile(`about (\d+) s\b|a few minutes|(\d+) minutes?`)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var in scenario.Info
		if err := json.Unmarshal([]byte(line), &in); err != nil {
			t.Fatal(err)
		}
		n++
		c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
		code, run, errOut := c.call("scenario", in.Name, "-o", "json", "--seed", "3")
		var d scenarioJSON
		if code != 0 || json.Unmarshal([]byte(run), &d) != nil {
			t.Fatalf("%s: exit %d: %s", in.Name, code, errOut)
		}
		if len(d.Deliveries) != in.Callbacks || in.Callbacks < in.Steps {
			t.Errorf("%s: --list says %d callbacks (%d steps), a run delivers %d", in.Name, in.Callbacks, in.Steps, len(d.Deliveries))
		}
		// Every duration the summary or the docs' row claims is the span's.
		row := ""
		for _, l := range strings.Split(string(doc), "\n") {
			if strings.HasPrefix(l, "| `"+in.Name+"` |") {
				row = l
			}
		}
		for _, text := range []string{in.Summary, row} {
			for _, m := range about.FindAllStringSubmatch(text, -1) {
				claimed := 0.0
				switch {
				case m[1] != "":
					claimed, _ = strconv.ParseFloat(m[1], 64)
				case m[2] != "":
					claimed, _ = strconv.ParseFloat(m[2], 64)
					claimed *= 60
				default:
					claimed = 180
				}
				if claimed < in.SpanS*0.75 || claimed > in.SpanS*1.25 {
					t.Errorf("%s: %q says %q, the run spans %.1f s", in.Name, text, m[0], in.SpanS)
				}
			}
		}
	}
	if n != len(scenario.List()) || n < 3 {
		t.Errorf("%d scenarios listed", n)
	}
}
