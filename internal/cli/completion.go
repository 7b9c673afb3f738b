package cli

import (
	"log/slog"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/internal/version"
)

// Completion of tool names and versions, for cobra's `tote completion`
// scripts. It reads only the configuration and tote's caches — never the
// network — so pressing TAB stays quick: versions come from the installed
// ones and the cached remote list (tote versions TOOL fills it).

// versionSource says which versions a command's SPEC argument completes.
type versionSource int

const (
	noVersions        versionSource = iota
	installedVersions               // uninstall: only what is installed
	anyVersions                     // install, run, pin…: installed, cached remote list, aliases
)

// completeToolArgs completes TOOL[@SPEC] [SPEC] arguments.
func completeToolArgs(f *Factory, src versionSource, many bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		m := completionManager(cmd, f)
		if m == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if id, prefix, ok := strings.Cut(toComplete, "@"); ok && src != noVersions {
			var out []cobra.Completion
			for _, v := range versionsFor(m, id, src) {
				if strings.HasPrefix(v, prefix) {
					out = append(out, id+"@"+v)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		}
		if len(args) == 1 && !many && src != noVersions && !strings.Contains(args[0], "@") {
			var out []cobra.Completion
			for _, v := range versionsFor(m, args[0], src) {
				if strings.HasPrefix(v, toComplete) {
					out = append(out, v)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
		if len(args) > 0 && !many {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := filterPrefix(toolNames(m, src), toComplete)
		if many && len(args) == 1 && !strings.Contains(args[0], "@") {
			// install node <TAB>: node's versions (TOOL SPEC) or another tool.
			out = append(filterPrefix(versionsFor(m, args[0], src), toComplete), out...)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completionManager builds a Manager for completion (the root's pre-run,
// which sets the home and the logger, does not run for __complete).
func completionManager(cmd *cobra.Command, f *Factory) *toolchain.Manager {
	if f.Home == "" {
		h, err := ResolveHome()
		if err != nil {
			return nil
		}
		f.Home = h
	}
	if f.Logger == nil {
		f.Logger = slog.New(slog.DiscardHandler)
	}
	m, err := f.Manager(cmd.Context())
	if err != nil {
		return nil
	}
	return m
}

// toolNames are the tools a TOOL argument can name: with a plugin, or (for
// uninstall) installed.
func toolNames(m *toolchain.Manager, src versionSource) []string {
	set := map[string]bool{}
	installed, _ := m.InstalledTools()
	for _, id := range installed {
		set[id] = true
	}
	if src != installedVersions {
		for _, id := range m.KnownTools() {
			set[id] = true
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// versionsFor lists a tool's versions for completion, newest first:
// installed ones, then (for anyVersions) the cached remote list and its
// aliases.
func versionsFor(m *toolchain.Manager, id string, src versionSource) []string {
	installed, _ := m.Store.InstalledVersions(id)
	version.Sort(installed)
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for i := len(installed) - 1; i >= 0; i-- {
		add(installed[i])
	}
	if src == anyVersions {
		cache := version.Cache{Dir: m.Store.CacheDir("versions")}
		if list, err := cache.LoadAny(id); err == nil && list != nil {
			aliases := make([]string, 0, len(list.Aliases))
			for a := range list.Aliases {
				aliases = append(aliases, a)
			}
			sort.Strings(aliases)
			for _, a := range append([]string{"latest"}, aliases...) {
				add(a)
			}
			vs := append([]string(nil), list.Versions...)
			version.Sort(vs)
			for i := len(vs) - 1; i >= 0; i-- {
				add(vs[i])
			}
		}
	}
	return out
}

func filterPrefix(list []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// addCompletions wires completion into the commands that take tools.
func addCompletions(root *cobra.Command, f *Factory) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "install":
			c.ValidArgsFunction = completeToolArgs(f, anyVersions, true)
		case "run", "which", "pin":
			c.ValidArgsFunction = completeToolArgs(f, anyVersions, false)
		case "uninstall":
			c.ValidArgsFunction = completeToolArgs(f, installedVersions, false)
		case "versions", "unpin":
			c.ValidArgsFunction = completeToolArgs(f, noVersions, false)
		}
	}
}
