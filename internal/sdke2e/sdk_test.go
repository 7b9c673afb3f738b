package sdke2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// index is a release index in the layout of nodejs.org/dist/index.json,
// unsorted, as the plugin's load_versions reads it.
const index = `[
	{"version": "v21.7.3", "lts": false},
	{"version": "v20.12.2", "lts": "Iron"},
	{"version": "v23.0.0-rc.1", "lts": false},
	{"version": "v18.20.2", "lts": "Hydrogen"},
	{"version": "v22.1.0", "lts": false},
	{"version": "v20.11.1", "lts": "Iron"},
	{"version": "v18.9.0", "lts": "Hydrogen"}
]`

// fakeDomain is what the plugin's configuration names; the runtime's
// url-rewrite hook sends it to the local server.
const fakeDomain = "https://sdk-all.example.invalid"

// env is one loaded sdk-all plugin with its host side.
type env struct {
	ctx      context.Context
	rt       *runtime.Runtime
	wasm     string
	srv      *httptest.Server
	logs     *syncBuffer
	toteHome string
	userHome string
	cwd      string
	temp     string

	mu   sync.Mutex
	hits map[string]int // requests per path
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// hostEnv is injected instead of the detected one, so the test can tell
// that the plugin reads what the host says and not what it runs on.
var hostEnv = api.HostEnvironment{
	OS: api.OSMacOS, Arch: api.ArchArm64, Libc: api.LibcUnknown, CI: true,
	HomeDir: api.NewVirtualPath(api.VirtualUserHome),
}

func setup(t *testing.T) *env {
	t.Helper()
	e := &env{ctx: context.Background(), hits: map[string]int{}, logs: &syncBuffer{}}
	e.wasm = wasmbuild.Build(t, wasmbuild.Fixture("sdk-all"))

	mux := http.NewServeMux()
	serve := func(path, contentType, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			e.mu.Lock()
			e.hits[r.URL.Path]++
			e.mu.Unlock()
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("X-Probe", "yes")
			w.Write([]byte(body))
		})
	}
	serve("/index.json", "application/json", index)
	serve("/probe.json", "application/json", `{"hello": "world", "n": 3}`)
	mux.HandleFunc("/missing", http.NotFound)
	e.srv = httptest.NewServer(mux) // binds 127.0.0.1
	t.Cleanup(e.srv.Close)

	root := t.TempDir()
	e.toteHome = filepath.Join(root, "tote")
	e.userHome = filepath.Join(root, "home")
	e.cwd = filepath.Join(root, "project")
	e.temp = filepath.Join(e.toteHome, "temp")
	for _, d := range []string{e.toteHome, e.userHome, e.cwd, e.temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug - 4}))
	cfg := runtime.NewConfig().
		WithCacheDir(filepath.Join(root, "cache")).
		WithLogger(logger).
		WithHostEnvironment(hostEnv).
		WithMounts(vpath.ToolMounts(e.toteHome, e.userHome, e.cwd, e.temp)).
		WithRewrite(func(u string) string {
			if rest, ok := strings.CutPrefix(u, fakeDomain); ok {
				return e.srv.URL + rest
			}
			return u
		})
	rt, err := runtime.New(e.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	e.rt = rt
	return e
}

// toolConfig is the [tools.sdk-all] table, written with kebab-case keys
// that the plugin's Config spells in snake_case.
func toolConfig() map[string]any {
	return map[string]any{
		"index-url": fakeDomain + "/index.json",
		"dist-url":  "https://dl.example.invalid/dist/",
		"platforms": map[string]any{"macos": []string{"arm64", "x64"}, "linux": []string{"x64"}},
	}
}

func (e *env) load(t *testing.T, opts runtime.LoadOptions) *runtime.Plugin {
	t.Helper()
	if opts.ID == "" {
		opts.ID = "sdk-all"
	}
	p, err := e.rt.Load(e.ctx, e.wasm, opts)
	if err != nil {
		t.Fatalf("load sdk-all: %v", err)
	}
	return p
}

func (e *env) defaultPlugin(t *testing.T) *runtime.Plugin {
	return e.load(t, runtime.LoadOptions{
		ToolID:        "sdk-all-tool",
		ToolConfig:    toolConfig(),
		AllowedHosts:  []string{"127.0.0.1"},
		AllowExec:     true,
		AllowEnvWrite: true,
	})
}

// wantCallError checks that err is the plugin's own error (or another kind)
// reported with the plugin id and function, and returns its message.
func wantCallError(t *testing.T, err error, kind runtime.ErrorKind, fn string) string {
	t.Helper()
	var ce *runtime.CallError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *runtime.CallError", err, err)
	}
	if ce.PluginID != "sdk-all" || ce.Function != fn || ce.Kind != kind {
		t.Fatalf("CallError{PluginID: %q, Function: %q, Kind: %q}, want sdk-all, %s, %s (error: %v)", ce.PluginID, ce.Function, ce.Kind, fn, kind, err)
	}
	prefix := `plugin "sdk-all" function ` + fn + ": "
	if !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("error %q does not start with %q", err, prefix)
	}
	return ce.Message
}

func TestToolFunctions(t *testing.T) {
	e := setup(t)
	p := e.defaultPlugin(t)
	ctx := e.ctx

	for _, fn := range []string{api.FuncRegisterTool, api.FuncLoadVersions, api.FuncResolveVersion,
		api.FuncDownloadPrebuilt, api.FuncLocateExecutables, api.FuncDetectVersionFiles, api.FuncParseVersionFile} {
		if !p.HasFunction(fn) {
			t.Errorf("sdk-all does not export %s; exports %v", fn, p.Exports())
		}
	}

	t.Run("register_tool", func(t *testing.T) {
		var out api.RegisterToolOutput
		if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, &out); err != nil {
			t.Fatal(err)
		}
		want := api.RegisterToolOutput{Name: "SDK All (x)", Type: api.TypeCommandLine, PluginVersion: "0.3.0", DefaultVersion: "lts"}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("register_tool = %+v, want %+v", out, want)
		}
	})

	t.Run("load_versions", func(t *testing.T) {
		before := e.hitCount("/index.json")
		var out api.LoadVersionsOutput
		if err := p.Call(ctx, api.FuncLoadVersions, api.LoadVersionsInput{Initial: "latest"}, &out); err != nil {
			t.Fatal(err)
		}
		want := api.LoadVersionsOutput{
			Versions: []string{"18.9.0", "18.20.2", "20.11.1", "20.12.2", "21.7.3", "22.1.0", "23.0.0-rc.1"},
			Latest:   "22.1.0",
			Canary:   "23.0.0-rc.1",
			Aliases:  map[string]string{"lts": "20.12.2", "iron": "20.12.2", "hydrogen": "18.20.2", "stable": "22.1.0"},
		}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("load_versions =\n%+v\nwant\n%+v", out, want)
		}
		if got := e.hitCount("/index.json") - before; got != 1 {
			t.Errorf("the index was fetched %d times through the rewritten URL, want 1", got)
		}
	})

	t.Run("resolve_version", func(t *testing.T) {
		for initial, want := range map[string]api.ResolveVersionOutput{
			"20":           {Version: "20.12.2"},
			"v21.7.3":      {Version: "21.7.3"},
			"^18":          {Version: "18.20.2"},
			"~18.9":        {Version: "18.9.0"},
			">=18 <20.12":  {Version: "20.11.1"},
			"18.9 || 21":   {Version: "21.7.3"},
			"lts":          {Version: "20.12.2"},
			"lts/*":        {Version: "20.12.2"},
			"lts/hydrogen": {Version: "18.20.2"},
			"Hydrogen":     {Version: "18.20.2"},
			"stable":       {Candidate: "latest"},
			"canary":       {},
			"nightly":      {},
		} {
			var out api.ResolveVersionOutput
			if err := p.Call(ctx, api.FuncResolveVersion, api.ResolveVersionInput{Initial: initial}, &out); err != nil {
				t.Errorf("resolve %q: %v", initial, err)
				continue
			}
			if out != want {
				t.Errorf("resolve %q = %+v, want %+v", initial, out, want)
			}
		}
		for initial, want := range map[string]string{
			"99":      `no sdk-all version matches "99" (newest is 23.0.0-rc.1)`,
			"1..2":    `sdk-all cannot resolve "1..2": invalid version spec "1..2": bad number ""`,
			"1.2.3.4": `no sdk-all version matches "1.2.3.4" (newest is 23.0.0-rc.1)`, // a literal
			">=x.1":   `sdk-all cannot resolve ">=x.1": invalid version spec ">=x.1": bad comparator ">=x.1": number "1" after a wildcard`,
		} {
			err := p.Call(ctx, api.FuncResolveVersion, api.ResolveVersionInput{Initial: initial}, &api.ResolveVersionOutput{})
			if msg := wantCallError(t, err, runtime.KindPluginError, api.FuncResolveVersion); msg != want {
				t.Errorf("resolve %q: message %q, want %q", initial, msg, want)
			}
		}
	})

	t.Run("download_prebuilt", func(t *testing.T) {
		var out api.DownloadPrebuiltOutput
		in := api.DownloadPrebuiltInput{Context: api.Context{Version: "20.12.2"}, InstallDir: api.NewVirtualPath("/proto/tools/sdk-all/20.12.2")}
		if err := p.Call(ctx, api.FuncDownloadPrebuilt, in, &out); err != nil {
			t.Fatal(err)
		}
		want := api.DownloadPrebuiltOutput{
			DownloadURL:   "https://dl.example.invalid/dist/v20.12.2/sdk-all-v20.12.2-macos-arm64.tar.gz",
			ArchivePrefix: "sdk-all-v20.12.2-macos-arm64",
			ChecksumURL:   "https://dl.example.invalid/dist/v20.12.2/SHASUMS256.txt",
		}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("download_prebuilt =\n%+v\nwant\n%+v", out, want)
		}
	})

	t.Run("locate_executables", func(t *testing.T) {
		var out api.LocateExecutablesOutput
		if err := p.Call(ctx, api.FuncLocateExecutables, api.LocateExecutablesInput{}, &out); err != nil {
			t.Fatal(err)
		}
		want := api.LocateExecutablesOutput{
			Exes:              map[string]api.ExecutableConfig{"sdk-all": {ExePath: "bin/sdk-all", Primary: true}},
			GlobalsLookupDirs: []string{"$HOME/.sdk-all/bin"},
		}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("locate_executables = %+v", out)
		}
	})

	t.Run("detect_version_files", func(t *testing.T) {
		var out api.DetectVersionOutput
		if err := p.Call(ctx, api.FuncDetectVersionFiles, nil, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out.Files, []string{".sdk-all-version", ".tool-versions"}) || !reflect.DeepEqual(out.Ignore, []string{"node_modules"}) {
			t.Errorf("detect_version_files = %+v", out)
		}
	})

	t.Run("parse_version_file", func(t *testing.T) {
		for _, tc := range []struct{ file, content, want string }{
			{".sdk-all-version", "  lts/*\n", "lts/*"},
			{".tool-versions", "nodejs 20.1.0\nsdk-all ^18.2\n", "^18.2"},
			{".tool-versions", "nodejs 20.1.0\n", ""},
		} {
			var out api.ParseVersionFileOutput
			in := api.ParseVersionFileInput{File: tc.file, Content: tc.content, Path: api.NewVirtualPath("/cwd/" + tc.file)}
			if err := p.Call(ctx, api.FuncParseVersionFile, in, &out); err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			if out.Version != tc.want {
				t.Errorf("%s %q: version %q, want %q", tc.file, tc.content, out.Version, tc.want)
			}
		}
		in := api.ParseVersionFileInput{File: ".sdk-all-version", Content: ">=abc\n", Path: api.NewVirtualPath("/cwd/.sdk-all-version")}
		err := p.Call(ctx, api.FuncParseVersionFile, in, &api.ParseVersionFileOutput{})
		want := `/cwd/.sdk-all-version: invalid version spec ">=abc": bad comparator ">=abc": bad number "abc"`
		if msg := wantCallError(t, err, runtime.KindPluginError, api.FuncParseVersionFile); msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
	})
}

func (e *env) hitCount(path string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hits[path]
}

// probeOutput mirrors the fixture's ProbeHostOutput.
type probeOutput struct {
	HostEnvironment api.HostEnvironment   `json:"host_environment"`
	HomeReal        string                `json:"home_real"`
	PluginID        string                `json:"plugin_id"`
	ToolID          string                `json:"tool_id"`
	ToolConfig      map[string]any        `json:"tool_config"`
	VirtualPaths    map[string]string     `json:"virtual_paths"`
	Fetched         map[string]any        `json:"fetched"`
	Exec            api.ExecCommandOutput `json:"exec"`
	ExecCaptureErr  string                `json:"exec_capture_error"`
	EnvValue        string                `json:"env_value"`
	EnvAfterSet     string                `json:"env_after_set"`
	ToVirtual       string                `json:"to_virtual"`
	FromVirtual     string                `json:"from_virtual"`
	Supported       string                `json:"supported"`
	Unsupported     string                `json:"unsupported"`
	ExeName         string                `json:"exe_name"`
	ArchiveExt      string                `json:"archive_ext"`
}

const probeScript = `#!/bin/sh
echo "args=$1|$2"
echo "input=$PROBE_FROM_INPUT"
echo "set=$SDK_E2E_SET"
echo "get=$SDK_E2E_GET"
echo "pwd=$(pwd)"
echo "warning from probe" >&2
exit 3
`

func TestHostHelpers(t *testing.T) {
	e := setup(t)
	p := e.defaultPlugin(t)
	t.Setenv("SDK_E2E_GET", "from-tote")
	if err := os.WriteFile(filepath.Join(e.cwd, "probe.sh"), []byte(probeScript), 0o755); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{
		"fetch_url":     e.srv.URL + "/probe.json",
		"command":       "/cwd/probe.sh",
		"args":          []string{"one", "two words"},
		"get_env":       "SDK_E2E_GET",
		"set_env":       "SDK_E2E_SET",
		"set_env_value": "set-by-plugin",
		"real_path":     filepath.Join(e.cwd, "sub", "file.txt"),
		"virtual_path":  "/proto/tools/sdk-all",
	}
	var out probeOutput
	if err := p.Call(e.ctx, "probe_host", in, &out); err != nil {
		t.Fatal(err)
	}

	if out.HostEnvironment.OS != api.OSMacOS || out.HostEnvironment.Arch != api.ArchArm64 ||
		out.HostEnvironment.Libc != api.LibcUnknown || !out.HostEnvironment.CI || out.HostEnvironment.HomeDir.Path != "/userhome" {
		t.Errorf("host environment = %+v", out.HostEnvironment)
	}
	if out.HomeReal != e.userHome {
		t.Errorf("home dir real path = %q, want %q", out.HomeReal, e.userHome)
	}
	if out.PluginID != "sdk-all" || out.ToolID != "sdk-all-tool" {
		t.Errorf("plugin id %q, tool id %q", out.PluginID, out.ToolID)
	}
	wantCfg := map[string]any{
		"index_url": fakeDomain + "/index.json",
		"dist_url":  "https://dl.example.invalid/dist/",
		"platforms": map[string]any{"macos": []any{"arm64", "x64"}, "linux": []any{"x64"}},
	}
	if !reflect.DeepEqual(out.ToolConfig, wantCfg) {
		t.Errorf("tool config = %v, want %v", out.ToolConfig, wantCfg)
	}
	wantPaths := map[string]string{"/proto": e.toteHome, "/userhome": e.userHome, "/cwd": e.cwd, "/temp": e.temp}
	if !reflect.DeepEqual(out.VirtualPaths, wantPaths) {
		t.Errorf("virtual paths = %v, want %v", out.VirtualPaths, wantPaths)
	}
	if !reflect.DeepEqual(out.Fetched, map[string]any{"hello": "world", "n": float64(3)}) {
		t.Errorf("fetched = %v", out.Fetched)
	}
	if out.EnvValue != "from-tote" || out.EnvAfterSet != "set-by-plugin" {
		t.Errorf("GetEnv = %q, after SetEnv = %q", out.EnvValue, out.EnvAfterSet)
	}
	if got := p.EnvOverlay(); got["SDK_E2E_SET"] != "set-by-plugin" {
		t.Errorf("host overlay = %v", got)
	}
	wantStdout := strings.Join([]string{
		"args=one|two words",
		"input=from-input",
		"set=set-by-plugin",
		"get=from-tote",
		"pwd=" + e.cwd,
	}, "\n") + "\n"
	if out.Exec.ExitCode != 3 || out.Exec.Stdout != wantStdout || out.Exec.Stderr != "warning from probe\n" || out.Exec.Command != "/cwd/probe.sh" {
		t.Errorf("exec = %+v\nwant stdout %q", out.Exec, wantStdout)
	}
	if want := "exec /cwd/probe.sh one two words: exit code 3: warning from probe"; out.ExecCaptureErr != want {
		t.Errorf("ExecCapture error %q, want %q", out.ExecCaptureErr, want)
	}
	if want := "/cwd/sub/file.txt"; out.ToVirtual != want {
		t.Errorf("ToVirtualPath = %q, want %q", out.ToVirtual, want)
	}
	if want := filepath.Join(e.toteHome, "tools", "sdk-all"); out.FromVirtual != want {
		t.Errorf("FromVirtualPath = %q, want %q", out.FromVirtual, want)
	}
	if out.Supported != "ok" {
		t.Errorf("CheckSupportedOSAndArch on macos/arm64: %q", out.Supported)
	}
	if want := "sdk-all is not available for solaris/sparc64; supported: linux/x64, macos/arm64, macos/x64"; out.Unsupported != want {
		t.Errorf("unsupported = %q, want %q", out.Unsupported, want)
	}
	if out.ExeName != "sdk-all" || out.ArchiveExt != "tar.gz" {
		t.Errorf("exe name %q, archive ext %q", out.ExeName, out.ArchiveExt)
	}

	// Every log level reached the host's logger with the plugin's id.
	levels := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(e.logs.String()))
	for sc.Scan() {
		var rec struct {
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			Plugin string `json:"plugin"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if strings.HasPrefix(rec.Msg, "probe ") && rec.Plugin == "sdk-all" {
			levels[strings.TrimPrefix(rec.Msg, "probe ")] = rec.Level
		}
	}
	wantLevels := map[string]string{"trace": "DEBUG-4", "debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR"}
	if !reflect.DeepEqual(levels, wantLevels) {
		t.Errorf("log levels = %v, want %v\nlogs:\n%s", levels, wantLevels, e.logs.String())
	}
}

func TestErrorsReachTheHost(t *testing.T) {
	e := setup(t)
	p := e.defaultPlugin(t)
	ctx := e.ctx

	t.Run("Errorf", func(t *testing.T) {
		err := p.Call(ctx, "probe_fail", map[string]string{"version": "9.9.9"}, &struct{}{})
		if msg := wantCallError(t, err, runtime.KindPluginError, "probe_fail"); msg != "sdk-all 9.9.9: release not found" {
			t.Errorf("message %q", msg)
		}
	})

	t.Run("panic", func(t *testing.T) {
		err := p.Call(ctx, "probe_panic", map[string]string{"version": "1"}, &struct{}{})
		msg := wantCallError(t, err, runtime.KindPluginError, "probe_panic")
		if !strings.HasPrefix(msg, "panic: runtime error: index out of range [2] with length 1 (at sdk-all/probe.go:") {
			t.Errorf("message %q", msg)
		}
		// A recovered panic leaves the instance usable.
		var out api.RegisterToolOutput
		if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: "after-panic"}, &out); err != nil || out.Name != "SDK All (after-panic)" {
			t.Errorf("call after panic: %+v, %v", out, err)
		}
	})

	t.Run("HTTP status", func(t *testing.T) {
		var text string
		if err := p.Call(ctx, "probe_fetch_text", map[string]string{"url": e.srv.URL + "/probe.json"}, &text); err != nil || text != `{"hello": "world", "n": 3}` {
			t.Fatalf("FetchText = %q, %v", text, err)
		}
		url := e.srv.URL + "/missing"
		err := p.Call(ctx, "probe_fetch_text", map[string]string{"url": url}, &text)
		if msg := wantCallError(t, err, runtime.KindPluginError, "probe_fetch_text"); msg != "fetch "+url+": HTTP status 404" {
			t.Errorf("message %q", msg)
		}
	})

	t.Run("host not allowed", func(t *testing.T) {
		url := "http://127.0.0.2:9/never"
		err := p.Call(ctx, "probe_fetch_text", map[string]string{"url": url}, new(string))
		msg := wantCallError(t, err, runtime.KindPermissionDenied, "probe_fetch_text")
		if !strings.Contains(msg, `may not reach host "127.0.0.2"`) {
			t.Errorf("message %q", msg)
		}
	})

	t.Run("bad tool config", func(t *testing.T) {
		bad := e.load(t, runtime.LoadOptions{ToolConfig: map[string]any{"platforms": "everywhere"}})
		err := bad.Call(ctx, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.0.0"}}, &api.DownloadPrebuiltOutput{})
		msg := wantCallError(t, err, runtime.KindPluginError, api.FuncDownloadPrebuilt)
		if !strings.HasPrefix(msg, "invalid configuration in [tools.sdk-all]: decode tool configuration: json: cannot unmarshal string into Go struct field Config.platforms") {
			t.Errorf("message %q", msg)
		}
	})

	t.Run("unsupported platform", func(t *testing.T) {
		linuxOnly := e.load(t, runtime.LoadOptions{ToolConfig: map[string]any{"platforms": map[string]any{"linux": []string{"x64", "arm64"}}}})
		err := linuxOnly.Call(ctx, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.0.0"}}, &api.DownloadPrebuiltOutput{})
		msg := wantCallError(t, err, runtime.KindPluginError, api.FuncDownloadPrebuilt)
		if want := "sdk-all is not available for macos/arm64; supported: linux/arm64, linux/x64"; msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
	})

	t.Run("exec not granted", func(t *testing.T) {
		noExec := e.load(t, runtime.LoadOptions{ToolConfig: toolConfig()})
		err := noExec.Call(ctx, "probe_host", map[string]any{"command": "/cwd/probe.sh"}, &probeOutput{})
		msg := wantCallError(t, err, runtime.KindPermissionDenied, "probe_host")
		if !strings.Contains(msg, "exec is not granted") {
			t.Errorf("message %q", msg)
		}
		// The plugin keeps working after the refusal.
		var out probeOutput
		if err := noExec.Call(ctx, "probe_host", map[string]any{}, &out); err != nil || out.PluginID != "sdk-all" {
			t.Errorf("call after refusal: %+v, %v", out.PluginID, err)
		}
	})
}
