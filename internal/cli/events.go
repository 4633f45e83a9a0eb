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
	Signed bool
}

func newEventsCmd(f *Factory, runF func(*eventsOptions) error) *cobra.Command {
	opts := &eventsOptions{}
	cmd := &cobra.Command{
		Use:   "events [EVENT]",
		Short: "List the callback events, or show one event's fields and a sample",
		Long: `Without EVENT, list every callback zegocb knows: its name, family, meaning and
required fields. On a terminal the common fields (event, appid, timestamp, nonce,
signature) are left out of the list; piped, each row is tab-separated and complete.

With EVENT, show its fields (type, how it is sent on the wire, whether it is
required, unit, length limit, documented values and description) and a freshly
generated, internally consistent sample payload. --signed stamps the sample with
the current time and a fresh nonce and signs it with the configured secret.

With -o json, EVENT prints the sample only (pretty on a terminal, one line when
piped), and no EVENT prints the catalog as one JSON object per event.`,
		Example: `  zegocb events
  zegocb events stream_close
  zegocb events mix_start --signed -o json > mix_start.json
  zegocb events -o json | jq -r 'select(.family == "room") | .name'`,
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

// eventHint says which events an unknown name may have meant, or where the
// list is: the one wording every command uses.
func eventHint(c *callback.Catalog, name string) string {
	if s := c.Suggest(name, 3); len(s) > 0 {
		return "did you mean " + joinWords(s, "or") + "?"
	}
	return fmt.Sprintf("run 'zegocb events' to list the %d known events", len(c.Events()))
}

func runEvents(opts *eventsOptions) error {
	if opts.Event == "" {
		if opts.F.JSON() {
			return writeCatalogJSON(opts)
		}
		return writeEventList(opts)
	}
	e, err := lookupEvent(opts.F.Catalog, opts.Event)
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
