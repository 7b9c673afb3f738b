package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// fixture builds testdata/fixtures/<name> once per source hash.
func fixture(t testing.TB, name string) string {
	t.Helper()
	return wasmbuild.Build(t, wasmbuild.Fixture(name))
}

func newRuntime(t testing.TB, cfg Config) *Runtime {
	t.Helper()
	if cfg.cacheDir == "" {
		// Compiled once for every test (and test process) that loads
		// the same module; TestDiskCompileCache uses its own directory.
		cfg = cfg.WithCacheDir(wasmbuild.CompileCacheDir())
	}
	rt, err := New(context.Background(), cfg.WithHostEnvironment(api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

func load(t testing.TB, rt *Runtime, name string, opts LoadOptions) *Plugin {
	t.Helper()
	if opts.ID == "" {
		opts.ID = name
	}
	p, err := rt.Load(context.Background(), fixture(t, name), opts)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return p
}

func wantKind(t *testing.T, err error, kind ErrorKind, pluginID, fn string) *CallError {
	t.Helper()
	var ce *CallError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *CallError", err, err)
	}
	if ce.Kind != kind {
		t.Fatalf("kind = %q, want %q (error: %v)", ce.Kind, kind, err)
	}
	want := `plugin "` + pluginID + `" function ` + fn + ": "
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %q does not start with %q", err, want)
	}
	return ce
}

func TestHello(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "hello", LoadOptions{})
	var out api.RegisterToolOutput
	if err := p.Call(context.Background(), api.FuncRegisterTool, api.RegisterToolInput{ID: "world"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Name != "Hello world" || out.Type != api.TypeCommandLine || out.PluginVersion != "1.0.0" {
		t.Fatalf("register_tool = %+v", out)
	}
	if !p.HasFunction(api.FuncRegisterTool) || p.HasFunction(api.FuncDownloadPrebuilt) {
		t.Fatalf("HasFunction wrong; exports %v", p.Exports())
	}
	if !contains(p.Exports(), "_initialize") {
		t.Errorf("a Go c-shared module exports _initialize; got %v", p.Exports())
	}
	if !contains(p.Imports(), "extism:host/env.input_length") {
		t.Errorf("imports %v lack extism:host/env.input_length", p.Imports())
	}
	err := p.Call(context.Background(), api.FuncDownloadPrebuilt, nil, nil)
	wantKind(t, err, KindMissingFunction, "hello", api.FuncDownloadPrebuilt)
	// Second call on the warm instance.
	if err := p.Call(context.Background(), api.FuncRegisterTool, api.RegisterToolInput{ID: "again"}, &out); err != nil || out.Name != "Hello again" {
		t.Fatalf("second call = %+v, %v", out, err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLoadErrors(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	ctx := context.Background()
	_, err := rt.LoadBytes(ctx, []byte("not wasm at all"), LoadOptions{ID: "junk"})
	if !IsKind(err, KindLoad) || !strings.Contains(err.Error(), `plugin "junk"`) {
		t.Fatalf("junk bytes: %v", err)
	}
	_, err = rt.Load(ctx, filepath.Join(t.TempDir(), "missing.wasm"), LoadOptions{ID: "gone"})
	if !IsKind(err, KindLoad) || !strings.Contains(err.Error(), "missing.wasm") {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := rt.LoadBytes(ctx, nil, LoadOptions{}); !IsKind(err, KindLoad) {
		t.Fatalf("empty id: %v", err)
	}
}

func TestFullContract(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "full-contract", LoadOptions{ID: "full", ToolID: "fulltool"})
	ctx := context.Background()
	for _, fn := range api.ToolFunctions {
		if !p.HasFunction(fn) {
			t.Errorf("full-contract does not export %s", fn)
		}
	}
	c := api.Context{
		ToolDir:    api.VirtualPath{Path: "/proto/tools/fulltool/2.0.0", VirtualPrefix: "/proto", RealPrefix: "/home/u/.tote"},
		TempDir:    api.NewVirtualPath("/temp/fulltool"),
		WorkingDir: api.NewVirtualPath("/cwd"),
		Version:    "2.0.0",
	}
	call := func(fn string, in, out any) {
		t.Helper()
		if err := p.Call(ctx, fn, in, out); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
	}

	var reg api.RegisterToolOutput
	call(api.FuncRegisterTool, api.RegisterToolInput{ID: "fulltool"}, &reg)
	if reg.Name != "Full fulltool" || reg.Type != api.TypeLanguage || reg.Requires[0] != "dep-of-fulltool" || reg.InventoryOptions.VersionSuffix != "-full" {
		t.Errorf("register_tool = %+v", reg)
	}

	var dl api.DownloadPrebuiltOutput
	call(api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: c, InstallDir: c.ToolDir}, &dl)
	if dl.DownloadURL != "https://dl.example.test/2.0.0/fulltool-2.0.0.tar.gz" || dl.ArchivePrefix != "fulltool-2.0.0" || dl.HTTPHeaders["X-Install-Dir"] != c.ToolDir.Path {
		t.Errorf("download_prebuilt = %+v", dl)
	}

	var loc api.LocateExecutablesOutput
	call(api.FuncLocateExecutables, api.LocateExecutablesInput{Context: c, InstallDir: c.ToolDir}, &loc)
	if loc.Primary == nil {
		t.Fatalf("locate_executables: want the older primary shape, got %+v", loc)
	}
	loc.Normalize("fulltool")
	exe := loc.Exes["fulltool"]
	if !exe.Primary || exe.ExePath != "bin/fulltool" || len(exe.ShimBeforeArgs) != 2 || exe.ShimBeforeArgs[1] != c.ToolDir.Path {
		t.Errorf("normalised primary = %+v", exe)
	}
	if h := loc.Exes["fulltool-helper"]; h.ExePath != "bin/helper" || !h.NoShim {
		t.Errorf("normalised secondary = %+v", h)
	}
	if len(loc.ExesDirs) != 1 || loc.ExesDirs[0] != "bin" {
		t.Errorf("exes_dirs = %v", loc.ExesDirs)
	}

	var lv api.LoadVersionsOutput
	call(api.FuncLoadVersions, api.LoadVersionsInput{Context: c, Initial: "^1"}, &lv)
	if len(lv.Versions) != 3 || lv.Latest != "2.0.0" || lv.Aliases["asked"] != "^1" {
		t.Errorf("load_versions = %+v", lv)
	}
	var rv api.ResolveVersionOutput
	call(api.FuncResolveVersion, api.ResolveVersionInput{Context: c, Initial: "lts"}, &rv)
	if rv.Candidate != "1.1" {
		t.Errorf("resolve_version(lts) = %+v", rv)
	}
	call(api.FuncResolveVersion, api.ResolveVersionInput{Context: c, Initial: "v1.0.0"}, &rv)
	if rv.Version != "1.0.0" {
		t.Errorf("resolve_version(v1.0.0) = %+v", rv)
	}
	var dv api.DetectVersionOutput
	call(api.FuncDetectVersionFiles, api.DetectVersionInput{Context: c}, &dv)
	if len(dv.Files) != 2 || dv.Files[0] != ".fulltool-version" {
		t.Errorf("detect_version_files = %+v", dv)
	}
	var pv api.ParseVersionFileOutput
	call(api.FuncParseVersionFile, api.ParseVersionFileInput{Context: c, File: ".fulltool-version", Content: " 1.1.0\n", Path: api.NewVirtualPath("/cwd/.fulltool-version")}, &pv)
	if pv.Version != "1.1.0" {
		t.Errorf("parse_version_file = %+v", pv)
	}
	call(api.FuncUnpackArchive, api.UnpackArchiveInput{Context: c, InputFile: api.NewVirtualPath("/temp/a.tgz"), OutputDir: c.ToolDir}, nil)
	err := p.Call(ctx, api.FuncUnpackArchive, api.UnpackArchiveInput{Context: c, OutputDir: api.NewVirtualPath("relative")}, nil)
	wantKind(t, err, KindPluginError, "full", api.FuncUnpackArchive)
	var vc api.VerifyChecksumOutput
	call(api.FuncVerifyChecksum, api.VerifyChecksumInput{Context: c, DownloadChecksum: "sha256:abc"}, &vc)
	if !vc.Verified {
		t.Errorf("verify_checksum = %+v", vc)
	}
	var ni api.NativeInstallOutput
	call(api.FuncNativeInstall, api.NativeInstallInput{Context: c, InstallDir: c.ToolDir, Force: true}, &ni)
	if !ni.Installed || ni.SkipInstall {
		t.Errorf("native_install = %+v", ni)
	}
	var nu api.NativeUninstallOutput
	call(api.FuncNativeUninstall, api.NativeUninstallInput{Context: c, UninstallDir: c.ToolDir}, &nu)
	if !nu.Uninstalled {
		t.Errorf("native_uninstall = %+v", nu)
	}
	hook := api.InstallHook{Context: c, PassthroughArgs: []string{"-x"}}
	call(api.FuncPreInstall, hook, nil)
	call(api.FuncPostInstall, hook, nil)
	var pr api.RunHookResult
	call(api.FuncPreRun, api.RunHook{Context: c, PassthroughArgs: []string{"a", "b"}}, &pr)
	if strings.Join(pr.Args, " ") != "--wrapped a b" || pr.Env["TOOL_VERSION"] != "2.0.0" || pr.Paths[0] != "/proto/tools/fulltool/2.0.0/bin" {
		t.Errorf("pre_run = %+v", pr)
	}
	var sm api.SyncManifestOutput
	call(api.FuncSyncManifest, api.SyncManifestInput{Context: c}, &sm)
	if len(sm.Versions) != 1 || sm.Versions[0] != "2.0.0" {
		t.Errorf("sync_manifest = %+v", sm)
	}
	var pin api.PinVersionOutput
	call(api.FuncPinVersion, api.PinVersionInput{Context: c, Dir: api.NewVirtualPath("/cwd"), Version: "2"}, &pin)
	if !pin.Pinned || pin.File == nil || pin.File.Path != "/cwd/.fulltool-version" {
		t.Errorf("pin_version = %+v", pin)
	}
	var unpin api.UnpinVersionOutput
	call(api.FuncUnpinVersion, api.UnpinVersionInput{Context: c, Dir: api.NewVirtualPath("/cwd")}, &unpin)
	if !unpin.Unpinned || unpin.Version != "1.1.0" {
		t.Errorf("unpin_version = %+v", unpin)
	}
	var ae api.ActivateEnvironmentOutput
	gd := api.NewVirtualPath("/userhome/.fulltool/bin")
	call(api.FuncActivateEnvironment, api.ActivateEnvironmentInput{Context: c, GlobalsDir: &gd}, &ae)
	if ae.Env["TOOL_HOME"] != c.ToolDir.Path || len(ae.Paths) != 1 || ae.Paths[0] != gd.Path {
		t.Errorf("activate_environment = %+v", ae)
	}
}

func TestTrapOnPurpose(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "trap-on-purpose", LoadOptions{ID: "trappy"})
	ctx := context.Background()
	var reg api.RegisterToolOutput
	for want := 1; want <= 2; want++ {
		if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, &reg); err != nil {
			t.Fatal(err)
		}
		if reg.PluginVersion != string(rune('0'+want)) {
			t.Fatalf("call %d on the warm instance: count %q", want, reg.PluginVersion)
		}
	}
	err := p.Call(ctx, api.FuncDownloadPrebuilt, nil, nil)
	ce := wantKind(t, err, KindTrap, "trappy", api.FuncDownloadPrebuilt)
	if !strings.Contains(ce.Message, "trap on purpose") {
		t.Errorf("trap message %q lacks the guest's panic text", ce.Message)
	}
	// The next call gets a fresh instance: its counter starts again.
	if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, &reg); err != nil {
		t.Fatalf("call after trap: %v", err)
	}
	if reg.PluginVersion != "1" {
		t.Errorf("after a trap the instance was reused (count %q)", reg.PluginVersion)
	}
	// A Go runtime error (nil map write) traps too.
	err = p.Call(ctx, api.FuncLocateExecutables, nil, nil)
	ce = wantKind(t, err, KindTrap, "trappy", api.FuncLocateExecutables)
	if !strings.Contains(ce.Message, "nil map") {
		t.Errorf("trap message %q lacks the runtime error", ce.Message)
	}
	if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, &reg); err != nil {
		t.Fatalf("call after second trap: %v", err)
	}
}

func TestCPUSpinTimesOut(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	// The limit bounds the call after the timeout too: long enough that a
	// loaded machine (load 11 in a suite run) answers register_tool in it.
	p := load(t, rt, "cpu-spin", LoadOptions{ID: "spinner", CallTimeout: 2 * time.Second})
	ctx := context.Background()
	// The spin never ends by itself: returning with a timeout is the check.
	err := p.Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{}, nil)
	ce := wantKind(t, err, KindTimeout, "spinner", api.FuncLoadVersions)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout error does not wrap context.DeadlineExceeded: %v", err)
	}
	if !strings.Contains(ce.Message, "2s") {
		t.Errorf("message %q does not give the limit", ce.Message)
	}
	var reg api.RegisterToolOutput
	if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "ok"}, &reg); err != nil || reg.Name != "ok" {
		t.Fatalf("call after timeout: %+v, %v", reg, err)
	}
	// A cancelled caller context stops the call too.
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	err = p.Call(cctx, api.FuncLoadVersions, api.LoadVersionsInput{}, nil)
	wantKind(t, err, KindTimeout, "spinner", api.FuncLoadVersions)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call does not wrap context.Canceled: %v", err)
	}
}

func TestMemoryBomb(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "memory-bomb", LoadOptions{ID: "bomb", MemoryLimit: 96 << 20, CallTimeout: 10 * time.Minute})
	ctx := context.Background()
	err := p.Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{}, nil)
	ce := wantKind(t, err, KindOutOfMemory, "bomb", api.FuncLoadVersions)
	if !strings.Contains(ce.Message, "96 MiB") {
		t.Errorf("message %q does not give the limit", ce.Message)
	}
	var reg api.RegisterToolOutput
	if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "ok"}, &reg); err != nil {
		t.Fatalf("call after out-of-memory: %v", err)
	}
	if reg.PluginVersion != "0" {
		t.Errorf("fresh instance still holds %s MiB", reg.PluginVersion)
	}
}

func TestBadOutput(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "bad-output", LoadOptions{ID: "liar"})
	ctx := context.Background()
	var reg api.RegisterToolOutput
	err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, &reg)
	wantKind(t, err, KindBadOutput, "liar", api.FuncRegisterTool)
	var lv api.LoadVersionsOutput
	err = p.Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{}, &lv)
	wantKind(t, err, KindBadOutput, "liar", api.FuncLoadVersions)
	err = p.Call(ctx, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{}, &api.DownloadPrebuiltOutput{})
	ce := wantKind(t, err, KindPluginError, "liar", api.FuncDownloadPrebuilt)
	if ce.Message != "no prebuilt for this platform" {
		t.Errorf("plugin error message = %q", ce.Message)
	}
	// CallRaw hands back the bytes as they are.
	raw, err := p.CallRaw(ctx, api.FuncRegisterTool, []byte(`{"id":"x"}`))
	if err != nil || !bytes.HasPrefix(raw, []byte(`{"name": "bad"`)) {
		t.Fatalf("CallRaw = %q, %v", raw, err)
	}
}

func TestFSEscape(t *testing.T) {
	cwd := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(cwd, "inside.txt"), []byte("inside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(cwd, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(cwd, "escape-dir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("inside.txt", filepath.Join(cwd, "inner-link")); err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts("", "", cwd, "")))
	p := load(t, rt, "fs-escape", LoadOptions{ID: "escaper", Writable: []string{cwd}})
	ctx := context.Background()
	type readIn struct {
		Path  string `json:"path"`
		Chdir string `json:"chdir,omitempty"`
	}
	type readOut struct {
		Content string `json:"content"`
		Error   string `json:"error"`
	}
	read := func(in readIn) readOut {
		t.Helper()
		var out readOut
		if err := p.Call(ctx, "read_file", in, &out); err != nil {
			t.Fatalf("read_file %+v: %v", in, err)
		}
		return out
	}
	for _, in := range []readIn{
		{Path: "/etc/passwd"},
		{Path: "/cwd/../../etc/passwd"},
		{Path: "../../etc/passwd", Chdir: "/cwd"},
		{Path: "/cwd/escape"},
		{Path: "/cwd/escape-dir/secret.txt"},
		{Path: filepath.Join(outside, "secret.txt")},
	} {
		if out := read(in); out.Error == "" || out.Content != "" {
			t.Errorf("read %+v was not refused: %+v", in, out)
		}
	}
	for _, path := range []string{"/cwd/inside.txt", "/cwd/inner-link"} {
		if out := read(readIn{Path: path}); out.Content != "inside" {
			t.Errorf("read %s = %+v, want the file", path, out)
		}
	}
	var w readOut
	if err := p.Call(ctx, "write_file", map[string]string{"path": "/cwd/escape-dir/planted", "content": "x"}, &w); err != nil {
		t.Fatal(err)
	}
	if w.Error == "" {
		t.Error("write through a symlinked directory was not refused")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); err == nil {
		t.Error("the guest wrote outside its mount")
	}
	w = readOut{}
	if err := p.Call(ctx, "write_file", map[string]string{"path": "/cwd/new.txt", "content": "made"}, &w); err != nil || w.Error != "" {
		t.Fatalf("write inside /cwd: %+v, %v", w, err)
	}
	if b, _ := os.ReadFile(filepath.Join(cwd, "new.txt")); string(b) != "made" {
		t.Errorf("new.txt = %q", b)
	}
}

func TestNetDenied(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "local")
		w.Write([]byte("path=" + r.URL.Path + " header=" + r.Header.Get("X-Fixture")))
	}))
	defer srv.Close()
	rewrite := func(u string) string {
		return strings.Replace(u, "https://mirror.example.invalid", srv.URL, 1)
	}
	rt := newRuntime(t, NewConfig().WithRewrite(rewrite))
	ctx := context.Background()
	type fetchOut struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
		Header string `json:"header"`
	}

	denied := load(t, rt, "net-denied", LoadOptions{ID: "offline"})
	err := denied.Call(ctx, "fetch", map[string]string{"url": srv.URL + "/x"}, nil)
	ce := wantKind(t, err, KindPermissionDenied, "offline", "fetch")
	if !strings.HasPrefix(ce.Message, api.PermissionDenied) || !strings.Contains(ce.Message, "127.0.0.1") {
		t.Errorf("message %q", ce.Message)
	}

	p := load(t, rt, "net-denied", LoadOptions{ID: "online", AllowedHosts: []string{"127.0.0.1"}})
	err = p.Call(ctx, "fetch", map[string]string{"url": "https://not-allowed.example.invalid/x"}, nil)
	wantKind(t, err, KindPermissionDenied, "online", "fetch")

	var out fetchOut
	if err := p.Call(ctx, "fetch", map[string]string{"url": srv.URL + "/direct"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Status != 200 || out.Body != "path=/direct header=net-denied" || out.Header != "local" {
		t.Errorf("allowed fetch = %+v", out)
	}
	// The rewrite hook runs before the allow-list: the https URL of a host
	// that is not allowed reaches the local server.
	if err := p.Call(ctx, "fetch", map[string]string{"url": "https://mirror.example.invalid/rewritten"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Body != "path=/rewritten header=net-denied" {
		t.Errorf("rewritten fetch = %+v", out)
	}
}

func TestExecDenied(t *testing.T) {
	cwd := t.TempDir()
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts("", "", cwd, "")))
	ctx := context.Background()
	denied := load(t, rt, "exec-denied", LoadOptions{ID: "noexec"})
	err := denied.Call(ctx, "run", api.ExecCommandInput{Command: "echo", Args: []string{"hi"}}, nil)
	ce := wantKind(t, err, KindPermissionDenied, "noexec", "run")
	if !strings.HasPrefix(ce.Message, "permission-denied") {
		t.Errorf("message %q", ce.Message)
	}

	p := load(t, rt, "exec-denied", LoadOptions{ID: "exec", AllowExec: true})
	run := func(in api.ExecCommandInput) api.ExecCommandOutput {
		t.Helper()
		var out api.ExecCommandOutput
		if err := p.Call(ctx, "run", in, &out); err != nil {
			t.Fatalf("run %+v: %v", in, err)
		}
		return out
	}
	if out := run(api.ExecCommandInput{Command: "echo", Args: []string{"hello", "world"}}); out.Stdout != "hello world\n" || out.ExitCode != 0 {
		t.Errorf("echo = %+v", out)
	}
	if out := run(api.ExecCommandInput{Command: "sh", Args: []string{"-c", "echo oops >&2; exit 3"}}); out.ExitCode != 3 || out.Stderr != "oops\n" {
		t.Errorf("exit 3 = %+v", out)
	}
	cwdVirtual := api.NewVirtualPath("/cwd")
	if out := run(api.ExecCommandInput{Command: "pwd", Cwd: &cwdVirtual}); strings.TrimSpace(out.Stdout) != cwd {
		t.Errorf("pwd in /cwd = %q, want %q", out.Stdout, cwd)
	}
	t.Setenv("TOTE_TEST_KEEP", "host")
	t.Setenv("TOTE_TEST_DROP", "host")
	out := run(api.ExecCommandInput{
		Command: "sh", Args: []string{"-c", `echo "$TOTE_TEST_SET|$TOTE_TEST_KEEP|${TOTE_TEST_DROP-unset}|$TOTE_TEST_NEW"`},
		Env: map[string]string{"TOTE_TEST_SET": "set", "TOTE_TEST_KEEP?": "plugin", "TOTE_TEST_DROP!": "", "TOTE_TEST_NEW?": "new"},
	})
	if out.Stdout != "set|host|unset|new\n" {
		t.Errorf("env rules: %q", out.Stdout)
	}
	if out := run(api.ExecCommandInput{Command: "echo", Args: []string{"a b", "it's"}, Shell: "sh"}); out.Stdout != "a b it's\n" {
		t.Errorf("shell quoting: %q", out.Stdout)
	}
	// A virtual command path inside a mount, made executable first: only
	// where the plugin may write.
	if err := os.WriteFile(filepath.Join(cwd, "tool.sh"), []byte("#!/bin/sh\necho from-tool\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = p.Call(ctx, "run", api.ExecCommandInput{Command: "/cwd/tool.sh", SetExecutable: true}, nil)
	wantKind(t, err, KindPermissionDenied, "exec", "run")
	if fi, err := os.Stat(filepath.Join(cwd, "tool.sh")); err != nil || fi.Mode()&0o111 != 0 {
		t.Errorf("set_executable changed a read-only file: %v, %v", fi.Mode(), err)
	}
	var out2 api.ExecCommandOutput
	if err := p.Call(WithWritable(ctx, cwd), "run", api.ExecCommandInput{Command: "/cwd/tool.sh", SetExecutable: true}, &out2); err != nil || out2.Stdout != "from-tool\n" {
		t.Errorf("virtual command = %+v, %v", out2, err)
	}
	err = p.Call(ctx, "run", api.ExecCommandInput{Command: "definitely-not-a-command-tote"}, nil)
	wantKind(t, err, KindHost, "exec", "run")
}

// recordHandler is a slog.Handler that keeps records.
type recordHandler struct {
	mu      sync.Mutex
	records []slog.Record
	attrs   []slog.Attr
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	r = r.Clone()
	r.AddAttrs(h.attrs...)
	h.records = append(h.records, r)
	return nil
}
func (h *recordHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &recordHandlerView{h, as}
}
func (h *recordHandler) WithGroup(string) slog.Handler { return h }

type recordHandlerView struct {
	*recordHandler
	extra []slog.Attr
}

func (v *recordHandlerView) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(v.extra...)
	return v.recordHandler.Handle(ctx, r)
}

func (h *recordHandler) find(msg string) (slog.Record, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.records {
		if r.Message == msg {
			return r, true
		}
	}
	return slog.Record{}, false
}

func attrs(r slog.Record) map[string]string {
	m := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

func TestHostCaller(t *testing.T) {
	home := t.TempDir()
	toteHome := filepath.Join(home, ".tote")
	temp := filepath.Join(toteHome, "temp")
	cwd := t.TempDir()
	if err := os.MkdirAll(temp, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("archive-bytes"))
	}))
	defer srv.Close()

	h := &recordHandler{}
	var stdout, stderr bytes.Buffer
	cfg := NewConfig().
		WithLogger(slog.New(h)).
		WithOutput(&stdout, &stderr).
		WithMounts(vpath.ToolMounts(toteHome, home, cwd, temp))
	rt := newRuntime(t, cfg)
	p := load(t, rt, "host-caller", LoadOptions{
		ID: "caller", ToolID: "node", ToolConfig: map[string]any{"bundled-npm": true},
		Config:       map[string]string{"extra": "value", api.ConfigPluginID: "spoofed"},
		AllowedHosts: []string{"127.0.0.1"}, AllowEnvWrite: true, AllowExec: true,
	})
	ctx := context.Background()
	t.Setenv("TOTE_TEST_HOST_VAR", "from-host")

	type probeOut struct {
		Env         map[string]string       `json:"env"`
		FromVirtual string                  `json:"from_virtual"`
		ToVirtual   string                  `json:"to_virtual"`
		Config      map[string]string       `json:"config"`
		Download    *api.DownloadFileOutput `json:"download"`
		Exec        *api.ExecCommandOutput  `json:"exec"`
	}
	var out probeOut
	in := map[string]any{
		"set_env": map[string]string{"TOTE_TEST_PLUGIN_VAR": "from-plugin"},
		"get_env": []string{"TOTE_TEST_PLUGIN_VAR", "TOTE_TEST_HOST_VAR", "TOTE_TEST_UNSET_VAR"},
		"logs": []api.HostLogInput{
			{Message: "hello from the plugin", Target: api.LogWarn, Data: map[string]any{"k": "v"}},
			{Message: "to stdout", Target: api.LogStdout},
			{Message: "to stderr", Target: api.LogStderr},
		},
		"from_virtual": "/proto/tools/node/20.0.0",
		"to_virtual":   filepath.Join(cwd, "pkg", "package.json"),
		"config_keys":  []string{api.ConfigPluginID, api.ConfigHostEnvironment, api.ConfigVirtualPaths, api.ConfigToolID, api.ConfigToolConfig, "extra"},
		"download":     api.DownloadFileInput{URL: srv.URL + "/node.tar.gz", File: api.NewVirtualPath("/temp/caller/node.tar.gz")},
		"exec":         api.ExecCommandInput{Command: "sh", Args: []string{"-c", "echo $TOTE_TEST_PLUGIN_VAR"}},
	}
	if err := p.Call(ctx, "probe", in, &out); err != nil {
		t.Fatal(err)
	}

	// Environment overlay.
	if out.Env["TOTE_TEST_PLUGIN_VAR"] != "from-plugin" || out.Env["TOTE_TEST_HOST_VAR"] != "from-host" || out.Env["TOTE_TEST_UNSET_VAR"] != "" {
		t.Errorf("env seen by plugin = %v", out.Env)
	}
	if os.Getenv("TOTE_TEST_PLUGIN_VAR") != "" {
		t.Error("set_env_var changed tote's own environment")
	}
	if p.EnvOverlay()["TOTE_TEST_PLUGIN_VAR"] != "from-plugin" {
		t.Errorf("EnvOverlay = %v", p.EnvOverlay())
	}
	if out.Exec == nil || out.Exec.Stdout != "from-plugin\n" {
		t.Errorf("overlay not passed to commands: %+v", out.Exec)
	}

	// host_log.
	r, ok := h.find("hello from the plugin")
	if !ok {
		t.Fatalf("host_log did not reach the slog handler; records: %d", len(h.records))
	}
	if r.Level != slog.LevelWarn || attrs(r)["plugin"] != "caller" || !strings.Contains(attrs(r)["data"], "k=v") {
		t.Errorf("log record level %v attrs %v", r.Level, attrs(r))
	}
	if stdout.String() != "to stdout\n" || stderr.String() != "to stderr\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}

	// Virtual paths.
	if out.FromVirtual != filepath.Join(toteHome, "tools", "node", "20.0.0") {
		t.Errorf("from_virtual_path = %q", out.FromVirtual)
	}
	if out.ToVirtual != "/cwd/pkg/package.json" {
		t.Errorf("to_virtual_path = %q", out.ToVirtual)
	}

	// Config keys.
	if out.Config[api.ConfigPluginID] != "caller" || out.Config[api.ConfigToolID] != "node" || out.Config["extra"] != "value" {
		t.Errorf("config = %v", out.Config)
	}
	var env api.HostEnvironment
	if err := json.Unmarshal([]byte(out.Config[api.ConfigHostEnvironment]), &env); err != nil || env.OS != api.OSLinux || env.HomeDir.Path != "/userhome" || env.HomeDir.RealPrefix != home {
		t.Errorf("host_environment = %+v, %v", env, err)
	}
	var vps map[string]string
	if err := json.Unmarshal([]byte(out.Config[api.ConfigVirtualPaths]), &vps); err != nil || vps["/proto"] != toteHome || vps["/cwd"] != cwd || len(vps) != 4 {
		t.Errorf("virtual_paths = %v, %v", vps, err)
	}
	if out.Config[api.ConfigToolConfig] != `{"bundled-npm":true}` {
		t.Errorf("proto_tool_config = %q", out.Config[api.ConfigToolConfig])
	}

	// download_file.
	if out.Download == nil || out.Download.Size != uint64(len("archive-bytes")) || out.Download.File.Path != "/temp/caller/node.tar.gz" {
		t.Errorf("download = %+v", out.Download)
	}
	if b, err := os.ReadFile(filepath.Join(temp, "caller", "node.tar.gz")); err != nil || string(b) != "archive-bytes" {
		t.Errorf("downloaded file = %q, %v", b, err)
	}

	// Refusals.
	err := p.Call(ctx, "probe", map[string]any{"download": api.DownloadFileInput{URL: srv.URL + "/x", File: api.NewVirtualPath("/cwd/../../etc/evil")}}, nil)
	wantKind(t, err, KindPermissionDenied, "caller", "probe")
	// Only the plugin's own temporary directory is writable.
	for _, dest := range []string{"/temp/node/x", "/proto/.prototools", "/userhome/x", "/cwd/x"} {
		err = p.Call(ctx, "probe", map[string]any{"download": api.DownloadFileInput{URL: srv.URL + "/x", File: api.NewVirtualPath(dest)}}, nil)
		wantKind(t, err, KindPermissionDenied, "caller", "probe")
	}
	err = p.Call(ctx, "probe", map[string]any{"download": api.DownloadFileInput{URL: srv.URL + "/missing", File: api.NewVirtualPath("/temp/caller/missing")}}, nil)
	ce := wantKind(t, err, KindHost, "caller", "probe")
	if !strings.Contains(ce.Message, "404") || !strings.Contains(ce.Message, srv.URL+"/missing") {
		t.Errorf("404 message %q", ce.Message)
	}
	if _, err := os.Stat(filepath.Join(temp, "caller", "missing")); err == nil {
		t.Error("a failed download left a file")
	}
	err = p.Call(ctx, "probe", map[string]any{"from_virtual": "/cwd/../../etc/passwd"}, nil)
	ce = wantKind(t, err, KindHost, "caller", "probe")
	if !strings.Contains(ce.Message, "/cwd/../../etc/passwd") {
		t.Errorf("refusal %q does not name the path", ce.Message)
	}
	err = p.Call(ctx, "probe", map[string]any{"to_virtual": "/etc/passwd"}, nil)
	wantKind(t, err, KindHost, "caller", "probe")

	// Without the grants.
	no := false
	q := load(t, rt, "host-caller", LoadOptions{ID: "ungranted", AllowEnvRead: &no})
	err = q.Call(ctx, "probe", map[string]any{"set_env": map[string]string{"A": "b"}}, nil)
	wantKind(t, err, KindPermissionDenied, "ungranted", "probe")
	err = q.Call(ctx, "probe", map[string]any{"get_env": []string{"HOME"}}, nil)
	wantKind(t, err, KindPermissionDenied, "ungranted", "probe")
	// The plugin keeps working after refusals.
	if err := q.Call(ctx, "probe", map[string]any{"to_virtual": "/"}, nil); err == nil {
		t.Error("to_virtual_path of / with no mounts succeeded")
	}
	if err := q.Call(ctx, "probe", map[string]any{}, &out); err != nil {
		t.Fatalf("plain call after refusals: %v", err)
	}
}

// TestDiskCompileCache compiles the hello plugin with Compile into a new
// cache directory, then loads it in two runtimes over that directory: the
// loads find its code compiled (they add no entry as large as the module's,
// only Extism's small kernel) and the plugin works.
func TestDiskCompileCache(t *testing.T) {
	cacheDir := t.TempDir()
	wasm := fixture(t, "hello")
	ctx := context.Background()
	b, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := newRuntime(t, NewConfig().WithCacheDir(cacheDir)).Compile(ctx, b); err != nil {
		t.Fatal(err)
	}
	compiled := cacheFiles(t, cacheDir)
	var module int64
	for _, size := range compiled {
		module = max(module, size)
	}
	if module == 0 {
		t.Fatal("the cache directory is empty after Compile")
	}
	for i := 0; i < 2; i++ {
		rt := newRuntime(t, NewConfig().WithCacheDir(cacheDir))
		p, err := rt.Load(ctx, wasm, LoadOptions{ID: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		var out api.RegisterToolOutput
		if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "cache"}, &out); err != nil || out.Name != "Hello cache" {
			t.Fatalf("runtime %d: %+v, %v", i, out, err)
		}
		if err := rt.Close(ctx); err != nil {
			t.Fatal(err)
		}
		for name, size := range cacheFiles(t, cacheDir) {
			if _, ok := compiled[name]; !ok && size >= module/2 {
				t.Errorf("runtime %d compiled the module again: new cache entry %s (%d bytes; Compile wrote %d)", i, name, size, module)
			}
		}
	}
	if err := newRuntime(t, NewConfig().WithCacheDir(cacheDir)).Compile(ctx, []byte("\x00asm\x01\x00\x00\x00\x0a")); err == nil || !strings.Contains(err.Error(), "module") {
		t.Errorf("Compile of a truncated module: %v, want an error naming the module", err)
	}
}

// cacheFiles lists the files of a compilation cache directory with their
// sizes.
func cacheFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	files := map[string]int64{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			files[path] = info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCloseRuntimeClosesPlugins(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "hello", LoadOptions{})
	if err := rt.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := p.Call(context.Background(), api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, nil)
	if !IsKind(err, KindLoad) {
		t.Fatalf("call after Close: %v", err)
	}
	if _, err := rt.Load(context.Background(), fixture(t, "hello"), LoadOptions{ID: "late"}); !IsKind(err, KindLoad) {
		t.Fatalf("load after Close: %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "hello", LoadOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := string(rune('a' + i))
			var out api.RegisterToolOutput
			if err := p.Call(context.Background(), api.FuncRegisterTool, api.RegisterToolInput{ID: id}, &out); err != nil {
				errs <- err
			} else if out.Name != "Hello "+id {
				errs <- errors.New("crossed output: " + out.Name)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
