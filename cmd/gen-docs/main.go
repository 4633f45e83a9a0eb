// Command gen-docs writes zegocb's reference documentation from the command
// tree and the event catalog:
//
//	docs/cli/*.md    one Markdown page per command (cobra/doc)
//	docs/man/*.1     one man page per command
//	docs/events.md   the event catalog: fields, values and a sample per event
//
// The output depends only on the source: no dates beyond the fixed man page
// date (-date, else manDate), no machine paths.
// A test in this package fails when the checked-in docs are stale.
//
// Usage:
//
//	go run ./cmd/gen-docs                  # from the module root: writes docs/
//	go run ./cmd/gen-docs -man manpages    # man pages only (release archives)
package main

// The catalog's generated Go comes first: docs/events.md is written from it,
// and go generate ./... would otherwise reach cmd/ before internal/callback.
//go:generate go generate ../../internal/callback
//go:generate go run . -out ../../docs

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/cli"
	"github.com/zegocb/zegocb/internal/ui"
)

// manDate is the man pages' date unless -date says otherwise (releases pass
// the commit date). Man pages show month and year only.
const manDate = "2026-11-01"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen-docs:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gen-docs", flag.ContinueOnError)
	out := fs.String("out", "docs", "write `DIR`/cli/*.md, DIR/man/*.1 and DIR/events.md")
	manOnly := fs.String("man", "", "write only the man pages, into `DIR`")
	dateFlag := fs.String("date", manDate, "man page date: YYYY-MM-DD or RFC 3339")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	date, err := parseDate(*dateFlag)
	if err != nil {
		return err
	}
	if *manOnly != "" {
		return writeMan(*manOnly, date)
	}
	return generate(*out, date)
}

// parseDate reads -date. The zero time (what goreleaser passes as the
// commit date when it cannot read git) falls back to manDate.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("-date %q: want YYYY-MM-DD or RFC 3339", s)
	}
	if t.Year() <= 1 {
		return time.Parse(time.DateOnly, manDate)
	}
	return t.UTC(), nil
}

// generate writes every kind of reference page under dir.
func generate(dir string, date time.Time) error {
	if err := writeMarkdown(filepath.Join(dir, "cli")); err != nil {
		return err
	}
	if err := writeMan(filepath.Join(dir, "man"), date); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "events.md"), eventsMarkdown(callback.Default()), 0o644)
}

// rootCmd is the command tree the docs describe.
func rootCmd() *cobra.Command {
	root := cli.NewRootCmd(cli.New(ui.System()))
	var visit func(*cobra.Command)
	visit = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
	return root
}

func writeMarkdown(dir string) error {
	if err := resetDir(dir, ".md"); err != nil {
		return err
	}
	return doc.GenMarkdownTree(rootCmd(), dir)
}

func writeMan(dir string, date time.Time) error {
	if err := resetDir(dir, ".1"); err != nil {
		return err
	}
	header := &doc.GenManHeader{
		Title:   "ZEGOCB",
		Section: "1",
		Date:    &date,
		Source:  "zegocb",
		Manual:  "zegocb manual",
	}
	return doc.GenManTree(rootCmd(), header, dir)
}

// resetDir creates dir and removes its generated files (those ending in
// ext), so a removed command leaves no stale page behind.
func resetDir(dir, ext string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ext) {
			errs = append(errs, os.Remove(filepath.Join(dir, e.Name())))
		}
	}
	return errors.Join(errs...)
}
