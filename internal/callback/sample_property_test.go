package callback

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README promises samples "whose ids, times and URLs agree with each
// other". This checks every relation it implies, over 1,000 samples of
// every event, each from its own seed and clock. The relations are found
// by field name and unit, so events added to the catalog are checked too.
func TestSampleRelationsHold(t *testing.T) {
	const perEvent = 1000
	const appid = "1234567890"
	for _, ev := range Default().Events() {
		t.Run(ev.Name, func(t *testing.T) {
			for i := 0; i < perEvent; i++ {
				now := time.Unix(1_700_000_000+int64(i)*7919, int64(i%1000)*int64(time.Millisecond)+int64(i%7))
				p := ev.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(uint64(i), 42)), AppID: appid})
				ev.Stamp(p, "secret", strconv.FormatInt(now.Unix(), 10), NewNonce())
				if err := checkSampleRelations(ev, p, now, appid); err != "" {
					t.Fatalf("sample %d (now %s): %s\n%s", i, now.Format(time.RFC3339Nano), err, p.JSON())
				}
			}
		})
	}
}

var (
	startWords = regexp.MustCompile(`(?i)(begin|create|login|start)`)
	endWords   = regexp.MustCompile(`(?i)(end|logout|destroy|close|stop)`)
	// spans are lengths of time, not moments (call_create's timeout, in s).
	spans = regexp.MustCompile(`(?i)(timeout|duration|interval|elapsed)`)
)

// checkSampleRelations returns what is wrong with p, or "".
func checkSampleRelations(ev *Event, p *Payload, now time.Time, appid string) string {
	text := func(name string) (string, bool) {
		v, ok := p.Get(name)
		return v.Text, ok
	}
	ts, _ := text(ev.RoleField(RoleTimestamp).Name)
	if ts != strconv.FormatInt(now.Unix(), 10) {
		return "timestamp " + ts + " is not now"
	}
	nowMs := now.UnixMilli()

	// Every time field is a moment before the callback was sent, within
	// the last day; fields that start something are not after those that
	// end it; a time in seconds and its twin in milliseconds agree.
	type moment struct {
		name string
		ms   int64
	}
	var starts, ends []moment
	ms := map[string]int64{}
	for i := range ev.Fields {
		f := &ev.Fields[i]
		if f.Unit != "s" && f.Unit != "ms" || f.Role == RoleTimestamp || spans.MatchString(f.Name) {
			continue
		}
		v, ok := text(f.Name)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f.Name + ": not an integer: " + v
		}
		m := n
		if f.Unit == "s" {
			m = n*1000 + 999 // the second's end: a time in seconds is truncated
		}
		if m > nowMs+999 || m < nowMs-24*3600*1000 {
			return f.Name + " = " + v + " is not within the day before the timestamp"
		}
		ms[f.Name] = n
		if f.Unit == "s" {
			ms[f.Name] = n * 1000
		}
		switch {
		case startWords.MatchString(f.Name):
			starts = append(starts, moment{f.Name, ms[f.Name]})
		case endWords.MatchString(f.Name):
			ends = append(ends, moment{f.Name, ms[f.Name]})
		}
	}
	for _, s := range starts {
		for _, e := range ends {
			if s.ms > e.ms {
				return s.name + " is after " + e.name
			}
		}
	}
	for name, v := range ms {
		if twin, ok := ms[name+"_ms"]; ok && v != twin/1000*1000 {
			return name + " and " + name + "_ms disagree"
		}
	}

	// Ids: the AppID as given; a room's stream is named after the room and
	// its publisher; channel_id is the room; a task id names the AppID.
	for i := range ev.Fields {
		f := &ev.Fields[i]
		if f.Role == RoleAppID {
			if v, _ := text(f.Name); v != appid {
				return f.Name + " = " + v + ", not the AppID"
			}
		}
	}
	room, hasRoom := text("room_id")
	user, hasUser := text("user_id")
	stream, hasStream := text("stream_id")
	if hasStream && hasRoom && !strings.HasPrefix(stream, room+"-") {
		return "stream_id " + stream + " is not named after room " + room
	}
	if hasStream && hasUser && !strings.HasSuffix(stream, "-"+user) {
		return "stream_id " + stream + " is not named after user " + user
	}
	if c, ok := text("channel_id"); ok && hasRoom && c != room {
		return "channel_id " + c + " is not room_id " + room
	}
	for _, name := range []string{"task_id", "TaskId"} {
		if v, ok := text(name); ok && strings.Contains(v, ":") && !strings.HasPrefix(v, appid+":") {
			return name + " " + v + " does not start with the AppID"
		}
	}

	// URLs name the stream they serve.
	var named string
	for _, name := range []string{"stream_alias", "mix_stream_id", "stream_id"} {
		if v, ok := text(name); ok {
			named = v
			break
		}
	}
	for _, e := range p.Entries {
		if !strings.HasSuffix(e.Key, "_url") && !strings.HasSuffix(e.Key, "_urls") || named == "" {
			continue
		}
		if !strings.Contains(e.Value.Raw, named) {
			return e.Key + " does not name " + named
		}
	}
	if u, ok := text("replay_url"); ok && ev.Name == "record" {
		if b, _ := text("begin_time"); !strings.Contains(u, "_"+b+".") {
			return "replay_url does not name begin_time " + b
		}
	}

	// JSON in strings: its ids are the payload's, its times agree with
	// the payload's, and a recording's Duration is end_time - begin_time.
	for _, e := range p.Entries {
		if e.Value.Kind != KindString || !strings.HasPrefix(e.Value.Text, "{") {
			continue
		}
		var inner map[string]any
		if json.Unmarshal([]byte(e.Value.Text), &inner) != nil {
			continue
		}
		for k, field := range map[string]string{"RoomId": "room_id", "UserId": "user_id", "StreamId": "stream_id"} {
			if v, ok := inner[k]; ok {
				if want, has := text(field); has && v != want {
					return e.Key + "." + k + " is not " + field
				}
			}
		}
		if b, ok := inner["ProcessBeginTime"].(float64); ok {
			f, _ := inner["ProcessFinishTime"].(float64)
			if b > f || f > float64(nowMs+999) {
				return e.Key + ": ProcessBeginTime, ProcessFinishTime and the timestamp are out of order"
			}
		}
		if d, ok := inner["Duration"].(float64); ok {
			b, hasB := ms["begin_time"]
			en, hasE := ms["end_time"]
			if !hasB || !hasE {
				return e.Key + ".Duration without begin_time and end_time"
			}
			if span := float64(en-b) / 1000; math.Abs(d-span) >= 1 {
				return e.Key + ".Duration " + strconv.FormatFloat(d, 'f', -1, 64) + " s disagrees with end_time - begin_time = " + strconv.FormatFloat(span, 'f', -1, 64) + " s"
			}
		}
	}
	return ""
}
