// complete.go holds shell completion, one function for every place that
// takes a kind of name: a positional EVENT (events, send), flags that take
// one event or a comma-separated list of events and families (sign --event;
// probe --events, listen --event, replay --event), a family (events
// --family) and a built-in scenario (scenario NAME). Names come from the
// catalog and scenario.List, so every one they hold completes.

package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/scenario"
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

// completeEventList completes a flag whose value is an event or family name
// or a comma-separated list of them ("stream_create,str" offers the names
// that start with "str" and are not in the list yet, each after
// "stream_create,"). extra are further words the flag takes (probe's all).
func completeEventList(f *Factory, extra ...cobra.Completion) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := strings.LastIndexByte(toComplete, ',')
		head, last := toComplete[:i+1], toComplete[i+1:]
		listed := map[string]bool{}
		for _, n := range strings.Split(head, ",") {
			listed[n] = true
		}
		var out []cobra.Completion
		cands := completeFamilies(f.Catalog, last)
		cands = append(cands, completeEvents(f.Catalog, last)...)
		for _, x := range extra {
			if name, _, _ := strings.Cut(x, "\t"); strings.HasPrefix(name, last) {
				cands = append(cands, x)
			}
		}
		for _, c := range cands {
			if name, _, _ := strings.Cut(c, "\t"); !listed[name] {
				out = append(out, head+c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// completeFamilies offers the catalog's product family names (rtc, zim, ...)
// that start with prefix, with their titles.
func completeFamilies(c *callback.Catalog, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, fm := range c.Families() {
		if strings.HasPrefix(fm.Name, prefix) {
			out = append(out, cobra.CompletionWithDesc(fm.Name, fm.Title))
		}
	}
	return out
}

// completeFamily completes a flag whose value is one family name
// (events --family).
func completeFamily(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeFamilies(f.Catalog, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeScenarioArg completes scenario's one positional NAME with the
// built-in scenarios; a definition file is a path, so files complete too.
func completeScenarioArg(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, in := range scenario.List() {
		if strings.HasPrefix(in.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(in.Name, in.Summary))
		}
	}
	return out, cobra.ShellCompDirectiveDefault
}
