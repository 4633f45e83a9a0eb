package inspect

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/signature"
)

// The capture fixture is generated (go test ./internal/inspect/ -run
// TestFixture -update) so that its signatures are right for fixtureSecret.
// scripts/inspect-tmux.sh opens the same file.

const fixtureSecret = "fixture-secret"

var fixturePath = filepath.Join("testdata", "capture.jsonl")

var updateFixture = flag.Bool("update-fixture", false, "rewrite testdata/capture.jsonl")

type fixtureCall struct {
	at     string // seconds after 12:00:00
	ct     string
	body   string // with {ts} {nonce} {sig} to fill in
	ts     string
	nonce  string
	sigKey string // secret to sign with
	status int
	answer string
}

var fixtureCalls = []fixtureCall{
	{"00.120", "application/json", `{"event":"room_create","appid":"2431671210","timestamp":"{ts}","nonce":"{nonce}","signature":"{sig}","room_id":"room-bbfe","room_session_id":"6308656847324073391","room_create_time":"1772366400120","id_name":"user-92c3"}`,
		"1772366400", "8533186765408256421", fixtureSecret, 200, "1"},
	{"01.504", "application/json", `{"event":"room_login","appid":"2431671210","timestamp":"{ts}","nonce":"{nonce}","signature":"{sig}","room_id":"room-bbfe","room_name":"Room bbfe","room_seq":"8517634802341190584","user_account":"user-92c3","user_nickname":"Guest 92c3","session_id":"418922075447408963","login_time":"1772366401480","user_role":"1","auth_level":"0","relogin":"0","user_update_seq":"86","callback_data":"","term_type":"3"}`,
		"1772366401", "6213799311363161609", fixtureSecret, 200, "1"},
	{"02.010", "application/json", `{"event":"stream_create","appid":"2431671210","timestamp":"{ts}","nonce":"{nonce}","signature":"{sig}","room_id":"room-bbfe","room_session_id":"6308656847324073391","user_id":"user-92c3","user_name":"Guest 92c3","channel_id":"room-bbfe","stream_id":"room-bbfe-user-92c3","stream_sid":"s-185642697742730717300654874","title":"","stream_alias":"room-bbfe-user-92c3","stream_attr":"{\"cid\":0,\"codec\":\"h264\"}","stream_seq":"320","create_time":"1772366401","create_time_ms":"1772366401990","extra_info":"","recreate":"0","publish_id":"user-92c3","publish_name":"Guest 92c3","rtmp_url":["rtmp://rtmp.wsdemo.zego.im/zegodemo/room-bbfe-user-92c3"],"hls_url":[],"hdl_url":[],"pic_url":[]}`,
		"1772366402", "7302118854510022893", fixtureSecret, 500, "simulated failure 1 of 1"},
	{"04.031", "application/json", `{"event":"stream_create","appid":"2431671210","timestamp":"{ts}","nonce":"{nonce}","signature":"{sig}","room_id":"room-bbfe","room_session_id":"6308656847324073391","user_id":"user-92c3","user_name":"Guest 92c3","channel_id":"room-bbfe","stream_id":"room-bbfe-user-92c3","stream_sid":"s-185642697742730717300654874","title":"","stream_alias":"room-bbfe-user-92c3","stream_attr":"{\"cid\":0,\"codec\":\"h264\"}","stream_seq":"320","create_time":"1772366401","create_time_ms":"1772366401990","extra_info":"","recreate":"0","publish_id":"user-92c3","publish_name":"Guest 92c3","rtmp_url":["rtmp://rtmp.wsdemo.zego.im/zegodemo/room-bbfe-user-92c3"],"hls_url":[],"hdl_url":[],"pic_url":[]}`,
		"1772366402", "7302118854510022893", fixtureSecret, 200, "1"},
	{"09.877", "application/json", `{"event":"room_logout","appid":"2431671210","timestamp":"{ts}","nonce":"{nonce}","signature":"{sig}","room_id":"room-47bf","room_seq":"8517634802341190584","user_account":"user-ecc2","session_id":"418922075447408963","logout_time":"1772366409870","reason":"1","user_role":"2"}`,
		"1772366409", "5500146021189346112", "another-secret", 401, "invalid signature"},
	{"12.400", "application/x-www-form-urlencoded", `event=stream_close&appid=2431671210&timestamp={ts}&nonce={nonce}&signature={sig}&room_id=room-bbfe&room_session_id=6308656847324073391&user_id=user-92c3&channel_id=room-bbfe&type=1&stream_alias=room-bbfe-user-92c3&stream_id=room-bbfe-user-92c3&stream_sid=s-185642697742730717300654874&stream_seq=321&create_time_ms=1772366401990&destroy_timemillis=1772366412390`,
		"1772366412", "1190031174433219950", fixtureSecret, 200, "1"},
	{"15.002", "application/json", `{"event":"room_close","appid":"2431671210","timestamp":"{ts}","nonce":"{nonce}","signature":"{sig}","room_id":"room-bbfe","room_session_id":"6308656847324073391","close_reason":"2","room_close_time":"1772366414990"}`,
		"1772366415", "3881902275521902244", fixtureSecret, 200, "1"},
}

func fixtureRecords(t testing.TB) []*capture.Record {
	t.Helper()
	var out []*capture.Record
	for i, c := range fixtureCalls {
		at, err := time.Parse(time.RFC3339Nano, "2026-03-01T12:00:"+c.at+"Z")
		if err != nil {
			t.Fatal(err)
		}
		body := strings.NewReplacer("{ts}", c.ts, "{nonce}", c.nonce, "{sig}", signature.Sign(c.sigKey, c.ts, c.nonce)).Replace(c.body)
		rec := &capture.Record{
			V: capture.Version, ReceivedAt: at, RemoteAddr: "127.0.0.1:" + strconv.Itoa(50001+i),
			Method: "POST", Path: "/zego/callback",
			Headers: map[string][]string{"Content-Type": {c.ct}, "User-Agent": {"Go-http-client/1.1"}},
			Answer:  &capture.Answer{Status: c.status, Body: c.answer},
		}
		rec.SetBody([]byte(body))
		out = append(out, rec)
	}
	return out
}

func TestFixture(t *testing.T) {
	var b []byte
	for _, r := range fixtureRecords(t) {
		b = r.AppendJSON(b)
	}
	if *updateFixture {
		if err := os.WriteFile(fixturePath, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(b) {
		t.Fatalf("%s is stale: run go test ./internal/inspect/ -run TestFixture -update-fixture", fixturePath)
	}
}
