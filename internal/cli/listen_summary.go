// listen_summary.go holds listen's stderr lines around the server: the ready
// banner with the URL to post to, and the summary printed on stop.

package cli

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

func (o *listenOptions) printReady(addr string, source SecretSource, checking bool) {
	f := o.F
	s := f.IO.ErrStyles()
	w := f.IO.ErrOut
	u := listenURL(addr, o.Path)
	sig := s.Warn.Render("NOT checked") + ": no secret configured"
	if checking {
		sig = "checking with " + f.SecretName(source)
	}
	if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
		f.Warnf("listening on %s, which other machines can reach; use --addr 127.0.0.1:PORT to stay local", addr)
	}
	fmt.Fprintf(w, "listening on %s (signature: %s)\n", s.Bold.Render(u), sig)
	if o.PublicURL != "" {
		fmt.Fprintf(w, "public URL: %s   (paste it into ZEGO's console as the callback URL; checking it now)\n", s.Bold.Render(o.PublicURL))
		if o.AcceptInvalid {
			f.Warnf("--accept-invalid behind a public URL answers forged callbacks 200")
		}
	}
	if f.Global.Quiet {
		return
	}
	var notes []string
	if o.Save != "" {
		notes = append(notes, "saving every request to "+o.Save)
	}
	if o.ForwardTo != "" {
		sched := "ZEGO's schedule"
		if o.RetryScale != 1 {
			sched += " x" + strconv.FormatFloat(o.RetryScale, 'g', -1, 64)
		}
		notes = append(notes, "forwarding to "+o.ForwardTo+" (retries on "+sched+")")
	}
	if o.FailFirst > 0 {
		first := "the first delivery"
		if o.FailFirst > 1 {
			first = "the first " + strconv.Itoa(o.FailFirst) + " deliveries"
		}
		notes = append(notes, "answering 500 to "+first+" of each callback")
	}
	if o.Status != 0 {
		notes = append(notes, "answering every callback with "+strconv.Itoa(o.Status))
	}
	if o.Delay > 0 {
		notes = append(notes, "answering after "+o.Delay.String())
	}
	if o.UI {
		notes = append(notes, "opening the inspector (keeps the last "+ui.GroupDigits(o.MaxEvents)+" events; q or Ctrl-C stops listen)")
	}
	if fl := o.filter(); fl != nil {
		still := []string{"answered"}
		if o.Save != "" {
			still = append(still, "saved")
		}
		if o.ForwardTo != "" {
			still = append(still, "forwarded")
		}
		notes = append(notes, "showing only "+fl.describe()+" (every request is still "+joinWords(still, "and")+")")
	}
	for _, n := range notes {
		fmt.Fprintln(w, s.Faint.Render("  "+n))
	}
	// send needs a secret for any --to; with none configured here, listen
	// checks nothing, so any secret does for the try line.
	env := ""
	if !checking {
		env = EnvSecret + "=test "
	}
	fmt.Fprintf(w, "%s %szegocb send stream_create --to %s   (Ctrl-C to stop)\n", s.Faint.Render("try:"), env, u)
}

func (o *listenOptions) printSummary(st listenStats, capFile *listen.CaptureFile, fwd *listen.Forwarder) {
	f := o.F
	s := f.IO.ErrStyles()
	parts := []string{
		plural(st.events, "event", "events"),
		plural(st.badSig, "bad signature", "bad signatures"),
		plural(st.failures, "failure answer", "failure answers"),
		plural(st.redeliveries, "redelivery", "redeliveries"),
	}
	if st.replays > 0 {
		parts = append(parts, plural(st.replays, "possible replay (same nonce, different body)", "possible replays (same nonce, different body)"))
	}
	if st.rejected > 0 {
		parts = append(parts, plural(st.rejected, "rejected request", "rejected requests"))
	}
	if o.filter() != nil {
		parts = append(parts, strconv.Itoa(st.hidden)+" hidden by filters")
	}
	if st.late > 0 {
		parts = append(parts, plural(st.late, "event", "events")+" not shown (finished after the shutdown grace period)")
	}
	if capFile != nil {
		p := plural(capFile.Lines(), "line", "lines") + " saved to " + capFile.Path
		if st.saveErrors > 0 {
			p += " (" + plural(st.saveErrors, "write failed", "writes failed") + ")"
		}
		parts = append(parts, p)
	}
	if fwd != nil {
		fs := fwd.Stats()
		parts = append(parts, fmt.Sprintf("forwarded %d: %d delivered, %d gave up, %d abandoned", fs.Chains, fs.Delivered, fs.GaveUp, fs.Abandoned))
	}
	lead := ""
	if f.IO.IsStderrTTY() {
		lead = "\n" // past the terminal's ^C echo
	}
	fmt.Fprintf(f.IO.ErrOut, "%s%s %s\n", lead, s.Bold.Render("stopped:"), strings.Join(parts, ", "))
}

// listenURL is the URL callbacks are posted to.
func listenURL(addr, path string) string {
	if path == "" {
		path = "/"
	}
	return "http://" + addr + path
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
