// Package tools is tote's toolchain as a library: in a tote home
// ($TOTE_HOME) and a working directory, it resolves, installs, runs and
// uninstalls tools through their plugins exactly as the tote command does —
// the same .prototools configuration, the same sandboxed plugin calls in
// proto's order, the same downloads, checksums, archives, links and shims.
//
// It is the public face of tote's internal toolchain, kept small: what a
// program driving tote's tool plugins needs (sdk/plugintest is built on
// it), and nothing of the CLI.
package tools

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/toolchain"
)

// Options describe a Toolchain. Home is required.
type Options struct {
	// Home is the tote home ($TOTE_HOME): tools/, bin/, shims/, cache/,
	// temp/ and the global .prototools (see GlobalConfig). Created if
	// missing.
	Home string
	// Cwd is the working directory whose .prototools files (and those of
	// its parents up to UserHome) apply.
	Cwd string
	// UserHome is the user's home directory (the /userhome mount).
	UserHome string
	// Env describes the machine tools are installed for (zero: this one,
	// detected when a plugin first needs it).
	Env api.HostEnvironment
	// HTTP sends every download and plugin request (nil: tote's client,
	// with the timeouts of [settings.http]).
	HTTP *http.Client
	// Logger receives diagnostics (nil: discarded).
	Logger *slog.Logger
	// Version is the host version plugins are told.
	Version string
	// Runtime configures the WebAssembly runtime of plugins (call timeout,
	// memory, output writers). The compiled-code cache is Home/cache/wasm.
	Runtime runtime.Config
}

// Toolchain installs and runs tools in one home. It is safe for
// concurrent use, except for Reload and SetShimBinary.
type Toolchain struct {
	m    *toolchain.Manager
	st   *store.Store
	opts Options
}

// GlobalConfig returns the path of a home's global .prototools.
func GlobalConfig(home string) string { return config.GlobalFile(home) }

// CheckID returns an error unless id is a valid tool id.
func CheckID(id string) error { return store.CheckName("tool id", id) }

// EnvVar returns the environment variable that pins a tool's version,
// TOTE_<ID>_VERSION.
func EnvVar(id string) string { return launch.EnvVar(id) }

// Open prepares the home and reads the configuration. Nothing is loaded
// or downloaded until an operation needs it.
func Open(opts Options) (*Toolchain, error) {
	st := &store.Store{Home: opts.Home}
	if err := st.EnsureDirs(); err != nil {
		return nil, err
	}
	cfg, err := config.Load(opts.Cwd, opts.UserHome, opts.Home)
	if err != nil {
		return nil, err
	}
	m := toolchain.New(toolchain.Options{
		Config: cfg, Store: st, Cwd: opts.Cwd, UserHome: opts.UserHome, Env: opts.Env,
		DetectEnv: func() api.HostEnvironment { return runtime.DetectHostEnvironment(context.Background()) },
		HTTP:      opts.HTTP, Logger: opts.Logger, Version: opts.Version, Runtime: opts.Runtime,
	})
	return &Toolchain{m: m, st: st, opts: opts}, nil
}

// Reload reads the configuration again (after a test or program wrote a
// .prototools).
func (t *Toolchain) Reload() error {
	cfg, err := config.Load(t.opts.Cwd, t.opts.UserHome, t.opts.Home)
	if err != nil {
		return err
	}
	t.m.Config = cfg
	return nil
}

// SetShimBinary sets the tote-shim launcher copied into shims/ ("" makes
// shims scripts where tote-shim cannot be found).
func (t *Toolchain) SetShimBinary(path string) { t.m.ShimBin = path }

// Close releases the loaded plugins.
func (t *Toolchain) Close(ctx context.Context) error { return t.m.Close(ctx) }

// Plugin is a loaded tool plugin, with tote's policy for its tool applied
// (capabilities, mounts, limits).
type Plugin interface {
	// HasFunction reports whether the plugin exports fn (an api.Func*).
	HasFunction(fn string) bool
	// Call runs fn with in encoded as JSON and decodes the output into out
	// (nil: ignored). Errors name the plugin and the function.
	Call(ctx context.Context, fn string, in, out any) error
}

// Plugin loads the plugin of tool id (once; register_tool is called as
// tote calls it) and returns it.
func (t *Toolchain) Plugin(ctx context.Context, id string) (Plugin, error) {
	tool, err := t.m.Tool(ctx, id)
	if err != nil {
		return nil, err
	}
	return tool.Plugin, nil
}

// Installed describes an installed version.
type Installed struct {
	// Version is the version installed.
	Version string
	// Dir is its directory, Home/tools/<id>/<version>.
	Dir string
	// Already is true when it was installed before and nothing was done.
	Already bool
	// Exes maps each executable name to its absolute path.
	Exes map[string]string
	// Checksum is the checksum recorded for the download ("sha256:…").
	Checksum string
	// SourceURL is the URL downloaded from, after url-rewrites.
	SourceURL string
}

// Install resolves spec and installs that version as `tote install` does
// (force: as --force).
func (t *Toolchain) Install(ctx context.Context, id, spec string, force bool) (*Installed, error) {
	res, err := t.m.Install(ctx, id, spec, toolchain.InstallOptions{Force: force, Quiet: true})
	if err != nil {
		return nil, err
	}
	out := &Installed{Version: res.Version, Dir: res.Dir, Already: res.Already, Exes: map[string]string{}}
	man, err := t.st.ReadManifest(id)
	if err != nil {
		return nil, fmt.Errorf("read the manifest of %s: %w", id, err)
	}
	if iv, ok := man.InstalledVersions[res.Version]; ok {
		out.Checksum, out.SourceURL = iv.Checksum, iv.SourceURL
		for name, e := range iv.Exes {
			out.Exes[name] = e.Path
		}
	}
	return out, nil
}

// Uninstall removes an installed version, as `tote uninstall` does.
func (t *Toolchain) Uninstall(ctx context.Context, id, version string) error {
	_, err := t.m.Uninstall(ctx, id, version)
	return err
}

// InstallGlobal installs a global package with the tool, as `tote
// install-global` does.
func (t *Toolchain) InstallGlobal(ctx context.Context, id, dependency string) error {
	_, err := t.m.InstallGlobal(ctx, id, dependency)
	return err
}

// UninstallGlobal removes a global package, as `tote uninstall-global` does.
func (t *Toolchain) UninstallGlobal(ctx context.Context, id, dependency string) error {
	_, err := t.m.UninstallGlobal(ctx, id, dependency)
	return err
}

// GlobalsBinDir is the tool's globals bin directory.
func (t *Toolchain) GlobalsBinDir(id string) string { return t.m.GlobalsBinDir(id) }

// Resolve turns a spec into a version against the plugin's current
// version list (refreshed), without preferring installed versions.
func (t *Toolchain) Resolve(ctx context.Context, id, spec string) (string, error) {
	return t.m.Resolve(ctx, id, spec, toolchain.ResolveOptions{Refresh: true, Remote: true})
}

// Detect finds the version spec of tool id for the working directory as
// tote does, and where it came from.
func (t *Toolchain) Detect(ctx context.Context, id string) (spec, source string, err error) {
	det, err := t.m.Detect(ctx, id)
	return det.Spec, det.Source, err
}

// Run is what running an executable of a tool version takes.
type Run struct {
	// Tool and Version name what runs.
	Tool, Version string
	// Path is the program to start.
	Path string
	// Args are the arguments after the program name.
	Args []string
	// Env is the complete environment of the process.
	Env []string
}

// PrepareRun prepares running exe ("" for the primary executable) of the
// version spec resolves to, as `tote run` does (pre_run, [tools.<id>.env],
// the manifest's executables).
func (t *Toolchain) PrepareRun(ctx context.Context, id, spec, exe string, args []string) (*Run, error) {
	plan, err := t.m.PrepareRun(ctx, id, toolchain.RunOptions{Spec: spec, Exe: exe, Args: args})
	if err != nil {
		return nil, err
	}
	return &Run{Tool: plan.Tool, Version: plan.Version, Path: plan.Path, Args: plan.Args, Env: plan.Env}, nil
}

// BinDir is Home/bin, where the newest version's executables are linked.
func (t *Toolchain) BinDir() string { return t.st.BinDir() }

// ShimsDir is Home/shims.
func (t *Toolchain) ShimsDir() string { return t.st.ShimsDir() }

// TempDir is Home/temp (the /temp mount).
func (t *Toolchain) TempDir() string { return t.st.TempDir() }

// CacheDir is Home/cache/<name>.
func (t *Toolchain) CacheDir(name string) string { return t.st.CacheDir(name) }

// ToolDir is Home/tools/<id>.
func (t *Toolchain) ToolDir(id string) string { return t.st.ToolDir(id) }

// VersionDir is Home/tools/<id>/<version>.
func (t *Toolchain) VersionDir(id, version string) string { return t.st.VersionDir(id, version) }
