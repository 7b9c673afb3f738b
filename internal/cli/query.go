package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
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
				// A fresh list cached for this plugin answers without
				// loading the plugin.
				list, ok := (*version.CachedList)(nil), false
				if !refresh {
					list, ok = m.CachedVersions(ctx, id)
				}
				if !ok {
					t, err := m.Tool(ctx, id)
					if err != nil {
						return err
					}
					if list, err = m.Versions(ctx, t, refresh); err != nil {
						return err
					}
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
	Tool string `json:"tool"`
	Spec string `json:"spec"`
	// Source is the file or environment variable the spec came from.
	Source string `json:"source"`
	// Line is the spec's line in Source (0 when not a line of a file).
	Line int `json:"line,omitempty"`
	// From is the kind of source: env, pin, global-pin, tool-versions,
	// version-file.
	From      string `json:"from,omitempty"`
	Resolved  string `json:"resolved,omitempty"`
	Installed bool   `json:"installed"`
	Error     string `json:"error,omitempty"`
}

func newCmdStatus(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the tools configured for this directory",
		Long: `Show every tool something pins for this directory — a .prototools pin
(here, further up, or global), a TOTE_<TOOL>_VERSION variable, a
.tool-versions entry, or a version file such as .nvmrc or go.mod — with the
spec, where it came from (file:line), the version it resolves to, and
whether that version is installed. These are the versions tote run, the
shims and tote install use. Exits with status 1 when a spec cannot be
resolved.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			rows, failed := status(ctx, m)
			if asJSON {
				if err := printJSON(f.IO.Out, rows); err != nil {
					return err
				}
			} else {
				if len(rows) == 0 {
					fmt.Fprintln(f.IO.ErrOut, "no tools are pinned here (no .prototools pin, version file, .tool-versions entry or TOTE_<TOOL>_VERSION)")
					return nil
				}
				tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
				if f.IO.OutTTY {
					fmt.Fprintln(tw, "TOOL\tSPEC\tRESOLVED\tINSTALLED\tSOURCE")
				}
				for _, r := range rows {
					res := r.Resolved
					if r.Error != "" {
						res = "?"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Tool, dash(r.Spec), res, yesNo(r.Installed), dash(r.where))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
			}
			for _, r := range failed {
				printToolError(f, r.Tool, r.Err)
			}
			if len(failed) > 0 {
				return &ExitError{Code: 1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	return cmd
}

type statusRow struct {
	StatusJSON
	where string
}

// MarshalJSON writes only the documented fields.
func (r statusRow) MarshalJSON() ([]byte, error) { return json.Marshal(r.StatusJSON) }

// status resolves every tool detected here; failed are the rows whose spec
// could not be detected or resolved.
func status(ctx context.Context, m *toolchain.Manager) (rows []statusRow, failed []toolchain.Resolution) {
	rows = []statusRow{}
	for _, r := range m.ResolveAll(ctx, toolchain.ResolveOptions{}) {
		row := statusRow{StatusJSON: StatusJSON{Tool: r.Tool, Spec: r.Spec, Source: r.Source, Line: r.Line, From: r.Kind, Resolved: r.Version, Installed: r.Installed}}
		if r.Spec != "" {
			row.where = r.Where()
		}
		if r.Err != nil {
			row.Error = toolMessage(r.Tool, r.Err)
			failed = append(failed, r)
		}
		rows = append(rows, row)
	}
	return rows, failed
}

// toolMessage is err's message for a line about tool id: it names the tool
// once — prefixed with "id: " unless the message already names it.
func toolMessage(id string, err error) string {
	msg := strings.TrimSpace(err.Error())
	if mentions(msg, id) {
		return msg
	}
	return id + ": " + msg
}

// mentions reports whether id appears in msg as a whole word.
func mentions(msg, id string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], id)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(id)
		if (start == 0 || !wordByte(msg[start-1])) && (end == len(msg) || !wordByte(msg[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// printToolError prints one tool's error (and its hint) without ending the
// command, for commands that go on with the other tools.
func printToolError(f *Factory, id string, err error) {
	fmt.Fprintf(f.IO.ErrOut, "tote: error: %s\n", plaintext.Text(toolMessage(id, err), 0))
	if h := hintOf(err); h != "" {
		fmt.Fprintf(f.IO.ErrOut, "tote: hint: %s\n", plaintext.Text(h, 0))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// OutdatedJSON is one tool in the --json output of `tote outdated`.
type OutdatedJSON = toolchain.Outdated

func newCmdOutdated(f *Factory) *cobra.Command {
	var asJSON, refresh, update, latest bool
	cmd := &cobra.Command{
		Use:   "outdated",
		Short: "Show pinned tools that have newer versions",
		Long: `For every tool pinned here (as tote status lists them), show the installed
version the pin resolves to, the newest version the pin allows, and the
newest version there is. Exits with status 1 when a spec cannot be
resolved.

--update rewrites each .prototools pin that has a newer version to the
newest version it allows (--latest: to the newest there is), editing only
the pin's line, so comments and the rest of the file are kept. Versions
that come from version files, .tool-versions or TOTE_<TOOL>_VERSION are
named, not edited. Run tote install afterwards to install them.`,
		Example: `  tote outdated
  tote outdated --update           # pins → the newest versions they allow
  tote outdated --update --latest  # pins → the newest versions there are`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			rows := m.OutdatedTools(ctx, nil, refresh, 0)
			var failed []toolchain.Resolution
			for i, r := range rows {
				if r.Err != nil {
					rows[i].Error = toolMessage(r.Tool, r.Err)
					failed = append(failed, toolchain.Resolution{Tool: r.Tool, Err: r.Err})
				}
			}
			if asJSON {
				if err := printJSON(f.IO.Out, rows); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
				if f.IO.OutTTY {
					fmt.Fprintln(tw, "TOOL\tSPEC\tCURRENT\tNEWEST MATCHING\tLATEST")
				}
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Tool, dash(r.Spec), dash(r.Current), dash(r.NewestMatching), dash(r.Latest))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
			}
			for _, r := range failed {
				printToolError(f, r.Tool, r.Err)
			}
			if update {
				if err := updatePins(ctx, f, m, rows, latest); err != nil {
					return err
				}
			}
			if len(failed) > 0 {
				return &ExitError{Code: 1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "ignore the cached version lists")
	cmd.Flags().BoolVar(&update, "update", false, "rewrite the .prototools pins to the newest versions they allow")
	cmd.Flags().BoolVar(&latest, "latest", false, "with --update: to the newest versions there are")
	return cmd
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

// updatePins rewrites the .prototools pins of rows to their newest
// matching (or latest) versions.
func updatePins(ctx context.Context, f *Factory, m *toolchain.Manager, rows []toolchain.Outdated, latest bool) error {
	changed := 0
	for _, r := range rows {
		if r.Err != nil {
			continue
		}
		target := r.NewestMatching
		if latest {
			target = r.Latest
		}
		if target == "" || target == r.Spec || target == r.Current {
			continue // nothing newer than what the pin runs now
		}
		det, err := m.Detect(ctx, r.Tool)
		if err != nil {
			printToolError(f, r.Tool, err)
			continue
		}
		if det.Kind != launch.FromPin && det.Kind != launch.FromGlobalPin {
			fmt.Fprintf(f.IO.ErrOut, "not updating %s: its version comes from %s; edit it there (newest: %s)\n", r.Tool, det.Where(), target)
			continue
		}
		if err := config.SetPin(det.Source, r.Tool, target); err != nil {
			return err
		}
		changed++
		fmt.Fprintf(f.IO.ErrOut, "updated %s = %q → %q in %s\n", r.Tool, det.Spec, target, det.Where())
	}
	if changed == 0 {
		fmt.Fprintln(f.IO.ErrOut, "every pin is up to date: nothing to update")
	} else {
		fmt.Fprintln(f.IO.ErrOut, "run `tote install` to install the new versions")
	}
	return nil
}
