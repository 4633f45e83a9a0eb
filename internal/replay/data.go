// data.go holds recognising what `send --data` was given: a body, one capture
// record, or a whole capture (replay's job).

package replay

import (
	"bytes"
	"fmt"
	"time"
)

// DataKind is what a `send --data` input turned out to be.
type DataKind uint8

const (
	// DataBody is one callback body (JSON, form or UrlEncoded JSON), or
	// anything else: send parses it as before.
	DataBody DataKind = iota
	// DataRecord is exactly one capture record (listen --save): its body
	// is in DataInfo.Body.
	DataRecord
	// DataRecords is a capture file of several records: a job for replay.
	DataRecords
	// DataLines is several JSON lines that are not records (callback
	// bodies, one per line): a job for replay too.
	DataLines
)

// DataInfo describes a `send --data` input.
type DataInfo struct {
	Kind DataKind
	// Payloads is the number of payloads read (lines, or 1).
	Payloads int
	// Body, ContentType and ReceivedAt are the captured request's, for
	// DataRecord. Body is a copy.
	Body        []byte
	ContentType string
	ReceivedAt  time.Time
	// Listen is set when the records are `listen -o json` callback lines
	// rather than listen --save capture records: a DataRecord's Body is
	// then the callback the line holds (its payload, re-encoded, or its
	// raw body).
	Listen bool
}

// InspectData tells `send --data` whether data is a callback body or a
// capture record (one or more), so that it can unwrap the body of one
// record ("--data is a capture record: sending its body") or point at
// `zegocb replay` for a capture file, instead of signing the record's
// envelope as if it were a callback. name labels errors (the file).
//
// The error is an *InputError for a capture record that cannot be used
// (torn, unknown version, broken fields); data that is neither a record
// nor JSON lines is DataBody with no error: send's own parser explains it.
func InspectData(name string, data []byte) (DataInfo, error) {
	s := newSource(name, bytes.NewReader(data), max(len(data), 1))
	d := &decoder{}
	var (
		info  DataInfo
		e     entry
		first *DataInfo
	)
	records := 0
	for {
		it, err := s.next()
		if err != nil {
			break // io.EOF, or a line over the limit: cannot happen with max = len(data)
		}
		info.Payloads++
		if err := d.frame(name, it, &e); err != nil {
			if records > 0 || e.listen || info.Payloads == 1 && looksLikeRecord(it.data) {
				return info, err
			}
			// Not JSON (a form body) or broken JSON: send's parser explains.
			return DataInfo{Kind: DataBody, Payloads: info.Payloads}, nil
		}
		if e.record {
			records++
			if first == nil {
				first = &DataInfo{Body: bytes.Clone(e.body), ContentType: e.contentType, ReceivedAt: e.received, Listen: e.listen}
			}
			info.Listen = info.Listen || e.listen
		}
	}
	switch {
	case info.Payloads == 1 && records == 1:
		first.Kind, first.Payloads = DataRecord, 1
		return *first, nil
	case records > 0:
		info.Kind = DataRecords
	case info.Payloads > 1:
		info.Kind = DataLines
	}
	return info, nil
}

// looksLikeRecord reports whether a line that failed to decode was meant
// as a capture record (so its error is worth reporting as one).
func looksLikeRecord(b []byte) bool {
	return bytes.Contains(b, []byte(`"received_at"`)) && (bytes.Contains(b, []byte(`"body"`)) || bytes.Contains(b, []byte(`"body_base64"`)))
}

// Hint is the one-line advice for `send --data` about an input of this
// kind, or "" for a body.
func (i DataInfo) Hint(name string) string {
	switch {
	case i.Kind == DataRecord && i.Listen:
		return fmt.Sprintf("%s is a listen -o json line: sending the callback it holds (re-signed); to deliver it as received, replay the listen --save capture", name)
	case i.Kind == DataRecords && i.Listen:
		return fmt.Sprintf("%s holds %d listen -o json lines, not one callback: use zegocb replay %s --to URL", name, i.Payloads, name)
	}
	switch i.Kind {
	case DataRecord:
		return fmt.Sprintf("%s is a capture record (listen --save): sending the body it holds; to deliver it as captured, use: zegocb replay %s --to URL", name, name)
	case DataRecords:
		return fmt.Sprintf("%s holds %d capture records (listen --save), not one callback: use zegocb replay %s --to URL", name, i.Payloads, name)
	case DataLines:
		return fmt.Sprintf("%s holds %d callbacks, one per line, not one: use zegocb replay %s --to URL", name, i.Payloads, name)
	}
	return ""
}
