// junit.go renders a run as a JUnit XML report (JUnit and the XML types
// behind it), for CI systems that read test results.

package probe

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Props     []junitProp `xml:"properties>property,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// JUnit renders r as a JUnit XML report: one testsuite, one testcase per
// row; FAIL rows carry a <failure>, SKIP rows (not judged) a <skipped>,
// WARN and INFO rows say so in <system-out>; the run's notes are properties. An unreachable endpoint is one testcase with an <error>.
func JUnit(r *Result) []byte {
	s := junitSuite{Name: "zegocb probe", Time: seconds(r.Elapsed)}
	s.Props = []junitProp{{Name: "url", Value: r.URL}}
	for i, n := range r.Notes {
		s.Props = append(s.Props, junitProp{Name: "note" + strconv.Itoa(i+1), Value: n})
	}
	if r.Unreachable {
		s.Cases = append(s.Cases, junitCase{
			Name: "endpoint reachable", Classname: "zegocb.probe", Time: "0.000",
			Error: &junitFailure{Message: "unreachable: " + r.Err, Type: "unreachable", Text: "No request to " + r.URL + " got an answer: " + r.Err},
		})
		s.Tests, s.Errors = 1, 1
	}
	for _, row := range r.Rows {
		c := junitCase{
			Name:      row.ID + ": " + row.Check,
			Classname: "zegocb.probe." + strings.SplitN(row.ID, "/", 2)[0],
			Time:      seconds(row.Latency),
		}
		text := fmt.Sprintf("%s: %s (expected: %s; status %d)", row.Verdict, row.Reason, row.Expect, row.Status)
		switch row.Verdict {
		case Fail:
			c.Failure = &junitFailure{Message: row.Reason, Type: "FAIL", Text: text}
			s.Failures++
		case Skip:
			c.Skipped = &junitSkipped{Message: row.Reason}
			s.Skipped++
		default:
			c.SystemOut = text
		}
		s.Cases = append(s.Cases, c)
		s.Tests++
	}
	all := junitSuites{Name: "zegocb probe", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Time: s.Time, Suites: []junitSuite{s}}
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil // cannot happen: plain strings only
	}
	return append(append([]byte(xml.Header), b...), '\n')
}
