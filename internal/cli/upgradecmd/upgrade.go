// Package upgradecmd is `tote upgrade`: tote replaces its own binary with
// another release.
package upgradecmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/selfupdate"
	"github.com/tote-dev/tote/internal/toolchain"
)

type options struct {
	force bool
	exe   string
}

// NewCmdUpgrade builds `tote upgrade [VERSION]`.
func NewCmdUpgrade(f *cli.Factory) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "upgrade [VERSION]",
		Short: "Replace this tote with the newest release, or VERSION",
		Long: `Upgrade tote itself.

Without VERSION, installs the newest tote release; with it (1.2.3, 1.2,
latest), that one. The release archive is downloaded and checked against the
release's checksums file like any tool (it lands in $TOTE_HOME/tools/tote),
then the running tote binary is replaced atomically: the old binary is kept
beside it (tote.old) until the new one has started and printed its version,
and put back if it does not. A tote-shim next to tote is replaced the same
way.

tote refuses when a package manager owns the binary (Homebrew, Nix, Snap,
Scoop, a Debian or RPM package) and says how to upgrade there instead.

A project can pin tote itself (tote = "0.3.0" in .prototools): tote then
re-executes that version, once it is installed (tote install tote).`,
		Example: `  tote upgrade          # the newest release
  tote upgrade 0.3.0    # a given release`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec := "latest"
			if len(args) == 1 {
				spec = args[0]
			}
			return run(cmd.Context(), f, spec, o)
		},
	}
	cmd.Flags().BoolVar(&o.force, "force", false, "replace the binary even with the version it already is")
	return cmd
}

func run(ctx context.Context, f *cli.Factory, spec string, o options) error {
	exe := o.exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find the running tote: %w", err)
		}
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	if err := selfupdate.DetectManager(ctx, exe, selfupdate.ExecRunner); err != nil {
		return err
	}
	m, err := f.Manager(ctx)
	if err != nil {
		return err
	}
	ver, err := m.Resolve(ctx, "tote", spec, toolchain.ResolveOptions{Refresh: spec == "latest" || spec == "stable", Remote: true})
	if err != nil {
		return err
	}
	if ver == strings.TrimPrefix(f.Version, "v") && !o.force {
		fmt.Fprintf(f.IO.ErrOut, "tote %s is already the running version (%s)\n", ver, exe)
		return nil
	}
	res, err := m.InstallVersion(ctx, "tote", ver, toolchain.InstallOptions{Spec: spec})
	if err != nil {
		return err
	}
	out, err := selfupdate.Replace(ctx, exe, filepath.Join(res.Dir, exeName("tote")), ver)
	if err != nil {
		return fmt.Errorf("upgrade %s to %s: %w", exe, ver, err)
	}
	shim := filepath.Join(filepath.Dir(exe), exeName("tote-shim"))
	if _, err := os.Stat(shim); err == nil {
		if _, err := os.Stat(filepath.Join(res.Dir, exeName("tote-shim"))); err == nil {
			if err := replaceShim(shim, filepath.Join(res.Dir, exeName("tote-shim"))); err != nil {
				fmt.Fprintf(f.IO.ErrOut, "tote: warning: tote-shim beside tote was not replaced: %v\n", err)
			}
		}
	}
	fmt.Fprintf(f.IO.ErrOut, "upgraded %s from %s to %s (%s)\n", exe, f.Version, ver, out)
	return nil
}

// replaceShim swaps tote-shim in place the same atomic way (stage, rename);
// it has no --version to wait for.
func replaceShim(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := dst + ".new"
	os.Remove(tmp)
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func exeName(n string) string {
	if os.PathSeparator == '\\' {
		return n + ".exe"
	}
	return n
}
