// Command tote-shim is the launcher behind every shim in $TOTE_HOME/shims.
// Each shim is a copy of (or hard link to) this program; it reads its own
// name, finds the tool in shims/registry.json, detects and resolves the
// version without loading any plugin, and replaces itself with the tool.
// When that needs a plugin (a version file only the plugin can read, a
// version that is not installed, a pre_run hook, an extension listening to
// pre-run or post-run), it hands over to `tote run`.
//
// It must stay small and quick to start: it imports no CLI framework, no
// WebAssembly runtime and no semver library (a test enforces this), so
// version specs other than plain ones (20, 1.22, 1.22.3) take the slow path.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "tote: error: %v\n", err)
		var h interface{ Hint() string }
		if errors.As(err, &h) {
			fmt.Fprintf(os.Stderr, "tote: hint: %s\n", h.Hint())
		}
		os.Exit(1)
	}
}

func run() error {
	name := filepath.Base(os.Args[0])
	home := os.Getenv("TOTE_HOME")
	userHome, _ := os.UserHomeDir()
	if home == "" {
		home = filepath.Join(userHome, ".tote")
	}
	st := &store.Store{Home: home}
	reg, err := fastpath.ReadRegistry(st)
	if err != nil {
		return err
	}
	target, ok := reg.Shims[name]
	if !ok {
		return fmt.Errorf("no tool provides %q (shim registry %s); run `tote install` again", name, fastpath.RegistryPath(st))
	}
	plan, err := fast(st, target, userHome)
	if errors.Is(err, fastpath.ErrNeedsPlugin) {
		return slow(reg, target)
	}
	if err != nil {
		return err
	}
	return plan.Exec()
}

// fast resolves the run from config, caches and manifests alone
// (fastpath.Prepare, which `tote run` uses too).
func fast(st *store.Store, target fastpath.ShimTarget, userHome string) (_ *fastpath.Plan, err error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(cwd, userHome, st.Home)
	if err != nil {
		return nil, err
	}
	defer func() {
		// One warning per untrusted file; on the slow path `tote run` says it.
		if !errors.Is(err, fastpath.ErrNeedsPlugin) {
			for _, u := range cfg.Untrusted() {
				fmt.Fprintf(os.Stderr, "tote: warning: %s\n", u.Warning())
			}
		}
	}()
	return fastpath.Prepare(st, cfg, fastpath.Request{Tool: target.Tool, Exe: target.Exe, Args: os.Args[1:], Cwd: cwd, UserHome: userHome})
}

// slow hands the run to `tote run`, which may load the plugin.
func slow(reg *fastpath.ShimRegistry, target fastpath.ShimTarget) error {
	tote := reg.Tote
	if tote == "" {
		return fmt.Errorf("the shim registry does not say where tote is; run `tote install` again")
	}
	argv := append([]string{tote, "run", "--exe", target.Exe, target.Tool, "--"}, os.Args[1:]...)
	if err := syscall.Exec(tote, argv, os.Environ()); err != nil {
		return fmt.Errorf("start %s: %w", tote, err)
	}
	return nil
}
