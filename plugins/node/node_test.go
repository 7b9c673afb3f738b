package node

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/version"
	"github.com/tote-dev/tote/plugins/node/nodetest"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// fakeHost serves fixed URL bodies and records logs.
type fakeHost struct {
	env    api.HostEnvironment
	config string
	urls   map[string][]byte
	logs   []string
}

func (h *fakeHost) Env() api.HostEnvironment { return h.env }
func (h *fakeHost) ToolID() string           { return "node" }
func (h *fakeHost) ToolConfig() []byte {
	if h.config == "" {
		return []byte("{}")
	}
	return []byte(h.config)
}
func (h *fakeHost) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := h.urls[url]; ok {
		return b, nil
	}
	return nil, pluginhost.Errorf("fetch %s: HTTP status 404", url)
}
func (h *fakeHost) Exec(context.Context, api.ExecCommandInput) (api.ExecCommandOutput, error) {
	return api.ExecCommandOutput{}, fmt.Errorf("no exec")
}
func (h *fakeHost) GetEnv(string) string { return "" }
func (h *fakeHost) Log(level api.LogTarget, msg string) {
	h.logs = append(h.logs, string(level)+": "+msg)
}

var (
	linux64    = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}
	linuxArm64 = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcGnu}
	linuxArm   = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcGnu}
	linuxPPC   = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchPowerPC64, Libc: api.LibcGnu}
	linuxS390x = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchS390x, Libc: api.LibcGnu}
	muslX64    = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcMusl}
	muslArm    = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcMusl}
	macArm64   = api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64}
	macX64     = api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchX64}
	win64      = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}
	win32      = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX86}
	winArm64   = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64}
	freebsd    = api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64}
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The real index sample: versions in index order, latest, stable and the
// codename aliases.
func TestLoadVersionsRealIndex(t *testing.T) {
	h := &fakeHost{urls: map[string][]byte{IndexURL: readTestdata(t, "index.json")}}
	out, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{Initial: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	want := api.LoadVersionsOutput{
		Versions: []string{"14.1.0", "13.14.0", "12.16.3", "10.20.1", "8.17.0", "7.10.1", "0.12.17"},
		Latest:   "14.1.0",
		Aliases: map[string]string{
			"latest": "14.1.0", "stable": "12.16.3",
			"erbium": "12.16.3", "dubnium": "10.20.1", "carbon": "8.17.0",
		},
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got %+v\nwant %+v", out, want)
	}
}

func TestLoadVersionsErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not json":   "<html>",
		"bad lts":    `[{"version":"v1.0.0","lts":3}]`,
		"no entries": "[]\n",
	} {
		h := &fakeHost{urls: map[string][]byte{IndexURL: []byte(body)}}
		_, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{})
		if err == nil || !strings.Contains(err.Error(), IndexURL) {
			t.Errorf("%s: err = %v, want one naming %s", name, err, IndexURL)
		}
	}
	_, err := LoadVersions(context.Background(), &fakeHost{}, api.LoadVersionsInput{})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing index: err = %v", err)
	}
}

// The mirror's index writer reproduces a real entry byte for byte.
func TestMirrorIndexWireFormat(t *testing.T) {
	real := strings.Split(string(readTestdata(t, "index.json")), "\n")
	var r14 nodetest.Release
	for _, r := range nodetest.Releases {
		if r.Version == "14.1.0" {
			r14 = r
		}
	}
	got := string(nodetest.Index([]nodetest.Release{r14}))
	want := "[\n" + strings.TrimSuffix(real[1], ",") + "\n]\n"
	if got != want {
		t.Fatalf("index line differs:\n got %s\nwant %s", got, want)
	}
}

// A full-size index (about 800 entries, like nodejs.org's) in the real
// format: every version, the right aliases, and agreement with the host's
// resolver.
func TestLoadVersionsLargeIndex(t *testing.T) {
	body := nodetest.LargeIndex(820)
	if len(body) < 300_000 {
		t.Fatalf("large index is only %d bytes", len(body))
	}
	h := &fakeHost{urls: map[string][]byte{IndexURL: body}}
	out, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Versions) != 820 {
		t.Fatalf("%d versions, want 820", len(out.Versions))
	}
	if out.Latest != "25.20.2" || out.Aliases["latest"] != "25.20.2" {
		t.Errorf("latest = %q / %q", out.Latest, out.Aliases["latest"])
	}
	for alias, want := range map[string]string{"stable": "24.20.2", "krypton": "24.20.2", "jod": "22.20.2", "iron": "20.20.2", "gallium": "16.20.2"} {
		if out.Aliases[alias] != want {
			t.Errorf("alias %s = %q, want %q", alias, out.Aliases[alias], want)
		}
	}
	avail := version.Available{Versions: out.Versions, Latest: out.Latest, Aliases: out.Aliases}
	for spec, want := range map[string]string{"20": "20.20.2", "18.3": "18.3.2", ">=17 <19": "18.20.2", "stable": "24.20.2", "iron": "20.20.2"} {
		s, err := version.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := version.Resolve(s, avail)
		if err != nil || got != want {
			t.Errorf("resolve %q = %q, %v; want %q", spec, got, err, want)
		}
	}
}

func BenchmarkLoadVersions(b *testing.B) {
	body := nodetest.LargeIndex(820)
	h := &fakeHost{urls: map[string][]byte{IndexURL: body}}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestResolveVersion(t *testing.T) {
	for in, want := range map[string]string{
		"node": "latest", "Node": "latest",
		"lts": "stable", "lts/*": "stable", "lts-*": "stable", "LTS/*": "stable", "lts-latest": "stable",
		"lts/iron": "iron", "lts/Iron": "iron", "lts-hydrogen": "hydrogen", "LTS/JOD": "jod",
		"20": "", "latest": "", "iron": "", "^18": "", "lts/": "",
	} {
		out, err := ResolveVersion(context.Background(), &fakeHost{}, api.ResolveVersionInput{Initial: in})
		if err != nil || out.Candidate != want || out.Version != "" {
			t.Errorf("resolve_version(%q) = %+v, %v; want candidate %q", in, out, err, want)
		}
	}
}

func TestParseShasumsReal(t *testing.T) {
	sums := ParseShasums(readTestdata(t, "SHASUMS256-v22.12.0.txt"))
	if got := sums["node-v22.12.0-darwin-arm64.tar.xz"]; got != "0047be0cfda922eb73876f9ef41de361c36b7654c884d13d9b783b0efd1db9aa" {
		t.Errorf("darwin-arm64.tar.xz = %q", got)
	}
	if _, ok := sums["win-x64/node.exe"]; !ok {
		t.Error("win-x64/node.exe missing")
	}
	got := strings.Join(publishedPlatforms(sums, "22.12.0"), " ")
	want := "aix-ppc64 darwin-arm64 darwin-x64 linux-arm64 linux-armv7l linux-ppc64le linux-s390x linux-x64 win-arm64 win-x64 win-x86"
	if got != want {
		t.Errorf("platforms of 22.12.0:\n got %s\nwant %s", got, want)
	}
	got = strings.Join(publishedPlatforms(ParseShasums(readTestdata(t, "SHASUMS256-v14.1.0.txt")), "14.1.0"), " ")
	if want := "aix-ppc64 darwin-x64 linux-arm64 linux-armv7l linux-ppc64le linux-s390x linux-x64 win-x64 win-x86"; got != want {
		t.Errorf("platforms of 14.1.0:\n got %s\nwant %s", got, want)
	}
}

// download_prebuilt against the real SHASUMS256.txt of 22.12.0 and 14.1.0.
func TestDownloadPrebuilt(t *testing.T) {
	const base = "https://nodejs.org/download/release/"
	urls := map[string][]byte{
		base + "v22.12.0/SHASUMS256.txt":                                                readTestdata(t, "SHASUMS256-v22.12.0.txt"),
		base + "v14.1.0/SHASUMS256.txt":                                                 readTestdata(t, "SHASUMS256-v14.1.0.txt"),
		"https://mirror.example/node/v22.12.0/SHASUMS256.txt":                           readTestdata(t, "SHASUMS256-v22.12.0.txt"),
		"https://unofficial-builds.nodejs.org/download/release/v22.12.0/SHASUMS256.txt": []byte("1111111111111111111111111111111111111111111111111111111111111111  node-v22.12.0-linux-x64-musl.tar.xz\n"),
	}
	type want struct{ file, sum, url, err, log string }
	cases := []struct {
		name    string
		env     api.HostEnvironment
		config  string
		version string
		want    want
	}{
		{"linux x64", linux64, "", "22.12.0", want{file: "node-v22.12.0-linux-x64.tar.xz", sum: "22982235e1b71fa8850f82edd09cdae7e3f32df1764a9ec298c72d25ef2c164f"}},
		{"linux x64 with v", linux64, "", "v22.12.0", want{file: "node-v22.12.0-linux-x64.tar.xz", sum: "22982235e1b71fa8850f82edd09cdae7e3f32df1764a9ec298c72d25ef2c164f"}},
		{"linux arm64", linuxArm64, "", "22.12.0", want{file: "node-v22.12.0-linux-arm64.tar.xz", sum: "8cfd5a8b9afae5a2e0bd86b0148ca31d2589c0ea669c2d0b11c132e35d90ed68"}},
		{"linux armv7l", linuxArm, "", "22.12.0", want{file: "node-v22.12.0-linux-armv7l.tar.xz", sum: "afedb2695faacb22805adde9534f2a360f2b39cab622ebdfe5e7383a2b58ebb9"}},
		{"linux ppc64le", linuxPPC, "", "22.12.0", want{file: "node-v22.12.0-linux-ppc64le.tar.xz", sum: "199a606ba1ee86cce6d6b369c71f9d00873d2836a6662592afc3b6a5923e2004"}},
		{"linux s390x", linuxS390x, "", "22.12.0", want{file: "node-v22.12.0-linux-s390x.tar.xz", sum: "9b517f8006eb4b451d40c461cbe64f93c6455566dbe2613387ab02412bc06d35"}},
		{"mac arm64", macArm64, "", "22.12.0", want{file: "node-v22.12.0-darwin-arm64.tar.xz", sum: "0047be0cfda922eb73876f9ef41de361c36b7654c884d13d9b783b0efd1db9aa"}},
		{"mac x64", macX64, "", "14.1.0", want{file: "node-v14.1.0-darwin-x64.tar.xz", sum: "552c6a31cbc48fac8cfab03f350fe6f4f7189570507f96b4df99e881cefac9da"}},
		{"mac arm64 before 16 uses x64", macArm64, "", "14.1.0", want{file: "node-v14.1.0-darwin-x64.tar.xz", sum: "552c6a31cbc48fac8cfab03f350fe6f4f7189570507f96b4df99e881cefac9da", log: "Rosetta"}},
		{"windows x64", win64, "", "22.12.0", want{file: "node-v22.12.0-win-x64.zip", sum: "2b8f2256382f97ad51e29ff71f702961af466c4616393f767455501e6aece9b8"}},
		{"windows x86", win32, "", "14.1.0", want{file: "node-v14.1.0-win-x86.zip"}},
		{"windows arm64", winArm64, "", "22.12.0", want{file: "node-v22.12.0-win-arm64.zip", sum: "17401720af48976e3f67c41e8968a135fb49ca1f88103a92e0e8c70605763854"}},
		{"windows arm64 before 19.9", winArm64, "", "14.1.0", want{err: "node 14.1.0 is not available for windows/arm64: nodejs.org publishes no node-v14.1.0-win-arm64.zip (see https://nodejs.org/download/release/v14.1.0/SHASUMS256.txt); builds of 14.1.0: aix-ppc64, darwin-x64, linux-arm64, linux-armv7l, linux-ppc64le, linux-s390x, linux-x64, win-x64, win-x86"}},
		{"custom dist-url", linux64, `{"dist-url":"https://mirror.example/node/v{version}/{file}"}`, "22.12.0", want{file: "node-v22.12.0-linux-x64.tar.xz", url: "https://mirror.example/node/v22.12.0/node-v22.12.0-linux-x64.tar.xz"}},
		{"dist-url without file", linux64, `{"dist-url":"https://mirror.example/node/"}`, "22.12.0", want{err: `dist-url "https://mirror.example/node/" in [tools.node] has no {file} token`}},
		{"musl x64 uses unofficial builds", muslX64, "", "22.12.0", want{file: "node-v22.12.0-linux-x64-musl.tar.xz", url: "https://unofficial-builds.nodejs.org/download/release/v22.12.0/node-v22.12.0-linux-x64-musl.tar.xz", sum: strings.Repeat("1", 64), log: "nodejs.org publishes no musl builds"}},
		{"musl without unofficial build", muslX64, "", "14.1.0", want{err: "node 14.1.0: cannot read the list of published files: fetch https://unofficial-builds.nodejs.org/download/release/v14.1.0/SHASUMS256.txt: HTTP status 404"}},
		{"musl arm", muslArm, "", "22.12.0", want{err: "node 22.12.0 is not available for linux/arm with musl libc: nodejs.org publishes no musl builds"}},
		{"freebsd", freebsd, "", "22.12.0", want{err: "node is not available for freebsd/x64; supported: linux/arm, linux/arm64, linux/powerpc64, linux/s390x, linux/x64, macos/arm64, macos/x64, windows/arm64, windows/x64, windows/x86"}},
		{"unknown version", linux64, "", "99.0.0", want{err: "node 99.0.0: cannot read the list of published files: fetch https://nodejs.org/download/release/v99.0.0/SHASUMS256.txt: HTTP status 404"}},
		{"alias", linux64, "", "latest", want{err: `node: cannot download "latest"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &fakeHost{env: c.env, config: c.config, urls: urls}
			out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: c.version}})
			if c.want.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.want.err) {
					t.Fatalf("err = %v, want %q", err, c.want.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			stem := strings.TrimSuffix(strings.TrimSuffix(c.want.file, ".zip"), ".tar.xz")
			url := c.want.url
			if url == "" {
				url = base + "v" + strings.TrimPrefix(c.version, "v") + "/" + c.want.file
			}
			if out.DownloadURL != url || out.DownloadName != c.want.file || out.ArchivePrefix != stem {
				t.Errorf("got %+v", out)
			}
			if out.ChecksumURL != strings.TrimSuffix(url, c.want.file)+"SHASUMS256.txt" || out.ChecksumName != "SHASUMS256.txt" {
				t.Errorf("checksum file: %q %q", out.ChecksumURL, out.ChecksumName)
			}
			if c.want.sum != "" && out.Checksum != api.Checksum("sha256:"+c.want.sum) {
				t.Errorf("checksum = %q, want sha256:%s", out.Checksum, c.want.sum)
			}
			if c.want.log != "" && !strings.Contains(strings.Join(h.logs, "\n"), c.want.log) {
				t.Errorf("logs %q lack %q", h.logs, c.want.log)
			}
		})
	}
}

// An archive without .tar.xz (old releases) falls back to .tar.gz.
func TestDownloadPrebuiltTarGzFallback(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	h := &fakeHost{env: linux64, urls: map[string][]byte{
		"https://nodejs.org/download/release/v0.10.48/SHASUMS256.txt": []byte(sum + "  node-v0.10.48-linux-x64.tar.gz\n" + sum + "  node-v0.10.48.tar.gz\n"),
	}}
	out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "0.10.48"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.DownloadName != "node-v0.10.48-linux-x64.tar.gz" || out.ArchivePrefix != "node-v0.10.48-linux-x64" {
		t.Fatalf("got %+v", out)
	}
}

func TestLocateExecutables(t *testing.T) {
	cases := []struct {
		env     api.HostEnvironment
		version string
		want    map[string]string
		dir     string
	}{
		{linux64, "22.12.0", map[string]string{"node": "bin/node", "npm": "bin/npm", "npx": "bin/npx", "corepack": "bin/corepack"}, "bin"},
		{macArm64, "25.0.0", map[string]string{"node": "bin/node", "npm": "bin/npm", "npx": "bin/npx"}, "bin"},
		{linux64, "14.1.0", map[string]string{"node": "bin/node", "npm": "bin/npm", "npx": "bin/npx"}, "bin"},
		{linux64, "14.19.0", map[string]string{"node": "bin/node", "npm": "bin/npm", "npx": "bin/npx", "corepack": "bin/corepack"}, "bin"},
		{linux64, "16.8.0", map[string]string{"node": "bin/node", "npm": "bin/npm", "npx": "bin/npx"}, "bin"},
		{linux64, "8.1.4", map[string]string{"node": "bin/node", "npm": "bin/npm"}, "bin"},
		{linux64, "0.4.12", map[string]string{"node": "bin/node"}, "bin"},
		{linux64, "canary", map[string]string{"node": "bin/node", "npm": "bin/npm", "npx": "bin/npx"}, "bin"},
		{win64, "20.18.1", map[string]string{"node": "node.exe", "npm": "npm.cmd", "npx": "npx.cmd", "corepack": "corepack.cmd"}, "."},
	}
	for _, c := range cases {
		out, err := LocateExecutables(context.Background(), &fakeHost{env: c.env}, api.LocateExecutablesInput{Context: api.Context{Version: c.version}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for name, e := range out.Exes {
			got[name] = e.ExePath
			if e.Primary != (name == "node") {
				t.Errorf("%s %s: %s primary = %v", c.env.OS, c.version, name, e.Primary)
			}
		}
		if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(out.ExesDirs, []string{c.dir}) {
			t.Errorf("%s %s: exes %v dirs %v; want %v %v", c.env.OS, c.version, got, out.ExesDirs, c.want, c.dir)
		}
		if !reflect.DeepEqual(out.GlobalsLookupDirs, []string{"$PROTO_HOME/tools/node/globals/bin"}) {
			t.Errorf("globals = %v", out.GlobalsLookupDirs)
		}
	}
}

func TestDetectVersionFiles(t *testing.T) {
	out, err := DetectVersionFiles(context.Background(), &fakeHost{}, api.DetectVersionInput{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	if string(b) != `{"files":[".nvmrc",".node-version","package.json"],"ignore":["node_modules"]}` {
		t.Fatalf("got %s", b)
	}
}

// Version files: what each content pins, and that the host accepts it.
func TestParseVersionFile(t *testing.T) {
	cases := []struct {
		file, content, want, err string
	}{
		{".nvmrc", "20\n", "20", ""},
		{".nvmrc", "v20.11.1\n", "20.11.1", ""},
		{".nvmrc", "  v18  \r\n", "18", ""},
		{".nvmrc", "\ufeff22.12.0", "22.12.0", ""},
		{".nvmrc", "# the LTS we test on\n\n// and a C comment\nlts/iron\n", "lts/iron", ""},
		{".nvmrc", "lts/*  # newest LTS\n", "lts/*", ""},
		{".nvmrc", "node\n", "latest", ""},
		{".nvmrc", "Node", "latest", ""},
		{".nvmrc", "system\n", "", ""},
		{".nvmrc", "\n\n# nothing\n", "", ""},
		{".nvmrc", "", "", ""},
		{".nvmrc", ">=18 <21\n", ">=18 <21", ""},
		{".nvmrc", "20.x", "20.x", ""},
		{".nvmrc", "20 21 !!", "", `.nvmrc: "20 21 !!" is not a Node.js version`},
		{".node-version", "22.12.0\n", "22.12.0", ""},
		{".node-version", "v20\n", "20", ""},
		{"package.json", `{"engines":{"node":">=18 <21"}}`, ">=18 <21", ""},
		{"package.json", `{"engines":{"node":"^18 || ^20"}}`, "^18 || ^20", ""},
		{"package.json", `{"engines":{"node":">= 18"}}`, ">= 18", ""},
		{"package.json", `{"engines":{"npm":"10"}}`, "", ""},
		{"package.json", `{"engines":{"node":"latest"}}`, "", ""},
		{"package.json", `{"volta":{"node":"20.11.1"},"engines":{"node":">=18"}}`, "20.11.1", ""},
		{"package.json", `{"devEngines":{"runtime":{"name":"node","version":"^22"}},"volta":{"node":"20.11.1"},"engines":{"node":">=18"}}`, "^22", ""},
		{"package.json", `{"devEngines":{"runtime":[{"name":"bun","version":"1"},{"name":"node","version":"22.12.0","onFail":"error"}]}}`, "22.12.0", ""},
		{"package.json", `{"devEngines":{"runtime":{"name":"deno","version":"2"}},"engines":{"node":"20"}}`, "20", ""},
		{"package.json", `{"devEngines":{"runtime":{"name":"node","version":"not a version !"}},"engines":{"node":"20"}}`, "20", ""},
		{"package.json", `{"engines":{"node":"not a version !"}}`, "", `package.json: engines.node "not a version !" is not a Node.js version`},
		{"package.json", `{"name":"app","dependencies":{"left-pad":"1"}}`, "", ""},
		{"package.json", `{"engines":"node 20"}`, "", ""},
		{"package.json", `{ not json`, "", ""},
	}
	for _, c := range cases {
		h := &fakeHost{}
		out, err := ParseVersionFile(context.Background(), h, api.ParseVersionFileInput{File: c.file, Content: c.content})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: err = %v, want %q", c.file, c.content, err, c.err)
			}
			continue
		}
		if err != nil || out.Version != c.want {
			t.Errorf("%s %q = %q, %v; want %q", c.file, c.content, out.Version, err, c.want)
			continue
		}
		if out.Version != "" {
			if _, err := version.ParseSpec(out.Version); err != nil {
				t.Errorf("%s %q: the host rejects %q: %v", c.file, c.content, out.Version, err)
			}
		}
		if c.content == `{ not json` && len(h.logs) == 0 {
			t.Error("invalid package.json: no warning logged")
		}
	}
}

func TestConfig(t *testing.T) {
	h := &fakeHost{config: `{"bundled-npm":true,"dist-url":"https://x/v{version}/{file}"}`}
	cfg, err := loadConfig(h)
	if err != nil || cfg.DistURL != "https://x/v{version}/{file}" || !cfg.BundledNpm {
		t.Fatalf("got %+v, %v", cfg, err)
	}
	cfg, err = loadConfig(&fakeHost{})
	if err != nil || cfg.DistURL != DefaultDistURL || cfg.BundledNpm {
		t.Fatalf("defaults: got %+v, %v", cfg, err)
	}
	if _, err := loadConfig(&fakeHost{config: `{"dist-url":3}`}); err == nil || !strings.Contains(err.Error(), "[tools.node]") {
		t.Fatalf("bad config: err = %v", err)
	}
}
