// listen_json.go is listen's -o json stream: one object per line, told apart
// by "kind" (callback, forward, reject); documented in docs/listen.md.

package cli

import (
	"encoding/json"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/signature"
)

// The -o json stream: one object per line, told apart by "kind". The
// schema is documented in docs/listen.md; tests unmarshal it.

type listenEventJSON struct {
	V               int             `json:"v"`    // jsonVersion
	Kind            string          `json:"kind"` // "callback"
	Seq             int             `json:"seq"`
	ReceivedAt      time.Time       `json:"received_at"`
	Event           string          `json:"event"`
	Known           bool            `json:"known"`     // the event is in the catalog
	Signature       string          `json:"signature"` // ok, bad, unchecked
	SignatureReason string          `json:"signature_reason"`
	SignatureDetail string          `json:"signature_detail,omitempty"`
	Delivery        int             `json:"delivery"`
	Replay          bool            `json:"replay"` // same nonce and signature as an earlier delivery, other content
	SincePrevMs     *float64        `json:"since_prev_ms,omitempty"`
	DriftMs         *float64        `json:"drift_ms,omitempty"`
	Answer          answerJSON      `json:"answer"` // what zegocb answered
	LatencyMs       float64         `json:"latency_ms"`
	RemoteAddr      string          `json:"remote_addr"`
	Method          string          `json:"method"`
	Path            string          `json:"path"`
	ContentType     string          `json:"content_type"`
	Format          string          `json:"format,omitempty"`
	Problems        []problemJSON   `json:"problems"`
	Simulated       string          `json:"simulated,omitempty"`
	Saved           bool            `json:"saved"`
	SaveError       string          `json:"save_error,omitempty"`
	Forward         *forwardJSON    `json:"forward,omitempty"`
	ParseError      string          `json:"parse_error,omitempty"`
	Payload         json.RawMessage `json:"payload"`        // the parsed body as JSON; null when it did not parse
	Body            *string         `json:"body,omitempty"` // the raw body, only when it did not parse
}

// answerJSON is an answer zegocb gave (listen, send's built-in receiver),
// as in a capture record.
type answerJSON struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

type problemJSON struct {
	Field    string `json:"field"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

type forwardJSON struct {
	URL        string       `json:"url"`
	Redelivery bool         `json:"redelivery"`
	Attempt    *attemptJSON `json:"attempt,omitempty"`
	Attempts   int          `json:"attempts"`
	Max        int          `json:"max"`
	Delivered  bool         `json:"delivered"`
	Retrying   bool         `json:"retrying"`
	NextInMs   float64      `json:"next_in_ms,omitempty"`
}

type forwardAttemptJSON struct {
	V       int         `json:"v"`    // jsonVersion
	Kind    string      `json:"kind"` // "forward_attempt"
	Seq     int         `json:"seq"`
	Event   string      `json:"event"`
	URL     string      `json:"url"`
	At      time.Time   `json:"at"`
	Attempt attemptJSON `json:"attempt"`
	Max     int         `json:"max"`
	NextIn  float64     `json:"next_in_ms,omitempty"`
	Final   bool        `json:"final"`
}

type rejectJSON struct {
	V          int       `json:"v"`    // jsonVersion
	Kind       string    `json:"kind"` // "rejected"
	ReceivedAt time.Time `json:"received_at"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	RemoteAddr string    `json:"remote_addr"`
	Status     int       `json:"status"`
}

func eventJSON(ev *listen.Event) listenEventJSON {
	j := listenEventJSON{
		V:           jsonVersion,
		Kind:        "callback",
		Seq:         ev.Seq,
		ReceivedAt:  ev.Received,
		Event:       ev.Name,
		Known:       ev.Spec != nil,
		Signature:   string(ev.Sig),
		Delivery:    ev.Delivery,
		Replay:      ev.Replay,
		Answer:      answerJSON{Status: ev.Status, Body: ev.Answer},
		LatencyMs:   millis(ev.Latency),
		RemoteAddr:  ev.RemoteAddr,
		Method:      ev.Method,
		Path:        ev.Path,
		ContentType: ev.ContentType,
		Problems:    problemsJSON(ev.Problems),
		Simulated:   ev.Simulated,
		Saved:       ev.Saved,
		Payload:     json.RawMessage("null"),
	}
	j.SignatureReason, j.SignatureDetail = signatureReason(ev), ev.SigResult.Detail
	if ev.Delivery > 1 && !ev.Replay {
		since, drift := millis(ev.SincePrev), millis(ev.Drift)
		j.SincePrevMs, j.DriftMs = &since, &drift
	}
	if ev.SaveErr != nil {
		j.SaveError = ev.SaveErr.Error()
	}
	if f := ev.Forward; f != nil {
		fj := &forwardJSON{URL: f.URL, Redelivery: f.Redelivery, Attempts: f.Attempts, Max: f.Max, Delivered: f.Delivered, Retrying: f.Retrying, NextInMs: millis(f.NextIn)}
		if !f.Redelivery {
			a := newAttemptJSON(f.Attempt)
			fj.Attempt = &a
		}
		j.Forward = fj
	}
	if ev.Payload != nil {
		j.Format = string(ev.Payload.Format)
		j.Payload = ev.Payload.JSON()
	} else {
		body := string(ev.Body)
		j.Body = &body
		if ev.ParseErr != nil {
			j.ParseError = ev.ParseErr.Error()
		}
	}
	return j
}

// signatureReason is the signature check's reason code: "ok", why not,
// "missing_secret" when no secret is configured, "" when the body did not
// parse (verify's rows say the same).
func signatureReason(ev *listen.Event) string {
	switch {
	case ev.Sig != listen.SigUnchecked:
		return string(ev.SigResult.Reason)
	case ev.Payload != nil:
		return string(signature.MissingSecret)
	}
	return ""
}

// problemsJSON lists schema problems ([] when there are none).
func problemsJSON(ps []callback.Problem) []problemJSON {
	out := make([]problemJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, problemJSON{Field: p.Field, Severity: p.Severity.String(), Message: p.Msg})
	}
	return out
}

func forwardAttemptJSONOf(fa *listen.ForwardAttempt) forwardAttemptJSON {
	return forwardAttemptJSON{V: jsonVersion, Kind: "forward_attempt", Seq: fa.Seq, Event: fa.Event, URL: fa.URL, At: fa.Attempt.Start, Attempt: newAttemptJSON(fa.Attempt), Max: fa.Max, NextIn: millis(fa.NextIn), Final: fa.Final}
}

func rejectJSONOf(rj *listenReject) rejectJSON {
	return rejectJSON{V: jsonVersion, Kind: "rejected", ReceivedAt: rj.at, Method: rj.method, Path: rj.path, RemoteAddr: rj.remoteAddr, Status: rj.status}
}
