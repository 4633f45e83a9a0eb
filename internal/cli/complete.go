// complete.go holds shell completion of event names, one function for every
// place that takes them: a positional EVENT (events, send) and flags that
// take one or a comma-separated list (sign --event, probe --events; next,
// listen's filters, replay --event and scenario). Names come from the
// catalog, so every event it holds, under every name it lists, completes.

package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// completeEventArg completes a command's one positional EVENT.
func completeEventArg(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeEvents(f.Catalog, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeEventArgs completes a command's positional EVENTs, any number
// of them (send EV1 EV2 ...).
func completeEventArgs(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeEvents(f.Catalog, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeEventList completes a flag whose value is an event name or a
// comma-separated list of them ("stream_create,str" offers the names that
// start with "str" and are not in the list yet, each after "stream_create,").
func completeEventList(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := strings.LastIndexByte(toComplete, ',')
		head, last := toComplete[:i+1], toComplete[i+1:]
		listed := map[string]bool{}
		for _, n := range strings.Split(head, ",") {
			listed[n] = true
		}
		var out []cobra.Completion
		for _, c := range completeEvents(f.Catalog, last) {
			if name, _, _ := strings.Cut(c, "\t"); !listed[name] {
				out = append(out, head+c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}
