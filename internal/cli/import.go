package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/toolchain"
)

// protoManifest is proto's tools/<id>/manifest.json.
type protoManifest struct {
	InstalledVersions []string `json:"installed_versions"`
	Versions          map[string]struct {
		Lock *struct {
			Checksum string `json:"checksum"`
			Source   string `json:"source"`
		} `json:"lock"`
	} `json:"versions"`
}

func newCmdImport(f *Factory) *cobra.Command {
	var from string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Adopt an existing proto installation (~/.proto): its pins, plugins and installed tools",
		Long: `Adopt what proto set up, so that nothing is downloaded again:

  - the global pins and [plugins] of ~/.proto/.prototools are added to
    $TOTE_HOME/.prototools (a pin or plugin tote already has is kept);
  - every tool version proto installed (~/.proto/tools/<id>/<version>, as
    its manifest.json lists them) is copied into tote's store, located by
    its plugin and linked, as if tote had installed it.

The proto store is read from --from, else $PROTO_HOME, else ~/.proto, and is
never changed. A version whose tool has no plugin in tote is skipped and
named.`,
		Example: `  tote import
  tote import --from /opt/proto --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runImport(cmd.Context(), f, from, dryRun)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "proto's store (default $PROTO_HOME, else ~/.proto)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what would be adopted, change nothing")
	return cmd
}

func runImport(ctx context.Context, f *Factory, from string, dryRun bool) error {
	if from == "" {
		from = os.Getenv("PROTO_HOME")
	}
	if from == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return err
		}
		from = filepath.Join(home, ".proto")
	}
	if st, err := os.Stat(from); err != nil || !st.IsDir() {
		return fmt.Errorf("no proto store at %s (give --from DIR or set PROTO_HOME)", from)
	}
	out := f.IO.ErrOut
	global := config.GlobalFile(f.Home)
	// Global pins and plugins.
	src := filepath.Join(from, config.FileName)
	if pf, err := config.ReadFile(src); err == nil {
		mine, _ := config.ReadFile(global)
		ids := make([]string, 0, len(pf.Pins))
		for id := range pf.Pins {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if mine != nil {
				if _, ok := mine.Pins[id]; ok {
					fmt.Fprintf(out, "pin %s: kept tote's own\n", id)
					continue
				}
			}
			fmt.Fprintf(out, "pin %s = %q (from %s)\n", id, pf.Pins[id].Spec, src)
			if !dryRun {
				if err := config.SetPin(global, id, pf.Pins[id].Spec); err != nil {
					return err
				}
			}
		}
		pcfg, _ := config.Load(from, from, "")
		for _, id := range pcfg.PluginIDs() {
			if mine != nil {
				if _, ok := mine.Plugins[id]; ok {
					fmt.Fprintf(out, "plugin %s: kept tote's own\n", id)
					continue
				}
			}
			loc, _ := pcfg.PluginLocator(id)
			raw := loc.Raw
			if loc.Kind == config.LocatorFile {
				raw = "file://" + loc.Value // relative to proto's store
			}
			fmt.Fprintf(out, "plugin %s = %q\n", id, raw)
			if !dryRun {
				if err := config.SetPlugin(global, id, raw); err != nil {
					return err
				}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", src, err)
	}
	// Installed tools.
	m, err := f.Manager(ctx)
	if err != nil {
		return err
	}
	if !dryRun {
		// The configuration just changed: load it again.
		f.manager = nil
		if m, err = f.Manager(ctx); err != nil {
			return err
		}
	}
	tools, _ := filepath.Glob(filepath.Join(from, "tools", "*", "manifest.json"))
	sort.Strings(tools)
	adopted, skipped := 0, 0
	for _, mf := range tools {
		id := filepath.Base(filepath.Dir(mf))
		b, err := os.ReadFile(mf)
		if err != nil {
			return err
		}
		var pm protoManifest
		if err := json.Unmarshal(b, &pm); err != nil {
			fmt.Fprintf(out, "%s: skipped: %s is not proto's manifest: %v\n", id, mf, err)
			skipped++
			continue
		}
		for _, ver := range pm.InstalledVersions {
			dir := filepath.Join(filepath.Dir(mf), ver)
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				fmt.Fprintf(out, "%s %s: skipped: %s is missing\n", id, ver, dir)
				skipped++
				continue
			}
			if m.IsInstalled(id, ver) {
				fmt.Fprintf(out, "%s %s: already installed in tote\n", id, ver)
				continue
			}
			if dryRun {
				fmt.Fprintf(out, "%s %s: would adopt %s\n", id, ver, dir)
				continue
			}
			opts := toolchain.InstallOptions{FromDir: dir, Quiet: true}
			if v, ok := pm.Versions[ver]; ok && v.Lock != nil {
				opts.FromSource, opts.FromChecksum = v.Lock.Source, v.Lock.Checksum
			}
			res, err := m.InstallVersion(ctx, id, ver, opts)
			if err != nil {
				fmt.Fprintf(out, "%s %s: skipped: %v\n", id, ver, err)
				skipped++
				continue
			}
			adopted++
			fmt.Fprintf(out, "%s %s: adopted to %s (nothing downloaded)\n", id, ver, res.Dir)
		}
	}
	fmt.Fprintf(out, "adopted %d tool versions from %s", adopted, from)
	if skipped > 0 {
		fmt.Fprintf(out, "; skipped %d", skipped)
	}
	fmt.Fprintln(out)
	return nil
}
