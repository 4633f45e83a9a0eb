package replay

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// What `send --data` gets told about its input.
func TestInspectData(t *testing.T) {
	body := signedJSON(t, "stream_create", "room-a", testSecret, 1)
	form := sample(t, "stream_close", "", testSecret, 2).Form()
	rec := record(t, body, "application/json; charset=utf-8", t0, 200)
	formRec := record(t, form, "application/x-www-form-urlencoded", t0, 200)
	lj := listenJSONLine(t, "stream_create", body, t0)
	pretty := strings.Replace(strings.Replace(rec, `{"v":1,`, "{\n  \"v\": 1,\n  ", 1), `,"answer"`, ",\n  \"answer\"", 1)

	cases := []struct {
		name  string
		data  string
		kind  DataKind
		n     int
		body  []byte
		ctype string
		hint  string
	}{
		{"a JSON body", string(body), DataBody, 1, nil, "", ""},
		{"a form body", string(form), DataBody, 1, nil, "", ""},
		{"broken JSON", `{"event":`, DataBody, 1, nil, "", ""},
		{"one record", rec, DataRecord, 1, body, "application/json; charset=utf-8", "in.jsonl is a capture record (listen --save): sending the body it holds; to deliver it as captured, use: zegocb replay in.jsonl --to URL"},
		{"one record, no newline", strings.TrimSpace(rec), DataRecord, 1, body, "application/json; charset=utf-8", ""},
		{"one pretty-printed record", pretty, DataRecord, 1, body, "application/json; charset=utf-8", ""},
		{"a form record", formRec, DataRecord, 1, form, "application/x-www-form-urlencoded", ""},
		{"a capture file", rec + formRec + rec, DataRecords, 3, nil, "", "in.jsonl holds 3 capture records (listen --save), not one callback: use zegocb replay in.jsonl --to URL"},
		{"a listen -o json line", lj, DataRecord, 1, body, "application/json", "in.jsonl is a listen -o json line: sending the callback it holds (re-signed); to deliver it as received, replay the listen --save capture"},
		{"listen -o json lines", lj + lj, DataRecords, 2, nil, "", "in.jsonl holds 2 listen -o json lines, not one callback: use zegocb replay in.jsonl --to URL"},
		{"JSON lines of bodies", string(body) + "\n" + string(body) + "\n", DataLines, 2, nil, "", "in.jsonl holds 2 callbacks, one per line, not one: use zegocb replay in.jsonl --to URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := InspectData("in.jsonl", []byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if info.Kind != c.kind || info.Payloads != c.n || !bytes.Equal(info.Body, c.body) || info.ContentType != c.ctype {
				t.Fatalf("info %+v", info)
			}
			if c.kind == DataRecord && !info.ReceivedAt.Equal(t0) {
				t.Fatalf("received %v", info.ReceivedAt)
			}
			if c.hint != "" && info.Hint("in.jsonl") != c.hint {
				t.Fatalf("hint %q", info.Hint("in.jsonl"))
			}
		})
	}
	// A record that cannot be used says why, with its line.
	for _, c := range []struct{ data, want string }{
		{strings.Replace(rec, `{"v":1,`, `{"v":9,`, 1), "in.jsonl:1: unknown capture-record version 9"},
		{rec + rec[:len(rec)/2], "in.jsonl:2: torn last line"},
		// listen -o json lines that hold no callback are not sent as one.
		{rejectedLine, `in.jsonl:1: a listen -o json "rejected" line`},
		{attemptLine, `in.jsonl:1: a listen -o json "forward_attempt" line`},
		{strings.Replace(rec, `"received_at":"2026-03-01T12:00:00Z"`, `"received_at":5`, 1), "in.jsonl:1: capture record: received_at is not a string"},
	} {
		_, err := InspectData("in.jsonl", []byte(c.data))
		var ie *InputError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}
