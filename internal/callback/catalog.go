// Package callback is zegocb's model of ZEGO server callbacks: the embedded
// event catalog, the payload codec (JSON, form, UrlEncoded) and the schema check.
// It never prints and never touches the network.
package callback

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"
)

//go:generate go test -run TestGeneratedCatalog -update .

// Type is the logical type of a field. The wire form (JSON string or JSON
// number) is separate: see Field.Wire.
type Type string

const (
	TypeString      Type = "string"       // free text
	TypeInt         Type = "int"          // an integer; accepted as JSON string or number
	TypeFloat       Type = "float"        // a decimal number; accepted as JSON string or number
	TypeStringArray Type = "string_array" // a JSON array of strings (repeated keys in form mode)
	TypeJSONString  Type = "json_string"  // a string that holds serialised JSON (stream_attr, extra_params)
	TypeObject      Type = "object"       // a nested JSON object (PascalCase families)
	TypeArray       Type = "array"        // a nested JSON array of objects
)

// Role marks the common fields every callback carries, whatever their casing.
type Role string

const (
	RoleEvent     Role = "event"
	RoleAppID     Role = "appid"
	RoleTimestamp Role = "timestamp"
	RoleNonce     Role = "nonce"
	RoleSignature Role = "signature"
)

// Wire says how send emits a value in JSON: "string" (the default) or "number".
type Wire string

const (
	WireString Wire = "string"
	WireNumber Wire = "number"
)

// Enum is one documented value of an enumerated field.
type Enum struct {
	Value   string `json:"value"`
	Meaning string `json:"meaning"`
}

// Field describes one field of an event.
type Field struct {
	Name        string `json:"name"`
	Type        Type   `json:"type"`
	Role        Role   `json:"role,omitempty"`
	Wire        Wire   `json:"wire,omitempty"`
	Required    bool   `json:"required,omitempty"`
	MaxBytes    int    `json:"max_bytes,omitempty"`
	Unit        string `json:"unit,omitempty"` // "s", "ms"
	Enum        []Enum `json:"enum,omitempty"`
	Description string `json:"description"`
	Sample      any    `json:"sample"` // template string, or []string of templates for arrays

	idx  int      // position in Event.Fields
	role int      // roleIndex(Role)+1, 0 for no role
	typ  typeCode // Type as a small integer, for the per-payload schema check
}

// typeCode is a Type as a small integer: checkValue switches on it once
// per field of every payload, where comparing the Type strings cost a
// string comparison or two each.
type typeCode uint8

const (
	codeString typeCode = iota
	codeInt
	codeFloat
	codeStringArray
	codeJSONString
	codeObject
	codeArray
)

var typeCodes = map[Type]typeCode{
	TypeString: codeString, TypeInt: codeInt, TypeFloat: codeFloat, TypeStringArray: codeStringArray,
	TypeJSONString: codeJSONString, TypeObject: codeObject, TypeArray: codeArray,
}

// Role indexes as stored in Field.role.
const (
	roleEvent     = 1
	roleTimestamp = 3
	roleSignature = 5
)

// Response is what ZEGO expects the receiver to answer.
type Response struct {
	// Body, when non-empty, is the body the legacy docs ask for ("1" for record).
	Body string `json:"body,omitempty"`
	// BodyRule explains where the body convention comes from.
	BodyRule string `json:"body_rule,omitempty"`
	// Sync, when set, is the JSON answer a synchronous callback's receiver
	// must return within a deadline (ZIM before_send_msg, Mini Game).
	Sync *SyncAnswer `json:"sync,omitempty"`
}

// WireName says how the field travels in JSON: its wire kind, else object
// or array for the types whose wire form is their own.
func (f *Field) WireName() string {
	if f.Wire != "" {
		return string(f.Wire)
	}
	if f.Type == TypeObject {
		return "object"
	}
	return "array"
}

// OwnRequired lists the event's required fields other than the common ones
// (event, appid, timestamp, nonce, signature: the fields with a role).
func (e *Event) OwnRequired() []string {
	var out []string
	for _, f := range e.Fields {
		if f.Required && f.Role == "" {
			out = append(out, f.Name)
		}
	}
	return out
}

// BodyOK reports whether an answer's body (surrounding whitespace aside) is
// the one the docs ask for; any body is when they ask for none.
func (r Response) BodyOK(body []byte) bool {
	return r.Body == "" || string(bytes.TrimSpace(body)) == r.Body
}

// Describe says what a receiver must answer, with quote styling the body
// ("1" on a terminal, `1` in Markdown).
func (r Response) Describe(quote func(string) string) string {
	if r.Sync != nil {
		s := "a 2xx status with a JSON answer such as " + quote(r.Sync.Default)
		if r.Sync.Deadline > 0 {
			s += " within " + time.Duration(r.Sync.Deadline).String()
		}
		var parts []string
		for _, f := range r.Sync.Fields {
			if len(f.Enum) == 0 {
				continue
			}
			vals := make([]string, len(f.Enum))
			for i, en := range f.Enum {
				vals[i] = en.Value + " " + en.Meaning
			}
			parts = append(parts, f.Name+": "+strings.Join(vals, "; "))
		}
		if len(parts) > 0 {
			s += " (" + strings.Join(parts, "; ") + ")"
		}
		return s
	}
	if r.Body == "" {
		return "any 2xx status"
	}
	s := "any 2xx status with the body " + quote(r.Body)
	if r.BodyRule != "" {
		s += " (" + r.BodyRule + ")"
	}
	return s
}

// Event is one catalog entry: catalog/FAMILY/NAME.json.
type Event struct {
	// Name is the event's name within its family: the routing value for
	// named events ("room_create"), a name from the documented meaning for
	// numeric event types ("player_status", Route "3").
	Name    string `json:"name"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Group is the event's section within its family (room, stream, call).
	Group string `json:"group"`
	Doc   string `json:"doc"`
	// Route is the routing field's value when it is not Name: the number
	// of a numeric event type, as text.
	Route string `json:"route,omitempty"`
	// Markers are fields whose presence tells this event from another
	// family's event with the same routing value (zim/room_create has
	// operator_account, rtc/room_create room_session_id).
	Markers  []string `json:"markers,omitempty"`
	Response Response `json:"response"`
	// Retry overrides the family's retry profile (before_send_msg).
	Retry  *Retry   `json:"retry,omitempty"`
	Notes  []string `json:"notes,omitempty"`
	Fields []Field  `json:"fields"`

	// Product is the event's product family; Qualified is "FAMILY/NAME".
	Product   *Family `json:"-"`
	Qualified string  `json:"-"`
	// Ref is the shortest name that resolves to this event: the bare name
	// when it is unique or the event is the RTC one, else Qualified.
	Ref string `json:"-"`
	// GroupRef is the name of the event's group in an event filter: the
	// bare group ("stream") for the first family's events (RTC, whose bare
	// names win everywhere), else FAMILY/GROUP ("zim/room"); "" when the
	// event has no group.
	GroupRef string `json:"-"`

	family string // the family's name, from the file's directory
	byName map[string]*Field
	roles  [5]*Field // by roleIndex
	// required has bit i set when Fields[i] is required, so that CheckRoles
	// finds a payload with every required field in a few word compares.
	required []uint64
}

// Field returns the named field's spec, or nil.
func (e *Event) Field(name string) *Field { return e.byName[name] }

// RoleField returns the field that plays role r (e.g. "Timestamp" for PascalCase events).
func (e *Event) RoleField(r Role) *Field {
	if i := roleIndex(r); i >= 0 {
		return e.roles[i]
	}
	return nil
}

func roleIndex(r Role) int {
	switch r {
	case RoleEvent:
		return 0
	case RoleAppID:
		return 1
	case RoleTimestamp:
		return 2
	case RoleNonce:
		return 3
	case RoleSignature:
		return 4
	}
	return -1
}

// Required lists the names of the required fields, in catalog order.
func (e *Event) Required() []string {
	var out []string
	for _, f := range e.Fields {
		if f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalog: catalog/families.json and
// catalog/*/*.json compiled into Go by go generate (catalog_gen.go, checked
// by TestGeneratedCatalog), so that starting the binary decodes no JSON. A
// broken catalog is a build defect, caught by the package tests; Default
// panics on it so it cannot ship silently.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = generatedCatalog() })
	if defaultErr != nil {
		panic("zegocb: embedded catalog is invalid: " + defaultErr.Error())
	}
	return defaultCat
}

// generatedCatalog indexes generatedFamilies and generatedEvents (in
// catalog order: Load checked them when they were generated).
func generatedCatalog() (*Catalog, error) {
	fams := make([]*Family, len(generatedFamilies))
	for i := range generatedFamilies {
		fams[i] = &generatedFamilies[i]
	}
	evs := make([]*Event, len(generatedEvents))
	for i := range generatedEvents {
		evs[i] = &generatedEvents[i]
	}
	return newCatalog(fams, evs)
}

func (e *Event) index() error {
	if e.Name == "" {
		return fmt.Errorf("event without a name")
	}
	e.roles = [5]*Field{}
	e.byName = make(map[string]*Field, len(e.Fields))
	e.required = make([]uint64, len(e.Fields)/64+1)
	for i := range e.Fields {
		f := &e.Fields[i]
		f.idx = i
		if f.Required {
			e.required[i/64] |= 1 << (i % 64)
		}
		if _, dup := e.byName[f.Name]; dup {
			return fmt.Errorf("field %q listed twice", f.Name)
		}
		code, ok := typeCodes[f.Type]
		if !ok {
			return fmt.Errorf("field %q: unknown type %q", f.Name, f.Type)
		}
		f.typ = code
		switch f.Wire {
		case "":
			f.Wire = WireString
			if f.Type == TypeObject || f.Type == TypeArray || f.Type == TypeStringArray {
				f.Wire = ""
			}
		case WireString, WireNumber:
		default:
			return fmt.Errorf("field %q: unknown wire %q", f.Name, f.Wire)
		}
		e.byName[f.Name] = f
		if f.Role != "" {
			i := roleIndex(f.Role)
			switch {
			case i < 0:
				return fmt.Errorf("field %q: unknown role %q", f.Name, f.Role)
			case e.roles[i] != nil:
				return fmt.Errorf("fields %q and %q both have role %q", e.roles[i].Name, f.Name, f.Role)
			}
			e.roles[i] = f
			f.role = i + 1
		}
	}
	for _, r := range []Role{RoleEvent, RoleAppID, RoleTimestamp, RoleNonce, RoleSignature} {
		if e.RoleField(r) == nil {
			return fmt.Errorf("no field has role %q", r)
		}
	}
	return nil
}
