package plugintest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/tools"
	"github.com/tote-dev/tote/host/vpath"
)

// Sandbox is the throw-away environment a [Plugin] runs in. Every directory
// is created by [New] under the test's temporary directory and removed when
// the test ends.
type Sandbox struct {
	// Home is $TOTE_HOME: tools/, bin/, shims/, cache/, temp/ and the global
	// .prototools that declares the plugin. The plugin sees it as /proto.
	Home string
	// UserHome is $HOME; the plugin sees it as /userhome.
	UserHome string
	// Cwd is the working directory, inside UserHome; the plugin sees it as
	// /cwd. Version files written here are what [Plugin.Detect] finds.
	Cwd string
}

// Option configures [New].
type Option func(*options)

type options struct {
	id          string
	env         api.HostEnvironment
	hostSet     bool
	toolConfig  map[string]any
	grants      []string
	vars        map[string]string
	rewrites    [][2]string
	mirror      *Mirror
	prototools  string
	callTimeout time.Duration
	version     string
}

// ID sets the tool id the plugin is registered under. Default: the name of
// the .wasm file without its extension, with "_" turned into "-"
// (my_tool.wasm → my-tool), which for a file from [Build] is the plugin's
// directory name.
func ID(id string) Option { return func(o *options) { o.id = id } }

// Host fakes the machine the plugin sees in host_environment. os and arch
// are tote's names ("linux", "macos", "windows"; "x64", "arm64", …); Go's
// names ("darwin", "amd64", …) are accepted too. Default: the real machine.
//
// Only what the plugin sees changes: executables are still run on the real
// machine, so [Executables] needs fake tools that run here (shell scripts,
// see [FakeExe]).
func Host(os, arch string) Option {
	return func(o *options) {
		o.hostSet = true
		o.env.OS = api.OSFromGOOS(os)
		o.env.Arch = api.ArchFromGOARCH(arch)
	}
}

// Libc fakes the C library the plugin sees ("gnu", "musl" or "unknown").
// Default: the real machine's on Linux, "unknown" elsewhere.
func Libc(libc string) Option {
	return func(o *options) { o.hostSet = true; o.env.Libc = api.HostLibc(libc) }
}

// CI fakes host_environment.ci. Default false, whatever $CI says, so that
// tests behave the same on a laptop and in CI.
func CI(ci bool) Option { return func(o *options) { o.hostSet = true; o.env.CI = ci } }

// ToolConfig sets the plugin's [tools.<id>] table, as a user would write it
// in .prototools; the plugin reads it with sdk.ToolConfig. Keys "aliases"
// and "env" are tote's, as in a real .prototools. Calls merge.
func ToolConfig(table map[string]any) Option {
	return func(o *options) {
		if o.toolConfig == nil {
			o.toolConfig = map[string]any{}
		}
		maps.Copy(o.toolConfig, table)
	}
}

// Grant grants opt-in capabilities, such as "exec", through
// [tools.<id>] permissions, as a user would.
func Grant(capabilities ...string) Option {
	return func(o *options) { o.grants = append(o.grants, capabilities...) }
}

// Env sets an environment variable for the test (with t.Setenv, so the
// test must not be parallel). The plugin reads it with sdk.GetEnv, and
// executables run by [Plugin.Run] and the suites inherit it.
func Env(key, value string) Option {
	return func(o *options) {
		if o.vars == nil {
			o.vars = map[string]string{}
		}
		o.vars[key] = value
	}
}

// UseMirror routes every http and https URL that the plugin or the host
// fetches to m, through [settings.url-rewrites]: nothing reaches the
// network, and a URL the test did not publish fails with a 404.
func UseMirror(m *Mirror) Option { return func(o *options) { o.mirror = m } }

// Rewrite adds one [settings.url-rewrites] entry: a Go regular expression
// and its replacement ($1 and ${name} expand). Rewrites apply in the order
// given, before the mirror's.
func Rewrite(pattern, replacement string) Option {
	return func(o *options) { o.rewrites = append(o.rewrites, [2]string{pattern, replacement}) }
}

// Prototools appends raw TOML to the sandbox's global .prototools, for
// settings the other options do not cover.
func Prototools(toml string) Option {
	return func(o *options) { o.prototools += "\n" + toml + "\n" }
}

// CallTimeout limits every plugin call. Default 60 s, as in tote.
func CallTimeout(d time.Duration) Option { return func(o *options) { o.callTimeout = d } }

// ToteVersion sets the host version plugins see as proto_version.
// Default "0.0.0-plugintest".
func ToteVersion(v string) Option { return func(o *options) { o.version = v } }

// Plugin is a tool plugin loaded in a sandbox. Its methods call the plugin
// the way tote does: the same runtime, limits, virtual paths, injected
// configuration and capability checks. A Plugin belongs to one test and is
// closed when it ends; it is not safe for concurrent use.
type Plugin struct {
	// ID is the tool id.
	ID string
	// Wasm is the plugin file.
	Wasm string
	// Sandbox holds the plugin's directories.
	Sandbox Sandbox

	t      testing.TB
	opts   []Option
	o      options
	tc     *tools.Toolchain
	mounts vpath.Mounts
}

// New loads the plugin wasm into a new sandbox, calls register_tool (as
// tote does on load) and returns it. A plugin that does not load fails the
// test.
func New(t testing.TB, wasm string, opts ...Option) *Plugin {
	t.Helper()
	p, err := newPlugin(t, wasm, opts)
	if err != nil {
		t.Fatalf("plugintest.New(%s): %v", wasm, err)
	}
	return p
}

func newPlugin(t testing.TB, wasm string, opts []Option) (*Plugin, error) {
	t.Helper()
	wasm, err := filepath.Abs(wasm)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(wasm); err != nil {
		return nil, fmt.Errorf("plugin file: %w", err)
	}
	o := options{version: "0.0.0-plugintest"}
	for _, opt := range opts {
		opt(&o)
	}
	if o.id == "" {
		o.id = strings.ReplaceAll(strings.TrimSuffix(filepath.Base(wasm), ".wasm"), "_", "-")
	}
	if err := tools.CheckID(o.id); err != nil {
		return nil, fmt.Errorf("%w (set one with plugintest.ID)", err)
	}
	for k, v := range o.vars {
		t.Setenv(k, v)
	}

	root := t.TempDir()
	sb := Sandbox{
		Home:     filepath.Join(root, "tote"),
		UserHome: filepath.Join(root, "home"),
	}
	sb.Cwd = filepath.Join(sb.UserHome, "project")
	for _, d := range []string{sb.Home, sb.Cwd} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	global, err := o.prototoolsFile(wasm)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(tools.GlobalConfig(sb.Home), global, 0o644); err != nil {
		return nil, err
	}

	env := runtime.DetectHostEnvironment(context.Background())
	env.CI = false
	if o.hostSet {
		if o.env.OS != "" {
			env.OS, env.Arch = o.env.OS, o.env.Arch
		}
		if o.env.Libc != "" {
			env.Libc = o.env.Libc
		}
		env.CI = o.env.CI
	}
	out := testWriter{t}
	rc := runtime.NewConfig().WithOutput(out, out)
	if o.callTimeout > 0 {
		rc = rc.WithCallTimeout(o.callTimeout)
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tc, err := tools.Open(tools.Options{
		Home:     sb.Home,
		Cwd:      sb.Cwd,
		UserHome: sb.UserHome,
		Env:      env,
		HTTP:     &http.Client{Timeout: 60 * time.Second},
		Logger:   logger,
		Version:  o.version,
		Runtime:  rc,
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox configuration:\n%s\n%w", global, err)
	}
	if err := shareCompileCache(tc); err != nil {
		t.Logf("plugintest: compiled plugins are not shared between sandboxes: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tc.Close(ctx)
	})
	p := &Plugin{
		ID: o.id, Wasm: wasm, Sandbox: sb, t: t, opts: opts, o: o, tc: tc,
		mounts: vpath.ToolMounts(sb.Home, sb.UserHome, sb.Cwd, tc.TempDir()),
	}
	if _, err := tc.Plugin(testContext(t), o.id); err != nil {
		return nil, err
	}
	return p, nil
}

// prototoolsFile renders the sandbox's global .prototools.
func (o *options) prototoolsFile(wasm string) ([]byte, error) {
	doc := map[string]any{
		"plugins": map[string]any{o.id: "file://" + filepath.ToSlash(wasm)},
	}
	table := map[string]any{}
	maps.Copy(table, o.toolConfig)
	if len(o.grants) > 0 {
		table["permissions"] = o.grants
	}
	if len(table) > 0 {
		doc["tools"] = map[string]any{o.id: table}
	}
	b, err := toml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("render [tools.%s]: %w", o.id, err)
	}
	var sb strings.Builder
	sb.WriteString("# written by plugintest\n")
	sb.Write(b)
	rewrites := o.rewrites
	if o.mirror != nil {
		rewrites = append(slices.Clone(rewrites), o.mirror.rewrite())
	}
	if len(rewrites) > 0 {
		sb.WriteString("\n[settings.url-rewrites]\n")
		for _, r := range rewrites {
			fmt.Fprintf(&sb, "%s = %s\n", tomlString(r[0]), tomlString(r[1]))
		}
	}
	sb.WriteString(o.prototools)
	return []byte(sb.String()), nil
}

// tomlString quotes s as a TOML literal string when it can, else as a basic
// string with escapes.
func tomlString(s string) string {
	if !strings.ContainsAny(s, "'\n\r") {
		return "'" + s + "'"
	}
	b, _ := toml.Marshal(map[string]string{"k": s})
	_, v, _ := strings.Cut(strings.TrimSpace(string(b)), " = ")
	return v
}

// shareCompileCache points the sandbox's compiled-code cache at one
// directory shared by every sandbox and test run, so that a plugin is
// compiled to machine code once, not once per sandbox.
func shareCompileCache(tc *tools.Toolchain) error {
	shared, err := cacheDir("wasm-compiled")
	if err != nil {
		return err
	}
	link := tc.CacheDir("wasm")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return err
	}
	os.Remove(link)
	return os.Symlink(shared, link)
}

// testContext is the test's context, cancelled when the test ends.
func testContext(t testing.TB) context.Context { return t.Context() }

// testWriter sends plugin output (host_log, streamed commands) to t.Log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// Has reports whether the plugin exports the contract function fn (one of
// the api.Func* names).
func (p *Plugin) Has(fn string) bool {
	pl, err := p.tc.Plugin(testContext(p.t), p.ID)
	return err == nil && pl.HasFunction(fn)
}

// Call calls any exported function with in encoded as JSON, decoding the
// output into out (which may be nil). Errors are tote's: they name the
// plugin and the function.
func (p *Plugin) Call(fn string, in, out any) error {
	pl, err := p.tc.Plugin(testContext(p.t), p.ID)
	if err != nil {
		return err
	}
	return pl.Call(testContext(p.t), fn, in, out)
}

// callWriting is Call with the directories dirs (virtual) writable by the
// plugin during the call, as tote makes the install directory writable
// during an install's calls. Each is created if missing.
func (p *Plugin) callWriting(fn string, in, out any, dirs ...api.VirtualPath) error {
	pl, err := p.tc.Plugin(testContext(p.t), p.ID)
	if err != nil {
		return err
	}
	ctx := testContext(p.t)
	for _, d := range dirs {
		if d.IsZero() {
			continue
		}
		real, err := p.Real(d.Path)
		if err != nil {
			return fmt.Errorf("plugintest: %w", err)
		}
		if err := os.MkdirAll(real, 0o755); err != nil {
			return err
		}
		ctx = runtime.WithWritable(ctx, real)
	}
	return pl.Call(ctx, fn, in, out)
}

// Context is the context tote sends for version ("" before resolution):
// the tool directory, temporary directory and working directory as virtual
// paths, and the version.
func (p *Plugin) Context(version string) api.Context {
	toolDir := p.tc.ToolDir(p.ID)
	if version != "" {
		toolDir = p.tc.VersionDir(p.ID, version)
	}
	return api.Context{
		ProtoVersion: p.o.version,
		ToolDir:      p.Virtual(toolDir),
		TempDir:      p.Virtual(filepath.Join(p.tc.TempDir(), p.ID)),
		WorkingDir:   p.Virtual(p.Sandbox.Cwd),
		Version:      version,
	}
}

// Virtual maps a host path inside the sandbox to the path the plugin sees,
// such as /proto/tools/my-tool/1.2.3. A path outside the sandbox fails the
// test.
func (p *Plugin) Virtual(real string) api.VirtualPath {
	p.t.Helper()
	v, ok := p.mounts.VirtualPath(real)
	if !ok {
		p.t.Fatalf("plugintest: %s is outside the sandbox", real)
	}
	return v
}

// Real maps a path the plugin sees (such as a virtual path in its output)
// to the host path in the sandbox.
func (p *Plugin) Real(virtual string) (string, error) { return p.mounts.ToReal(virtual) }

// ctx fills in an empty context the way tote would for version.
func (p *Plugin) ctx(c api.Context) api.Context {
	if c.ToolDir.IsZero() && c.WorkingDir.IsZero() && c.TempDir.IsZero() {
		return p.Context(c.Version)
	}
	return c
}

func (p *Plugin) installDir(dir api.VirtualPath, version string) api.VirtualPath {
	if dir.IsZero() && version != "" {
		return p.Virtual(p.tc.VersionDir(p.ID, version))
	}
	return dir
}

// RegisterTool calls register_tool; an empty ID is the plugin's.
func (p *Plugin) RegisterTool(in api.RegisterToolInput) (api.RegisterToolOutput, error) {
	if in.ID == "" {
		in.ID = p.ID
	}
	var out api.RegisterToolOutput
	err := p.Call(api.FuncRegisterTool, in, &out)
	return out, err
}

// DownloadPrebuilt calls download_prebuilt. An empty context is filled in
// as tote would (set Context.Version, or use [Plugin.Context]); an empty
// install dir is the version's directory.
func (p *Plugin) DownloadPrebuilt(in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	in.Context = p.ctx(in.Context)
	in.InstallDir = p.installDir(in.InstallDir, in.Context.Version)
	var out api.DownloadPrebuiltOutput
	err := p.callWriting(api.FuncDownloadPrebuilt, in, &out, in.InstallDir)
	return out, err
}

// LocateExecutables calls locate_executables, filling in an empty context
// and install dir as [Plugin.DownloadPrebuilt] does. The output is returned
// as the plugin wrote it (call Normalize to fold the older fields).
func (p *Plugin) LocateExecutables(in api.LocateExecutablesInput) (api.LocateExecutablesOutput, error) {
	in.Context = p.ctx(in.Context)
	in.InstallDir = p.installDir(in.InstallDir, in.Context.Version)
	var out api.LocateExecutablesOutput
	err := p.Call(api.FuncLocateExecutables, in, &out)
	return out, err
}

// LoadVersions calls load_versions; an empty Initial is "latest".
func (p *Plugin) LoadVersions(in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	in.Context = p.ctx(in.Context)
	if in.Initial == "" {
		in.Initial = "latest"
	}
	var out api.LoadVersionsOutput
	err := p.Call(api.FuncLoadVersions, in, &out)
	return out, err
}

// ResolveVersion calls resolve_version.
func (p *Plugin) ResolveVersion(in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	in.Context = p.ctx(in.Context)
	var out api.ResolveVersionOutput
	err := p.Call(api.FuncResolveVersion, in, &out)
	return out, err
}

// DetectVersionFiles calls detect_version_files.
func (p *Plugin) DetectVersionFiles(in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	in.Context = p.ctx(in.Context)
	var out api.DetectVersionOutput
	err := p.Call(api.FuncDetectVersionFiles, in, &out)
	return out, err
}

// ParseVersionFile calls parse_version_file. An empty Path is File in the
// sandbox's working directory.
func (p *Plugin) ParseVersionFile(in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	in.Context = p.ctx(in.Context)
	if in.Path.IsZero() && in.File != "" {
		in.Path = p.Virtual(filepath.Join(p.Sandbox.Cwd, in.File))
	}
	var out api.ParseVersionFileOutput
	err := p.Call(api.FuncParseVersionFile, in, &out)
	return out, err
}

// UnpackArchive calls unpack_archive. As in tote, the plugin may write its
// output_dir during the call (and nothing else but its temporary
// directory); the same goes for the install directory of
// [Plugin.DownloadPrebuilt], [Plugin.NativeInstall] and
// [Plugin.NativeUninstall], and the version's directory of
// [Plugin.PostInstall]. Such a directory is created if missing.
func (p *Plugin) UnpackArchive(in api.UnpackArchiveInput) error {
	in.Context = p.ctx(in.Context)
	return p.callWriting(api.FuncUnpackArchive, in, nil, in.OutputDir)
}

// VerifyChecksum calls verify_checksum.
func (p *Plugin) VerifyChecksum(in api.VerifyChecksumInput) (api.VerifyChecksumOutput, error) {
	in.Context = p.ctx(in.Context)
	var out api.VerifyChecksumOutput
	err := p.Call(api.FuncVerifyChecksum, in, &out)
	return out, err
}

// NativeInstall calls native_install.
func (p *Plugin) NativeInstall(in api.NativeInstallInput) (api.NativeInstallOutput, error) {
	in.Context = p.ctx(in.Context)
	in.InstallDir = p.installDir(in.InstallDir, in.Context.Version)
	var out api.NativeInstallOutput
	err := p.callWriting(api.FuncNativeInstall, in, &out, in.InstallDir)
	return out, err
}

// NativeUninstall calls native_uninstall.
func (p *Plugin) NativeUninstall(in api.NativeUninstallInput) (api.NativeUninstallOutput, error) {
	in.Context = p.ctx(in.Context)
	in.UninstallDir = p.installDir(in.UninstallDir, in.Context.Version)
	var out api.NativeUninstallOutput
	err := p.callWriting(api.FuncNativeUninstall, in, &out, in.UninstallDir)
	return out, err
}

// PreInstall calls pre_install.
func (p *Plugin) PreInstall(in api.InstallHook) error {
	in.Context = p.ctx(in.Context)
	return p.Call(api.FuncPreInstall, in, nil)
}

// PostInstall calls post_install.
func (p *Plugin) PostInstall(in api.InstallHook) error {
	in.Context = p.ctx(in.Context)
	var dir api.VirtualPath
	if in.Context.Version != "" {
		dir = in.Context.ToolDir
	}
	return p.callWriting(api.FuncPostInstall, in, nil, dir)
}

// PreRun calls pre_run.
func (p *Plugin) PreRun(in api.RunHook) (api.RunHookResult, error) {
	in.Context = p.ctx(in.Context)
	var out api.RunHookResult
	err := p.Call(api.FuncPreRun, in, &out)
	return out, err
}

// SyncManifest calls sync_manifest.
func (p *Plugin) SyncManifest(in api.SyncManifestInput) (api.SyncManifestOutput, error) {
	in.Context = p.ctx(in.Context)
	var out api.SyncManifestOutput
	err := p.Call(api.FuncSyncManifest, in, &out)
	return out, err
}

// PinVersion calls pin_version. An empty Dir is the working directory.
func (p *Plugin) PinVersion(in api.PinVersionInput) (api.PinVersionOutput, error) {
	in.Context = p.ctx(in.Context)
	if in.Dir.IsZero() {
		in.Dir = p.Virtual(p.Sandbox.Cwd)
	}
	var out api.PinVersionOutput
	err := p.Call(api.FuncPinVersion, in, &out)
	return out, err
}

// UnpinVersion calls unpin_version. An empty Dir is the working directory.
func (p *Plugin) UnpinVersion(in api.UnpinVersionInput) (api.UnpinVersionOutput, error) {
	in.Context = p.ctx(in.Context)
	if in.Dir.IsZero() {
		in.Dir = p.Virtual(p.Sandbox.Cwd)
	}
	var out api.UnpinVersionOutput
	err := p.Call(api.FuncUnpinVersion, in, &out)
	return out, err
}

// ActivateEnvironment calls activate_environment.
func (p *Plugin) ActivateEnvironment(in api.ActivateEnvironmentInput) (api.ActivateEnvironmentOutput, error) {
	in.Context = p.ctx(in.Context)
	var out api.ActivateEnvironmentOutput
	err := p.Call(api.FuncActivateEnvironment, in, &out)
	return out, err
}

// Installed describes an installed tool version.
type Installed struct {
	// Version is the version installed.
	Version string
	// Dir is its directory, $TOTE_HOME/tools/<id>/<version>.
	Dir string
	// Already is true when it was installed before and nothing was done.
	Already bool
	// Exes maps each executable name to its absolute path.
	Exes map[string]string
	// Checksum is the checksum recorded for the download ("sha256:…").
	Checksum string
	// SourceURL is the URL the tool was downloaded from, after rewrites.
	SourceURL string
}

// Install resolves spec and installs that version the way `tote install`
// does: native_install or download_prebuilt, download, checksum check,
// unpack, locate_executables, bin links, shims, post_install.
func (p *Plugin) Install(spec string) (*Installed, error) {
	return p.install(spec, false)
}

// Reinstall is [Plugin.Install] with --force.
func (p *Plugin) Reinstall(spec string) (*Installed, error) {
	return p.install(spec, true)
}

func (p *Plugin) install(spec string, force bool) (*Installed, error) {
	ctx := testContext(p.t)
	if bin, err := shimBinary(); err == nil {
		p.tc.SetShimBinary(bin)
	} else {
		p.t.Logf("plugintest: shims will be scripts: %v", err)
	}
	res, err := p.tc.Install(ctx, p.ID, spec, force)
	if err != nil {
		return nil, err
	}
	return &Installed{Version: res.Version, Dir: res.Dir, Already: res.Already, Exes: res.Exes, Checksum: res.Checksum, SourceURL: res.SourceURL}, nil
}

// InstallGlobal installs a global package with the tool at the version
// pinned for the sandbox (set TOTE_<ID>_VERSION or a .prototools pin), as
// `tote install-global` does: the plugin's install_global with the tool's
// globals bin directory. The plugin usually needs [Grant]("exec").
func (p *Plugin) InstallGlobal(dependency string) error {
	return p.tc.InstallGlobal(testContext(p.t), p.ID, dependency)
}

// UninstallGlobal removes a global package, as `tote uninstall-global` does.
func (p *Plugin) UninstallGlobal(dependency string) error {
	return p.tc.UninstallGlobal(testContext(p.t), p.ID, dependency)
}

// GlobalsBinDir is the tool's globals bin directory,
// $TOTE_HOME/tools/<id>/globals/bin.
func (p *Plugin) GlobalsBinDir() string { return p.tc.GlobalsBinDir(p.ID) }

// Uninstall removes an installed version, as `tote uninstall` does.
func (p *Plugin) Uninstall(version string) error {
	return p.tc.Uninstall(testContext(p.t), p.ID, version)
}

// Resolve turns a spec ("1.2", "^1", "latest", an alias) into a version
// against the plugin's current version list, as `tote install` does, but
// without preferring installed versions.
func (p *Plugin) Resolve(spec string) (string, error) {
	return p.tc.Resolve(testContext(p.t), p.ID, spec)
}

// Detect finds the version spec for the sandbox's working directory as
// tote does: TOTE_<ID>_VERSION, then per directory upward the .prototools
// pin and the plugin's version files. It returns the spec and where it
// came from.
func (p *Plugin) Detect() (spec, source string, err error) {
	// Re-read the configuration: the test may have written a .prototools.
	if err := p.tc.Reload(); err != nil {
		return "", "", err
	}
	return p.tc.Detect(testContext(p.t), p.ID)
}

// Run runs an executable of an installed version the way `tote run` does
// (pre_run, [tools.<id>.env], the manifest's executables) in the sandbox's
// working directory and returns its combined output. exe "" is the primary
// executable.
func (p *Plugin) Run(version, exe string, args ...string) ([]byte, error) {
	plan, err := p.tc.PrepareRun(testContext(p.t), p.ID, version, exe, args)
	if err != nil {
		return nil, err
	}
	return p.runPlan(plan)
}

func (p *Plugin) runPlan(plan *tools.Run) ([]byte, error) {
	if goruntime.GOOS == "windows" {
		return nil, errors.New("plugintest: running executables is not supported on Windows")
	}
	cmd := exec.CommandContext(testContext(p.t), plan.Path, plan.Args...)
	cmd.Dir = p.Sandbox.Cwd
	cmd.Env = plan.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("run %s %s (%s): %w\n%s", plan.Tool, plan.Version, plan.Path, err, out)
	}
	return out, nil
}

// Command returns a command that runs name (a file in $TOTE_HOME/bin or
// shims, or any path) with the sandbox's environment: TOTE_HOME, HOME and
// the working directory set, and $TOTE_HOME/shims and bin first on PATH.
func (p *Plugin) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(testContext(p.t), name, args...)
	cmd.Dir = p.Sandbox.Cwd
	path := p.tc.ShimsDir() + string(os.PathListSeparator) + p.tc.BinDir() + string(os.PathListSeparator) + os.Getenv("PATH")
	cmd.Env = append(os.Environ(), "TOTE_HOME="+p.Sandbox.Home, "HOME="+p.Sandbox.UserHome, "PATH="+path)
	return cmd
}

// BinDir is $TOTE_HOME/bin, where the newest version's executables are linked.
func (p *Plugin) BinDir() string { return p.tc.BinDir() }

// ShimsDir is $TOTE_HOME/shims.
func (p *Plugin) ShimsDir() string { return p.tc.ShimsDir() }

// fork returns a new sandbox with the same plugin and options.
func (p *Plugin) fork(t testing.TB) *Plugin {
	t.Helper()
	return New(t, p.Wasm, p.opts...)
}
