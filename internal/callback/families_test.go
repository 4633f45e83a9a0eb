package callback

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zegocb/zegocb/internal/signature"
)

// Colliding bare names keep meaning the RTC event; the others are named.
func TestResolveNames(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name, want string
		alts       []string
	}{
		{"room_create", "rtc/room_create", []string{"zim/room_create"}},
		{"ROOM_CREATE", "rtc/room_create", []string{"zim/room_create"}},
		{"zim/room_create", "zim/room_create", nil},
		{"rtc/room_create", "rtc/room_create", nil},
		{"ZIM/Room_Create", "zim/room_create", nil},
		{"user_action", "zim/user_action", nil},
		{"before_send_msg", "zim/before_send_msg", nil},
		{"stream_create", "rtc/stream_create", nil},
		{"zim/stream_create", "", nil},
		{"nope/room_create", "", nil},
		{"nope", "", nil},
	} {
		e, alts := c.Resolve(tc.name)
		got := ""
		if e != nil {
			got = e.Qualified
		}
		var gotAlts []string
		for _, a := range alts {
			gotAlts = append(gotAlts, a.Qualified)
		}
		if got != tc.want || strings.Join(gotAlts, ",") != strings.Join(tc.alts, ",") {
			t.Errorf("Resolve(%q) = %q %v, want %q %v", tc.name, got, gotAlts, tc.want, tc.alts)
		}
	}
	rtc, _ := c.Lookup("rtc/room_create")
	zim, _ := c.Lookup("zim/room_create")
	if rtc.Ref != "room_create" || zim.Ref != "zim/room_create" {
		t.Errorf("refs %q %q", rtc.Ref, zim.Ref)
	}
	names := strings.Join(c.Names(), " ")
	for _, want := range []string{" room_create ", " zim/room_create ", " user_action "} {
		if !strings.Contains(" "+names+" ", want) {
			t.Errorf("Names lacks %q", want)
		}
	}
}

// testFamilies is a catalog of the colliding families in small: events
// sharing routing values across families, told apart by markers.
func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	common := func(ev, route, evType, wire string) string {
		return `{"name":"` + ev + `","type":"` + evType + `","role":"event","wire":"` + wire + `","required":true,"enum":[{"value":"` + route + `","meaning":"m"}],"description":"d","sample":"` + route + `"},
		{"name":"AppId","type":"int","role":"appid","wire":"number","required":true,"description":"d","sample":"${appid}"},
		{"name":"Timestamp","type":"int","role":"timestamp","wire":"number","required":true,"unit":"ms","description":"d","sample":"${now_ms}"},
		{"name":"Nonce","type":"string","role":"nonce","required":true,"description":"d","sample":"${nonce}"},
		{"name":"Signature","type":"string","role":"signature","required":true,"description":"SHA-1","sample":""}`
	}
	ev := func(name, route, evField, evType, wire, markers string, extra ...string) string {
		s := `{"name":"` + name + `","title":"t","summary":"s","group":"g","doc":"https://x"`
		if route != name {
			s += `,"route":"` + route + `"`
		}
		if markers != "" {
			s += `,"markers":["` + markers + `"]`
		}
		s += `,"response":{},"fields":[` + common(evField, route, evType, wire)
		for _, x := range extra {
			s += `,{"name":"` + x + `","type":"string","required":true,"description":"d","sample":"x"}`
		}
		return s + "]}"
	}
	fam := func(name, field, typ string) string {
		return `{"name":"` + name + `","title":"t","doc":"https://x","routing":[{"field":"` + field + `","type":"` + typ + `"}],
		"spellings":[{"event":"` + field + `","appid":"AppId","timestamp":"Timestamp","nonce":"Nonce","signature":"Signature"}],
		"timestamp":{"unit":"ms","wire":"number"},"signature":"sha1_sorted","response":{},"retry":{"delays":["2s"],"note":"n"}}`
	}
	fs := fstest.MapFS{
		"catalog/families.json": {Data: []byte("[" + fam("aiagent", "Event", "string") + "," + fam("digitalhuman", "EventType", "number") + "," +
			fam("asr", "Event", "string") + "," + fam("cloudplayer", "EventType", "number") + "]")},
		"catalog/aiagent/ASRResult.json":            {Data: []byte(ev("ASRResult", "ASRResult", "Event", "string", "string", "AgentInstanceId", "AgentInstanceId"))},
		"catalog/asr/ASRResult.json":                {Data: []byte(ev("ASRResult", "ASRResult", "Event", "string", "string", "TaskId", "TaskId"))},
		"catalog/digitalhuman/drive_status.json":    {Data: []byte(ev("drive_status", "4", "EventType", "int", "number", "TaskId", "TaskId"))},
		"catalog/cloudplayer/player_exception.json": {Data: []byte(ev("player_exception", "4", "EventType", "int", "number", "PlayerId", "PlayerId"))},
	}
	c, err := Load(fs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDetect(t *testing.T) {
	c := Default()
	test := testCatalog(t)
	for _, tc := range []struct {
		name, body string
		cat        *Catalog
		want, rule string // rule: substring of Detection.Rule
		ambiguous  bool
		problem    string
	}{
		{"rtc room_create", `{"event":"room_create","appid":1,"room_session_id":858012925204410400}`, c, "rtc/room_create", "room_session_id", false, ""},
		{"zim room_create", `{"appid":"1","event":"room_create","room_id":"1","operator_account":"userA"}`, c, "zim/room_create", "operator_account", false, ""},
		{"bare room_create", `{"event":"room_create","room_id":"1"}`, c, "rtc/room_create", "no distinguishing field", true, ""},
		{"zim user_action", `{"appid":"1","event":"user_action"}`, c, "zim/user_action", "", false, ""},
		{"pascal rtc", `{"Event":"transcode_start","Appid":"1"}`, c, "rtc/transcode_start", "", false, ""},
		{"folded key", `{"EVENT":"stream_create"}`, c, "rtc/stream_create", "", false, ""},
		{"no routing field", `{"appid":"1","room_id":"r"}`, c, "", "", false, "no event field: not a ZEGO callback body"},
		{"event number", `{"event":5}`, c, "", "", false, "event: is a JSON number, want a string"},
		{"EventType string word", `{"EventType":"four"}`, c, "", "", false, `EventType: is "four", want an integer event type`},
		{"EventType object", `{"EventType":{}}`, c, "", "", false, "EventType: is a JSON object, want a number"},
		{"EventType undocumented", `{"EventType":99}`, c, "", "", false, "EventType 99 is not a documented value (digitalhuman, cloudplayer"},
		{"unknown name", `{"event":"room_user_count"}`, c, "", "", false, `unknown event "room_user_count"`},
		{"aiagent ASRResult", `{"Event":"ASRResult","AgentInstanceId":"1"}`, test, "aiagent/ASRResult", "AgentInstanceId", false, ""},
		{"asr ASRResult", `{"Event":"ASRResult","TaskId":"1"}`, test, "asr/ASRResult", "TaskId", false, ""},
		{"ASRResult bare", `{"Event":"ASRResult"}`, test, "aiagent/ASRResult", "no distinguishing field", true, ""},
		{"digital human 4", `{"EventType":4,"TaskId":"t"}`, test, "digitalhuman/drive_status", "TaskId", false, ""},
		{"cloud player 4", `{"PlayerId":"p","EventType":4}`, test, "cloudplayer/player_exception", "PlayerId", false, ""},
		{"cloud player 4 as string", `{"PlayerId":"p","EventType":"4"}`, test, "cloudplayer/player_exception", "PlayerId", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseJSON([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			d := tc.cat.Detect(p)
			got := ""
			if d.Event != nil {
				got = d.Event.Qualified
			}
			if got != tc.want || !strings.Contains(d.Rule, tc.rule) || (tc.rule == "") != (d.Rule == "") || d.Ambiguous != tc.ambiguous {
				t.Fatalf("Detect = %q rule %q ambiguous %v, want %q rule ~%q ambiguous %v", got, d.Rule, d.Ambiguous, tc.want, tc.rule, tc.ambiguous)
			}
			if !strings.Contains(d.Problem, tc.problem) || (tc.problem == "") != (d.Problem == "") {
				t.Fatalf("problem %q, want %q", d.Problem, tc.problem)
			}
			if d.Event != nil && d.Rule != "" && len(d.Alternatives) != 1 {
				t.Fatalf("alternatives %v", d.Alternatives)
			}
		})
	}
	// A numeric type sent as a JSON string is identified with a warning;
	// in a form body every value is a string, so there is none.
	js, _ := ParseJSON([]byte(`{"PlayerId":"p","EventType":"4"}`))
	form, _ := ParseForm([]byte(`PlayerId=p&EventType=4`))
	if d := test.Detect(js); d.Event == nil || !strings.Contains(d.Warning, "EventType is a JSON string") {
		t.Errorf("JSON string type: %+v", d)
	}
	if d := test.Detect(form); d.Event == nil || d.Warning != "" {
		t.Errorf("form body: %+v", d)
	}
	// The known-event path allocates nothing.
	p, _ := ParseJSON([]byte(`{"event":"room_create","appid":1,"room_session_id":1}`))
	if n := testing.AllocsPerRun(100, func() { _ = c.Detect(p) }); n != 0 {
		t.Errorf("Detect allocates %v times per call", n)
	}
}

// TestSampleProperties: over many samples per event, the body detects as
// its own event, every time field has its unit's digits and lies before
// the signed timestamp, and ids and times that belong together agree.
func TestSampleProperties(t *testing.T) {
	c := Default()
	now := time.Unix(1767000000, 456_000_000)
	for _, e := range c.Events() {
		for seed := uint64(0); seed < 200; seed++ {
			p := e.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(seed, 11))})
			e.Stamp(p, "k", e.Timestamp(now), NewNonce())
			if d := c.Detect(p); d.Event != e {
				t.Fatalf("%s sample detected as %v (%s)", e.Qualified, d.Event, d.Problem)
			}
			if probs := e.Check(p); len(probs) > 0 {
				t.Fatalf("%s sample: %v\n%s", e.Qualified, probs, p.JSON())
			}
			if r := signature.Check(SignatureInput(e, p, "k")); !r.OK() {
				t.Fatalf("%s: %s", e.Qualified, r.Detail)
			}
			get := func(k string) string { v, _ := p.Get(k); return v.Text }
			tsText := get(e.RoleField(RoleTimestamp).Name)
			ts, _ := strconv.ParseInt(tsText, 10, 64)
			if e.TimestampUnit() == "ms" {
				ts /= 1000
			}
			if (e.TimestampUnit() == "ms") != (len(tsText) == 13) || ts != now.Unix() {
				t.Fatalf("%s: timestamp %s, unit %s", e.Qualified, tsText, e.TimestampUnit())
			}
			for _, f := range e.Fields {
				v, ok := p.Get(f.Name)
				if !ok || f.Role == RoleTimestamp || f.Unit == "" || !IsInteger(v.Text) || v.Text == "0" {
					continue
				}
				n, _ := strconv.ParseInt(v.Text, 10, 64)
				secs := n
				if f.Unit == "ms" {
					secs = n / 1000
				}
				if wantLen := map[string]int{"s": 10, "ms": 13}[f.Unit]; wantLen > 0 && len(v.Text) != wantLen && secs > 1e8 {
					t.Fatalf("%s.%s = %s: %d digits for unit %s", e.Qualified, f.Name, v.Text, len(v.Text), f.Unit)
				}
				if secs > 1e8 && (secs > ts || secs < ts-86400) {
					t.Fatalf("%s.%s = %s: not within the day before the timestamp %s", e.Qualified, f.Name, v.Text, tsText)
				}
			}
			before := func(a, b string) {
				if x, y := get(a), get(b); x != "" && y != "" && len(x) == len(y) && x > y {
					t.Fatalf("%s: %s %s after %s %s", e.Qualified, a, x, b, y)
				}
			}
			before("login_time", "logout_time")
			before("begin_time", "end_time")
			before("create_time", "timestamp")
			differ := func(a, b string) {
				if x, y := get(a), get(b); x != "" && x == y {
					t.Fatalf("%s: %s and %s are both %q", e.Qualified, a, b, x)
				}
			}
			differ("from_user_id", "conv_id")
			notIn := func(id, list string) {
				v, ok := p.Get(list)
				if x := get(id); ok && x != "" {
					for _, s := range v.Strings() {
						if s == x {
							t.Fatalf("%s: %s %q is in %s", e.Qualified, id, x, list)
						}
					}
				}
			}
			notIn("caller", "user_ids")
			notIn("inviter", "user_ids")
			if get("exit_type") == "Kickout" {
				notIn("operator_account", "exit_user_ids")
			}
			if get("join_type") == "Invited" {
				notIn("operator_account", "new_user_ids")
			}
			if e.Qualified == "zim/group_create" && get("owner_account") != get("operator_account") {
				t.Fatalf("group_create: owner %q, creator %q", get("owner_account"), get("operator_account"))
			}
			for _, list := range []string{"user_ids", "exit_user_ids", "new_user_ids"} {
				if v, ok := p.Get(list); ok {
					seen := map[string]bool{}
					for _, s := range v.Strings() {
						if seen[s] {
							t.Fatalf("%s: %s repeats %q", e.Qualified, list, s)
						}
						seen[s] = true
					}
				}
			}
		}
	}
}

// A body signed with another family's scheme is explained as such: a ZIM
// body signed with Mini Game's MD5, a Mini Game body signed with SHA-1.
func TestWrongFamilyScheme(t *testing.T) {
	fs := fstest.MapFS{
		"catalog/families.json": {Data: []byte(`[{"name":"minigame","title":"t","doc":"https://x","routing":[{"field":"ReportType","type":"number"}],
			"spellings":[{"event":"ReportType","appid":"AppId","timestamp":"Timestamp","nonce":"SignatureNonce","signature":"Signature"}],
			"timestamp":{"unit":"s","wire":"number"},"signature":"md5_fixed","response":{},"retry":{"delays":[],"note":"n"}}]`)},
		"catalog/minigame/game_start.json": {Data: []byte(`{"name":"game_start","title":"t","summary":"s","group":"g","doc":"https://x","route":"1","response":{},"fields":[
			{"name":"AppId","type":"int","role":"appid","wire":"number","required":true,"description":"d","sample":"${appid}"},
			{"name":"SignatureNonce","type":"string","role":"nonce","required":true,"description":"d","sample":"${nonce}"},
			{"name":"Timestamp","type":"int","role":"timestamp","wire":"number","required":true,"unit":"s","description":"d","sample":"${now_s}"},
			{"name":"Signature","type":"string","role":"signature","required":true,"description":"MD5","sample":""},
			{"name":"ReportType","type":"int","role":"event","wire":"number","required":true,"enum":[{"value":"1","meaning":"game starts"}],"description":"d","sample":"1"}]}`)},
	}
	mini, err := Load(fs)
	if err != nil {
		t.Fatal(err)
	}
	game, _ := mini.Lookup("minigame/game_start")
	p := game.Sample(SampleOptions{Now: time.Unix(1767000000, 0)})
	game.Stamp(p, "k", "1767000000", "15215528852396")
	if r := signature.Check(SignatureInput(game, p, "k")); !r.OK() {
		t.Fatalf("MD5-signed sample: %s", r.Detail)
	}
	if d := mini.Detect(p); d.Event != game {
		t.Fatalf("detected %v: %s", d.Event, d.Problem)
	}
	appid, _ := p.Get("AppId")
	want := signature.SignMD5("k", appid.Text, "1767000000", "15215528852396")
	if sig, _ := p.Get("Signature"); sig.Text != want {
		t.Fatalf("Stamp signed %s, want md5(AppId+SignatureNonce+secret+Timestamp) %s", sig.Text, want)
	}
	p.Set("Signature", String(signature.Sign("k", "1767000000", "15215528852396")))
	if r := signature.Check(SignatureInput(game, p, "k")); r.Reason != signature.WrongScheme || !strings.Contains(r.Detail, "minigame signs md5(") {
		t.Fatalf("SHA-1 on minigame: %s %s", r.Reason, r.Detail)
	}

	zim, _ := Default().Lookup("user_action")
	q := zim.Sample(SampleOptions{Now: time.Unix(1767000000, 0), AppID: "1"})
	q.Set("timestamp", Number("1767000000"))
	q.Set("nonce", String("350176"))
	q.Set("signature", String(signature.SignMD5("k", "1", "1767000000", "350176")))
	if r := signature.Check(SignatureInput(zim, q, "k")); r.Reason != signature.WrongScheme || !strings.Contains(r.Detail, "zim signs the sorted SHA-1") {
		t.Fatalf("MD5 on zim: %s %s", r.Reason, r.Detail)
	}
}

// A synchronous callback's answer is parsed and judged: before_send_msg's
// result must be 0-3 within 2.5 s; Mini Game's Code must be 200.
func TestSyncAnswers(t *testing.T) {
	bsm, _ := Default().Lookup("before_send_msg")
	if got := bsm.RetryProfile().Durations(); len(got) != 1 || got[0] != 0 {
		t.Errorf("before_send_msg retries %v, want one immediate retry", got)
	}
	if other, _ := Default().Lookup("send_msg"); len(other.RetryProfile().Delays) != 5 || other.Answer().Sync != nil {
		t.Error("send_msg takes the family's 5 retries and 2xx rule")
	}
	zim := bsm.Answer().Sync
	if zim == nil || time.Duration(zim.Deadline) != 2500*time.Millisecond {
		t.Fatalf("before_send_msg answer %+v", zim)
	}
	mini := Default().Family("minigame").Response.Sync
	for _, tc := range []struct {
		name    string
		spec    *SyncAnswer
		body    string
		took    time.Duration
		ok      bool
		summary string // substring
		problem string // substring of the first problem
	}{
		{"neutral", zim, `{"result":0}`, time.Second, true, "result 0 (neutral: send)", ""},
		{"block", zim, `{"result":3,"reason":"spam"}`, 0, true, `result 3 (do not send), reason "spam"`, ""},
		{"new payload shown", zim, `{"result":1,"new_payload":"p2"}`, 0, true, `new_payload "p2"`, ""},
		{"result out of range", zim, `{"result":7}`, 0, false, "", "result 7 is not a documented value (0, 1, 2, 3)"},
		{"result as string", zim, `{"result":"0"}`, 0, false, "", `result is "0", want an integer`},
		{"no result", zim, `{"reason":"x"}`, 0, false, "", `answer lacks result (want JSON such as {"result":0})`},
		{"not JSON", zim, `ok`, 0, false, "", "answer body is"},
		{"too slow", zim, `{"result":0}`, 3 * time.Second, false, "result 0", "answered after 3s, over the 2.5s deadline"},
		{"mini game ok", mini, `{"Code":200,"Message":"succeed"}`, time.Hour, true, "Code 200 (success)", ""},
		{"mini game failure", mini, `{"Code":401}`, 0, false, "Code 401 (failure)", "Code 401 means failure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.spec.Judge([]byte(tc.body), tc.took)
			if v.OK != tc.ok || !strings.Contains(v.Summary, tc.summary) {
				t.Fatalf("Judge = %+v, want ok %v summary ~%q", v, tc.ok, tc.summary)
			}
			if tc.problem != "" && (len(v.Problems) == 0 || !strings.Contains(v.Problems[0], tc.problem)) {
				t.Fatalf("problems %q, want %q", v.Problems, tc.problem)
			}
		})
	}
	if d := bsm.Answer().Describe(func(s string) string { return s }); !strings.Contains(d, `{"result":0} within 2.5s`) || !strings.Contains(d, "3 do not send") {
		t.Errorf("Describe = %q", d)
	}
}

// Detect never panics, and what it identifies routes to it.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{`{"event":"room_create","operator_account":"a"}`, `{"EventType":4}`, `{"EventType":"4"}`,
		`{"event":5}`, `{"Event":"ASRResult","TaskId":"1"}`, `{"EVENT":"stream_create"}`, `{"ReportType":2}`, `{}`} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, body string) {
		p, err := ParseJSON([]byte(body))
		if err != nil {
			return
		}
		d := c.Detect(p)
		if d.Event == nil && d.Problem == "" {
			t.Fatal("neither an event nor a problem")
		}
		if d.Event != nil && d.Event.RouteValue() != d.Value.Text {
			t.Fatalf("%s detected from %s=%q", d.Event.Qualified, d.Field, d.Value.Text)
		}
	})
}
