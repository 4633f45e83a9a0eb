package callback

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"sort"
)

// catalogFS holds catalog/*.json, the catalog's source. Only the tests read
// it: the binary carries the generated catalog_gen.go.
var catalogFS = os.DirFS(".")

// Load reads every catalog/*.json file of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "catalog/*.json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{byName: map[string]*Event{}}
	for _, n := range names {
		e, err := loadEvent(fsys, n)
		if err != nil {
			return nil, err
		}
		if _, dup := c.byName[e.Name]; dup {
			return nil, fmt.Errorf("%s: event %q defined twice", n, e.Name)
		}
		c.byName[e.Name] = e
		c.events = append(c.events, e)
	}
	sort.Slice(c.events, func(i, j int) bool { return c.events[i].Name < c.events[j].Name })
	return c, nil
}

func loadEvent(fsys fs.FS, name string) (*Event, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var e Event
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := e.index(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &e, nil
}
