package main

import (
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/config"
)

// Shell completion (cobra's `completion bash|zsh|fish|powershell` scripts
// call the hidden `__complete` command, which asks these functions). None
// of them makes a request or resolves a secret.

// completeGetArgs completes get's KIND: the kind names, or the aliases
// when no name starts with what was typed. The ID is not completed.
func completeGetArgs(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return kindCompletions(toComplete), cobra.ShellCompDirectiveNoFileComp
}

func kindCompletions(prefix string) []cobra.Completion {
	var names, aliases []cobra.Completion
	for _, d := range api.DefaultCatalog().Kinds() {
		if strings.HasPrefix(d.Name, prefix) {
			names = append(names, cobra.CompletionWithDesc(d.Name, d.Singular))
		}
		for _, a := range append([]string{d.Singular}, d.Aliases...) {
			if strings.HasPrefix(a, prefix) {
				aliases = append(aliases, cobra.CompletionWithDesc(a, d.Name))
			}
		}
	}
	if len(names) > 0 {
		return names
	}
	return aliases
}

// completeParents completes --parent: the keys the kind already given
// takes (every parent key when none is), as "KEY=" with no space after.
func completeParents(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		// The ID would need a request: none is made while completing.
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var keys []string
	if len(args) > 0 {
		if d, ok := api.Lookup(args[0]); ok {
			keys = api.RefKeys(d)
		}
	}
	if keys == nil {
		for _, d := range api.DefaultCatalog().Kinds() {
			for _, k := range api.RefKeys(d) {
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	var out []cobra.Completion
	for _, k := range keys {
		if strings.HasPrefix(k, toComplete) {
			out = append(out, k+"=")
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completeOutputs completes -o.
func completeOutputs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, f := range getOutputs {
		out = append(out, cobra.CompletionWithDesc(f.name, f.help))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeProfiles completes --profile from the profiles file (--config
// when given) and the MPARTICLE_* variables; it never resolves a secret.
func completeProfiles(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var names []string
	if os.Getenv("MPARTICLE_CLIENT_ID") != "" {
		names = append(names, config.EnvProfile)
	}
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		path, _ = config.DefaultPath(os.Getenv)
	}
	if path != "" {
		if f, err := config.Load(path); err == nil {
			names = append(names, f.ProfileNames()...)
		}
	}
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
