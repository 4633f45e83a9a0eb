// listen_layout_fit.go holds the fitting half of listen's header layout:
// choosing which pieces to drop (fit, restore) and how far to shorten the
// ids (fitIDs, idCapFor) so a line is at most the terminal's width.

package cli

func (l *hdrLayout) idCap() int {
	if l.idMax <= 0 {
		return hdrIDMax
	}
	return l.idMax
}

// fit returns the fullest layout of f that is at most width columns wide
// (width <= 0: no limit). When even the barest does not fit, it returns
// the barest, and the caller cuts the line.
func (f *hdrFacts) fit(width int) hdrLayout {
	// Below 100 columns every line's time is to the second, so that the
	// time column does not change from line to line.
	l := hdrLayout{ids: -1, shortTime: width > 0 && width < 100}
	if width <= 0 || f.width(&l) <= width {
		return l
	}
	// The low-value pieces first, by arithmetic: this runs once per
	// request with -q.
	w := f.width(&l)
	for step := 0; step < 5; step++ {
		switch step {
		case 0:
			l.noFirst, w = true, w-f.wFirst
		case 1:
			l.noOKAnswer = true
			if f.answerOK {
				w -= f.wAnswer
			}
		case 2:
			l.noLatency, w = true, w-f.wLat
		case 3:
			l.noDrift, w = true, w-f.wDrift
		case 4:
			if f.task < 0 {
				continue
			}
			l.noTask = true
			w = f.width(&l)
		}
		if w <= width {
			return l.restore(f, width)
		}
	}
	// Then shorten ids, down to a floor, before each of the next drops. A
	// re-delivery identical to one shown gives up its ids (that one shows
	// them) before the reference to it.
	identical := f.same > 0 && !f.sameDiffer
	for _, step := range []struct {
		floor int
		drop  func()
	}{
		{20, func() { l.noAnswer = true }},
		{14, func() { l.sameShort = true }},
		{14, func() {
			if identical {
				l.ids = 0
			}
		}},
		{12, func() { l.noReason = true }},
		{hdrIDMin, func() { l.noSame = !f.sameDiffer }}, // a changed body is worth more than the ids
		{hdrIDMin, nil},
	} {
		if l.fitIDs(f, width, step.floor) {
			return l.restore(f, width)
		}
		if step.drop != nil {
			l.idMax = 0
			step.drop()
		}
	}
	// Drop ids from the last (user) to the first (room), at their shortest.
	l.idMax = hdrIDMin
	if l.ids == 0 {
		return l
	}
	for l.ids = f.nIDs - 1; l.ids > 0; l.ids-- {
		if f.width(&l) <= width {
			return l.restore(f, width)
		}
	}
	if f.width(&l) > width {
		l.noSame = true // even a changed body's note, rather than cut the answer
	}
	return l.restore(f, width)
}

// restore puts back, most useful first, what fit dropped that still fits:
// giving up a retry's ids, or a drift, can leave room for what was
// dropped before.
func (l hdrLayout) restore(f *hdrFacts, width int) hdrLayout {
	if f.sameDiffer && l.noSame { // a changed body first: it is worth more than an id
		l.noSame, l.sameShort = false, true
		if f.width(&l) > width {
			l.noSame = true
		}
	}
	for l.ids >= 0 && l.ids < f.nIDs {
		l.ids++
		if f.width(&l) > width {
			l.ids--
			break
		}
	}
	slack := width - f.width(&l)
	put := func(flag *bool, cost int) {
		if *flag && cost <= slack {
			*flag, slack = false, slack-cost
		}
	}
	if l.sameShort {
		put(&l.noSame, f.wSameShort)
		if !l.noSame {
			put(&l.sameShort, f.wSame-f.wSameShort)
		}
	} else {
		put(&l.noSame, f.wSame)
	}
	put(&l.noReason, f.wReason)
	if l.noOKAnswer && f.answerOK {
		l.noAnswer = false // still left out, by noOKAnswer
	} else {
		put(&l.noAnswer, f.wAnswer)
	}
	put(&l.noDrift, f.wDrift)
	put(&l.noLatency, f.wLat) // a 2xx answer's body stays out: it is "1" all day
	return l
}

// fitIDs caps the ids' width at the largest value that makes the line fit,
// no less than floor, and reports whether it fits (else the cap is floor).
// With ASCII ids the cap is computed; otherwise, as the width only shrinks
// with the cap, it is found by bisection.
func (l *hdrLayout) fitIDs(f *hdrFacts, width, floor int) bool {
	l.idMax = 0
	full := f.width(l)
	if full <= width {
		return true
	}
	if f.asciiIDs {
		c, ok := l.idCapFor(f, width-full)
		if !ok || c < floor {
			l.idMax = floor
			return false
		}
		l.idMax = c
		return true
	}
	l.idMax = floor
	if f.width(l) > width {
		return false
	}
	lo, hi := floor, hdrIDMax-1 // the line fits at lo; find the largest such
	for lo < hi {
		mid := (lo + hi + 1) / 2
		l.idMax = mid
		if f.width(l) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	l.idMax = lo
	return true
}

// idCapFor is the largest cap (below hdrIDMax) on the shown ASCII ids'
// widths that takes over columns off them (over < 0), found by filling
// the ids up to a common level; ok is false when no cap does.
func (l *hdrLayout) idCapFor(f *hdrFacts, over int) (int, bool) {
	var ws [len(hdrFacts{}.ids)]int
	n, total := 0, 0
	for i := 0; i < f.nIDs && (l.ids < 0 || i < l.ids); i++ {
		if i == f.task && l.noTask {
			continue
		}
		w := min(f.ids[i].width, hdrIDMax)
		j := n // insertion sort: at most four
		for ; j > 0 && ws[j-1] > w; j-- {
			ws[j] = ws[j-1]
		}
		ws[j] = w
		n++
		total += w
	}
	budget := total + over // columns the id values may take
	used := 0
	for k := 0; k < n; k++ {
		if used+(n-k)*ws[k] > budget { // the ids from k on are capped
			c := (budget - used) / (n - k)
			return min(c, hdrIDMax-1), c >= 0
		}
		used += ws[k]
	}
	return 0, false // the ids at full width fit: over was not below 0
}
