package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// docsDir is the checked-in docs/ directory.
var docsDir = filepath.Join("..", "..", "docs")

// TestDocsAreFresh regenerates the reference into a temporary directory and
// compares it with the checked-in docs.
func TestDocsAreFresh(t *testing.T) {
	tmp := t.TempDir()
	if err := run([]string{"-out", tmp}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct{ sub, ext string }{{"cli", ".md"}, {"man", ".1"}} {
		if diff := compareDir(filepath.Join(tmp, d.sub), filepath.Join(docsDir, d.sub), d.ext); diff != "" {
			t.Errorf("docs/%s is stale: run go generate ./...\n%s", d.sub, diff)
		}
	}
	got, _ := os.ReadFile(filepath.Join(tmp, "events.md"))
	want, err := os.ReadFile(filepath.Join(docsDir, "events.md"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("docs/events.md is stale: run go generate ./...")
	}
}

// compareDir lists the generated files (ending in ext) that differ between
// got and want; "" when they agree.
func compareDir(got, want, ext string) string {
	g, w := listFiles(got, ext), listFiles(want, ext)
	var lines []string
	for name := range g {
		if _, ok := w[name]; !ok {
			lines = append(lines, "  missing: "+name)
		} else if !bytes.Equal(g[name], w[name]) {
			lines = append(lines, "  differs: "+name)
		}
	}
	for name := range w {
		if _, ok := g[name]; !ok {
			lines = append(lines, "  no longer generated: "+name)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func listFiles(dir, ext string) map[string][]byte {
	out := map[string][]byte{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ext) {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				b = []byte(fmt.Sprint(err))
			}
			out[e.Name()] = b
		}
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := run([]string{"-out", a}); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-out", b}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct{ sub, ext string }{{"cli", ".md"}, {"man", ".1"}} {
		if diff := compareDir(filepath.Join(a, d.sub), filepath.Join(b, d.sub), d.ext); diff != "" {
			t.Errorf("two runs differ:\n%s", diff)
		}
	}
	pages := listFiles(filepath.Join(a, "cli"), ".md")
	for _, name := range []string{"zegocb.md", "zegocb_events.md", "zegocb_sign.md", "zegocb_version.md", "zegocb_completion_bash.md"} {
		if _, ok := pages[name]; !ok {
			t.Errorf("no page %s", name)
		}
	}
	for name, b := range pages {
		if bytes.Contains(b, []byte("Auto generated")) {
			t.Errorf("%s carries cobra's dated auto-generated tag", name)
		}
	}
	man := listFiles(filepath.Join(a, "man"), ".1")
	if !bytes.Contains(man["zegocb.1"], []byte(`.TH "ZEGOCB" "1" "Nov 2026" "zegocb" "zegocb manual"`)) {
		t.Errorf("man header: %.200s", man["zegocb.1"])
	}
}

func TestManOnlyAndDate(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "zegocb-gone.1")
	os.WriteFile(stale, []byte("old"), 0o644)
	if err := run([]string{"-man", dir, "-date", "2027-03-04T05:06:07Z"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale man page survived")
	}
	b, err := os.ReadFile(filepath.Join(dir, "zegocb-events.1"))
	if err != nil || !bytes.Contains(b, []byte(`"Mar 2027"`)) {
		t.Errorf("man page date not taken from -date: %v %.120s", err, b)
	}
	if err := run([]string{"-date", "yesterday"}); err == nil {
		t.Error("a bad -date was accepted")
	}
	// goreleaser passes the zero time when git has no commit date.
	if err := run([]string{"-man", dir, "-date", "0001-01-01T00:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "zegocb.1"))
	if !bytes.Contains(b, []byte(`"Nov 2026"`)) {
		t.Errorf("zero -date did not fall back to manDate: %.120s", b)
	}
}
