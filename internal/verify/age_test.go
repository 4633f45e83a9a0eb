package verify

import (
	"strconv"
	"testing"
	"time"
)

// ageOK, checkAge's fast path, may only say "nothing to report" where the
// full check reports nothing, and it must say so for the usual timestamps
// (seconds and milliseconds, a little old or a few seconds ahead).
func TestAgeOKAgreesWithCheckAge(t *testing.T) {
	refs := []time.Time{
		time.Unix(1772366400, 0), time.Unix(1772366400, 999_999_999), time.Unix(0, 0),
		time.Unix(-1, 0), time.Unix(8e9, 0), time.Unix(8e9+1, 0), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var tss []string
	for _, r := range refs[:2] {
		for _, d := range []time.Duration{0, time.Second, -59 * time.Second, -time.Minute, -time.Minute - time.Millisecond,
			-time.Minute - time.Second, time.Hour, 24 * time.Hour, 10 * 365 * 24 * time.Hour} {
			at := r.Add(-d)
			tss = append(tss, strconv.FormatInt(at.Unix(), 10), strconv.FormatInt(at.UnixMilli(), 10))
		}
	}
	tss = append(tss, "0", "00001772366400", "1e9", "+1772366400", "-1772366400", "", "x", "8999999999", "9000000000",
		"99999999999", "100000000000", "100000000001", "8999999999999", "9000000000000", "99999999999999", "9223372036854775807")
	for _, maxAge := range []time.Duration{0, time.Hour, 24 * time.Hour} {
		c := &checker{opts: &Options{MaxAge: maxAge}}
		for _, ref := range refs {
			for _, ts := range tss {
				st := &state{}
				c.checkAgeSlow(st, ts, ref, "now")
				quiet := len(st.errs)+len(st.warns) == 0
				if ok := ageOK(ts, ref, maxAge); ok && !quiet {
					t.Errorf("ageOK(%q, %v, %v) = true, but checkAge reports %q %q", ts, ref, maxAge, st.errs, st.warns)
				}
			}
		}
	}
	ref := time.Unix(1772366400, 0)
	for _, ts := range []string{"1772366400", "1772366430", "1772366000", "1772366400123", "1772366459999"} {
		if !ageOK(ts, ref, time.Hour) {
			t.Errorf("ageOK(%q) = false: the usual case takes the slow path", ts)
		}
	}
}
