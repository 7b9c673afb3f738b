package plugincmd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/plugincache"
)

// configPath is ./.prototools, or the global file with --global.
func configPath(f *cli.Factory, global bool) (string, error) {
	if global {
		return config.GlobalFile(f.Home), nil
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return filepath.Join(cwd, config.FileName), nil
}

func newCmdAdd(f *cli.Factory) *cobra.Command {
	var global bool
	cmd := &cobra.Command{
		Use:   "add ID LOCATOR",
		Short: "Add a tool plugin to .prototools and fetch it",
		Long: `Add a [plugins] entry ID = "LOCATOR" to ./.prototools (or, with --global,
to $TOTE_HOME/.prototools), then fetch and load the plugin to check it.

LOCATOR is one of:
  file://PATH                      a .wasm or a schema file (.toml, .json, .yaml)
  https://URL                      the same, downloaded (http only to loopback hosts)
  github://owner/repo[/project][@tag]  a release asset
  registry://[host/][ns/]image[:tag]   an OCI artifact (default host ghcr.io)

If the plugin does not load, the file is restored and the command fails.`,
		Example: `  tote plugin add jq https://raw.githubusercontent.com/appthrust/proto-toml-plugins/main/jq/plugin.toml
  tote plugin add mytool file://./plugins/mytool.toml
  tote plugin add node registry://ghcr.io/acme/node-plugin:1.0 --global`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return addRun(cmd.Context(), f, args[0], args[1], global)
		},
	}
	cmd.Flags().BoolVar(&global, "global", false, "edit $TOTE_HOME/.prototools")
	return cmd
}

func addRun(ctx context.Context, f *cli.Factory, id, locator string, global bool) error {
	path, err := configPath(f, global)
	if err != nil {
		return err
	}
	before, rerr := os.ReadFile(path)
	if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		return rerr
	}
	// The user asked for this locator: a trusted (or new) project file
	// stays trusted with it; an untrusted one stays untrusted.
	userHome, _ := os.UserHomeDir()
	undoTrust, err := config.KeepTrust(ctx, path, userHome, f.Home, func() error { return config.SetPlugin(path, id, locator) })
	if err != nil {
		return err
	}
	restore := func(cause error) error {
		undoTrust()
		if errors.Is(rerr, fs.ErrNotExist) {
			os.Remove(path)
		} else if werr := os.WriteFile(path, before, 0o644); werr != nil {
			return fmt.Errorf("%w (and restoring %s failed: %v)", cause, path, werr)
		}
		return fmt.Errorf("%w (%s was left as it was)", cause, path)
	}
	m, err := f.Manager(ctx)
	if err != nil {
		return restore(err)
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return restore(err)
	}
	fmt.Fprintf(f.IO.ErrOut, "added plugin %s = %q to %s (%s, %s)\n", id, locator, path, plaintext.Line(t.Info.Name, 0), t.Meta.Digest)
	return nil
}

func newCmdRemove(f *cli.Factory) *cobra.Command {
	var global bool
	cmd := &cobra.Command{
		Use:     "remove ID",
		Aliases: []string{"rm"},
		Short:   "Remove a tool plugin from .prototools",
		Long: `Remove the [plugins] entry of ID from ./.prototools (or, with --global,
from $TOTE_HOME/.prototools), and forget its cached download.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := configPath(f, global)
			if err != nil {
				return err
			}
			var raw string
			if file, err := config.ReadFile(path); err == nil {
				raw = file.Plugins[args[0]]
			}
			ok, err := config.RemovePlugin(path, args[0])
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%s declares no plugin %s", path, args[0])
			}
			if raw != "" {
				(&plugincache.Cache{Dir: filepath.Join(f.Home, "plugins")}).Remove(raw)
			}
			fmt.Fprintf(f.IO.ErrOut, "removed plugin %s from %s\n", args[0], path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&global, "global", false, "edit $TOTE_HOME/.prototools")
	return cmd
}

// pluginRow is one configured plugin in `tote plugin list`.
type pluginRow struct {
	ID         string `json:"id"`
	Locator    string `json:"locator"`
	Kind       string `json:"kind"`
	DeclaredIn string `json:"declared_in"`
	Digest     string `json:"digest"`
	CachePath  string `json:"cache_path,omitempty"`
	FetchedAt  string `json:"fetched_at,omitempty"`
}

func newCmdList(f *cli.Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the tool plugins configured here",
		Long: `List the [plugins] of the .prototools files that apply here: id, locator,
digest (sha256 of the plugin file: read from disk for file:// locators,
from the plugin cache for remote ones, "-" when not fetched yet) and where
it is declared. Nothing is fetched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			cache := m.PluginCache()
			rows := []pluginRow{}
			for _, id := range m.Config.PluginIDs() {
				loc, _ := m.Config.PluginLocator(id)
				r := pluginRow{ID: id, Locator: loc.Raw, Kind: loc.Kind, DeclaredIn: loc.DeclaredIn, Digest: "-"}
				switch {
				case plugincache.Remote(loc.Kind):
					if e, ok := cache.Lookup(loc.Raw); ok {
						r.Digest, r.CachePath, r.FetchedAt = e.Digest, e.Path, e.FetchedAt.Format("2006-01-02T15:04:05Z")
					}
				case loc.Kind == config.LocatorFile:
					if b, err := os.ReadFile(loc.Value); err == nil {
						sum := sha256.Sum256(b)
						r.Digest = "sha256:" + hex.EncodeToString(sum[:])
					}
				}
				rows = append(rows, r)
			}
			sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
			if asJSON {
				return writeJSON(f.IO.Out, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "no plugins are configured here")
				return nil
			}
			// Aligned with a header on a terminal, tab-separated otherwise.
			if !f.IO.OutTTY {
				for _, r := range rows {
					fmt.Fprintf(f.IO.Out, "%s\t%s\t%s\t%s\n", r.ID, r.Locator, r.Digest, r.DeclaredIn)
				}
				return nil
			}
			w := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tLOCATOR\tDIGEST\tDECLARED IN")
			for _, r := range rows {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, r.Locator, r.Digest, r.DeclaredIn)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

// pluginInfo is the output of `tote plugin info`.
type pluginInfo struct {
	ID           string                 `json:"id"`
	Source       string                 `json:"source"`
	Digest       string                 `json:"digest"`
	CachePath    string                 `json:"cache_path,omitempty"`
	Exports      []string               `json:"exports"`
	VersionFiles []string               `json:"version_files"`
	RegisterTool api.RegisterToolOutput `json:"register_tool"`
}

func newCmdInfo(f *cli.Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info ID",
		Short: "Load a tool's plugin and describe it",
		Long: `Load the plugin of tool ID (fetching it when needed) and print its source,
digest, cache path, the contract functions it exports, its version files and
its register_tool answer.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			t, err := m.Tool(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			info := pluginInfo{ID: t.ID, Source: t.Meta.Source, Digest: t.Meta.Digest, Exports: t.Meta.Exports, VersionFiles: t.Meta.VersionFiles, RegisterTool: t.Info}
			if info.Exports == nil {
				info.Exports = []string{}
			}
			if info.VersionFiles == nil {
				info.VersionFiles = []string{}
			}
			if loc, ok := m.Config.PluginLocator(t.ID); ok && plugincache.Remote(loc.Kind) {
				if e, ok := m.PluginCache().Lookup(loc.Raw); ok {
					info.CachePath = e.Path
				}
			}
			if asJSON {
				return writeJSON(f.IO.Out, info)
			}
			w := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "id:\t%s\n", info.ID)
			fmt.Fprintf(w, "name:\t%s\n", plaintext.Line(info.RegisterTool.Name, 0))
			fmt.Fprintf(w, "type:\t%s\n", info.RegisterTool.Type)
			fmt.Fprintf(w, "plugin version:\t%s\n", info.RegisterTool.PluginVersion)
			fmt.Fprintf(w, "source:\t%s\n", info.Source)
			fmt.Fprintf(w, "digest:\t%s\n", info.Digest)
			if info.CachePath != "" {
				fmt.Fprintf(w, "cache path:\t%s\n", info.CachePath)
			}
			fmt.Fprintf(w, "exports:\t%s\n", join(info.Exports))
			fmt.Fprintf(w, "version files:\t%s\n", join(info.VersionFiles))
			for _, d := range info.RegisterTool.Deprecations {
				fmt.Fprintf(w, "deprecation:\t%s\n", plaintext.Line(d, plaintext.MaxMessage))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}

func join(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	out := s[0]
	for _, x := range s[1:] {
		out += ", " + x
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
