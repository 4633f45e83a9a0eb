package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// send, replay and scenario name the outcome of a delivery with one
// vocabulary, and replay's summary counts them under the same names.
func TestDeliveryOutcomeVocabulary(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	capt := writeCapture(t, captureLine(t, "stream_close", replaySecret, "room-2", at, 502, false))
	env := map[string]string{EnvSecret: replaySecret}
	srv := newRecordingServer(t, 500)
	c := newCmdtest(t, cmdOpts{env: env})
	code, out, errOut := c.call("replay", capt, "--to", srv.URL, "--no-retry", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var d map[string]any
	var s map[string]any
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &d) != nil || json.Unmarshal([]byte(lines[1]), &s) != nil {
		t.Fatalf("output:\n%s", out)
	}
	if d["outcome"] != "gave_up" {
		t.Errorf("replay outcome %v, want send's gave_up", d["outcome"])
	}
	if s["gave_up"] != 1.0 || s["delivered_with_warning"] != 0.0 {
		t.Errorf("replay summary counts: %v", s)
	}
	for _, gone := range []string{"warned", "rejected", "ok", "sent_byte_exact", "sent_restamped"} {
		if _, ok := s[gone]; ok {
			t.Errorf("replay summary still has %q", gone)
		}
	}

	// scenario: every delivery has an outcome; hazards number callbacks
	// from 1, as deliveries[].callback does.
	c = newCmdtest(t, cmdOpts{env: env})
	code, out, errOut = c.call("scenario", "reconnect", "--order", "adversarial", "--seed", "25", "-o", "json")
	if code != 0 {
		t.Fatalf("scenario exit %d: %s", code, errOut)
	}
	var doc scenarioJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, dl := range doc.Deliveries {
		if dl.Outcome != "delivered" {
			t.Errorf("delivery %d outcome %q", dl.N, dl.Outcome)
		}
	}
	checked := 0
	for _, h := range doc.Hazards {
		if !h.Applied {
			continue
		}
		var carrier []int
		for _, dl := range doc.Deliveries {
			if dl.Hazard == h.Hazard {
				carrier = append(carrier, dl.Callback)
			}
		}
		for _, cb := range carrier {
			found := false
			for _, hc := range h.Callbacks {
				found = found || hc == cb
			}
			if !found {
				t.Errorf("hazard %s callbacks %v do not hold delivery callback %d", h.Hazard, h.Callbacks, cb)
			}
			checked++
		}
		for _, hc := range h.Callbacks {
			if hc < 1 || hc > len(doc.Deliveries) {
				t.Errorf("hazard %s callback %d out of range", h.Hazard, hc)
			}
		}
	}
	if checked == 0 {
		t.Errorf("no applied hazard carried by a delivery: %+v", doc.Hazards)
	}
}
