package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/plugins/schema"
	"github.com/tote-dev/tote/plugins/schema/schemafile"
)

// host is a native host for the core: the injected schema, real exec (git)
// and real HTTP.
type host struct {
	env    api.HostEnvironment
	id     string
	schema string
	noExec bool
}

func (h *host) Env() api.HostEnvironment { return h.env }
func (h *host) ToolID() string           { return h.id }
func (h *host) ToolConfig() []byte       { return []byte("{}") }
func (h *host) GetEnv(string) string     { return "" }
func (h *host) Log(api.LogTarget, string) {
}
func (h *host) Config(key string) (string, bool) {
	if key == api.ConfigSchema {
		return h.schema, true
	}
	return "", false
}
func (h *host) Fetch(_ context.Context, url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("fetch %s: HTTP status %d", url, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}
func (h *host) Exec(_ context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	if h.noExec {
		return api.ExecCommandOutput{}, fmt.Errorf("%s: exec is not granted", api.PermissionDenied)
	}
	cmd := exec.Command(in.Command, in.Args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := api.ExecCommandOutput{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		out.ExitCode = ee.ExitCode()
		return out, nil
	}
	return out, err
}

func parse(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := schemafile.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return string(res.JSON)
}

func call[I, O any](t *testing.T, h pluginhost.Host, fn string, in I) O {
	t.Helper()
	n := &pluginhost.Native{PluginID: "t", Table: schema.Table, Host: h}
	var out O
	if err := n.Call(t.Context(), fn, in, &out); err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
	return out
}

func download(t *testing.T, file string, env api.HostEnvironment, version string) api.DownloadPrebuiltOutput {
	h := &host{env: env, id: strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), schema: parse(t, file)}
	return call[api.DownloadPrebuiltInput, api.DownloadPrebuiltOutput](t, h, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: version}})
}

// The recorded third-party plugins produce the release URLs their tools
// really publish.
func TestDownloadPrebuiltThirdParty(t *testing.T) {
	tests := []struct {
		file    string
		env     api.HostEnvironment
		version string
		want    api.DownloadPrebuiltOutput
	}{
		{"proto-toml/uv.toml", conformance.Linux64, "0.6.5", api.DownloadPrebuiltOutput{
			DownloadURL:   "https://github.com/astral-sh/uv/releases/download/0.6.5/uv-x86_64-unknown-linux-gnu.tar.gz",
			DownloadName:  "uv-x86_64-unknown-linux-gnu.tar.gz",
			ArchivePrefix: "uv-x86_64-unknown-linux-gnu",
			ChecksumURL:   "https://github.com/astral-sh/uv/releases/download/0.6.5/uv-x86_64-unknown-linux-gnu.tar.gz.sha256",
			ChecksumName:  "uv-x86_64-unknown-linux-gnu.tar.gz.sha256"}},
		{"proto-toml/uv.toml", conformance.LinuxMusl, "0.6.5", api.DownloadPrebuiltOutput{
			DownloadURL:   "https://github.com/astral-sh/uv/releases/download/0.6.5/uv-x86_64-unknown-linux-musl.tar.gz",
			DownloadName:  "uv-x86_64-unknown-linux-musl.tar.gz",
			ArchivePrefix: "uv-x86_64-unknown-linux-musl",
			ChecksumURL:   "https://github.com/astral-sh/uv/releases/download/0.6.5/uv-x86_64-unknown-linux-musl.tar.gz.sha256",
			ChecksumName:  "uv-x86_64-unknown-linux-musl.tar.gz.sha256"}},
		{"proto-toml/uv.toml", conformance.MacArm64, "0.6.5", api.DownloadPrebuiltOutput{
			DownloadURL:   "https://github.com/astral-sh/uv/releases/download/0.6.5/uv-aarch64-apple-darwin.tar.gz",
			DownloadName:  "uv-aarch64-apple-darwin.tar.gz",
			ArchivePrefix: "uv-aarch64-apple-darwin",
			ChecksumURL:   "https://github.com/astral-sh/uv/releases/download/0.6.5/uv-aarch64-apple-darwin.tar.gz.sha256",
			ChecksumName:  "uv-aarch64-apple-darwin.tar.gz.sha256"}},
		{"proto-toml/biome.toml", conformance.Linux64, "1.9.4", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/biomejs/biome/releases/download/cli/v1.9.4/biome-linux-x64",
			DownloadName: "biome-linux-x64", ChecksumName: "CHECKSUM.txt"}},
		{"proto-toml/biome.toml", conformance.LinuxMusl, "1.9.4", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/biomejs/biome/releases/download/cli/v1.9.4/biome-linux-x64-musl",
			DownloadName: "biome-linux-x64-musl", ChecksumName: "CHECKSUM.txt"}},
		{"proto-toml/biome.toml", conformance.WinArm64, "1.9.4", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/biomejs/biome/releases/download/cli/v1.9.4/biome-win32-arm64.exe",
			DownloadName: "biome-win32-arm64.exe", ChecksumName: "CHECKSUM.txt"}},
		{"proto-toml/jq.toml", conformance.Linux64, "1.7.1", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux-amd64",
			DownloadName: "jq-linux-amd64", ChecksumName: "sha256sum.txt"}},
		{"proto-toml/protoc.toml", conformance.LinuxArm64, "25.1.0", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/protocolbuffers/protobuf/releases/download/v25.1/protoc-25.1-linux-aarch_64.zip",
			DownloadName: "protoc-25.1-linux-aarch_64.zip", ChecksumName: "CHECKSUM.txt"}},
		{"proto-toml/terraform.toml", conformance.MacX64, "1.10.5", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://releases.hashicorp.com/terraform/1.10.5/terraform_1.10.5_darwin_amd64.zip",
			DownloadName: "terraform_1.10.5_darwin_amd64.zip",
			ChecksumURL:  "https://releases.hashicorp.com/terraform/1.10.5/terraform_1.10.5_SHA256SUMS",
			ChecksumName: "terraform_1.10.5_SHA256SUMS"}},
		{"proto-toml/zig.toml", conformance.Linux64, "0.14.0", api.DownloadPrebuiltOutput{
			DownloadURL:       "https://ziglang.org/download/0.14.0/zig-x86_64-linux-0.14.0.tar.xz",
			DownloadName:      "zig-x86_64-linux-0.14.0.tar.xz",
			ArchivePrefix:     "zig-x86_64-linux-0.14.0",
			ChecksumURL:       "https://ziglang.org/download/0.14.0/zig-x86_64-linux-0.14.0.tar.xz.minisig",
			ChecksumName:      "zig-x86_64-linux-0.14.0.tar.xz.minisig",
			ChecksumPublicKey: "RWSGOq2NVecA2UPNdBUZykf1CCb147pkmdtYxgb3Ti+JO/wCYvhbAb/U"}},
		{"proto-toml/hugo-extended.toml", conformance.MacArm64, "0.140.2", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/gohugoio/hugo/releases/download/v0.140.2/hugo_extended_0.140.2_darwin-universal.tar.gz",
			DownloadName: "hugo_extended_0.140.2_darwin-universal.tar.gz",
			ChecksumURL:  "https://github.com/gohugoio/hugo/releases/download/v0.140.2/hugo_0.140.2_checksums.txt",
			ChecksumName: "CHECKSUM.txt"}},
		{"proto-toml/gh.toml", conformance.Win64, "2.65.0", api.DownloadPrebuiltOutput{
			DownloadURL:  "https://github.com/cli/cli/releases/download/v2.65.0/gh_2.65.0_windows_amd64.zip",
			DownloadName: "gh_2.65.0_windows_amd64.zip", ChecksumName: "gh_2.65.0_checksums.txt"}},
	}
	for _, tt := range tests {
		got := download(t, tt.file, tt.env, tt.version)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s on %s/%s:\n got  %+v\n want %+v", tt.file, tt.env.OS, tt.env.Arch, got, tt.want)
		}
	}
}

func locate(t *testing.T, file string, env api.HostEnvironment, version string) api.LocateExecutablesOutput {
	h := &host{env: env, id: strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), schema: parse(t, file)}
	return call[api.LocateExecutablesInput, api.LocateExecutablesOutput](t, h, api.FuncLocateExecutables, api.LocateExecutablesInput{Context: api.Context{Version: version}})
}

func TestLocateExecutables(t *testing.T) {
	tests := []struct {
		file    string
		env     api.HostEnvironment
		version string
		want    map[string]api.ExecutableConfig
	}{
		{"proto-toml/uv.toml", conformance.Linux64, "0.6.5", map[string]api.ExecutableConfig{
			"uv": {ExePath: "uv", Primary: true}, "uvx": {ExePath: "uvx"}}},
		{"proto-toml/uv.toml", conformance.Win64, "0.6.5", map[string]api.ExecutableConfig{
			"uv": {ExePath: "uv.exe", Primary: true}, "uvx": {ExePath: "uvx.exe"}}},
		{"proto-toml/gh.toml", conformance.Linux64, "2.65.0", map[string]api.ExecutableConfig{
			"gh": {ExePath: "gh_2.65.0_linux_amd64/bin/gh", Primary: true}}},
		{"proto-toml/protoc.toml", conformance.Linux64, "25.1.0", map[string]api.ExecutableConfig{
			"protoc": {ExePath: "bin/protoc", Primary: true}}},
		{"proto-toml/terraform.toml", conformance.Win64, "1.10.5", map[string]api.ExecutableConfig{
			"terraform": {ExePath: "terraform.exe", Primary: true}}},
		{"proto-toml/jq.toml", conformance.Linux64, "1.7.1", map[string]api.ExecutableConfig{
			"jq": {ExePath: "jq", Primary: true}}},
	}
	for _, tt := range tests {
		got := locate(t, tt.file, tt.env, tt.version)
		if !reflect.DeepEqual(got.Exes, tt.want) {
			t.Errorf("%s on %s: exes %+v, want %+v", tt.file, tt.env.OS, got.Exes, tt.want)
		}
	}
}

func TestRegisterToolDeprecations(t *testing.T) {
	for file, want := range map[string]string{
		"proto-toml/terraform.toml":     "platform.linux.bin-path setting is deprecated",
		"proto-toml/protoc.toml":        "install.primary setting is deprecated",
		"proto-toml/hugo-extended.toml": "install.primary setting is deprecated",
	} {
		h := &host{env: conformance.Linux64, id: "x", schema: parse(t, file)}
		out := call[api.RegisterToolInput, api.RegisterToolOutput](t, h, api.FuncRegisterTool, api.RegisterToolInput{ID: "x"})
		if len(out.Deprecations) != 1 || !strings.Contains(out.Deprecations[0], want) {
			t.Errorf("%s: deprecations %q, want %q", file, out.Deprecations, want)
		}
		if out.Type != api.TypeCommandLine || out.PluginVersion != schema.Version {
			t.Errorf("%s: %+v", file, out)
		}
	}
	h := &host{env: conformance.Linux64, id: "uv", schema: parse(t, "proto-toml/uv.toml")}
	out := call[api.RegisterToolInput, api.RegisterToolOutput](t, h, api.FuncRegisterTool, api.RegisterToolInput{ID: "uv"})
	if out.Name != "uv" || len(out.Deprecations) != 0 {
		t.Errorf("uv: %+v", out)
	}
	// A schema without the host's OS cannot register there.
	s := `{"name":"only-mac","type":"cli","platform":{"macos":{"download-file":"f"}},"install":{"download-url":"u"},"resolve":{"versions":["1.0.0"]}}`
	n := &pluginhost.Native{PluginID: "t", Table: schema.Table, Host: &host{env: conformance.Linux64, schema: s}}
	if err := n.Call(t.Context(), api.FuncRegisterTool, api.RegisterToolInput{ID: "t"}, nil); err == nil || !strings.Contains(err.Error(), "unsupported OS linux") {
		t.Errorf("register on an unsupported OS: %v", err)
	}
	// A BSD falls back to the linux platform.
	bsd := conformance.Linux64
	bsd.OS = api.OSFreeBSD
	d := download(t, "proto-toml/jq.toml", bsd, "1.7.1")
	if d.DownloadName != "jq-linux-amd64" {
		t.Errorf("freebsd fallback: %+v", d)
	}
}

// gitRepo makes a bare repository with the given tags and returns its
// file:// URL.
func gitRepo(t *testing.T, tags ...string) string {
	t.Helper()
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	run := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(work, 0o755)
	run(work, "init", "-q")
	run(work, "commit", "-q", "--allow-empty", "-m", "init")
	for i, tag := range tags {
		if i%2 == 0 {
			run(work, "tag", tag)
		} else {
			run(work, "tag", "-a", "-m", tag, tag) // annotated: ls-remote also lists tag^{}
		}
	}
	run(dir, "clone", "-q", "--bare", work, filepath.Join(dir, "repo.git"))
	return "file://" + filepath.Join(dir, "repo.git")
}

// withGitURL returns the schema JSON of file with resolve.git-url replaced.
func withGitURL(t *testing.T, file, url string) string {
	var m map[string]any
	json.Unmarshal([]byte(parse(t, file)), &m)
	m["resolve"].(map[string]any)["git-url"] = url
	b, _ := json.Marshal(m)
	return string(b)
}

// Versions come from the tags of a real Git repository through git
// ls-remote, matched by each plugin's own version-pattern.
func TestLoadVersionsFromGitTags(t *testing.T) {
	tests := []struct {
		file   string
		tags   []string
		want   []string
		latest string
	}{
		// jq's tags are jq-X.Y.Z; jq-1.6 (two parts) does not match its pattern.
		{"proto-toml/jq.toml", []string{"jq-1.7.1", "jq-1.6", "jq-1.7", "jq-1.7.0", "jq-1.5rc1", "v-other"}, []string{"1.7.1", "1.7.0"}, "1.7.1"},
		// biome: cli/vX.Y.Z with prereleases; other packages' tags are skipped.
		{"proto-toml/biome.toml", []string{"cli/v1.9.4", "cli/v1.9.3", "cli/v2.0.0-beta.1", "js-api/v0.7.1", "lsp/v1.0.0"}, []string{"2.0.0-beta.1", "1.9.4", "1.9.3"}, "1.9.4"},
		// protoc: vMAJOR.MINOR only.
		{"proto-toml/protoc.toml", []string{"v25.1", "v25.0", "v3.20.3", "v26.0-rc1"}, []string{"25.1.0", "25.0.0"}, "25.1.0"},
		// uv: the default pattern (bare X.Y.Z or vX.Y.Z).
		{"proto-toml/uv.toml", []string{"0.6.5", "0.6.4", "v0.5.0", "0.6.5-alpha.1", "nightly"}, []string{"0.6.5", "0.6.5-alpha.1", "0.6.4", "0.5.0"}, "0.6.5"},
	}
	for _, tt := range tests {
		url := gitRepo(t, tt.tags...)
		h := &host{env: conformance.Linux64, id: "x", schema: withGitURL(t, tt.file, url)}
		out := call[api.LoadVersionsInput, api.LoadVersionsOutput](t, h, api.FuncLoadVersions, api.LoadVersionsInput{Initial: "latest"})
		if !reflect.DeepEqual(out.Versions, tt.want) || out.Latest != tt.latest || out.Aliases["latest"] != tt.latest {
			t.Errorf("%s: versions %v latest %q aliases %v; want %v latest %q", tt.file, out.Versions, out.Latest, out.Aliases, tt.want, tt.latest)
		}
	}
	// Without the exec grant the error says so.
	h := &host{env: conformance.Linux64, id: "x", schema: parse(t, "proto-toml/jq.toml"), noExec: true}
	n := &pluginhost.Native{PluginID: "jq", Table: schema.Table, Host: h}
	err := n.Call(t.Context(), api.FuncLoadVersions, api.LoadVersionsInput{}, nil)
	if err == nil || !strings.Contains(err.Error(), "permission-denied") || !strings.Contains(err.Error(), "https://github.com/jqlang/jq") {
		t.Errorf("no exec grant: %v", err)
	}
	// A missing repository names the URL and git's exit.
	h = &host{env: conformance.Linux64, id: "x", schema: withGitURL(t, "proto-toml/jq.toml", "file:///nonexistent/repo.git")}
	n.Host = h
	if err := n.Call(t.Context(), api.FuncLoadVersions, api.LoadVersionsInput{}, nil); err == nil || !strings.Contains(err.Error(), "file:///nonexistent/repo.git") {
		t.Errorf("missing repo: %v", err)
	}
}

func TestLoadVersionsManifestAndStatic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/strings.json":
			w.Write([]byte(`["v1.0.0","v1.1.0","bogus","v2.0.0-rc.1"]`))
		case "/objects.json":
			w.Write([]byte(`[{"latest_version":"3.0.0"},{"latest_version":"3.1.0","other":1},{"version":"9.9.9"},42]`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base := func(resolve string) string {
		return `{"name":"m","platform":{"linux":{"download-file":"f"}},"install":{"download-url":"u"},"resolve":` + resolve + `}`
	}
	tests := []struct {
		resolve string
		want    []string
		aliases map[string]string
	}{
		{`{"manifest-url":"` + srv.URL + `/strings.json"}`, []string{"2.0.0-rc.1", "1.1.0", "1.0.0"}, map[string]string{"latest": "1.1.0"}},
		{`{"manifest-url":"` + srv.URL + `/objects.json","manifest-version-key":"latest_version"}`, []string{"3.1.0", "3.0.0"}, map[string]string{"latest": "3.1.0"}},
		{`{"versions":["1.2.3","1.2.4","1.2.5"],"aliases":{"stable":"1.2.4"}}`, []string{"1.2.5", "1.2.4", "1.2.3"}, map[string]string{"latest": "1.2.5", "stable": "1.2.4"}},
		{`{"versions":["2024.1.15"],"manifest-url":"` + srv.URL + `/strings.json","version-pattern":"^v(?<year>\\d+)\\.(?<month>\\d+)"}`, []string{"2024.1.15", "2.0.0", "1.1.0", "1.0.0"}, map[string]string{"latest": "2024.1.15"}},
	}
	for _, tt := range tests {
		h := &host{env: conformance.Linux64, schema: base(tt.resolve)}
		out := call[api.LoadVersionsInput, api.LoadVersionsOutput](t, h, api.FuncLoadVersions, api.LoadVersionsInput{})
		if !reflect.DeepEqual(out.Versions, tt.want) || !reflect.DeepEqual(out.Aliases, tt.aliases) {
			t.Errorf("%s: %v %v; want %v %v", tt.resolve, out.Versions, out.Aliases, tt.want, tt.aliases)
		}
	}
	h := &host{env: conformance.Linux64, schema: base(`{"manifest-url":"` + srv.URL + `/missing.json"}`)}
	n := &pluginhost.Native{PluginID: "m", Table: schema.Table, Host: h}
	if err := n.Call(t.Context(), api.FuncLoadVersions, api.LoadVersionsInput{}, nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing manifest: %v", err)
	}
}

func TestTokens(t *testing.T) {
	s := `{"name":"tok","platform":{"linux":{"download-file":"f-{versionMajor}-{versionMinor}-{versionPatch}-{versionYear}-{versionMonth}-{versionDay}-{versionYearMonth}-{versionMajorMinor}-{versionPrerelease}-{versionBuild}-{os}-{arch}","arch":{"arm64":"aarch64"}}},"install":{"download-url":"https://x/{download_file}","arch":{"arm64":"ARM","x64":"X"}},"resolve":{"versions":["1.0.0"]}}`
	h := &host{env: conformance.LinuxArm64, schema: s}
	out := call[api.DownloadPrebuiltInput, api.DownloadPrebuiltOutput](t, h, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "2024.3.7-rc.1+b5"}})
	// The platform's arch map shadows [install.arch] even mapping to the Rust name.
	if want := "f-2024-3-7-2024-03-07-2024-03-2024.3-rc.1-b5-linux-aarch64"; out.DownloadName != want {
		t.Errorf("tokens: %q, want %q", out.DownloadName, want)
	}
	h.env = conformance.Linux64
	out = call[api.DownloadPrebuiltInput, api.DownloadPrebuiltOutput](t, h, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "canary"}})
	if want := "f-----------linux-X"; out.DownloadName != want {
		t.Errorf("canary tokens: %q, want %q", out.DownloadName, want)
	}
	archs := `{"name":"a","platform":{"linux":{"download-file":"f","archs":["x64"]}},"install":{"download-url":"u"},"resolve":{"versions":["1.0.0"]}}`
	n := &pluginhost.Native{PluginID: "a", Table: schema.Table, Host: &host{env: conformance.LinuxArm64, schema: archs}}
	if err := n.Call(t.Context(), api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.0.0"}}, nil); err == nil || !strings.Contains(err.Error(), "unsupported architecture arm64") {
		t.Errorf("archs: %v", err)
	}
}

func TestDetectVersionFiles(t *testing.T) {
	h := &host{env: conformance.Linux64, schema: parse(t, "proto-toml/terraform.toml")}
	out := call[api.DetectVersionInput, api.DetectVersionOutput](t, h, api.FuncDetectVersionFiles, api.DetectVersionInput{})
	if !reflect.DeepEqual(out.Files, []string{".terraform-version"}) {
		t.Errorf("files = %v", out.Files)
	}
}

func TestMissingSchema(t *testing.T) {
	n := &pluginhost.Native{PluginID: "x", Table: schema.Table, Host: &host{env: conformance.Linux64}}
	if err := n.Call(t.Context(), api.FuncRegisterTool, api.RegisterToolInput{ID: "x"}, nil); err == nil || !strings.Contains(err.Error(), "proto_schema") {
		t.Errorf("no schema: %v", err)
	}
}

// The WASM build resolves Git tags through the host's exec_command exactly
// as the native build does (conformance cannot grant exec, so this test
// loads the WASM build itself, with the grant the host gives schemas with a
// git-url).
func TestWasmGitTagsMatchNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM plugin")
	}
	wasmPath := wasmbuild.Build(t, "wasm")
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	dir := t.TempDir()
	mounts := vpath.ToolMounts(filepath.Join(dir, "home"), filepath.Join(dir, "user"), filepath.Join(dir, "cwd"), filepath.Join(dir, "home", "temp"))
	for _, m := range mounts {
		os.MkdirAll(m.Real, 0o755)
	}
	rt, err := runtime.New(ctx, runtime.NewConfig().WithCacheDir(wasmbuild.CompileCacheDir()).
		WithHostEnvironment(conformance.Linux64).WithMounts(mounts))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	url := gitRepo(t, "jq-1.7.1", "jq-1.7.0", "jq-1.6", "jq-1.8.0-rc1")
	s := withGitURL(t, "proto-toml/jq.toml", url)
	for _, grant := range []bool{true, false} {
		p, err := rt.LoadBytes(ctx, wasm, runtime.LoadOptions{ID: "jq", Config: map[string]string{api.ConfigSchema: s}, AllowExec: grant})
		if err != nil {
			t.Fatal(err)
		}
		wOut, wErr := p.CallRaw(ctx, api.FuncLoadVersions, []byte(`{"initial":"latest"}`))
		p.Close(ctx)
		native := &pluginhost.Native{PluginID: "jq", Table: schema.Table, Host: &host{env: conformance.Linux64, id: "jq", schema: s, noExec: !grant}}
		nOut, nErr := native.CallRaw(ctx, api.FuncLoadVersions, []byte(`{"initial":"latest"}`))
		if !grant {
			if wErr == nil || nErr == nil || !strings.Contains(wErr.Error(), "permission") {
				t.Errorf("without exec: wasm %v %s; native %v", wErr, wOut, nErr)
			}
			continue
		}
		if wErr != nil || nErr != nil {
			t.Fatalf("wasm %v; native %v", wErr, nErr)
		}
		// jq's pattern is not anchored at the end, so jq-1.8.0-rc1 reads as
		// 1.8.0, as it does in proto.
		if string(wOut) != string(nOut) || !strings.Contains(string(wOut), `"versions":["1.8.0","1.7.1","1.7.0"]`) {
			t.Errorf("outputs differ or are wrong:\n wasm   %s\n native %s", wOut, nOut)
		}
	}
}
