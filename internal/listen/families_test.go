package listen

import (
	"net/http"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// The receiver identifies each family's event from the body alone and checks
// its signature with the family's names and scheme: Mini Game's MD5 over
// AppId + SignatureNonce + secret + Timestamp, the ms timestamps of AI Agent
// and ASR, the numeric event types of Digital Human, ZIM's room_create.
func TestFamiliesDetectedAndVerified(t *testing.T) {
	now := time.Unix(1767000000, 250_000_000)
	sample := func(name string, mutate func(e *callback.Event, p *callback.Payload)) []byte {
		e, ok := callback.Default().Lookup(name)
		if !ok {
			t.Fatalf("no event %s", name)
		}
		p := e.Sample(callback.SampleOptions{Now: now})
		e.Stamp(p, testSecret, e.Timestamp(now), "7254119327986670314")
		if mutate != nil {
			mutate(e, p)
		}
		return p.JSON()
	}
	sha1Instead := func(e *callback.Event, p *callback.Payload) {
		ts, _ := p.Get("Timestamp")
		p.Set("Signature", callback.String(signature.Sign(testSecret, ts.Text, "7254119327986670314")))
	}
	for _, tc := range []struct {
		event, want string
		mutate      func(e *callback.Event, p *callback.Payload)
		status      int
		reason      signature.Reason
	}{
		{"minigame/game_settlement", "minigame/game_settlement", nil, 200, ""},
		{"minigame/game_start", "minigame/game_start", nil, 200, ""},
		{"minigame/game_settlement", "minigame/game_settlement", sha1Instead, http.StatusUnauthorized, signature.WrongScheme},
		{"digitalhuman/drive_status", "digitalhuman/drive_status", nil, 200, ""},
		{"digitalhuman/stream_task_status", "digitalhuman/stream_task_status", nil, 200, ""},
		{"asr/ASRResult", "asr/ASRResult", nil, 200, ""},
		{"aiagent/ASRResult", "aiagent/ASRResult", nil, 200, ""},
		{"aiagent/AgentInstanceDeleted", "aiagent/AgentInstanceDeleted", nil, 200, ""},
		{"zim/room_create", "zim/room_create", nil, 200, ""},
	} {
		t.Run(tc.event, func(t *testing.T) {
			srv, events := serve(t, Config{Secret: testSecret})
			status, _ := post(t, srv.URL, "application/json", sample(tc.event, tc.mutate))
			ev := <-events
			got := ""
			if ev.Spec != nil {
				got = ev.Spec.Qualified
			}
			sigOK := ev.Sig == SigOK && ev.SigResult.OK()
			if status != tc.status || got != tc.want || sigOK != (tc.reason == "") || (tc.reason != "" && ev.SigResult.Reason != tc.reason) {
				t.Fatalf("status %d, event %s, signature %s %s %q; want %d %s %q", status, got, ev.Sig, ev.SigResult.Reason, ev.SigResult.Detail, tc.status, tc.want, tc.reason)
			}
			if ev.Name != ev.Spec.Ref || len(ev.Problems) != 0 {
				t.Fatalf("name %q, problems %v", ev.Name, ev.Problems)
			}
		})
	}
}
