package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/internal/version"
)

// VersionsJSON is the --json output of `tote versions`.
type VersionsJSON struct {
	Tool      string            `json:"tool"`
	Versions  []string          `json:"versions"`
	Installed []string          `json:"installed"`
	Latest    string            `json:"latest,omitempty"`
	Canary    string            `json:"canary,omitempty"`
	Aliases   map[string]string `json:"aliases,omitempty"`
}

func newCmdVersions(f *Factory) *cobra.Command {
	var installedOnly, asJSON, refresh bool
	cmd := &cobra.Command{
		Use:   "versions TOOL",
		Short: "List the versions of a tool that can be installed",
		Long: `List every version of TOOL known to its plugin, oldest first, marking the
installed ones. The list is cached for 12 hours; --refresh reloads it.`,
		Example: `  tote versions node
  tote versions go --installed
  tote versions zig --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			id := args[0]
			installed, err := m.Store.InstalledVersions(id)
			if err != nil {
				return err
			}
			version.Sort(installed)
			out := VersionsJSON{Tool: id, Installed: nonNilStrings(installed), Versions: []string{}}
			if !installedOnly {
				t, err := m.Tool(ctx, id)
				if err != nil {
					return err
				}
				list, err := m.Versions(ctx, t, refresh)
				if err != nil {
					return err
				}
				out.Versions = append(out.Versions, list.Versions...)
				version.Sort(out.Versions)
				out.Latest, out.Canary, out.Aliases = list.Latest, list.Canary, list.Aliases
			} else {
				out.Versions = out.Installed
			}
			if asJSON {
				return printJSON(f.IO.Out, out)
			}
			inst := map[string]bool{}
			for _, v := range installed {
				inst[v] = true
			}
			for _, v := range out.Versions {
				if inst[v] && !installedOnly {
					fmt.Fprintf(f.IO.Out, "%s (installed)\n", v)
				} else {
					fmt.Fprintln(f.IO.Out, v)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&installedOnly, "installed", false, "list only installed versions")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "ignore the cached version list")
	return cmd
}

// ListJSON is one tool in the --json output of `tote list`.
type ListJSON struct {
	Tool     string   `json:"tool"`
	Versions []string `json:"versions"`
}

func newCmdList(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List installed tools and versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			ids, err := m.InstalledTools()
			if err != nil {
				return err
			}
			out := []ListJSON{}
			for _, id := range ids {
				vs, err := m.Store.InstalledVersions(id)
				if err != nil {
					return err
				}
				if len(vs) == 0 {
					continue
				}
				version.Sort(vs)
				out = append(out, ListJSON{Tool: id, Versions: vs})
			}
			if asJSON {
				return printJSON(f.IO.Out, out)
			}
			if len(out) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "no tools are installed")
				return nil
			}
			for _, l := range out {
				fmt.Fprintf(f.IO.Out, "%s %s\n", l.Tool, strings.Join(l.Versions, " "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	return cmd
}

// StatusJSON is one tool in the --json output of `tote status`.
type StatusJSON struct {
	Tool      string `json:"tool"`
	Spec      string `json:"spec"`
	Source    string `json:"source"`
	Resolved  string `json:"resolved,omitempty"`
	Installed bool   `json:"installed"`
	Error     string `json:"error,omitempty"`
}

func newCmdStatus(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the tools configured for this directory",
		Long: `Show every tool pinned for this directory: the spec, the file it comes
from, the version it resolves to, and whether that version is installed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			rows := status(ctx, m)
			if asJSON {
				return printJSON(f.IO.Out, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "no tools are pinned here")
				return nil
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			if f.IO.OutTTY {
				fmt.Fprintln(tw, "TOOL\tSPEC\tRESOLVED\tINSTALLED\tSOURCE")
			}
			for _, r := range rows {
				res := r.Resolved
				if r.Error != "" {
					res = "? (" + r.Error + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Tool, r.Spec, res, yesNo(r.Installed), r.Source)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	return cmd
}

func status(ctx context.Context, m *toolchain.Manager) []StatusJSON {
	rows := []StatusJSON{}
	ids := m.Config.PinnedTools()
	sort.Strings(ids)
	for _, id := range ids {
		det, err := m.Detect(ctx, id)
		row := StatusJSON{Tool: id, Spec: det.Spec, Source: det.Source}
		if err != nil {
			row.Error = err.Error()
			rows = append(rows, row)
			continue
		}
		v, err := m.Resolve(ctx, id, det.Spec, toolchain.ResolveOptions{})
		if err != nil {
			row.Error = err.Error()
		} else {
			row.Resolved = v
			row.Installed = m.IsInstalled(id, v)
		}
		rows = append(rows, row)
	}
	return rows
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// OutdatedJSON is one tool in the --json output of `tote outdated`.
type OutdatedJSON struct {
	Tool            string `json:"tool"`
	Spec            string `json:"spec"`
	Source          string `json:"source"`
	Current         string `json:"current,omitempty"`
	NewestMatching  string `json:"newest_matching,omitempty"`
	Latest          string `json:"latest,omitempty"`
	UpdateAvailable bool   `json:"update_available"`
	Error           string `json:"error,omitempty"`
}

func newCmdOutdated(f *Factory) *cobra.Command {
	var asJSON, refresh bool
	cmd := &cobra.Command{
		Use:   "outdated",
		Short: "Show pinned tools that have newer versions",
		Long: `For every tool pinned here, show the installed version the pin resolves to,
the newest version the pin allows, and the newest version there is.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			rows := []OutdatedJSON{}
			ids := m.Config.PinnedTools()
			sort.Strings(ids)
			for _, id := range ids {
				rows = append(rows, outdated(ctx, m, id, refresh))
			}
			if asJSON {
				return printJSON(f.IO.Out, rows)
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			if f.IO.OutTTY {
				fmt.Fprintln(tw, "TOOL\tSPEC\tCURRENT\tNEWEST MATCHING\tLATEST")
			}
			for _, r := range rows {
				if r.Error != "" {
					fmt.Fprintf(tw, "%s\t%s\t?\t?\t? (%s)\n", r.Tool, r.Spec, r.Error)
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Tool, r.Spec, dash(r.Current), dash(r.NewestMatching), dash(r.Latest))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "ignore the cached version lists")
	return cmd
}

func outdated(ctx context.Context, m *toolchain.Manager, id string, refresh bool) OutdatedJSON {
	row := OutdatedJSON{Tool: id}
	det, err := m.Detect(ctx, id)
	if err != nil {
		row.Error = err.Error()
		return row
	}
	row.Spec, row.Source = det.Spec, det.Source
	if v, err := m.Resolve(ctx, id, det.Spec, toolchain.ResolveOptions{}); err == nil && m.IsInstalled(id, v) {
		row.Current = v
	}
	newest, err := m.Resolve(ctx, id, det.Spec, toolchain.ResolveOptions{Remote: true, Refresh: refresh})
	if err != nil {
		row.Error = err.Error()
		return row
	}
	row.NewestMatching = newest
	if latest, err := m.Resolve(ctx, id, "latest", toolchain.ResolveOptions{Remote: true}); err == nil {
		row.Latest = latest
	}
	row.UpdateAvailable = row.Current == "" || version.Compare(row.NewestMatching, row.Current) > 0
	return row
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
