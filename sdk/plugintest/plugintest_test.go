package plugintest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk/plugintest"
)

// The kit is tested with the repository's example plugins and two host
// fixtures: sdk-all (reports what it sees of the host) and full-contract
// (exports every tool function).
const (
	ripgrepDir = "../../examples/ripgrep"
	sdkAllDir  = "../../testdata/fixtures/sdk-all"
	fullDir    = "../../testdata/fixtures/full-contract"
)

func TestBuildCachesAndNames(t *testing.T) {
	a := plugintest.Build(t, ripgrepDir)
	b := plugintest.Build(t, ripgrepDir+"/")
	if a != b {
		t.Errorf("second Build returned %s, want the cached %s", b, a)
	}
	if filepath.Base(a) != "ripgrep.wasm" {
		t.Errorf("artifact %s, want ripgrep.wasm (named like tote plugin build)", a)
	}
	if b, err := os.ReadFile(a); err != nil || len(b) < 8 || string(b[:4]) != "\x00asm" {
		t.Errorf("%s is not a WebAssembly module (%v)", a, err)
	}
}

func TestBuildReportsCompileErrors(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs("../..")
	write(t, filepath.Join(dir, "go.mod"), "module example.com/broken\n\ngo 1.24\n\nrequire github.com/tote-dev/tote/sdk v0.0.0\n\nreplace (\n\tgithub.com/tote-dev/tote/sdk => "+abs+"/sdk\n\tgithub.com/tote-dev/tote/api => "+abs+"/api\n)\n")
	write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc helper() {}\n")
	_, err := plugintest.BuildE(t.Context(), dir)
	if err == nil {
		t.Fatal("building a package without main succeeded")
	}
	if !strings.Contains(err.Error(), "function main is undeclared") || !strings.Contains(err.Error(), "hint: a plugin is package main with an empty `func main() {}`") {
		t.Errorf("error lacks the compiler's message and the hint:\n%v", err)
	}
}

func TestMirror(t *testing.T) {
	m := plugintest.NewMirror(t)
	m.File("https://example.com/dl/tool.tar.gz", []byte("0123456789"))
	m.JSON("https://api.example.com/releases?page=2", []string{"1.0.0"})
	m.HandleFunc("https://api.example.com/teapot", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	get := func(path, rng string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, m.URL+path, nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/example.com/dl/tool.tar.gz", ""); code != 200 || body != "0123456789" {
		t.Errorf("file: %d %q", code, body)
	}
	if code, body := get("/example.com/dl/tool.tar.gz", "bytes=4-"); code != 206 || body != "456789" {
		t.Errorf("range: %d %q", code, body)
	}
	if code, body := get("/api.example.com/releases?page=2", ""); code != 200 || body != `["1.0.0"]` {
		t.Errorf("json with query: %d %q", code, body)
	}
	if code, _ := get("/api.example.com/releases?page=3", ""); code != 404 {
		t.Errorf("another query: %d, want 404", code)
	}
	if code, _ := get("/api.example.com/teapot", ""); code != http.StatusTeapot {
		t.Errorf("handler: %d", code)
	}
	code, body := get("/example.com/missing", "")
	if code != 404 || !strings.Contains(body, "nothing is published at https://example.com/missing") || !strings.Contains(body, "https://example.com/dl/tool.tar.gz") {
		t.Errorf("404: %d %q", code, body)
	}
	if n := m.Count("https://example.com/dl/tool.tar.gz"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	if got := m.Requests()[0]; got != "GET https://example.com/dl/tool.tar.gz" {
		t.Errorf("first request %q", got)
	}
	if got := m.Upstream(m.URL + "/example.com/x"); got != "https://example.com/x" {
		t.Errorf("Upstream = %q", got)
	}
}

// probe is what the sdk-all fixture reports about its host.
type probe struct {
	HostEnvironment api.HostEnvironment `json:"host_environment"`
	PluginID        string              `json:"plugin_id"`
	ToolConfig      struct {
		DistURL string `json:"dist_url"`
	} `json:"tool_config"`
	VirtualPaths map[string]string `json:"virtual_paths"`
	Fetched      any               `json:"fetched"`
	EnvValue     string            `json:"env_value"`
}

func TestOptionsReachThePlugin(t *testing.T) {
	wasm := plugintest.Build(t, sdkAllDir)
	m := plugintest.NewMirror(t)
	m.JSON("https://releases.example.com/index.json", map[string]string{"from": "mirror"})
	p := plugintest.New(t, wasm,
		plugintest.ID("probe"),
		plugintest.Host("darwin", "arm64"), plugintest.Libc("musl"), plugintest.CI(true),
		plugintest.ToolConfig(map[string]any{"dist-url": "https://dist.example.com"}),
		plugintest.Env("PLUGINTEST_PROBE", "set by the test"),
		plugintest.UseMirror(m))
	var out probe
	in := map[string]string{"fetch_url": "https://releases.example.com/index.json", "get_env": "PLUGINTEST_PROBE"}
	if err := p.Call("probe_host", in, &out); err != nil {
		t.Fatal(err)
	}
	env := out.HostEnvironment
	if env.OS != api.OSMacOS || env.Arch != api.ArchArm64 || env.Libc != api.LibcMusl || !env.CI {
		t.Errorf("host_environment = %+v, want macos/arm64/musl/ci", env)
	}
	if out.PluginID != "probe" || out.ToolConfig.DistURL != "https://dist.example.com" || out.EnvValue != "set by the test" {
		t.Errorf("probe = %+v", out)
	}
	if got, _ := json.Marshal(out.Fetched); string(got) != `{"from":"mirror"}` {
		t.Errorf("fetched %s through the mirror", got)
	}
	if out.VirtualPaths["/proto"] != p.Sandbox.Home || out.VirtualPaths["/cwd"] != p.Sandbox.Cwd || out.VirtualPaths["/userhome"] != p.Sandbox.UserHome {
		t.Errorf("virtual paths %v do not match the sandbox %+v", out.VirtualPaths, p.Sandbox)
	}
	for _, d := range []string{p.Sandbox.Home, p.Sandbox.UserHome, p.Sandbox.Cwd} {
		if !strings.HasPrefix(d, os.TempDir()) && !strings.Contains(d, t.Name()) {
			t.Errorf("sandbox directory %s is not temporary", d)
		}
	}
}

// TestTypedMethods calls every typed method on a plugin that exports every
// tool function, and checks that each reaches its function with tote's
// context.
func TestTypedMethods(t *testing.T) {
	wasm := plugintest.Build(t, fullDir)
	p := plugintest.New(t, wasm, plugintest.ID("full"))
	ctx := p.Context("1.2.0")
	reg, err := p.RegisterTool(api.RegisterToolInput{})
	if err != nil || reg.Name != "Full full" {
		t.Errorf("RegisterTool = %+v, %v", reg, err)
	}
	if _, err := p.DownloadPrebuilt(api.DownloadPrebuiltInput{Context: ctx}); err != nil {
		t.Error(err)
	}
	if _, err := p.LocateExecutables(api.LocateExecutablesInput{Context: ctx}); err != nil {
		t.Error(err)
	}
	if _, err := p.LoadVersions(api.LoadVersionsInput{}); err != nil {
		t.Error(err)
	}
	if _, err := p.ResolveVersion(api.ResolveVersionInput{Initial: "1"}); err != nil {
		t.Error(err)
	}
	if _, err := p.DetectVersionFiles(api.DetectVersionInput{}); err != nil {
		t.Error(err)
	}
	if _, err := p.ParseVersionFile(api.ParseVersionFileInput{File: ".full-version", Content: "1.2"}); err != nil {
		t.Error(err)
	}
	if _, err := p.VerifyChecksum(api.VerifyChecksumInput{Context: ctx}); err != nil {
		t.Error(err)
	}
	if _, err := p.NativeInstall(api.NativeInstallInput{Context: ctx}); err != nil {
		t.Error(err)
	}
	if _, err := p.NativeUninstall(api.NativeUninstallInput{Context: ctx}); err != nil {
		t.Error(err)
	}
	if err := p.PostInstall(api.InstallHook{Context: ctx}); err != nil {
		t.Error(err)
	}
	if out, err := p.PreRun(api.RunHook{Context: ctx}); err != nil || out.Env["TOOL_VERSION"] != "1.2.0" {
		t.Errorf("PreRun = %+v, %v", out, err)
	}
	if _, err := p.SyncManifest(api.SyncManifestInput{Context: ctx}); err != nil {
		t.Error(err)
	}
	pin, err := p.PinVersion(api.PinVersionInput{Version: "1.2"})
	if err != nil || pin.File == nil || pin.File.Path != "/cwd/.full-version" {
		t.Errorf("PinVersion = %+v, %v", pin, err)
	}
	if _, err := p.UnpinVersion(api.UnpinVersionInput{}); err != nil {
		t.Error(err)
	}
	act, err := p.ActivateEnvironment(api.ActivateEnvironmentInput{Context: ctx})
	if err != nil || act.Env["TOOL_HOME"] != "/proto/tools/full/1.2.0" {
		t.Errorf("ActivateEnvironment = %+v, %v (want TOOL_HOME from the context)", act, err)
	}
	if real, err := p.Real("/proto/tools"); err != nil || real != filepath.Join(p.Sandbox.Home, "tools") {
		t.Errorf("Real(/proto/tools) = %s, %v", real, err)
	}
	if !p.Has(api.FuncActivateEnvironment) || p.Has("no_such_function") {
		t.Error("Has is wrong")
	}
	err = p.Call("no_such_function", struct{}{}, nil)
	if err == nil || !strings.Contains(err.Error(), `plugin "full" function no_such_function`) {
		t.Errorf("calling a missing function: %v", err)
	}
}

// TestSuitesOnExample runs every suite against the ripgrep example, as its
// own tests do, from outside its module.
func TestSuitesOnExample(t *testing.T) {
	wasm := plugintest.Build(t, ripgrepDir)
	m := plugintest.NewMirror(t)
	publishRipgrep(t, m, "14.1.1", "14.0.3")
	p := plugintest.New(t, wasm, plugintest.Host("linux", "x64"), plugintest.UseMirror(m))
	plugintest.ResolveVersions(t, p, map[string]string{"14": "14.1.1", "14.0": "14.0.3", "latest": "14.1.1"})
	plugintest.DownloadInstall(t, p, "14.0.3", m)
	plugintest.Executables(t, p, "14.0.3", []string{"rg"})
	plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{{Name: ".ripgrep-version", Content: "14.0\n"}: "14.0"})
}

// publishRipgrep publishes linux-x64 releases of a fake ripgrep.
func publishRipgrep(t *testing.T, m *plugintest.Mirror, versions ...string) {
	var rels []map[string]string
	for _, v := range versions {
		rels = append(rels, map[string]string{"tag_name": v})
		dir := "ripgrep-" + v + "-x86_64-unknown-linux-musl"
		archive := plugintest.TarGz(t, plugintest.FakeExe(dir+"/rg", "ripgrep "+v))
		url := "https://github.com/BurntSushi/ripgrep/releases/download/" + v + "/" + dir + ".tar.gz"
		m.File(url, archive)
		m.File(url+".sha256", plugintest.Checksums(map[string][]byte{dir + ".tar.gz": archive}))
	}
	m.JSON("https://api.github.com/repos/BurntSushi/ripgrep/releases?per_page=100", rels)
}

// The suites must fail when the plugin is wrong. Each case runs in a child
// test process (this binary, -test.run=TestSuiteFailureChild) and must fail
// with the expected message.
func TestSuitesFail(t *testing.T) {
	cases := []struct{ name, want string }{
		{"resolve-wrong", `resolve "14" = 14.1.1, want 14.0.3`},
		{"executables-wrong", `executables = ["rg"], want ["rg" "rga"]`},
		{"versionfile-wrong", `parse_version_file(.ripgrep-version, "14.1\n") = "14.1", want "14.1.1"`},
		{"checksum-missing", "checksum file"},
		{"corrupt-not-rejected", "the error should say the checksum does not match; got: install ripgrep 14.1.1: archive"},
	}
	wasm := plugintest.Build(t, ripgrepDir) // build before the children need it
	_ = wasm
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSuiteFailureChild$", "-test.v")
			cmd.Env = append(os.Environ(), "PLUGINTEST_FAILURE_CASE="+c.name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed, want a failure:\n%s", out)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("the failure lacks %q:\n%s", c.want, out)
			}
		})
	}
}

// TestSuiteFailureChild runs one failing case of TestSuitesFail; it does
// nothing in a normal run.
func TestSuiteFailureChild(t *testing.T) {
	name := os.Getenv("PLUGINTEST_FAILURE_CASE")
	if name == "" {
		t.Skip("run by TestSuitesFail")
	}
	wasm := plugintest.Build(t, ripgrepDir)
	m := plugintest.NewMirror(t)
	publishRipgrep(t, m, "14.1.1", "14.0.3")
	p := plugintest.New(t, wasm, plugintest.Host("linux", "x64"), plugintest.UseMirror(m))
	switch name {
	case "resolve-wrong":
		plugintest.ResolveVersions(t, p, map[string]string{"14": "14.0.3"})
	case "executables-wrong":
		plugintest.Executables(t, p, "14.1.1", []string{"rg", "rga"})
	case "versionfile-wrong":
		plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{{Name: ".ripgrep-version", Content: "14.1\n"}: "14.1.1"})
	case "checksum-missing":
		m.HandleFunc("https://github.com/BurntSushi/ripgrep/releases/download/14.1.1/ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz.sha256", http.NotFound)
		plugintest.DownloadInstall(t, p, "14.1.1", m)
	case "corrupt-not-rejected":
		// A checksum file computed from whatever the server currently
		// serves (a compromised mirror) makes corruption undetectable: the
		// suite must say so.
		file := "ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz"
		url := "https://github.com/BurntSushi/ripgrep/releases/download/14.1.1/" + file
		m.HandleFunc(url+".sha256", func(w http.ResponseWriter, r *http.Request) {
			resp, err := http.Get("http://" + r.Host + strings.TrimSuffix(r.URL.Path, ".sha256"))
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			w.Write(plugintest.Checksums(map[string][]byte{file: b}))
		})
		plugintest.DownloadInstall(t, p, "14.1.1", m)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
