package callback

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidwall/gjson"
)

// TestMediaSampleProperties: Cloud Player, Cloud Recording and Super Board
// samples keep their nested Detail/detail/data consistent: times in the
// unit each field documents and before the signed timestamp, durations
// that match their begin and end, ids that agree with each other.
func TestMediaSampleProperties(t *testing.T) {
	c := Default()
	now := time.Unix(1767000000, 456_000_000)
	ms := now.UnixMilli()
	n := 0
	for _, e := range c.Events() {
		fam := e.Product.Name
		if fam != "cloudplayer" && fam != "cloudrecording" && fam != "superboard" {
			continue
		}
		n++
		for seed := uint64(0); seed < 200; seed++ {
			p := e.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(seed, 13))})
			e.Stamp(p, "k", e.Timestamp(now), NewNonce())
			body := string(p.JSON())
			fail := func(format string, args ...any) {
				t.Helper()
				t.Fatalf("%s (seed %d): %s\n%s", e.Qualified, seed, fmt.Sprintf(format, args...), body)
			}
			// within checks a time of the given unit lies in the day
			// before the signed timestamp, with the unit's digit count.
			within := func(path, unit string, r gjson.Result) {
				t.Helper()
				if !r.Exists() {
					return
				}
				text := r.Raw
				if r.Type == gjson.String {
					text = r.Str
				}
				v, err := strconv.ParseInt(text, 10, 64)
				want := map[string]int{"s": 10, "ms": 13}[unit]
				if err != nil || len(text) != want {
					fail("%s = %s: want %d digits (%s)", path, r.Raw, want, unit)
				}
				if unit == "s" {
					v *= 1000
				}
				if v > ms || v < ms-86_400_000 {
					fail("%s = %s: not within the day before %d ms", path, r.Raw, ms)
				}
			}
			switch fam {
			case "cloudplayer":
				within("EventTime", "ms", gjson.Get(body, "EventTime"))
				d := gjson.Get(body, "Detail")
				if !d.IsObject() {
					fail("Detail is not an object")
				}
				within("Detail.CreateTime", "s", d.Get("CreateTime"))
				within("Detail.PlayTime", "s", d.Get("PlayTime"))
				ev := gjson.Get(body, "EventTime").Int()
				if ct, pt := d.Get("CreateTime"), d.Get("PlayTime"); ct.Exists() && (ct.Int() > pt.Int() || pt.Int()*1000 > ev) {
					fail("created %d, playing %d, event at %d ms: out of order", ct.Int(), pt.Int(), ev)
				}
				if pt := d.Get("PlayTime"); pt.Exists() && pt.Int()*1000 > ev {
					fail("playing at %d s after the event at %d ms", pt.Int(), ev)
				}
				// An upload task id is an ObjectId: it begins with its
				// creation time, before the event.
				if id := gjson.Get(body, "UploadTaskId").Str; id != "" {
					sec, err := strconv.ParseInt(id[:8], 16, 64)
					if len(id) != 24 || err != nil || sec*1000 > ev || sec*1000 < ms-86_400_000 {
						fail("UploadTaskId %q: want a 24-hex id created in the day before the event", id)
					}
				}
				if id := gjson.Get(body, "PlayerId").Str; id != "" && len(id) != 32 {
					fail("PlayerId %q: want 32 hex digits", id)
				}
				if gjson.Get(body, "PlayerId").Exists() == gjson.Get(body, "UploadTaskId").Exists() {
					fail("want exactly one of PlayerId (player events) and UploadTaskId (upload events)")
				}
			case "cloudrecording":
				task, room := gjson.Get(body, "task_id").Str, gjson.Get(body, "room_id").Str
				if len(task) != 16 {
					fail("task_id %q: want 16 bytes", task)
				}
				if s := gjson.Get(body, "sequence"); s.Type != gjson.Number || s.Int() < 0 {
					fail("sequence %s: want a number from 0", s.Raw)
				}
				d := gjson.Get(body, "detail")
				if !d.IsObject() {
					fail("detail is not an object")
				}
				files := d.Get("file_info").Array()
				if m := d.Get("file_url"); m.Exists() {
					files = append(files, d)
				}
				for _, f := range files {
					id := f.Get("file_id").Str
					if !strings.HasPrefix(id, task+"_"+room+"_") || !strings.Contains(id, "_"+f.Get("stream_id").Str+"_") {
						fail("file_id %q does not name task %s, room %s and stream %s", id, task, room, f.Get("stream_id").Str)
					}
					if !strings.HasSuffix(f.Get("file_url").Str, "/"+id) {
						fail("file_url %q does not end in the file_id", f.Get("file_url").Str)
					}
					if b := f.Get("begin_timestamp"); b.Exists() {
						within("begin_timestamp", "ms", b)
						end := b.Int() + f.Get("duration").Int()
						if f.Get("duration").Int() <= 0 || end > ms {
							fail("begins %d ms, lasts %d ms: ends after the timestamp", b.Int(), f.Get("duration").Int())
						}
						stamp := strings.Replace(time.UnixMilli(b.Int()).UTC().Format("20060102150405.000"), ".", "", 1)
						if !strings.HasSuffix(id, "_VA_"+stamp+".mp4") {
							fail("file_id %q does not carry the begin time %s", id, stamp)
						}
						if f.Get("output_file_format").Str != id[strings.LastIndexByte(id, '.')+1:] {
							fail("format %s, file %s", f.Get("output_file_format").Str, id)
						}
						if rate := f.Get("file_size").Int() * 8 / f.Get("duration").Int(); rate < 64 || rate > 8000 { // kbit/s
							fail("file_size %d over %d ms is %d kbit/s", f.Get("file_size").Int(), f.Get("duration").Int(), rate)
						}
					}
				}
			case "superboard":
				for _, k := range []string{"data.file_id", "data.task_id"} {
					if id := gjson.Get(body, k).Str; len(id) != 16 {
						fail("%s %q: want 16 characters", k, id)
					}
				}
			}
		}
	}
	if n != 10+10+1 {
		t.Fatalf("%d Cloud Player, Cloud Recording and Super Board events, want 21", n)
	}
}

// A numeric event type is checked against its number whatever the JSON
// type: a form body, or a JSON string, carries "3", not the event's name.
func TestCheckNumericRoute(t *testing.T) {
	e, ok := Default().Lookup("cloudplayer/player_status")
	if !ok {
		t.Fatal("no cloudplayer/player_status")
	}
	p := e.Sample(SampleOptions{})
	for _, tc := range []struct {
		v    Value
		want string
	}{
		{Number("3"), ""},
		{String("3"), ""},
		{String("4"), `EventType: is "4", want "3"`},
		{String("player_status"), `EventType: is "player_status", want an integer`},
	} {
		q := p.Clone()
		q.Set("EventType", tc.v)
		var got []string
		for _, pr := range errorsOnly(e.Check(q)) {
			got = append(got, pr.String())
		}
		if strings.Join(got, "; ") != tc.want {
			t.Errorf("EventType %s: problems %q, want %q", tc.v.Raw, got, tc.want)
		}
	}
}

// Cloud Player's EventType 3 and 4 are also Digital Human's: with the real
// Cloud Player entries beside Digital Human's (the catalog's own once both
// are in it, else stand-ins marked by TaskId as the fact sheet describes),
// a body with PlayerId is Cloud Player's and one with TaskId Digital Human's.
func TestCloudPlayerBesideDigitalHuman(t *testing.T) {
	fsys := fstest.MapFS{}
	dir := filepath.Join("catalog")
	b, err := os.ReadFile(filepath.Join(dir, "families.json"))
	if err != nil {
		t.Fatal(err)
	}
	fsys["catalog/families.json"] = &fstest.MapFile{Data: b}
	for _, fam := range []string{"cloudplayer", "digitalhuman"} {
		files, _ := filepath.Glob(filepath.Join(dir, fam, "*.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fsys["catalog/"+fam+"/"+filepath.Base(f)] = &fstest.MapFile{Data: b}
		}
	}
	haveDH := false
	for k := range fsys {
		haveDH = haveDH || strings.HasPrefix(k, "catalog/digitalhuman/")
	}
	if !haveDH {
		for _, route := range []string{"3", "4"} {
			fsys["catalog/digitalhuman/dh_"+route+".json"] = &fstest.MapFile{Data: []byte(`{"name":"dh_` + route + `","route":"` + route + `",
				"title":"t","summary":"s","group":"g","doc":"https://x","markers":["TaskId"],"response":{},"fields":[
				{"name":"EventType","type":"int","role":"event","wire":"number","required":true,"enum":[{"value":"` + route + `","meaning":"m"}],"description":"d","sample":"` + route + `"},
				{"name":"AppId","type":"int","role":"appid","wire":"number","required":true,"description":"d","sample":"${appid}"},
				{"name":"Timestamp","type":"int","role":"timestamp","required":true,"unit":"ms","description":"d","sample":"${now_ms}"},
				{"name":"Nonce","type":"string","role":"nonce","required":true,"description":"d","sample":"${nonce}"},
				{"name":"Signature","type":"string","role":"signature","required":true,"description":"SHA-1","sample":""},
				{"name":"TaskId","type":"string","required":true,"description":"d","sample":"${task_id}"},
				{"name":"Detail","type":"object","required":true,"description":"d","sample":"{\"DriveId\":\"d\",\"StreamId\":\"${stream_id}\"}"}]}`)}
		}
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1767000000, 0)
	for _, e := range c.Events() {
		p := e.Sample(SampleOptions{Now: now})
		e.Stamp(p, "k", e.Timestamp(now), "1")
		d := c.Detect(p)
		if d.Event != e {
			t.Errorf("%s sample detected as %v (rule %q, %s)", e.Qualified, d.Event, d.Rule, d.Problem)
		}
		if e.Route != "3" && e.Route != "4" {
			continue
		}
		if d.Ambiguous || len(d.Alternatives) != 1 {
			t.Errorf("%s: ambiguous %v, alternatives %v", e.Qualified, d.Ambiguous, d.Alternatives)
		}
		if e.Product.Name == "cloudplayer" && !strings.Contains(d.Rule, "PlayerId") {
			t.Errorf("%s: rule %q, want PlayerId", e.Qualified, d.Rule)
		}
	}
}

// Bodies of the three families are identified from the body alone, and an
// undocumented number lists the documented ones in order.
func TestDetectMediaFamilies(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		body, want, problem, warning string
	}{
		{`{"app_id":1,"event_type":5,"task_id":"t"}`, "cloudrecording/record_completed", "", ""},
		{`{"event_type":"102"}`, "cloudrecording/m3u8_address", "", `event_type is a JSON string ("102"); ZEGO sends a number`},
		{`{"event_type":999}`, "", "event_type 999 is not a documented value (cloudrecording: 1, 2, 3, 4, 5, 6, 7, 102, 201, 202)", ""},
		{`{"event_type":"five"}`, "", `event_type: is "five", want an integer event type`, ""},
		{`{"EventType":10003,"UploadTaskId":"u"}`, "cloudplayer/upload_task_status", "", ""},
		{`{"PlayerId":"p","EventType":3}`, "cloudplayer/player_status", "", ""},
		{`{"EventType":10007}`, "", "EventType 10007 is not a documented value (digitalhuman, cloudplayer: 1, 2, 3, 4, 10001, 10002, 10003, 10004, 10005, 10006)", ""},
		{`{"appid":1,"event":"cvt_finish","data":{}}`, "superboard/cvt_finish", "", ""},
	} {
		p, err := ParseJSON([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		d := c.Detect(p)
		got := ""
		if d.Event != nil {
			got = d.Event.Qualified
		}
		if got != tc.want || d.Problem != tc.problem || d.Warning != tc.warning {
			t.Errorf("%s: detected %q problem %q warning %q; want %q %q %q", tc.body, got, d.Problem, d.Warning, tc.want, tc.problem, tc.warning)
		}
	}
}
