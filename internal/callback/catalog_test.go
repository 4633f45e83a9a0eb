package callback

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/signature"
)

// The events the product promises (issue: foundation); the catalog must
// hold each, and every catalog file must be one of the documented families.
var promised = []string{
	"stream_create", "stream_close", "mix_start", "mix_stop", "record",
	"room_create", "room_close", "room_login", "room_logout",
	"snapshot", "compose", "procedure", "transcode_start", "transcode_stop",
	"censor_audio_v2_result", "censor_audio_v2_status",
	"censor_video_v2_audio_result", "censor_video_v2_audio_status",
	"censor_video_v2_img_result", "censor_video_v2_img_status",
}

func TestCatalogConsistency(t *testing.T) {
	c := Default()
	for _, name := range promised {
		if _, ok := c.Lookup(name); !ok {
			t.Errorf("catalog lacks %s", name)
		}
	}
	if len(c.Events()) != len(promised) {
		t.Errorf("catalog has %d events, test knows %d: update the list", len(c.Events()), len(promised))
	}
	families := map[string]bool{"stream": true, "mix": true, "cdn": true, "room": true, "transcode": true, "moderation": true}
	for _, e := range c.Events() {
		if !families[e.Family] {
			t.Errorf("%s: unknown family %q", e.Name, e.Family)
		}
		if e.Title == "" || e.Summary == "" || !strings.HasPrefix(e.Doc, "https://") {
			t.Errorf("%s: title, summary and doc URL are required", e.Name)
		}
		ev := e.RoleField(RoleEvent)
		if len(ev.Enum) != 1 || ev.Enum[0].Value != e.Name || ev.Sample != e.Name {
			t.Errorf("%s: event field must be fixed to the event name", e.Name)
		}
		if e.RoleField(RoleNonce).Wire != WireString {
			t.Errorf("%s: nonce must go out as a string (19 digits break JavaScript receivers)", e.Name)
		}
		for _, f := range e.Fields {
			if f.Description == "" {
				t.Errorf("%s.%s: no description", e.Name, f.Name)
			}
			for _, en := range f.Enum {
				if en.Meaning == "" {
					t.Errorf("%s.%s: enum %q has no meaning", e.Name, f.Name, en.Value)
				}
			}
		}
	}
	if e, _ := c.Lookup("record"); e.Response.Body != "1" {
		t.Error("record must carry the legacy body-1 convention")
	}
}

// TestSamplesAreValidAndConsistent: every sample passes its own schema,
// verifies once stamped, and agrees with itself across fields.
func TestSamplesAreValidAndConsistent(t *testing.T) {
	now := time.Unix(1763900000, 123_000_000)
	for seed := uint64(0); seed < 20; seed++ {
		for _, e := range Default().Events() {
			p := e.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(seed, 7))})
			e.Stamp(p, "sample-secret", strconv.FormatInt(now.Unix(), 10), NewNonce())
			if probs := e.Check(p); len(probs) > 0 {
				t.Fatalf("%s sample has problems: %v\n%s", e.Name, probs, p.JSON())
			}
			in := SignatureInput(e, p, "sample-secret")
			if r := signature.Check(in); !r.OK() {
				t.Fatalf("%s: stamped sample does not verify: %s", e.Name, r.Detail)
			}
			reparsed, err := ParseJSON(p.JSON())
			if err != nil {
				t.Fatalf("%s: sample JSON does not parse: %v", e.Name, err)
			}
			if reparsed.EventName() != e.Name {
				t.Fatalf("%s: event name lost", e.Name)
			}
			get := func(k string) string { v, _ := p.Get(k); return v.Text }
			same := func(a, b string) {
				if _, ok := p.Get(a); !ok {
					return
				}
				if _, ok := p.Get(b); ok && get(a) != get(b) {
					t.Fatalf("%s: %s=%q but %s=%q", e.Name, a, get(a), b, get(b))
				}
			}
			same("room_id", "channel_id")
			same("stream_id", "stream_alias")
			same("user_id", "publish_id")
			if ct, ms := get("create_time"), get("create_time_ms"); ct != "" && ms != "" && !strings.HasPrefix(ms, ct) {
				t.Fatalf("%s: create_time %s and create_time_ms %s disagree", e.Name, ct, ms)
			}
			if s := get("stream_sid"); s != "" && (!strings.HasPrefix(s, "s-") || len(s) != 29) {
				t.Fatalf("%s: stream_sid %q not in ZEGO's shape", e.Name, s)
			}
			if a, b := get("login_time"), get("logout_time"); a != "" && b != "" && a >= b {
				t.Fatalf("%s: logout before login", e.Name)
			}
			if a, b := get("begin_time"), get("end_time"); a != "" && b != "" && a > b {
				t.Fatalf("%s: record ends before it begins", e.Name)
			}
		}
	}
}

func TestFormSamplesRoundTrip(t *testing.T) {
	for _, e := range Default().Events() {
		p := e.Sample(SampleOptions{})
		e.Stamp(p, "k", "1700000000", "123")
		q, err := ParseForm(p.Form())
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if probs := errorsOnly(e.Check(q)); len(probs) > 0 {
			t.Fatalf("%s: form body fails its schema: %v", e.Name, probs)
		}
		if r := signature.Check(SignatureInput(e, q, "k")); !r.OK() {
			t.Fatalf("%s: form body does not verify: %s", e.Name, r.Detail)
		}
	}
}

func errorsOnly(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// TestDocumentedExamples: ZEGO's published examples parse and pass the
// schema once re-signed with a test secret. Placeholder timestamps such as
// "timestamp" (transcode pages) are replaced with a real one first.
func TestDocumentedExamples(t *testing.T) {
	files, err := filepath.Glob("../../testdata/payloads/*/*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("fixtures: %v (%d files)", err, len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(b, "")
			if err != nil {
				t.Fatalf("does not parse: %v", err)
			}
			e, ok := Default().Lookup(p.EventName())
			if !ok {
				t.Fatalf("event %q not in the catalog", p.EventName())
			}
			tsField := e.RoleField(RoleTimestamp).Name
			if v, _ := p.Get(tsField); !IsInteger(v.Text) {
				p.Set(tsField, e.RoleField(RoleTimestamp).Typed("1700000000"))
			}
			e.Sign(p, "fixture-secret")
			if probs := errorsOnly(e.Check(p)); len(probs) > 0 {
				t.Fatalf("schema errors: %v", probs)
			}
			if r := signature.Check(SignatureInput(e, p, "fixture-secret")); !r.OK() {
				t.Fatalf("re-signed example does not verify: %s", r.Detail)
			}
			// Big numbers survive: the re-encoded body still holds the original text.
			if strings.Contains(string(b), "858012925204410400") && !strings.Contains(string(p.JSON()), "858012925204410400") {
				t.Fatal("room_session_id lost precision")
			}
		})
	}
}

func TestCheckFindsProblems(t *testing.T) {
	e, _ := Default().Lookup("stream_close")
	base := e.Sample(SampleOptions{})
	tests := []struct {
		name  string
		mut   func(p *Payload)
		field string
		sev   Severity
	}{
		{"missing required", func(p *Payload) { p.Delete("stream_id") }, "stream_id", Error},
		{"case mismatch named", func(p *Payload) { p.Delete("room_id"); p.Set("Room_ID", String("r")) }, "room_id", Error},
		{"int not integer", func(p *Payload) { p.Set("type", String("zero")) }, "type", Error},
		{"undocumented enum", func(p *Payload) { p.Set("type", String("7")) }, "type", Warning},
		{"object for string", func(p *Payload) { p.Set("room_id", Value{Kind: KindObject, Raw: "{}", Text: "{}"}) }, "room_id", Error},
		{"number for string", func(p *Payload) { p.Set("user_name", Number("5")) }, "user_name", Warning},
		{"too long", func(p *Payload) { p.Set("room_id", String(strings.Repeat("r", 128))) }, "room_id", Warning},
		{"wrong event", func(p *Payload) { p.Set("event", String("stream_create")) }, "event", Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base.Clone()
			tt.mut(p)
			probs := e.Check(p)
			if len(probs) != 1 || probs[0].Field != tt.field || probs[0].Severity != tt.sev {
				t.Fatalf("problems %v, want one %s on %s", probs, tt.sev, tt.field)
			}
		})
	}
	ok := base.Clone()
	ok.Set("type", Number("1"))      // number where a string is documented for an int: fine
	ok.Set("new_field", String("x")) // ZEGO adds fields over time
	if probs := e.Check(ok); len(probs) != 0 {
		t.Fatalf("tolerated variations flagged: %v", probs)
	}
}

// A catalog entry must give each of the five common roles to exactly one
// field: a typo or a second signature field is an error, not a silent pick.
func TestIndexRejectsBadRoles(t *testing.T) {
	common := func() []Field {
		return []Field{
			{Name: "event", Type: TypeString, Role: RoleEvent}, {Name: "appid", Type: TypeInt, Role: RoleAppID},
			{Name: "timestamp", Type: TypeInt, Role: RoleTimestamp}, {Name: "nonce", Type: TypeString, Role: RoleNonce},
			{Name: "signature", Type: TypeString, Role: RoleSignature},
		}
	}
	ok := &Event{Name: "x", Fields: common()}
	if err := ok.index(); err != nil || ok.RoleField(RoleNonce).Name != "nonce" {
		t.Fatalf("a good entry: %v", err)
	}
	for name, tc := range map[string]struct {
		extra Field
		want  string
	}{
		"unknown role":   {Field{Name: "x", Type: TypeString, Role: "nonse"}, `unknown role "nonse"`},
		"duplicate role": {Field{Name: "sig2", Type: TypeString, Role: RoleSignature}, `both have role "signature"`},
	} {
		e := &Event{Name: "x", Fields: append(common(), tc.extra)}
		if err := e.index(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	missing := &Event{Name: "x", Fields: common()[:4]}
	if err := missing.index(); err == nil || !strings.Contains(err.Error(), `no field has role "signature"`) {
		t.Errorf("missing role: %v", err)
	}
}
