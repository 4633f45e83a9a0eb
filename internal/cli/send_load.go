// send_load.go holds send's load mode (-n, -c, --rate, --duration): the run,
// its live progress bar and the report (text, table and -o json).

package cli

// Load mode of `zegocb send` (-n/-c/--rate/--duration): runs internal/load
// and renders its report. Kept apart from send.go, which is about one
// delivery and its retries.

import (
	"crypto/tls"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/load"
	"github.com/zegocb/zegocb/internal/ui"
)

// appIDOf is the payload's AppID text (Mini Game's MD5 signs it).
func appIDOf(spec *callback.Event, p *callback.Payload) string {
	v, _ := p.Get(spec.RoleField(callback.RoleAppID).Name)
	return v.Text
}

func runLoad(o *sendOptions, target string, b *built, secret string, tlsConf *tls.Config) error {
	f := o.F
	spec := b.Spec
	for _, s := range o.Sets {
		k, _, _ := strings.Cut(s, "=")
		if k == spec.RoleField(callback.RoleNonce).Name || k == spec.RoleField(callback.RoleSignature).Name {
			return flagErrorf("load mode signs every request with a fresh nonce: drop --set %s", k)
		}
	}
	for _, k := range o.Unsets {
		if spec.Field(k) != nil && spec.Field(k).Role != "" && spec.Field(k).Role != callback.RoleAppID && spec.Field(k).Role != callback.RoleEvent {
			return flagErrorf("load mode signs every request: drop --unset %s", k)
		}
	}
	tpl, err := load.NewTemplate(load.TemplateSpec{
		Body:             b.Body,
		Form:             b.Format == callback.FormatForm,
		TimestampKey:     spec.RoleField(callback.RoleTimestamp).Name,
		NonceKey:         spec.RoleField(callback.RoleNonce).Name,
		SignatureKey:     spec.RoleField(callback.RoleSignature).Name,
		RefreshTimestamp: !b.fixedTimestamp,
		Millis:           spec.TimestampUnit() == "ms",
		Secret:           secret,
		Scheme:           spec.Scheme(),
		AppID:            appIDOf(spec, b.Payload),
	})
	if err != nil {
		return inputErrorf("load mode: %v", err)
	}
	conc := o.Concurrency
	if conc == 0 {
		conc = 1
	}
	expect := spec.Answer().Body
	r, err := load.New(load.Config{
		URL: target, Header: b.Header, Template: tpl,
		Requests: o.Requests, Concurrency: conc, Rate: o.Rate, Duration: o.Duration,
		Timeout: o.Timeout, TLS: tlsConf, ExpectBody: expect,
	})
	if err != nil {
		return flagErrorf("%v", err)
	}
	es := f.IO.ErrStyles()
	plan := "until " + o.Duration.String()
	if o.Requests > 0 {
		plan = strconv.Itoa(o.Requests) + " ×"
	}
	f.Progressf("%s %s %s to %s (%s, %s, %s, no retries)", es.Accent.Render("→"), plan, es.Event.Render(spec.Ref), target, b.Format.Label(), sizeText(len(b.Body)), plural(conc, "worker", "workers"))

	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		live := f.liveLine()
		if !live.On() {
			<-stop
			return
		}
		start := time.Now()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				live.Clear()
				return
			case <-t.C:
				live.Show(progressBar(es, r.Done(), int64(r.Total()), time.Since(start), o.Duration))
			}
		}
	}()
	rep, runErr := r.Run(o.Ctx)
	close(stop)
	<-stopped

	if err := renderLoad(o, target, spec.Ref, rep, expect); err != nil {
		return err
	}
	switch {
	case runErr != nil:
		return ErrInterrupted
	case rep.Requests > 0 && rep.OK() == 0 && len(rep.Status) == 0:
		return &TransportError{Err: fmt.Errorf("could not reach %s: %s", target, firstError(rep))}
	case rep.Failed() > 0 || (o.Strict && rep.BodyMismatch > 0):
		return ErrCheckFailed
	}
	return nil
}

func firstError(rep *load.Report) string {
	best, n := "", int64(-1)
	for e, k := range rep.Errors {
		if k > n || (k == n && e < best) {
			best, n = e, k
		}
	}
	return best
}

// progressBar is the live line on a terminal: [=====>    ] 512/1000  1.2s
func progressBar(s *ui.Styles, done, total int64, elapsed, limit time.Duration) string {
	const width = 30
	frac := 0.0
	switch {
	case total > 0:
		frac = float64(done) / float64(total)
	case limit > 0:
		frac = elapsed.Seconds() / limit.Seconds()
	}
	if frac > 1 {
		frac = 1
	}
	fill := int(frac * width)
	bar := strings.Repeat("█", fill) + strings.Repeat("░", width-fill)
	count := strconv.FormatInt(done, 10)
	if total > 0 {
		count += "/" + strconv.FormatInt(total, 10)
	}
	return fmt.Sprintf("  %s %s  %s", s.Accent.Render(bar), count, s.Faint.Render(strconv.FormatFloat(elapsed.Seconds(), 'f', 1, 64)+"s"))
}

type loadJSON struct {
	V            int              `json:"v"` // jsonVersion
	Event        string           `json:"event"`
	URL          string           `json:"url"`
	Requests     int64            `json:"requests"`
	Concurrency  int              `json:"concurrency"`
	Rate         float64          `json:"rate"`
	ElapsedMS    float64          `json:"elapsed_ms"`
	Throughput   float64          `json:"throughput_rps"`
	OK           int64            `json:"ok"`
	Failed       int64            `json:"failed"`
	StatusCounts map[string]int64 `json:"status_counts"`
	Errors       map[string]int64 `json:"errors"`
	BodyMismatch int64            `json:"body_mismatch"`
	LatencyMS    map[string]any   `json:"latency_ms"`
	Histogram    []bucketJSON     `json:"histogram"`
}

type bucketJSON struct {
	LeMS  float64 `json:"le_ms"`
	Count int     `json:"count"`
}

func renderLoad(o *sendOptions, target, event string, rep *load.Report, expect string) error {
	f := o.F
	if f.JSON() {
		out := loadJSON{
			V: jsonVersion, Event: event, URL: target, Requests: rep.Requests, Concurrency: rep.Concurrency, Rate: o.Rate,
			ElapsedMS: millis(rep.Elapsed), Throughput: round1(rep.Throughput), OK: rep.OK(), Failed: rep.Failed(),
			StatusCounts: map[string]int64{}, Errors: rep.Errors, BodyMismatch: rep.BodyMismatch,
			LatencyMS: map[string]any{
				"min": millis(rep.Min()), "mean": millis(rep.Mean()), "p50": millis(rep.Percentile(.5)),
				"p90": millis(rep.Percentile(.9)), "p99": millis(rep.Percentile(.99)), "max": millis(rep.Max()),
			},
			Histogram: []bucketJSON{},
		}
		for c, k := range rep.Status {
			out.StatusCounts[strconv.Itoa(c)] = k
		}
		for _, b := range rep.Histogram(10) {
			out.Histogram = append(out.Histogram, bucketJSON{LeMS: millis(b.Le), Count: b.Count})
		}
		return ui.WriteJSONLine(f.IO.Out, out)
	}
	if !f.IO.IsStdoutTTY() {
		return renderLoadPlain(f.IO.Out, rep)
	}
	s := f.IO.Styles()
	var b strings.Builder
	label := func(l string) string { return s.Bold.Render(fmt.Sprintf("%-11s", l)) }
	fmt.Fprintf(&b, "%s %s req/s  (%d of %s delivered (2xx) in %s, %s)\n", label("throughput"), s.Bold.Render(strconv.FormatFloat(rep.Throughput, 'f', 1, 64)),
		rep.OK(), plural(int(rep.Requests), "request", "requests"), latencyText(rep.Elapsed), plural(rep.Concurrency, "worker", "workers"))
	var st []string
	for _, c := range sortedStatuses(rep) {
		st = append(st, s.Status(c).Render(strconv.Itoa(c))+" × "+strconv.FormatInt(rep.Status[c], 10))
	}
	if len(st) == 0 {
		st = []string{s.Faint.Render("no answers")}
	}
	fmt.Fprintf(&b, "%s %s\n", label("status"), strings.Join(st, "   "))
	if len(rep.Errors) > 0 {
		var es []string
		for _, e := range sortedErrors(rep) {
			es = append(es, s.Fail.Render(strconv.FormatInt(rep.Errors[e], 10)+" × "+e))
		}
		fmt.Fprintf(&b, "%s %s\n", label("errors"), strings.Join(es, "; "))
	}
	if rep.BodyMismatch > 0 {
		fmt.Fprintf(&b, "%s %s\n", label("body"), s.Warn.Render(fmt.Sprintf("%d 2xx answers had a body other than %q (first: %q)", rep.BodyMismatch, expect, rep.FirstMismatchBody)))
	}
	if rep.Latency.Count() == 0 {
		fmt.Fprintf(&b, "%s %s\n", label("latency"), s.Faint.Render("none: no request was answered"))
		_, err := io.WriteString(f.IO.Out, b.String())
		return err
	}
	fmt.Fprintf(&b, "%s p50 %s  p90 %s  p99 %s  max %s  %s\n", label("latency"),
		s.Bold.Render(latencyText(rep.Percentile(.5))), s.Bold.Render(latencyText(rep.Percentile(.9))),
		s.Bold.Render(latencyText(rep.Percentile(.99))), s.Bold.Render(latencyText(rep.Max())),
		s.Faint.Render("(min "+latencyText(rep.Min())+", mean "+latencyText(rep.Mean())+")"))
	if hist := rep.Histogram(10); len(hist) > 1 {
		b.WriteByte('\n')
		maxCount := 0
		for _, h := range hist {
			maxCount = max(maxCount, h.Count)
		}
		for _, h := range hist {
			n := 0
			if maxCount > 0 {
				n = (h.Count*40 + maxCount - 1) / maxCount
			}
			fmt.Fprintf(&b, "  %9s  %s %d\n", "≤"+latencyText(h.Le), s.Accent.Render(strings.Repeat("▇", n)), h.Count)
		}
	}
	_, err := io.WriteString(f.IO.Out, b.String())
	return err
}

// renderLoadPlain prints key<TAB>value lines for scripts.
func renderLoadPlain(w io.Writer, rep *load.Report) error {
	var b strings.Builder
	kv := func(k string, v any) { fmt.Fprintf(&b, "%s\t%v\n", k, v) }
	kv("requests", rep.Requests)
	kv("elapsed_ms", millis(rep.Elapsed))
	kv("delivered", rep.OK())
	kv("throughput_rps", round1(rep.Throughput))
	for _, c := range sortedStatuses(rep) {
		kv("status_"+strconv.Itoa(c), rep.Status[c])
	}
	for _, e := range sortedErrors(rep) {
		kv("error", strconv.FormatInt(rep.Errors[e], 10)+"\t"+e)
	}
	if rep.BodyMismatch > 0 {
		kv("body_mismatch", rep.BodyMismatch)
	}
	if rep.Latency.Count() == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	kv("p50_ms", millis(rep.Percentile(.5)))
	kv("p90_ms", millis(rep.Percentile(.9)))
	kv("p99_ms", millis(rep.Percentile(.99)))
	kv("max_ms", millis(rep.Max()))
	_, err := io.WriteString(w, b.String())
	return err
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

func sortedStatuses(rep *load.Report) []int {
	var cs []int
	for c := range rep.Status {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	return cs
}

func sortedErrors(rep *load.Report) []string {
	var es []string
	for e := range rep.Errors {
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool {
		if rep.Errors[es[i]] != rep.Errors[es[j]] {
			return rep.Errors[es[i]] > rep.Errors[es[j]]
		}
		return es[i] < es[j]
	})
	return es
}
