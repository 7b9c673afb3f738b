package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/toolchain"
)

type installOptions struct {
	pin        string
	force      bool
	quiet      bool
	updateLock bool
}

func newCmdInstall(f *Factory) *cobra.Command {
	var o installOptions
	cmd := &cobra.Command{
		Use:     "install [TOOL [SPEC]] [-- ARGS...]",
		Aliases: []string{"i"},
		Short:   "Download and install tools",
		Long: `Install a tool version, or every tool pinned for this directory.

With no arguments, installs every tool pinned in the .prototools files that
apply here, in parallel. With TOOL, installs the version pinned for it (or
SPEC when given: a full version like 20.11.1, a partial like 20, a range
like ^1.22, or an alias like latest or lts). An installed version that
satisfies the spec is reused. Arguments after -- are passed to the plugin's
install hooks.

When a .prototools.lock sits next to the nearest .prototools, a spec it
records installs the locked version, and the download must have the locked
checksum (and the plugin the locked digest): a difference is an error.
New specs are added to it. --update-lock resolves afresh and rewrites the
entries (creating the file).`,
		Example: `  tote install                 # everything pinned here
  tote install node 20         # the newest node 20.x
  tote install go 1.22 --pin   # and pin it in ./.prototools`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.pin != "" && o.pin != "local" && o.pin != "global" {
				return fmt.Errorf("--pin takes local or global, not %q", o.pin)
			}
			var passthrough []string
			if at := cmd.ArgsLenAtDash(); at >= 0 {
				passthrough = args[at:]
				args = args[:at]
			}
			if len(args) == 0 && o.pin != "" {
				return fmt.Errorf("--pin needs a TOOL")
			}
			return runInstall(cmd.Context(), f, args, passthrough, o)
		},
	}
	cmd.Flags().StringVar(&o.pin, "pin", "", "also pin the version: local (./.prototools) or global ($TOTE_HOME/.prototools)")
	cmd.Flags().Lookup("pin").NoOptDefVal = "local"
	cmd.Flags().BoolVar(&o.force, "force", false, "reinstall even if the version is installed")
	cmd.Flags().BoolVar(&o.quiet, "quiet", false, "print nothing but errors")
	cmd.Flags().BoolVar(&o.updateLock, "update-lock", false, "resolve afresh and record the results in .prototools.lock (creating it)")
	return cmd
}

func runInstall(ctx context.Context, f *Factory, args, passthrough []string, o installOptions) error {
	m, err := f.Manager(ctx)
	if err != nil {
		return err
	}
	opts := toolchain.InstallOptions{Force: o.force, Quiet: o.quiet, Pinned: o.pin != "", PassthroughArgs: passthrough}
	lk, err := openLock(m, o.updateLock)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return installAll(ctx, f, m, opts, lk, o.updateLock)
	}
	id, spec := args[0], ""
	if len(args) > 1 {
		spec = args[1]
	}
	if spec == "" {
		det, err := m.Detect(ctx, id)
		if err != nil {
			return err
		}
		spec = det.Spec
	}
	if spec == "" {
		spec = "latest"
	}
	res, err := installLocked(ctx, m, lk, id, spec, opts, o.updateLock)
	if err != nil {
		return err
	}
	report(f, o.quiet, res)
	if lk != nil {
		if err := recordLock(ctx, m, lk, id, spec, res); err != nil {
			return err
		}
		if err := lk.Write(); err != nil {
			return err
		}
	}
	if o.pin != "" {
		pinSpec := spec
		if len(args) < 2 || isAliasLike(spec) {
			pinSpec = res.Version
		}
		path := filepath.Join(m.Cwd, ".prototools")
		if o.pin == "global" {
			path = config.GlobalFile(f.Home)
		}
		if err := config.SetPin(path, id, pinSpec); err != nil {
			return err
		}
		if !o.quiet {
			fmt.Fprintf(f.IO.ErrOut, "pinned %s = %q in %s\n", id, pinSpec, path)
		}
	}
	return nil
}

func isAliasLike(spec string) bool {
	return spec == "latest" || spec == "stable" || spec == "canary"
}

func report(f *Factory, quiet bool, res *toolchain.InstallResult) {
	if quiet {
		return
	}
	if res.Already {
		fmt.Fprintf(f.IO.ErrOut, "%s %s is already installed\n", res.Tool, res.Version)
		return
	}
	fmt.Fprintf(f.IO.ErrOut, "installed %s %s to %s\n", res.Tool, res.Version, res.Dir)
}

// installAll installs every pinned tool in parallel; every failure is
// reported, and the command fails if any did.
func installAll(ctx context.Context, f *Factory, m *toolchain.Manager, opts toolchain.InstallOptions, lk *lockfile.File, update bool) error {
	ids := m.DetectedTools(ctx)
	if len(ids) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "nothing to install: nothing pins a tool here (no .prototools pin, version file, .tool-versions entry or TOTE_<TOOL>_VERSION)")
		return nil
	}
	type outcome struct {
		res *toolchain.InstallResult
		err error
	}
	results := make([]outcome, len(ids))
	// Plugins are resolved one at a time (a plugin instance is not
	// concurrent), downloads and unpacking run in parallel.
	specs := make([]string, len(ids))
	versions := make([]string, len(ids))
	expect := make([]string, len(ids))
	for i, id := range ids {
		det, err := m.Detect(ctx, id)
		if err != nil {
			results[i].err = err
			continue
		}
		specs[i] = det.Spec
		if det.Spec == "" {
			results[i].err = fmt.Errorf("%s: no version pinned", id)
			continue
		}
		if lk != nil && !update {
			if err := checkLockedPlugin(ctx, m, lk, id); err != nil {
				results[i].err = err
				continue
			}
			if rec, ok := lk.Tool(id, det.Spec); ok {
				versions[i], expect[i] = rec.Version, rec.Checksum
				continue
			}
		}
		versions[i], results[i].err = m.Resolve(ctx, id, det.Spec, toolchain.ResolveOptions{Remote: opts.Force || update, Refresh: update})
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		if results[i].err != nil {
			continue
		}
		wg.Go(func() {
			o := opts
			o.ExpectChecksum, o.Spec = expect[i], specs[i]
			results[i].res, results[i].err = m.InstallVersion(ctx, id, versions[i], o)
			if results[i].err != nil && lk != nil {
				results[i].err = withLockHint(results[i].err, lk)
			}
		})
	}
	wg.Wait()
	failed := 0
	for i, id := range ids {
		if results[i].err != nil {
			failed++
			printToolError(f, id, results[i].err)
			continue
		}
		report(f, opts.Quiet, results[i].res)
		if lk != nil {
			if err := recordLock(ctx, m, lk, id, specs[i], results[i].res); err != nil {
				failed++
				printToolError(f, id, err)
			}
		}
	}
	if lk != nil {
		if err := lk.Write(); err != nil {
			return err
		}
	}
	if failed > 0 {
		return &ExitError{Code: 1, Err: nil}
	}
	return nil
}

func newCmdUninstall(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "uninstall TOOL [VERSION]",
		Short: "Remove an installed tool version",
		Long: `Remove one installed version of a tool, or every version when VERSION is
omitted. VERSION may be a full version or a spec matching one installed
version. Bins and shims are updated.`,
		Example: `  tote uninstall node 20.11.1
  tote uninstall go           # every installed go`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			ver := ""
			if len(args) > 1 {
				ver = args[1]
			}
			removed, err := m.Uninstall(cmd.Context(), args[0], ver)
			if err != nil {
				return err
			}
			for _, v := range removed {
				fmt.Fprintf(f.IO.ErrOut, "uninstalled %s %s\n", args[0], v)
			}
			return nil
		},
	}
}
