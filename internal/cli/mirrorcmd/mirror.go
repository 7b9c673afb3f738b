// Package mirrorcmd is `tote mirror`: push tool archives and plugins to an
// OCI registry, export them as an OCI image layout for an air-gapped site,
// and import such a bundle into a registry.
package mirrorcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/ocimirror"
	"github.com/tote-dev/tote/internal/toolchain"
)

const mirrorLong = `Populate and move tote's toolchain mirror: an OCI registry (distribution,
Harbor, GHCR, ECR, Artifactory, Zot, …) or an OCI image layout that holds
the original tool archives and plugin files, each under a deterministic
reference (registry://HOST/BASE/tools/<tool>:<version>-<platform>), so
that a fleet of CI runners or an air-gapped site installs from it instead
of upstream:

  [settings]
  mirrors = ["registry://registry.corp/tote"]   # looked up first, in order
  mirror-only = true                            # never upstream (air-gapped)
  mirror-push = true                            # push what upstream served

Every file from a mirror is verified exactly as an upstream download is
(the plugin's checksum, the lockfile's). With a lockfile and a mirror, an
install needs no upstream at all. See docs/mirrors.md.

Registries are logged in to as docker does (~/.docker/config.json and its
credential helpers; docker login works), or with TOTE_REGISTRY_USERNAME
and TOTE_REGISTRY_PASSWORD (or TOTE_REGISTRY_TOKEN) for the mirrors and
the REGISTRY named here. Plain http is used for a loopback registry only.`

// NewCmdMirror builds `tote mirror`.
func NewCmdMirror(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mirror",
		Short: "Push tools to an OCI registry mirror, export and import air-gap bundles",
		Long:  mirrorLong,
	}
	cmd.AddCommand(newCmdPush(f), newCmdExport(f), newCmdImport(f))
	return cmd
}

// parseTarget parses a REGISTRY argument: registry://HOST[/BASE],
// oci-layout://DIR, or HOST/BASE.
func parseTarget(arg string) (config.Mirror, error) {
	if !strings.Contains(arg, "://") {
		arg = "registry://" + arg
	}
	cwd, _ := os.Getwd()
	return config.ParseMirror(arg, cwd, "the command line")
}

type pushOptions struct {
	lock      string
	platforms []string
}

func newCmdPush(f *cli.Factory) *cobra.Command {
	var o pushOptions
	cmd := &cobra.Command{
		Use:   "push REGISTRY [TOOL[@VERSION]...]",
		Short: "Upload original tool archives (and plugins) to a mirror",
		Long: `Upload the original archives of tools to REGISTRY (registry://HOST[/BASE],
HOST/BASE, or oci-layout://DIR for a directory layout).

  tote mirror push REGISTRY                  every archive in the download cache
  tote mirror push REGISTRY go@1.22.1 node   those tools (TOOL alone: the version
                                             this project pins, as tote install)
  tote mirror push REGISTRY --lock .prototools.lock
                                             every tool version and plugin the
                                             lockfile names

An archive comes from the verified download cache ($TOTE_HOME/cache/
downloads, kept by every install), else a configured mirror, else upstream;
it is verified like any download before it is pushed. --platform pushes the
archives of other platforms too (the plugin is asked for their files).`,
		Example: `  tote mirror push registry.corp/tote --lock .prototools.lock
  tote mirror push registry://registry.corp/tote go@1.22.1 --platform linux-x64-gnu,macos-arm64`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dst, err := parseTarget(args[0])
			if err != nil {
				return err
			}
			return runPush(cmd.Context(), f, dst, args[1:], o)
		},
	}
	cmd.Flags().StringVar(&o.lock, "lock", "", "push every tool and plugin this lockfile names")
	cmd.Flags().StringSliceVar(&o.platforms, "platform", nil, "platforms to push (linux-x64-gnu, macos-arm64, windows-x64, …; default: this machine's)")
	return cmd
}

func newCmdExport(f *cli.Factory) *cobra.Command {
	var o pushOptions
	cmd := &cobra.Command{
		Use:   "export --lock FILE BUNDLE.tar",
		Short: "Write an OCI image layout with every tool and plugin a lockfile names",
		Long: `Write BUNDLE.tar, an OCI image layout (a tar of it, the format of
docker/oras/skopeo "oci-layout"), holding the original archive of every tool
version the lockfile names, for each --platform asked (default: this
machine's), and every plugin file it names, each verified. Carry it to an
air-gapped site, then either serve installs from it directly:

  [settings]
  mirrors = ["oci-layout:///media/bundle.tar"]
  mirror-only = true

or load it into the site's registry with tote mirror import.`,
		Example: `  tote mirror export --lock .prototools.lock bundle.tar --platform linux-x64-gnu,macos-arm64`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.lock == "" {
				return fmt.Errorf("tote mirror export needs --lock FILE (the lockfile whose tools and plugins to bundle)")
			}
			return runExport(cmd.Context(), f, args[0], o)
		},
	}
	cmd.Flags().StringVar(&o.lock, "lock", "", "the lockfile whose tools and plugins to bundle (required)")
	cmd.Flags().StringSliceVar(&o.platforms, "platform", nil, "platforms to bundle (default: this machine's)")
	return cmd
}

func newCmdImport(f *cli.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "import BUNDLE REGISTRY",
		Short: "Copy an OCI layout bundle into a registry mirror",
		Long: `Copy every artifact of BUNDLE (an OCI image layout: a .tar from tote mirror
export, or a directory) into REGISTRY (registry://HOST[/BASE] or HOST/BASE),
each reference name REPO:TAG becoming HOST/BASE/REPO:TAG. Blobs the
registry has are not uploaded again; the registry checks every digest.`,
		Example: `  tote mirror import /media/bundle.tar registry.site.internal/tote`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			dst, err := parseTarget(args[1])
			if err != nil {
				return err
			}
			if dst.Kind != config.MirrorRegistry {
				return fmt.Errorf("tote mirror import copies into a registry; %s is not registry://", args[1])
			}
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			m.RegistryHosts = append(m.RegistryHosts, dst.Host)
			n, err := m.MirrorClient().Import(cmd.Context(), args[0], dst, func(ref string) {
				fmt.Fprintf(f.IO.ErrOut, "imported %s\n", ref)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "imported %d artifacts into %s\n", n, dst)
			return nil
		},
	}
}

// item is one tool version to mirror.
type item struct {
	tool, version string
	locked        *lockfile.Tool
}

// sink receives archives and plugins (a registry or a layout directory).
type sink func(ctx context.Context, m *toolchain.Manager, a *toolchain.Archive) (string, error)

// chdirToLock makes the lockfile's directory the working directory, so
// that its project's configuration (plugins, trust) applies, and returns
// the lockfile's absolute path.
func chdirToLock(lock string) (string, error) {
	abs, err := filepath.Abs(lock)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("lockfile %s: %w", lock, err)
	}
	return abs, os.Chdir(filepath.Dir(abs))
}

func runPush(ctx context.Context, f *cli.Factory, dst config.Mirror, args []string, o pushOptions) error {
	if err := checkPlatforms(o.platforms); err != nil {
		return err
	}
	var lockPath string
	if o.lock != "" {
		if len(args) > 0 {
			return fmt.Errorf("give TOOL arguments or --lock, not both")
		}
		var err error
		if lockPath, err = chdirToLock(o.lock); err != nil {
			return err
		}
	}
	m, err := f.Manager(ctx)
	if err != nil {
		return err
	}
	if dst.Kind == config.MirrorRegistry {
		m.RegistryHosts = append(m.RegistryHosts, dst.Host)
	}
	client := m.MirrorClient()
	var items []item
	var lk *lockfile.File
	switch {
	case lockPath != "":
		if lk, err = readLock(lockPath); err != nil {
			return err
		}
		items = lockItems(lk)
	case len(args) > 0:
		if items, err = argItems(ctx, m, args); err != nil {
			return err
		}
	default:
		return pushCached(ctx, f, m, dst)
	}
	put := func(ctx context.Context, pm *toolchain.Manager, a *toolchain.Archive) (string, error) {
		return client.PushTool(ctx, dst, a.File, a.Path)
	}
	n, failed := mirrorItems(ctx, f, m, items, o.platforms, lockPath, put, "pushed")
	if lk != nil {
		pn, pf := mirrorPlugins(ctx, f, m, lk, lockPath, func(ctx context.Context, loc, name string, data []byte) (string, error) {
			return client.PushPlugin(ctx, dst, loc, name, data)
		}, "pushed")
		n, failed = n+pn, failed+pf
	}
	fmt.Fprintf(f.IO.ErrOut, "pushed %d artifacts to %s\n", n, dst)
	if failed > 0 {
		return &cli.ExitError{Code: 1}
	}
	return nil
}

// pushCached pushes every archive in the download cache.
func pushCached(ctx context.Context, f *cli.Factory, m *toolchain.Manager, dst config.Mirror) error {
	entries, err := m.DownloadCache().List()
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "the download cache is empty: nothing to push (name tools, or give --lock)")
		return nil
	}
	failed := 0
	for _, e := range entries {
		ref, err := m.MirrorClient().PushTool(ctx, dst, e.ToolFile, e.Path)
		if err != nil {
			failed++
			fmt.Fprintf(f.IO.ErrOut, "tote: error: %s %s (%s): %v\n", e.Tool, e.Version, e.Platform, err)
			continue
		}
		fmt.Fprintf(f.IO.ErrOut, "pushed %s %s (%s) to %s\n", e.Tool, e.Version, e.Platform, ref)
	}
	fmt.Fprintf(f.IO.ErrOut, "pushed %d artifacts to %s\n", len(entries)-failed, dst)
	if failed > 0 {
		return &cli.ExitError{Code: 1}
	}
	return nil
}

func readLock(path string) (*lockfile.File, error) {
	lk, err := lockfile.Read(path)
	if err != nil {
		return nil, err
	}
	if !lk.Exists() {
		return nil, fmt.Errorf("lockfile %s does not exist", path)
	}
	return lk, nil
}

// lockItems lists the tool versions a lockfile names, once each, sorted.
func lockItems(lk *lockfile.File) []item {
	seen := map[string]bool{}
	var items []item
	for id, specs := range lk.Tools {
		for _, t := range specs {
			key := id + "@" + t.Version
			if seen[key] {
				continue
			}
			seen[key] = true
			t := t
			items = append(items, item{tool: id, version: t.Version, locked: &t})
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].tool != items[j].tool {
			return items[i].tool < items[j].tool
		}
		return items[i].version < items[j].version
	})
	return items
}

// argItems resolves TOOL[@SPEC] arguments: a spec the project's lockfile
// records is its locked version; TOOL alone is the spec detected here.
func argItems(ctx context.Context, m *toolchain.Manager, args []string) ([]item, error) {
	lk, err := m.Lockfile()
	if err != nil {
		return nil, err
	}
	var items []item
	for _, a := range args {
		id, spec, _ := strings.Cut(a, "@")
		if spec == "" {
			det, err := m.Detect(ctx, id)
			if err != nil {
				return nil, err
			}
			if det.Spec == "" {
				return nil, fmt.Errorf("nothing pins %s here: name a version (%s@VERSION)", id, id)
			}
			spec = det.Spec
		}
		if t, ok := lk.Tool(id, spec); ok && lk.Exists() {
			t := t
			items = append(items, item{tool: id, version: t.Version, locked: &t})
			continue
		}
		ver, err := m.Resolve(ctx, id, spec, toolchain.ResolveOptions{})
		if err != nil {
			return nil, err
		}
		items = append(items, item{tool: id, version: ver})
	}
	return items, nil
}

// mirrorItems gets every item's archive for every platform and hands it to
// put. It returns how many were put and how many failed (each failure is
// printed; the others go on).
func mirrorItems(ctx context.Context, f *cli.Factory, m *toolchain.Manager, items []item, platforms []string, lockPath string, put sink, verb string) (int, int) {
	managers, failed := platformManagers(f, m, platforms)
	defer func() {
		for _, pm := range managers {
			if pm != m {
				pm.Close(context.WithoutCancel(ctx))
			}
		}
	}()
	n := 0
	for _, pm := range managers {
		plat := pm.Platform()
		for _, it := range items {
			a, err := pm.ArchiveFor(ctx, it.tool, it.version, it.locked, lockPath)
			if err != nil {
				failed++
				fmt.Fprintf(f.IO.ErrOut, "tote: error: %s %s (%s): %v\n", it.tool, it.version, plat, err)
				continue
			}
			ref, err := put(ctx, pm, a)
			a.Cleanup()
			if err != nil {
				failed++
				fmt.Fprintf(f.IO.ErrOut, "tote: error: %s %s (%s): %v\n", it.tool, it.version, plat, err)
				continue
			}
			n++
			from := ""
			if a.From != "" {
				from = " (from " + a.From + ")"
			}
			fmt.Fprintf(f.IO.ErrOut, "%s %s %s (%s) to %s%s\n", verb, it.tool, it.version, plat, ref, from)
		}
	}
	return n, failed
}

// platformManagers returns a Manager per platform asked (m for this
// machine's, the default).
func platformManagers(f *cli.Factory, m *toolchain.Manager, platforms []string) ([]*toolchain.Manager, int) {
	if len(platforms) == 0 {
		return []*toolchain.Manager{m}, 0
	}
	var out []*toolchain.Manager
	failed := 0
	seen := map[string]bool{}
	for _, p := range platforms {
		p = strings.TrimSpace(p)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		if p == m.Platform() {
			out = append(out, m)
			continue
		}
		env, err := ocimirror.ParsePlatform(p)
		if err != nil {
			failed++
			fmt.Fprintf(f.IO.ErrOut, "tote: error: %v\n", err)
			continue
		}
		out = append(out, m.ForPlatform(env))
	}
	return out, failed
}

// mirrorPlugins puts every remote plugin a lockfile names.
func mirrorPlugins(ctx context.Context, f *cli.Factory, m *toolchain.Manager, lk *lockfile.File, lockPath string, put func(ctx context.Context, loc, name string, data []byte) (string, error), verb string) (int, int) {
	ids := make([]string, 0, len(lk.Plugins))
	for id := range lk.Plugins {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	n, failed := 0, 0
	for _, id := range ids {
		p := lk.Plugins[id]
		name, data, err := m.LockedPlugin(ctx, id, p, lockPath)
		if err == nil && data == nil {
			continue // a local or built-in plugin: nothing to mirror
		}
		var ref string
		if err == nil {
			ref, err = put(ctx, p.Locator, name, data)
		}
		if err != nil {
			failed++
			fmt.Fprintf(f.IO.ErrOut, "tote: error: plugin of %s (%s): %v\n", id, p.Locator, err)
			continue
		}
		n++
		fmt.Fprintf(f.IO.ErrOut, "%s the plugin of %s (%s) to %s\n", verb, id, p.Locator, ref)
	}
	return n, failed
}

// checkPlatforms refuses a --platform tote does not know before any work.
func checkPlatforms(platforms []string) error {
	for _, p := range platforms {
		if p = strings.TrimSpace(p); p != "" {
			if _, err := ocimirror.ParsePlatform(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func runExport(ctx context.Context, f *cli.Factory, bundle string, o pushOptions) error {
	if err := checkPlatforms(o.platforms); err != nil {
		return err
	}
	bundle, err := filepath.Abs(bundle)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(bundle); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory; give the bundle's file name, such as bundle.tar", bundle)
	}
	lockPath, err := chdirToLock(o.lock)
	if err != nil {
		return err
	}
	lk, err := readLock(lockPath)
	if err != nil {
		return err
	}
	m, err := f.Manager(ctx)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(bundle), "."+filepath.Base(bundle)+".layout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	layout := config.Mirror{Raw: "oci-layout://" + work, Kind: config.MirrorLayout, Path: work}
	client := &ocimirror.Client{}
	put := func(ctx context.Context, pm *toolchain.Manager, a *toolchain.Archive) (string, error) {
		if _, err := client.PushTool(ctx, layout, a.File, a.Path); err != nil {
			return "", err
		}
		return filepath.Base(bundle) + "#" + ocimirror.ToolRepository(a.File.Tool) + ":" + ocimirror.ToolTag(a.File.Version, a.File.Platform), nil
	}
	n, failed := mirrorItems(ctx, f, m, lockItems(lk), o.platforms, lockPath, put, "exported")
	pn, pf := mirrorPlugins(ctx, f, m, lk, lockPath, func(ctx context.Context, loc, name string, data []byte) (string, error) {
		if _, err := client.PushPlugin(ctx, layout, loc, name, data); err != nil {
			return "", err
		}
		return filepath.Base(bundle) + "#plugins:" + ocimirror.PluginTag(loc), nil
	}, "exported")
	n, failed = n+pn, failed+pf
	if failed > 0 {
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d of %d artifacts could not be exported; %s was not written", failed, n+failed, bundle)}
	}
	if n == 0 {
		return errors.New("the lockfile names nothing to export")
	}
	if err := ocimirror.WriteTar(work, bundle); err != nil {
		return fmt.Errorf("write %s: %w", bundle, err)
	}
	size := int64(0)
	if fi, err := os.Stat(bundle); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(f.IO.ErrOut, "wrote %s: %d artifacts, %d bytes\n", bundle, n, size)
	return nil
}
