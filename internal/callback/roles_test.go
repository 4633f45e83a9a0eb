package callback

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// CheckRoles finds the common fields where Get would, so SignatureInputAt
// gives what SignatureInput gives and the problems are Check's: for every
// event's sample, and for samples with fields dropped, repeated, renamed
// in another casing, moved, or of another type.
func TestCheckRolesAgree(t *testing.T) {
	cat := Default()
	r := rand.New(rand.NewPCG(7, 7))
	now := time.Unix(1772366400, 0)
	for _, f := range cat.Families() {
		for _, e := range cat.FamilyEvents(f) {
			base := e.Sample(SampleOptions{Now: now, Rand: r, AppID: "1234567890"})
			e.Stamp(base, "s3cret", e.Timestamp(now), "1234567890123456789")
			variants := []*Payload{base}
			for i := range base.Entries {
				drop := base.Clone()
				drop.Entries = append(drop.Entries[:i:i], base.Entries[i+1:]...)
				dup := base.Clone()
				dup.Entries = append(dup.Entries, Entry{Key: base.Entries[i].Key, Value: String("again")})
				fold := base.Clone()
				fold.Entries[i].Key = "X" + fold.Entries[i].Key[1:]
				upper := base.Clone()
				upper.Entries[i].Key = string(rune(upper.Entries[i].Key[0])^0x20) + upper.Entries[i].Key[1:]
				moved := base.Clone()
				moved.Entries = append(append(moved.Entries[:i:i], base.Entries[i+1:]...), base.Entries[i])
				num := base.Clone()
				num.Entries[i].Value = Number("12")
				variants = append(variants, drop, dup, fold, upper, moved, num)
			}
			for _, p := range variants {
				var at RoleEntries
				got := e.CheckRoles(p, &at)
				if want := e.Check(p); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: CheckRoles %v, Check %v", e.Ref, got, want)
				}
				for i, f := range e.roles {
					_, found := p.Get(f.Name)
					if (at[i] > 0) != found || found && p.Entries[at[i]-1].Key != f.Name {
						t.Fatalf("%s: role %d at %d, Get finds %v", e.Ref, i, at[i], found)
					}
					for j := 0; found && j < at[i]-1; j++ {
						if p.Entries[j].Key == f.Name {
							t.Fatalf("%s: role %d at %d, not the first", e.Ref, i, at[i])
						}
					}
				}
				if got, want := SignatureInputAt(e, p, "s3cret", &at), SignatureInput(e, p, "s3cret"); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: SignatureInputAt %+v, SignatureInput %+v", e.Ref, got, want)
				}
			}
		}
	}
}
