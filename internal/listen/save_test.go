package listen

import (
	"bufio"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/capture"
)

// Concurrent Saves are group-committed: every line arrives whole, once.
func TestCaptureFileConcurrentSaves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cap.jsonl")
	c, err := OpenCapture(path)
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 200
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := httptest.NewRequest("POST", "/", nil)
				body := `{"event":"stream_create","w":` + strconv.Itoa(w) + `,"i":` + strconv.Itoa(i) + `}`
				if err := c.Save(capture.New(r, []byte(body), time.Now(), "")); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if c.Lines() != workers*each {
		t.Fatalf("Lines() = %d", c.Lines())
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(capture.New(httptest.NewRequest("POST", "/", nil), nil, time.Now(), "")); err == nil {
		t.Fatal("Save after Close succeeded")
	}
	fh, _ := os.Open(path)
	defer fh.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		rec, err := capture.Parse(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", len(seen)+1, err)
		}
		if seen[rec.Body] {
			t.Fatalf("duplicate line %s", rec.Body)
		}
		seen[rec.Body] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d lines in the file", len(seen))
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode().Perm())
	}
}
