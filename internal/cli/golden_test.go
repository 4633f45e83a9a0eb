package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden")
	// goldenDir is taken before any test changes directory.
	goldenDir, _ = filepath.Abs(filepath.Join("..", "..", "testdata", "golden"))
)

// assertGolden compares got with testdata/golden/<cmd>/<name>.golden at the
// repository root (name carries the .tty or .pipe suffix), or rewrites it
// with -update.
func assertGolden(t *testing.T, cmd, name string, got []byte) {
	t.Helper()
	if !strings.HasSuffix(name, ".golden") {
		name += ".golden"
	}
	path := filepath.Join(goldenDir, cmd, name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/cli -run %s -update creates it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/cli -run %s -update rewrites it if the change is intended)\n--- got\n%s\n--- want\n%s",
			path, t.Name(), got, want)
	}
}
