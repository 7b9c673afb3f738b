package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/launch/fastpath"
)

// GlobalsDir is where a tool's global packages live:
// $TOTE_HOME/tools/<id>/globals, outside every version directory, so they
// are kept across version switches.
func (m *Manager) GlobalsDir(id string) string { return fastpath.GlobalsDir(m.Store, id) }

// GlobalsBinDir is the directory of the globals' executables
// (<globals>/bin; the globals directory itself on Windows). Every run of
// the tool, direct or through a shim, has it first on PATH.
func (m *Manager) GlobalsBinDir(id string) string { return fastpath.GlobalsBinDir(m.Store, id) }

// GlobalResult says what InstallGlobal or UninstallGlobal did.
type GlobalResult struct {
	// Tool and Version are the tool version that did it.
	Tool, Version string
	// Dependency is the package.
	Dependency string
	// BinDir is the globals bin directory.
	BinDir string
}

// InstallGlobal installs a global package with the tool's plugin
// (install_global, proto's contract before 0.39) at the version of the
// tool pinned for the working directory, into the tool's globals
// directory.
func (m *Manager) InstallGlobal(ctx context.Context, id, dep string) (*GlobalResult, error) {
	return m.global(ctx, id, dep, true)
}

// UninstallGlobal removes a global package with the plugin's
// uninstall_global.
func (m *Manager) UninstallGlobal(ctx context.Context, id, dep string) (*GlobalResult, error) {
	return m.global(ctx, id, dep, false)
}

func (m *Manager) global(ctx context.Context, id, dep string, install bool) (*GlobalResult, error) {
	fn := api.FuncInstallGlobal
	if !install {
		fn = api.FuncUninstallGlobal
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return nil, err
	}
	if !t.Plugin.HasFunction(fn) {
		return nil, fmt.Errorf("%s does not manage global packages: its plugin does not export %s", id, fn)
	}
	if install && m.Offline() {
		return nil, fmt.Errorf("install a global %s package: offline", id)
	}
	plan, err := m.PrepareRun(ctx, id, RunOptions{})
	if err != nil {
		return nil, err
	}
	bin := m.GlobalsBinDir(id)
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, err
	}
	res := &GlobalResult{Tool: id, Version: plan.Version, Dependency: dep, BinDir: bin}
	c := m.context(id, plan.Version)
	// The plugin may write the tool's globals directory during the call.
	ctx = runtime.WithWritable(ctx, m.GlobalsDir(id))
	var failed string
	if install {
		var out api.InstallGlobalOutput
		if err := t.Plugin.Call(ctx, fn, api.InstallGlobalInput{Context: c, Dependency: dep, GlobalsDir: m.virtual(bin)}, &out); err != nil {
			return nil, err
		}
		if !out.Installed {
			failed = out.Error
		}
	} else {
		var out api.UninstallGlobalOutput
		if err := t.Plugin.Call(ctx, fn, api.UninstallGlobalInput{Context: c, Dependency: dep, GlobalsDir: m.virtual(bin)}, &out); err != nil {
			return nil, err
		}
		if !out.Uninstalled {
			failed = out.Error
		}
	}
	if failed != "" || errors.Is(ctx.Err(), context.Canceled) {
		if failed == "" {
			failed = "interrupted"
		}
		return nil, fmt.Errorf("plugin %q function %s: %s %s: %s", id, fn, id, dep, failed)
	}
	return res, nil
}

// Globals lists the executables in a tool's globals bin directory.
func (m *Manager) Globals(id string) ([]string, error) {
	ents, err := os.ReadDir(m.GlobalsBinDir(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}
