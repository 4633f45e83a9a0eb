package callback

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// catalogFS holds catalog/families.json and catalog/*/*.json, the
// catalog's source. Only the tests read it: the binary carries the
// generated catalog_gen.go.
var catalogFS = os.DirFS(".")

// Load reads catalog/families.json and every catalog/FAMILY/EVENT.json of
// fsys; an event's directory names its family.
func Load(fsys fs.FS) (*Catalog, error) {
	fams, err := loadFamilies(fsys)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "catalog/*/*.json")
	if err != nil {
		return nil, err
	}
	var evs []*Event
	for _, n := range names {
		e, err := loadEvent(fsys, n)
		if err != nil {
			return nil, err
		}
		e.family = path.Base(path.Dir(n))
		evs = append(evs, e)
	}
	return newCatalog(fams, evs)
}

func loadFamilies(fsys fs.FS) ([]*Family, error) {
	b, err := fs.ReadFile(fsys, "catalog/families.json")
	if err != nil {
		return nil, err
	}
	var fams []*Family
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fams); err != nil {
		return nil, fmt.Errorf("catalog/families.json: %w", err)
	}
	return fams, nil
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
