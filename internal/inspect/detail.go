// detail.go holds the inspector's detail screen: the lines of one
// callback (facts, ids, replay result, headers, body) in a viewport.

package inspect

import (
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

// buildDetail fills the viewport for the selected entry when needed.
func (m *Model) buildDetail() {
	e := m.Selected()
	if e == nil {
		return
	}
	w, h := m.w, max(m.h-2, 1)
	if m.detailID == e.id && m.detailDim == [2]int{w, h} {
		return
	}
	m.detailID, m.detailDim = e.id, [2]int{w, h}
	y := m.detail.YOffset
	m.detail.Width, m.detail.Height = w, h
	var out []string
	for _, l := range m.detailLines(e) {
		out = append(out, wrapIndented(l, w)...)
	}
	m.detail.SetContent(strings.Join(out, "\n"))
	m.detail.SetYOffset(y)
}

func (m *Model) detailView() []string {
	m.buildDetail()
	e := m.Selected()
	head := m.title()
	if e == nil {
		return []string{head, "  nothing selected", m.footer()}
	}
	lines := []string{head}
	lines = append(lines, strings.Split(m.detail.View(), "\n")...)
	for len(lines) < m.h-1 {
		lines = append(lines, "")
	}
	lines = lines[:m.h-1]
	return append(lines, m.footer())
}

// detailLines are the detail pane's lines before wrapping.
func (m *Model) detailLines(e *Entry) []string {
	st := m.st
	var l []string
	seqLabel := "#" + strconv.Itoa(e.Seq)
	if !m.src.Live() {
		seqLabel = "line " + strconv.Itoa(e.Seq)
	}
	name := ui.SafeText(e.Event)
	var meaning string
	if e.Spec != nil {
		meaning = e.Spec.Summary
	}
	switch {
	case e.Rejected:
		name = "rejected request"
	case e.ParseErr != "":
		name = "unparseable body"
	case e.Event == "":
		name = "(no event field)"
	case !e.Known:
		name += " (not in the catalog)"
	}
	l = append(l, st.title.Render(name)+"  "+st.faint.Render(seqLabel))
	if meaning != "" {
		l = append(l, "  "+ui.SafeText(meaning))
	}
	at := "-"
	if !e.Received.IsZero() {
		at = e.Received.In(m.opts.Location).Format("2006-01-02 15:04:05.000 MST")
	}
	req := at
	if e.Method != "" {
		req += "  " + ui.SafeText(e.Method+" "+e.Path)
	}
	if e.Remote != "" {
		req += " from " + ui.SafeText(e.Remote)
	}
	if e.Family != nil {
		l = append(l, st.key.Render("family   ")+ui.SafeText(e.Family.Title))
	}
	l = append(l, st.key.Render("received ")+req)
	if ids := idText(e); ids != "" {
		l = append(l, st.key.Render("ids      ")+ids)
	}
	sig := st.sig(e.Sig).Render(string(e.Sig))
	switch e.Sig {
	case SigBad:
		sig += " (" + string(e.SigReason) + "): " + ui.SafeText(e.SigDetail)
	case SigUnchecked:
		sig += " (no secret configured)"
		if e.Rejected {
			sig = st.faint.Render("not judged")
		}
	}
	l = append(l, st.key.Render("signature ")+sig)
	ans := st.faint.Render("not recorded")
	if e.Status != 0 {
		ans = st.status(e.Status).Render(strconv.Itoa(e.Status))
		if e.Answer != "" {
			ans += " " + ui.SafeText(strconv.Quote(clip(e.Answer, 60)))
		}
		if e.Latency > 0 {
			ans += " in " + fmtDur(e.Latency)
		}
	}
	l = append(l, st.key.Render("answer   ")+ans)
	dlv := "1 (first delivery)"
	if e.Delivery > 1 {
		k := e.Delivery - 1
		dlv = strconv.Itoa(e.Delivery) + " (retry " + strconv.Itoa(k) + " of 5)"
		if k > 5 {
			dlv = strconv.Itoa(e.Delivery) + " (retry " + strconv.Itoa(k) + "; ZEGO stops after 5)"
		}
	}
	l = append(l, st.key.Render("delivery ")+dlv)
	if e.Note != "" {
		l = append(l, st.warn.Render("note     ")+ui.SafeText(e.Note))
	}
	if r := e.Replay; r != nil {
		res := "…"
		if !r.Pending {
			res = replayText(r.Result)
			if r.Result.OK() {
				res = st.pass.Render(res)
			} else {
				res = st.fail.Render(res)
			}
		}
		l = append(l, st.accent.Render("replay   ")+ui.SafeText(r.URL)+" → "+res)
	}
	if e.ParseErr != "" {
		l = append(l, st.fail.Render("parse    ")+ui.SafeText(e.ParseErr))
	}
	for _, p := range e.Problems {
		if strings.HasPrefix(p, "error") {
			l = append(l, st.fail.Render("  "+ui.SafeText(p)))
		} else {
			l = append(l, st.warn.Render("  "+ui.SafeText(p)))
		}
	}
	l = append(l, "", st.head.Render("headers"))
	hs := sortedHeaders(e.Header)
	if len(hs) == 0 {
		l = append(l, st.faint.Render("  (none recorded)"))
	}
	for _, h := range hs {
		l = append(l, "  "+ui.SafeText(h))
	}
	if len(e.Body) > 0 || !e.Rejected {
		l = append(l, "")
		l = append(l, m.bodyLines(e)...)
	}
	return l
}

const rawShown = 64 << 10

func (m *Model) bodyLines(e *Entry) []string {
	st := m.st
	if !m.showRaw && e.ParseErr == "" && !callback.DeeperThan(string(e.Body), displayDepth) {
		if p, err := callback.Parse(e.Body, e.ContentType()); err == nil {
			spec := e.Spec // the event the body identifies, not a bare name's RTC event
			paint := func(s string) string { return s }
			if m.opts.Color {
				paint = colorJSON
			}
			note := func(s string) string { return st.faint.Render(s) }
			head := st.head.Render("payload") + st.faint.Render("  ("+string(p.Format)+"; b: raw body)")
			return append([]string{head}, prettyPayload(p, spec, paint, note)...)
		}
	}
	body, more := e.Body, 0
	if len(body) > rawShown {
		body, more = body[:rawShown], len(body)-rawShown
	}
	l := []string{st.head.Render("raw body") + st.faint.Render("  ("+plural(len(e.Body), "byte", "bytes")+"; b: pretty)")}
	for _, line := range strings.Split(ui.SafeBlock(string(body)), "\n") {
		// cut at the width exactly, no indentation: the body as it is
		l = append(l, strings.Split(ansi.Hardwrap(line, m.w, true), "\n")...)
	}
	if more > 0 {
		l = append(l, st.faint.Render("… "+plural(more, "more byte", "more bytes")))
	}
	return l
}

func sortedHeaders(h map[string][]string) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}
