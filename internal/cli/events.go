// events.go holds the events command (list the catalog, or show one event)
// and the event-name helpers other commands share: lookup, hints, completion.

package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
)

type eventsOptions struct {
	cmdEnv

	Event  string
	Family string
	Signed bool
}

func newEventsCmd(f *Factory, runF func(*eventsOptions) error) *cobra.Command {
	opts := &eventsOptions{}
	cmd := &cobra.Command{
		Use:   "events [EVENT]",
		Short: "List the callback events, or show one event's fields and a sample",
		Long: `Without EVENT, list every callback zegocb knows, family by family (rtc,
zim, ...): its name, group, meaning and required fields. A name is the bare
event name, or FAMILY/EVENT where another family's event has the same bare name
(a colliding bare name means the RTC event); a numeric event type shows its
number beside its name. --family lists one family. On a terminal the common
fields (event, appid, timestamp, nonce, signature, as each family spells them)
are left out of the list; piped, each row is tab-separated and complete: name,
group, meaning, required fields, family.

With EVENT, show its fields (type, how it is sent on the wire, whether it is
required, unit, length limit, documented values and description) and a freshly
generated, internally consistent sample payload. --signed stamps the sample with
the current time and a fresh nonce and signs it with the configured secret.

With -o json, EVENT prints the sample only (pretty on a terminal, one line when
piped), and no EVENT prints the catalog as one JSON object per event.`,
		Example: `  zegocb events
  zegocb events stream_close
  zegocb events mix_start --signed -o json > mix_start.json
  zegocb events --family zim
  zegocb events zim/room_create
  zegocb events -o json | jq -r 'select(.family == "zim") | .qualified'`,
		Args:              maxArgs(1),
		ValidArgsFunction: completeEventArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.bind(f, cmd)
			if len(args) == 1 {
				opts.Event = args[0]
			}
			if opts.Signed && opts.Event == "" {
				return flagErrorf("--signed needs an EVENT: zegocb events EVENT --signed")
			}
			if runF != nil {
				return runF(opts)
			}
			return runEvents(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Family, "family", "", "list only this product `FAMILY` (rtc, zim, ...); with EVENT, the family to look the name up in")
	_ = cmd.RegisterFlagCompletionFunc("family", completeFamily(f))
	cmd.Flags().BoolVar(&opts.Signed, "signed", false, "stamp the sample with a fresh timestamp and nonce and sign it with the configured secret")
	return cmd
}

// completeEvents offers the catalog's event names with their titles.
func completeEvents(c *callback.Catalog, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, e := range c.Events() {
		switch {
		case strings.HasPrefix(e.Ref, prefix):
			out = append(out, cobra.CompletionWithDesc(e.Ref, e.Title))
		case prefix != "" && strings.HasPrefix(e.Qualified, prefix):
			// "zim/ro" or "rtc/str": the qualified names of the family.
			out = append(out, cobra.CompletionWithDesc(e.Qualified, e.Title))
		}
	}
	return out
}

// lookupEvent finds name in the catalog or explains what was meant.
func lookupEvent(c *callback.Catalog, name string) (*callback.Event, error) {
	if e, ok := c.Lookup(name); ok {
		return e, nil
	}
	return nil, flagErrorf("unknown event %q: %s", name, eventHint(c, name))
}

// resolveEvent is lookupEvent for a name the user typed: a bare name that
// several families share means the RTC event (else the first family's), and
// one hint line on stderr names the others.
func (f *Factory) resolveEvent(name string) (*callback.Event, error) {
	e, alts := f.Catalog.Resolve(name)
	if e == nil {
		return lookupEvent(f.Catalog, name)
	}
	if len(alts) > 0 {
		f.Hintf("%s", collisionHint(name, e, alts))
	}
	return e, nil
}

// collisionHint says what a colliding bare name means and names the others:
// "room_create means rtc/room_create; also zim/room_create (In-app Chat
// (ZIM)): name it FAMILY/EVENT".
func collisionHint(name string, e *callback.Event, alts []*callback.Event) string {
	others := make([]string, len(alts))
	for i, a := range alts {
		others[i] = a.Qualified
		if a.Product != nil {
			others[i] += " (" + a.Product.Title + ")"
		}
	}
	return name + " means " + e.Qualified + "; for " + joinWords(others, "or") + ", use the qualified name"
}

// familyEvent resolves name within the family --family names (a bare name
// or a number of a numeric event type), or anywhere when fam is "".
func (f *Factory) familyEvent(fam, name string) (*callback.Event, error) {
	if fam == "" {
		return f.resolveEvent(name)
	}
	fm, err := f.lookupFamily(fam)
	if err != nil {
		return nil, err
	}
	if strings.Contains(name, "/") {
		e, err := lookupEvent(f.Catalog, name)
		if err == nil && e.Product != fm {
			return nil, flagErrorf("%s is a %s event, not %s: drop --family or the family prefix", name, e.Product.Name, fm.Name)
		}
		return e, err
	}
	return lookupEvent(f.Catalog, fm.Name+"/"+name)
}

// lookupFamily finds a product family by name.
func (f *Factory) lookupFamily(name string) (*callback.Family, error) {
	if fm := f.Catalog.Family(name); fm != nil {
		return fm, nil
	}
	var names []string
	for _, fm := range f.Catalog.Families() {
		names = append(names, fm.Name)
	}
	return nil, flagErrorf("unknown family %q: want one of %s", name, strings.Join(names, ", "))
}

// eventHint says which events an unknown name may have meant, or where the
// list is: the one wording every command uses.
func eventHint(c *callback.Catalog, name string) string {
	if h := c.QualifiedHint(name); h != "" {
		return h
	}
	if s := c.Suggest(name, 3); len(s) > 0 {
		return "did you mean " + joinWords(s, "or") + "?"
	}
	return fmt.Sprintf("run 'zegocb events' to list the %d known events", len(c.Events()))
}

func runEvents(opts *eventsOptions) error {
	if opts.Event == "" {
		var fam *callback.Family
		if opts.Family != "" {
			var err error
			if fam, err = opts.F.lookupFamily(opts.Family); err != nil {
				return err
			}
		}
		if opts.F.JSON() {
			return writeCatalogJSON(opts, fam)
		}
		return writeEventList(opts, fam)
	}
	e, err := opts.F.familyEvent(opts.Family, opts.Event)
	if err != nil {
		return err
	}
	p, err := eventSample(opts, e)
	if err != nil {
		return err
	}
	if opts.F.JSON() {
		return writeSampleJSON(opts.IO, p.JSON())
	}
	if opts.IO.IsStdoutTTY() {
		return writeEventTTY(opts, e, p)
	}
	return writeEventPipe(opts, e, p)
}

// eventSample builds a fresh sample for e, signed when asked.
func eventSample(opts *eventsOptions, e *callback.Event) (*callback.Payload, error) {
	var secret string
	if opts.Signed {
		s, err := opts.F.RequireSecret()
		if err != nil {
			return nil, err
		}
		secret = s
	}
	so := opts.F.SampleOptions()
	p := e.Sample(so)
	if opts.Signed {
		e.Stamp(p, secret, e.Timestamp(so.Now), opts.F.Nonce())
	}
	return p, nil
}
