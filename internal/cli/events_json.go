// events_json.go holds the events command's JSON output: a sample payload
// printed raw (indented on a terminal), and the -o json catalog schema.

package cli

import (
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

// writeSampleJSON prints raw JSON: indented (and coloured when colour is on)
// on a terminal, one compact line when piped.
func writeSampleJSON(s *ui.IOStreams, raw []byte) error {
	var out []byte
	if s.IsStdoutTTY() {
		out = ui.PrettyJSON(raw, s.ColorEnabled())
	} else {
		out = append(append([]byte(nil), raw...), '\n')
	}
	_, err := s.Out.Write(out)
	return err
}

// The -o json catalog: one object per event, every key always present.
// name is the event's name within its family, ref the shortest name every
// command resolves to it, qualified FAMILY/EVENT; family is the product
// family (rtc, zim), group the section within it (room, stream, call).
type catalogEventJSON struct {
	Name      string              `json:"name"`
	Ref       string              `json:"ref"`
	Qualified string              `json:"qualified"`
	Route     string              `json:"route"`
	Title     string              `json:"title"`
	Summary   string              `json:"summary"`
	Family    string              `json:"family"`
	Group     string              `json:"group"`
	Doc       string              `json:"doc"`
	Response  catalogResponseJSON `json:"response"`
	RetryS    []float64           `json:"retry_s"`
	Required  []string            `json:"required"`
	Notes     []string            `json:"notes"`
	Fields    []catalogFieldJSON  `json:"fields"`
}

// catalogResponseJSON is what a receiver answers: a 2xx status, with body
// for the legacy record convention, or with a synchronous JSON answer
// (answer: the default, such as {"result":0}) within deadline_ms (0: none).
type catalogResponseJSON struct {
	Status     string  `json:"status"`
	Body       string  `json:"body"`
	BodyRule   string  `json:"body_rule"`
	Answer     string  `json:"answer"`
	DeadlineMS float64 `json:"deadline_ms"`
}

type catalogFieldJSON struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Wire        string          `json:"wire"`
	Role        string          `json:"role"`
	Required    bool            `json:"required"`
	Unit        string          `json:"unit"`
	MaxBytes    int             `json:"max_bytes"`
	Enum        []callback.Enum `json:"enum"`
	Description string          `json:"description"`
}

func catalogEventToJSON(e *callback.Event) catalogEventJSON {
	r := e.Answer()
	out := catalogEventJSON{
		Name: e.Name, Ref: e.Ref, Qualified: e.Qualified, Route: e.Route, Title: e.Title, Summary: e.Summary,
		Family: familyName(e), Group: e.Group, Doc: e.Doc,
		Response: catalogResponseJSON{Status: "2xx", Body: r.Body, BodyRule: r.BodyRule},
		RetryS:   []float64{},
		Required: append([]string{}, e.Required()...),
		Notes:    append([]string{}, e.Notes...),
		Fields:   make([]catalogFieldJSON, 0, len(e.Fields)),
	}
	if r.Sync != nil {
		out.Response.Answer, out.Response.DeadlineMS = r.Sync.Default, millis(time.Duration(r.Sync.Deadline))
	}
	for _, d := range e.RetryProfile().Durations() {
		out.RetryS = append(out.RetryS, d.Seconds())
	}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, catalogFieldJSON{
			Name: f.Name, Type: string(f.Type), Wire: f.WireName(), Role: string(f.Role),
			Required: f.Required, Unit: f.Unit, MaxBytes: f.MaxBytes,
			Enum: append([]callback.Enum{}, f.Enum...), Description: f.Description,
		})
	}
	return out
}

func writeCatalogJSON(opts *eventsOptions, fam *callback.Family) error {
	for _, e := range listed(opts.F.Catalog, fam) {
		if err := ui.WriteJSONLine(opts.IO.Out, catalogEventToJSON(e)); err != nil {
			return err
		}
	}
	return nil
}
