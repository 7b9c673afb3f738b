package nodepm_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/nodepm"
	"github.com/tote-dev/tote/plugins/nodepm/nodepmtest"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// host serves the mirrored registry from files, as the real host would
// after url-rewrites.
func host(t *testing.T, id string) *hosttest.Host {
	t.Helper()
	dir := t.TempDir()
	if _, err := nodepmtest.Build(dir); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Name() == "index.json" {
			rel, _ := filepath.Rel(dir, filepath.Dir(p))
			rel = filepath.ToSlash(rel)
			if strings.HasPrefix(rel, "@") {
				rel = strings.Replace(rel, "/", "%2f", 1)
			}
			files[nodepmtest.Upstream+rel] = p
			files[nodepmtest.Upstream+rel+"/"] = p
		}
		return nil
	})
	return &hosttest.Host{ID: id, HostEnv: api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}, Files: files}
}

func call[O any](t *testing.T, h pluginhost.Host, k nodepm.Kind, fn string, in any) (O, error) {
	t.Helper()
	n := &pluginhost.Native{PluginID: k.String(), Table: nodepm.Table(k), Host: h}
	var out O
	err := n.Call(context.Background(), fn, in, &out)
	return out, err
}

func TestYarnVersionsMergeClassicAndBerry(t *testing.T) {
	h := host(t, "yarn")
	out, err := call[api.LoadVersionsOutput](t, h, nodepm.Yarn, api.FuncLoadVersions, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := "1.9.4 1.22.19 1.22.21 1.22.22 2.4.3 3.6.4 4.5.0 4.18.1"
	if got := strings.Join(out.Versions, " "); got != want {
		t.Errorf("versions %s, want %s", got, want)
	}
	if out.Latest != "4.18.1" || out.Aliases["berry"] != "4.18.1" || out.Aliases["classic"] != "1.22.22" || out.Aliases["legacy"] != "1.22.22" {
		t.Errorf("latest %s aliases %v", out.Latest, out.Aliases)
	}
	if len(h.Fetched) != 2 || !strings.HasSuffix(h.Fetched[1], "/@yarnpkg%2fcli-dist/") {
		t.Errorf("fetched %v", h.Fetched)
	}
}

func TestDownloadVerifiesIntegrity(t *testing.T) {
	h := host(t, "pnpm")
	out, err := call[api.DownloadPrebuiltOutput](t, h, nodepm.Pnpm, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "9.1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.DownloadURL != "https://registry.npmjs.org/pnpm/-/pnpm-9.1.0.tgz" || out.ArchivePrefix != "package" || !strings.HasPrefix(string(out.Checksum), "sha512:") || len(out.Checksum) != 7+128 {
		t.Errorf("download %+v", out)
	}
	// yarn 1 before 1.22.20 unpacks from yarn-v<version>/.
	h = host(t, "yarn")
	y, err := call[api.DownloadPrebuiltOutput](t, h, nodepm.Yarn, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.22.19"}})
	if err != nil || y.ArchivePrefix != "yarn-v1.22.19" {
		t.Errorf("yarn 1.22.19: %+v %v", y, err)
	}
}

func TestHostileVersionDocument(t *testing.T) {
	h := &hosttest.Host{ID: "npm", HostEnv: api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64}, Pages: map[string]string{
		"https://registry.npmjs.org/npm/10.9.0": `{"name":"evil","version":"10.9.0","dist":{"tarball":"https://evil.example/x.tgz"}}`,
		"https://registry.npmjs.org/npm/10.8.2": `{"name":"npm","version":"10.8.2","dist":{"tarball":"https://r/x.tgz","integrity":"sha512-AAAA"}}`,
		"https://registry.npmjs.org/npm/10.1.0": `{"name":"npm","version":"10.1.0","dist":{}}`,
		"https://registry.npmjs.org/npm/":       `<html>`,
	}}
	for v, want := range map[string]string{
		"10.9.0": "describes evil 10.9.0, not npm 10.9.0",
		"10.8.2": "a sha512 digest has",
		"10.1.0": "names no dist.tarball",
		"10.0.0": "is not published on the npm registry as npm",
	} {
		_, err := call[api.DownloadPrebuiltOutput](t, h, nodepm.Npm, api.FuncDownloadPrebuilt, api.DownloadPrebuiltInput{Context: api.Context{Version: v}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", v, err, want)
		}
	}
	if _, err := call[api.LoadVersionsOutput](t, h, nodepm.Npm, api.FuncLoadVersions, api.LoadVersionsInput{}); err == nil || !strings.Contains(err.Error(), "is not an npm package document") {
		t.Errorf("load_versions of HTML: %v", err)
	}
}

func TestBundledNpm(t *testing.T) {
	index := `[
{"version":"v22.12.0","date":"2024-12-03","files":[],"npm":"10.9.0","lts":"Jod","security":false},
{"version":"v0.4.0","date":"2011-08-26","files":[],"lts":false,"security":false}
]
`
	h := &hosttest.Host{ID: "npm", Pages: map[string]string{nodepm.NodeIndexURL: index}, Vars: map[string]string{"TOTE_NODE_VERSION": "22.12.0"}}
	out, err := call[api.ResolveVersionOutput](t, h, nodepm.Npm, api.FuncResolveVersion, api.ResolveVersionInput{Initial: "bundled"})
	if err != nil || out.Version != "10.9.0" {
		t.Fatalf("bundled = %+v, %v", out, err)
	}
	// Through `node --version` when no variable says.
	h.Vars = nil
	h.ExecFn = func(in api.ExecCommandInput) (api.ExecCommandOutput, error) {
		return api.ExecCommandOutput{Stdout: "v0.4.0\n"}, nil
	}
	if _, err := call[api.ResolveVersionOutput](t, h, nodepm.Npm, api.FuncResolveVersion, api.ResolveVersionInput{Initial: "bundled"}); err == nil || !strings.Contains(err.Error(), "bundles no npm") {
		t.Errorf("node 0.4: %v", err)
	}
	h.ExecFn = nil
	if _, err := call[api.ResolveVersionOutput](t, h, nodepm.Npm, api.FuncResolveVersion, api.ResolveVersionInput{Initial: "bundled"}); err == nil || !strings.Contains(err.Error(), "set TOTE_NODE_VERSION") {
		t.Errorf("no node: %v", err)
	}
}

func TestLocateRunsThroughNode(t *testing.T) {
	h := &hosttest.Host{ID: "npm", HostEnv: api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64}}
	out, err := call[api.LocateExecutablesOutput](t, h, nodepm.Npm, api.FuncLocateExecutables, api.LocateExecutablesInput{Context: api.Context{Version: "10.9.0"}})
	if err != nil {
		t.Fatal(err)
	}
	npm := out.Exes["npm"]
	if npm.ExePath != "bin/npm-cli.js" || npm.ParentExeName != "node" || !npm.Primary || npm.ShimEnvVars["npm_config_prefix"] != "$TOTE_HOME/tools/npm/globals" {
		t.Errorf("npm %+v", npm)
	}
	if out.Exes["npx"].ExePath != "bin/npx-cli.js" || len(out.GlobalsLookupDirs) != 1 {
		t.Errorf("locate %+v", out)
	}
}
