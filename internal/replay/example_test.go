package replay_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/replay"
)

// How `zegocb replay FILE --to URL` drives the engine: options from flags,
// a plan before anything is sent, one result per delivery, a summary, and
// the error types the exit codes map from.
func ExampleRun() {
	const secret = "example-secret"
	// A receiver, and a capture of one signed callback as listen --save writes it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "1")
	}))
	defer srv.Close()
	spec, _ := callback.Default().Lookup("stream_create")
	p := spec.Sample(callback.SampleOptions{Now: time.Unix(1772366400, 0)})
	spec.Stamp(p, secret, "1772366400", "7254119327986670314")
	rec := &capture.Record{V: 1, ReceivedAt: time.Unix(1772366400, 0).UTC(), Method: "POST", Path: "/zego",
		Headers: map[string][]string{"Content-Type": {"application/json"}}, Answer: &capture.Answer{Status: 500}}
	rec.SetBody(p.JSON())
	line, _ := rec.Marshal()
	dir, _ := os.MkdirTemp("", "replay-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "captures.jsonl")
	os.WriteFile(path, line, 0o600)

	opts := replay.Options{
		URL:         srv.URL,                                                    // --to
		Secret:      secret,                                                     // $ZEGO_CALLBACK_SECRET
		Select:      replay.Selection{Events: []string{"stream"}, Failed: true}, // --event stream --failed
		Retry:       true,                                                       // not --no-retry
		Concurrency: 4,                                                          // -c 4
		OnPlan: func(p replay.Plan) error {
			fmt.Printf("replaying %d of %d callbacks: %d byte-exact, %d re-stamped\n", p.Selected, p.Payloads, p.ByteExact, p.Restamped)
			return nil
		},
	}
	sum, err := replay.Run(context.Background(), opts, []replay.Input{{Path: path}}, func(r *replay.Result) error {
		fmt.Printf("line %d  %s  %s (%s)  %s %d %q\n", r.Line, r.Event, r.Mode, r.ModeReason, r.Outcome, r.Status, r.Answer)
		return nil
	})
	var (
		inputErr *replay.InputError
		emptyErr *replay.EmptySelectionError
		optErr   *replay.OptionError
	)
	switch {
	case errors.As(err, &optErr): // exit 2, with a pointer to --help
	case errors.As(err, &inputErr), errors.As(err, &emptyErr): // exit 2: nothing was sent
	case errors.Is(err, context.Canceled): // exit 130
	case err != nil: // emit's own error
	case sum.Rejected > 0: // exit 1: the endpoint answered wrongly
	case sum.Unreachable > 0: // exit 3: no answer after every retry
	}
	fmt.Printf("%d delivered, %d rejected, %d unreachable\n", sum.Delivered, sum.Rejected, sum.Unreachable)
	// Output:
	// replaying 1 of 1 callbacks: 1 byte-exact, 0 re-stamped
	// line 1  stream_create  byte-exact (the captured signature verifies)  delivered 200 "1"
	// 1 delivered, 0 rejected, 0 unreachable
}
