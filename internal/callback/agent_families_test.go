package callback

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// TestAgentSampleProperties: AI Agent, ASR, Digital Human and Mini Game
// samples keep their nested Data/Detail/DanmakuResult consistent: 13-digit
// ms times in the day before the signed timestamp, documented enum values,
// ids that agree (the speaking user is not the agent, a stream belongs to
// its room), and Mini Game signed by md5(AppId+SignatureNonce+secret+Timestamp).
func TestAgentSampleProperties(t *testing.T) {
	c := Default()
	now := time.Unix(1767000000, 456_000_000)
	ms := now.UnixMilli()
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	counts := map[string]int{}
	for _, e := range c.Events() {
		fam := e.Product.Name
		if fam != "aiagent" && fam != "asr" && fam != "digitalhuman" && fam != "minigame" {
			continue
		}
		counts[fam]++
		for seed := uint64(0); seed < 200; seed++ {
			p := e.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(seed, 17))})
			e.Stamp(p, "k", e.Timestamp(now), NewNonce())
			body := string(p.JSON())
			fail := func(format string, args ...any) {
				t.Helper()
				t.Fatalf("%s (seed %d): %s\n%s", e.Qualified, seed, fmt.Sprintf(format, args...), body)
			}
			msTime := func(path string) {
				t.Helper()
				r := gjson.Get(body, path)
				if !r.Exists() {
					return
				}
				if r.Type != gjson.Number || len(r.Raw) != 13 || r.Int() > ms || r.Int() < ms-86_400_000 {
					fail("%s = %s: want a 13-digit ms JSON number in the day before %d", path, r.Raw, ms)
				}
			}
			oneOf := func(path string, values ...string) {
				t.Helper()
				r := gjson.Get(body, path)
				if !r.Exists() {
					fail("%s missing", path)
				}
				for _, v := range values {
					if r.String() == v {
						return
					}
				}
				fail("%s = %s, not one of %v", path, r.Raw, values)
			}
			positive := func(path string) {
				t.Helper()
				if r := gjson.Get(body, path); r.Exists() && (r.Type != gjson.Number || r.Int() <= 0) {
					fail("%s = %s: want a positive JSON number", path, r.Raw)
				}
			}
			for _, k := range []string{"Data", "Detail", "DanmakuResult"} {
				if r := gjson.Get(body, k); r.Exists() && !r.IsObject() {
					fail("%s is not a JSON object", k)
				}
			}
			switch fam {
			case "aiagent":
				msTime("Data.CreatedTimestamp")
				msTime("Data.DeletedTimestamp")
				positive("Sequence")
				positive("Data.Round")
				if u, a := gjson.Get(body, "Data.UserId").String(), gjson.Get(body, "AgentUserId").String(); u != "" && u == a {
					fail("the speaking user %q is the agent", u)
				}
				if id := gjson.Get(body, "AgentInstanceId").String(); len(id) != 19 {
					fail("AgentInstanceId %q: want ZEGO's 19-digit id", id)
				}
				switch e.Name {
				case "UserSpeakAction":
					oneOf("Data.Action", "SPEAK_BEGIN", "SPEAK_END")
				case "AgentInstanceStatus", "AgentSpeakAction":
					oneOf("Data.Status", "IDLE", "LISTENING", "THINKING", "SPEAKING")
				case "Interrupted":
					oneOf("Data.Reason", "1", "2", "3", "4")
				case "AgentInstanceDeleted":
					oneOf("Data.Code", "0", "1201", "1202", "1203", "1204", "1205", "1206")
					for _, k := range []string{"LLMTTFT", "TTSAudioFirstFrameTime", "TotalCost"} {
						positive("Data.LatencyData." + k)
					}
				case "UserAudioData":
					oneOf("Data.Format", "pcm")
					oneOf("Data.SampleRate", "16000")
				}
			case "asr":
				positive("Data.Round")
				room, stream := gjson.Get(body, "RoomId").String(), gjson.Get(body, "Data.StreamId").String()
				if stream != "" && !strings.HasPrefix(stream, room+"-") {
					fail("stream %q is not in room %q", stream, room)
				}
				if e.Name == "Exception" {
					oneOf("Data.Code", "1001", "1004", "1201", "1202", "1204", "1207", "2101")
				}
			case "digitalhuman":
				msTime("EventTime")
				if ts := gjson.Get(body, "Timestamp"); ts.Type != gjson.String || len(ts.Str) != 13 {
					fail("Timestamp %s: want a 13-digit JSON string", ts.Raw)
				}
				if !uuidRE.MatchString(gjson.Get(body, "TaskId").String()) {
					fail("TaskId is not a UUID")
				}
				if e.Route == "3" {
					oneOf("Detail.Status", "1", "2", "3", "4", "5")
					room, stream := gjson.Get(body, "Detail.RoomId").String(), gjson.Get(body, "Detail.StreamId").String()
					if room == "" || !strings.HasPrefix(stream, room+"-") {
						fail("stream %q is not in room %q", stream, room)
					}
				} else {
					oneOf("Detail.Status", "1", "2", "3", "4")
					if d := gjson.Get(body, "Detail.DriveId").String(); !uuidRE.MatchString(d) || d == gjson.Get(body, "TaskId").String() {
						fail("DriveId %q: want a UUID of its own", d)
					}
				}
			case "minigame":
				msTime("ReportTime")
				oneOf("GameSource", "zego")
				if e.Route == "2" {
					oneOf("DanmakuResult.ResultType", "0", "1", "2", "3", "4", "5")
					positive("DanmakuResult.UserSize")
				} else if gjson.Get(body, "DanmakuResult").Exists() {
					fail("DanmakuResult is sent only at settlement")
				}
				get := func(k string) string { v, _ := p.Get(k); return v.Text }
				sum := md5.Sum([]byte(get("AppId") + get("SignatureNonce") + "k" + get("Timestamp")))
				if get("Signature") != hex.EncodeToString(sum[:]) {
					fail("Signature %s is not md5(AppId+SignatureNonce+secret+Timestamp)", get("Signature"))
				}
			}
		}
	}
	want := map[string]int{"aiagent": 11, "asr": 3, "digitalhuman": 2, "minigame": 2}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("events per family %v, want %v", counts, want)
	}
}

// ASRResult and Exception are AI Agent and ASR events; EventType 3 and 4
// are Digital Human's (and Cloud Player's); ReportType is Mini Game's. The
// real catalog tells them apart by their marker fields.
func TestAgentFamiliesDetect(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name, body string
		want, rule string
		ambiguous  bool
		problem    string
	}{
		{"aiagent ASRResult", `{"AppId":1,"AgentInstanceId":"1912124734317838336","Event":"ASRResult"}`, "aiagent/ASRResult", "AgentInstanceId", false, ""},
		{"asr ASRResult", `{"AppId":1,"Event":"ASRResult","RoomId":"111","TaskId":"1922184164614877184"}`, "asr/ASRResult", "TaskId", false, ""},
		{"aiagent Exception", `{"Event":"Exception","AgentInstanceId":"1"}`, "aiagent/Exception", "AgentInstanceId", false, ""},
		{"asr Exception", `{"Event":"Exception","TaskId":"1"}`, "asr/Exception", "TaskId", false, ""},
		{"bare Exception", `{"Event":"Exception","RoomId":"r"}`, "aiagent/Exception", "no distinguishing field", true, ""},
		{"TranslationResult alone", `{"Event":"TranslationResult"}`, "asr/TranslationResult", "", false, ""},
		{"deprecated AgentSpeakAction", `{"Event":"AgentSpeakAction","AgentInstanceId":"1"}`, "aiagent/AgentSpeakAction", "", false, ""},
		{"digital human 3", `{"AppId":1,"TaskId":"t","EventType":3,"Detail":{"Status":5}}`, "digitalhuman/stream_task_status", "", false, ""},
		{"digital human 4", `{"AppId":1,"TaskId":"t","EventType":4}`, "digitalhuman/drive_status", "", false, ""},
		{"mini game settlement", `{"AppId":1,"ReportType":2}`, "minigame/game_settlement", "", false, ""},
		{"mini game start as string", `{"ReportType":"1"}`, "minigame/game_start", "", false, ""},
		{"mini game undocumented", `{"ReportType":3}`, "", "", false, "ReportType 3 is not a documented value (minigame: 1, 2)"},
		{"digital human undocumented", `{"EventType":5,"TaskId":"t"}`, "", "", false, "EventType 5 is not a documented value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseJSON([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			d := c.Detect(p)
			got := ""
			if d.Event != nil {
				got = d.Event.Qualified
			}
			if got != tc.want || !strings.Contains(d.Rule, tc.rule) || d.Ambiguous != tc.ambiguous {
				t.Fatalf("Detect = %q rule %q ambiguous %v, want %q rule ~%q ambiguous %v", got, d.Rule, d.Ambiguous, tc.want, tc.rule, tc.ambiguous)
			}
			if !strings.Contains(d.Problem, tc.problem) || (tc.problem == "") != (d.Problem == "") {
				t.Fatalf("problem %q, want %q", d.Problem, tc.problem)
			}
		})
	}
	// The bare names: the first family's event, the other named.
	for name, want := range map[string]string{"ASRResult": "aiagent/ASRResult", "asr/exception": "asr/Exception", "drive_status": "digitalhuman/drive_status", "game_settlement": "minigame/game_settlement"} {
		if e, _ := c.Resolve(name); e == nil || e.Qualified != want {
			t.Errorf("Resolve(%q) = %v, want %s", name, e, want)
		}
	}
	if _, alts := c.Resolve("Exception"); len(alts) != 1 || alts[0].Qualified != "asr/Exception" {
		t.Errorf("Resolve(Exception) alternatives %v, want asr/Exception", alts)
	}
}
