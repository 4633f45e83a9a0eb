package replay

import (
	"bufio"
	"bytes"
	"testing"
)

// BenchmarkReadResponse is replay's parse of a typical short answer
// (status line, four headers kept, a one-byte body).
func BenchmarkReadResponse(b *testing.B) {
	resp := []byte("HTTP/1.1 200 OK\r\nDate: Wed, 02 Dec 2026 04:00:00 GMT\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n1")
	rd := bytes.NewReader(resp)
	br := bufio.NewReaderSize(rd, 8<<10)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rd.Reset(resp)
		br.Reset(rd)
		if status, h, body, _, err := readResponse(br); status != 200 || len(h) != 4 || len(body) != 1 || err != nil {
			b.Fatal(status, h, body, err)
		}
	}
}
