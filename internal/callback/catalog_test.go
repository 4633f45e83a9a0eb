package callback

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/signature"
)

// The events the product promises, family by family (issues: foundation,
// 10); the catalog must hold each and no other.
var promised = map[string][]string{
	"rtc": {
		"stream_create", "stream_close", "mix_start", "mix_stop", "record",
		"room_create", "room_close", "room_login", "room_logout",
		"snapshot", "compose", "procedure", "transcode_start", "transcode_stop",
		"censor_audio_v2_result", "censor_audio_v2_status",
		"censor_video_v2_audio_result", "censor_video_v2_audio_status",
		"censor_video_v2_img_result", "censor_video_v2_img_status",
	},
	"zim": {
		"user_action", "before_send_msg", "send_msg", "bot_msg",
		"call_create", "call_cancel", "call_accept", "call_reject", "call_timeout", "call_invite",
		"group_create", "group_destroy", "group_join", "group_exit",
		"room_create", "room_destroy", "room_enter", "room_exit",
	},
	"aiagent": {
		"ASRResult", "LLMResult", "Exception", "Interrupted", "UserSpeakAction",
		"AgentInstanceStatus", "UserAudioData", "AgentInstanceCreated", "AgentInstanceDeleted",
		"AgentInstanceMetaInfo", "AgentSpeakAction",
	},
	"digitalhuman": {"stream_task_status", "drive_status"},
	"asr":          {"ASRResult", "TranslationResult", "Exception"},
	"minigame":     {"game_start", "game_settlement"},
	"cloudplayer": {
		"player_create", "player_destroy", "player_status", "player_exception",
		"upload_success", "upload_failed", "upload_task_status", "upload_cancel_failed",
		"upload_exception", "upload_expired",
	},
	"cloudrecording": {
		"file_upload_status", "abnormal_exit", "image_download_failed", "no_stream",
		"record_completed", "stream_not_exist", "uploading_files", "m3u8_address",
		"record_paused", "record_resumed",
	},
	"superboard": {"cvt_finish"},
}

// groups are the sections each family's events may belong to.
var groups = map[string][]string{
	"rtc":            {"stream", "mix", "cdn", "room", "transcode", "moderation"},
	"zim":            {"user", "message", "call", "group", "room"},
	"aiagent":        {"dialogue", "instance"},
	"digitalhuman":   {"task"},
	"asr":            {"result", "task"},
	"minigame":       {"game"},
	"cloudplayer":    {"player", "upload"},
	"cloudrecording": {"file", "task"},
	"superboard":     {"file"},
}

// familyFacts are the per-family facts of zego-callbacks-more.md that the
// catalog must carry: routing field and type, timestamp unit, scheme and
// retry delays (seconds).
var familyFacts = []struct {
	name, route string
	routeType   RouteType
	unit        string
	scheme      signature.Scheme
	delays      []float64
	sync        bool
}{
	{"rtc", "event", RouteString, "s", signature.SHA1Sorted, []float64{2, 4, 8, 16, 32}, false},
	{"zim", "event", RouteString, "s", signature.SHA1Sorted, []float64{2, 4, 8, 16, 32}, false},
	{"aiagent", "Event", RouteString, "ms", signature.SHA1Sorted, []float64{2, 4, 8, 16, 32}, false},
	{"digitalhuman", "EventType", RouteNumber, "ms", signature.SHA1Sorted, []float64{2, 4, 8, 16, 32}, false},
	{"asr", "Event", RouteString, "ms", signature.SHA1Sorted, []float64{2, 4, 8, 16, 32}, false},
	{"cloudplayer", "EventType", RouteNumber, "s", signature.SHA1Sorted, []float64{0, 0}, false},
	{"cloudrecording", "event_type", RouteNumber, "s", signature.SHA1Sorted, []float64{5, 5}, false},
	{"superboard", "event", RouteString, "s", signature.SHA1Sorted, []float64{15, 15}, false},
	{"minigame", "ReportType", RouteNumber, "s", signature.MD5Fixed, nil, true},
}

func TestFamilies(t *testing.T) {
	c := Default()
	if len(c.Families()) != len(familyFacts) {
		t.Fatalf("catalog has %d families, test knows %d", len(c.Families()), len(familyFacts))
	}
	for i, want := range familyFacts {
		f := c.Families()[i]
		if f.Name != want.name {
			t.Fatalf("family %d is %s, want %s (rtc first: a colliding bare name means the RTC event)", i, f.Name, want.name)
		}
		if f.Routing[0].Field != want.route || f.Routing[0].Type != want.routeType {
			t.Errorf("%s: routes on %+v, want %s (%s)", f.Name, f.Routing[0], want.route, want.routeType)
		}
		if f.Timestamp.Unit != want.unit || f.Signature != want.scheme {
			t.Errorf("%s: timestamp unit %s, scheme %s; want %s, %s", f.Name, f.Timestamp.Unit, f.Signature, want.unit, want.scheme)
		}
		got := f.Retry.Durations()
		if len(got) != len(want.delays) {
			t.Errorf("%s: %d retries, want %d", f.Name, len(got), len(want.delays))
		}
		for k := range got {
			if k < len(want.delays) && got[k] != time.Duration(want.delays[k]*float64(time.Second)) {
				t.Errorf("%s: retry %d after %s, want %gs", f.Name, k+1, got[k], want.delays[k])
			}
		}
		if (f.Response.Sync != nil) != want.sync {
			t.Errorf("%s: synchronous answer %v, want %v", f.Name, f.Response.Sync != nil, want.sync)
		}
		if !strings.HasPrefix(f.Doc, "https://") || f.Title == "" || f.Retry.Note == "" {
			t.Errorf("%s: title, doc URL and retry note are required", f.Name)
		}
		if f.Spellings[0].Event != f.Routing[0].Field {
			t.Errorf("%s: first spelling names the event %s, routing field %s", f.Name, f.Spellings[0].Event, f.Routing[0].Field)
		}
	}
}

func TestCatalogConsistency(t *testing.T) {
	c := Default()
	n := 0
	for fam, names := range promised {
		n += len(names)
		for _, name := range names {
			if e, ok := c.Lookup(fam + "/" + name); !ok || e.Product.Name != fam {
				t.Errorf("catalog lacks %s/%s", fam, name)
			}
		}
	}
	if len(c.Events()) != n {
		t.Errorf("catalog has %d events, test knows %d: update the list", len(c.Events()), n)
	}
	for _, e := range c.Events() {
		f := e.Product
		if f == nil {
			t.Fatalf("%s: no family", e.Name)
		}
		if !slicesContains(groups[f.Name], e.Group) {
			t.Errorf("%s: unknown group %q", e.Qualified, e.Group)
		}
		if e.Title == "" || e.Summary == "" || !strings.HasPrefix(e.Doc, "https://") {
			t.Errorf("%s: title, summary and doc URL are required", e.Qualified)
		}
		ev := e.RoleField(RoleEvent)
		if len(ev.Enum) != 1 || ev.Enum[0].Value != e.RouteValue() || ev.Sample != e.RouteValue() {
			t.Errorf("%s: event field must be fixed to the routing value %s", e.Qualified, e.RouteValue())
		}
		// The common fields are spelt as one of the family's spellings.
		spelt := false
		for _, s := range f.Spellings {
			ok := true
			for _, r := range []Role{RoleEvent, RoleAppID, RoleTimestamp, RoleNonce, RoleSignature} {
				ok = ok && e.RoleField(r).Name == s.Name(r)
			}
			spelt = spelt || ok
		}
		if !spelt {
			t.Errorf("%s: common fields not spelt as any of %s's spellings", e.Qualified, f.Name)
		}
		// The routing field has the family's type.
		for _, r := range f.Routing {
			if r.Field != ev.Name {
				continue
			}
			if r.Type == RouteNumber && (ev.Type != TypeInt || ev.Wire != WireNumber || !IsInteger(e.RouteValue())) {
				t.Errorf("%s: %s routes by number: want an int field on the wire as a number and a numeric route", e.Qualified, ev.Name)
			}
			if r.Type == RouteString && (ev.Type != TypeString || e.Route != "") {
				t.Errorf("%s: %s routes by name: want a string field and no numeric route", e.Qualified, ev.Name)
			}
		}
		// The timestamp has the family's unit and wire type; an event whose
		// pages disagree leaves the unit out and says so in a note.
		ts := e.RoleField(RoleTimestamp)
		switch {
		case ts.Unit == f.Timestamp.Unit:
		case ts.Unit == "" && notesMention(e, "timestamp"):
		default:
			t.Errorf("%s: timestamp unit %q, family %s says %q", e.Qualified, ts.Unit, f.Name, f.Timestamp.Unit)
		}
		if !f.Timestamp.Mixed && ts.Wire != f.Timestamp.Wire && !notesMention(e, "timestamp") {
			t.Errorf("%s: timestamp goes out as a %s, family %s sends a %s", e.Qualified, ts.Wire, f.Name, f.Timestamp.Wire)
		}
		if e.RoleField(RoleNonce).Wire != WireString {
			t.Errorf("%s: nonce must go out as a string (19 digits break JavaScript receivers)", e.Qualified)
		}
		if want := map[signature.Scheme]string{signature.SHA1Sorted: "SHA-1", signature.MD5Fixed: "MD5"}[e.Scheme()]; !strings.Contains(e.RoleField(RoleSignature).Description, want) {
			t.Errorf("%s: signature description does not say %s", e.Qualified, want)
		}
		for _, m := range e.Markers {
			if mf := e.Field(m); mf == nil || !mf.Required {
				t.Errorf("%s: marker %s is not a required field", e.Qualified, m)
			}
		}
		for _, fd := range e.Fields {
			if fd.Description == "" {
				t.Errorf("%s.%s: no description", e.Qualified, fd.Name)
			}
			for _, en := range fd.Enum {
				if en.Meaning == "" {
					t.Errorf("%s.%s: enum %q has no meaning", e.Qualified, fd.Name, en.Value)
				}
			}
		}
		if a := e.Answer(); a.Sync != nil {
			if v := a.Sync.Judge([]byte(a.Sync.Default), 0); !v.OK {
				t.Errorf("%s: the default answer %s is not accepted: %v", e.Qualified, a.Sync.Default, v.Problems)
			}
		}
	}
	// Events sharing a routing value are told apart by markers: every one
	// but the default has some, and no marker is a field of another.
	for _, tbl := range c.routes {
		for val, r := range tbl.byValue {
			if len(r.events) < 2 {
				continue
			}
			for i, e := range r.events {
				if i > 0 && len(e.Markers) == 0 {
					t.Errorf("%s %s: %s shares it with %s and has no markers", tbl.field, val, e.Qualified, r.events[0].Qualified)
				}
				for _, m := range e.Markers {
					for _, o := range r.events {
						if o != e && o.Field(m) != nil {
							t.Errorf("%s: marker %s is also a field of %s", e.Qualified, m, o.Qualified)
						}
					}
				}
			}
		}
	}
	if e, _ := c.Lookup("record"); e.Response.Body != "1" {
		t.Error("record must carry the legacy body-1 convention")
	}
}

func notesMention(e *Event, word string) bool {
	for _, n := range e.Notes {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// TestSamplesAreValidAndConsistent: every sample passes its own schema,
// verifies once stamped, and agrees with itself across fields.
func TestSamplesAreValidAndConsistent(t *testing.T) {
	now := time.Unix(1763900000, 123_000_000)
	for seed := uint64(0); seed < 20; seed++ {
		for _, e := range Default().Events() {
			p := e.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(seed, 7))})
			e.Stamp(p, "sample-secret", e.Timestamp(now), NewNonce())
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
			if v, _ := reparsed.Get(e.RoleField(RoleEvent).Name); v.Text != e.RouteValue() {
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
		e.Stamp(p, "k", e.Timestamp(time.Unix(1700000000, 0)), "123")
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
	if err != nil || len(files) < 20+18+17 {
		t.Fatalf("fixtures: %v (%d files)", err, len(files))
	}
	for _, file := range files {
		// aiagent/ASRResult.json and asr/ASRResult.json: name both.
		t.Run(filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(b, "")
			if err != nil {
				t.Fatalf("does not parse: %v", err)
			}
			d := Default().Detect(p)
			e := d.Event
			if e == nil {
				t.Fatalf("not detected: %s", d.Problem)
			}
			// testdata/payloads/FAMILY/EVENT.json for the new families;
			// the RTC examples are grouped by section.
			wantFam := filepath.Base(filepath.Dir(file))
			if Default().Family(wantFam) == nil {
				wantFam = "rtc"
			}
			wantName, _, _ := strings.Cut(filepath.Base(file), ".")
			if e.Product.Name != wantFam || e.Name != wantName {
				t.Fatalf("detected as %s (rule %q), want %s/%s", e.Qualified, d.Rule, wantFam, wantName)
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
