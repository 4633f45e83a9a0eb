package replay

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A hostile endpoint that streams interim (1xx) answers, or a body, faster
// than they are read, forever: the attempt's timeout still ends the wait
// on both paths; the loop is not held by the one connection.
func TestLoopEndlessStream(t *testing.T) {
	path, _ := captureOf(t, 2)
	for _, tc := range []struct{ name, prefix, fill string }{
		{"interim answers", "", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 2000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths(t, func(t *testing.T, noLoop bool) {
				u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					c.Write([]byte(tc.prefix))
					for {
						if _, err := c.Write([]byte(tc.fill)); err != nil {
							return
						}
					}
				})
				start := time.Now()
				got, sum, err := replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Concurrency: 2, Timeout: 300 * time.Millisecond, noLoop: noLoop}, path)
				if err != nil {
					t.Fatalf("err %v after %v", err, time.Since(start))
				}
				onPath(t, sum, noLoop)
				if el := time.Since(start); len(got) != 2 || el > time.Second {
					t.Fatalf("%d results after %v", len(got), el)
				}
				for seq, d := range got {
					if d.Outcome == Delivered || !strings.Contains(d.Error, "within 300ms (timeout)") {
						t.Fatalf("delivery %d: %v %d %q", seq, d.Outcome, d.Status, d.Error)
					}
				}
			})
		})
	}
}
