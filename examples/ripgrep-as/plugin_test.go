// Package ripgrepas tests the AssemblyScript ripgrep plugin (assembly/) in
// tote's real host: the same sdk/plugintest suites, with the same
// expectations, as the Go example in ../ripgrep, and a parity test that
// feeds both plugins the same inputs and compares what they answer.
package ripgrepas

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/sdk/plugintest"
)

// errNoNPM is returned (wrapped) by buildAS when npm is not on PATH.
var errNoNPM = errors.New("npm not found on PATH")

// asBuild builds the AssemblyScript plugin once per test process.
var asBuild = sync.OnceValues(func() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	return buildAS(ctx, ".")
})

// wasmAS returns the path of the AssemblyScript plugin, built with
// `npm ci` (when node_modules is missing) and `npm run build`. Without npm
// the test is skipped with a warning that shows without -v.
func wasmAS(t *testing.T) string {
	t.Helper()
	path, err := asBuild()
	if errors.Is(err, errNoNPM) {
		fmt.Fprintf(os.Stderr, "WARNING: skipping %s: %v: install Node.js >= 20 to test the AssemblyScript plugin\n", t.Name(), err)
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// buildAS builds the plugin in dir and returns the path of a copy named
// ripgrep.wasm (so that plugintest derives the tool id "ripgrep"), cached
// by a hash of the Node.js version and every source the build reads, in
// $TOTE_PLUGINTEST_CACHE (default <user cache dir>/tote-plugintest).
func buildAS(ctx context.Context, dir string) (string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNoNPM, err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	node, err := run(ctx, dir, "node", "--version")
	if err != nil {
		return "", err
	}
	key, err := sourceHash(dir, node)
	if err != nil {
		return "", err
	}
	base := os.Getenv("TOTE_PLUGINTEST_CACHE")
	if base == "" {
		ucd, err := os.UserCacheDir()
		if err != nil {
			ucd = os.TempDir()
		}
		base = filepath.Join(ucd, "tote-plugintest")
	}
	outDir := filepath.Join(base, "wasm-as", key)
	out := filepath.Join(outDir, "ripgrep.wasm")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	// One lock for the source tree, which npm ci and the build write into.
	lock := flock.New(filepath.Join(base, "wasm-as", "ripgrep-as.lock"))
	if err := lock.Lock(); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Path(), err)
	}
	defer lock.Unlock()
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "assemblyscript")); err != nil {
		if _, err := run(ctx, dir, npm, "ci", "--no-audit", "--no-fund"); err != nil {
			return "", err
		}
	}
	if _, err := run(ctx, dir, npm, "run", "build"); err != nil {
		return "", err
	}
	if err := copyFile(filepath.Join(dir, "ripgrep.wasm"), out+".tmp"); err != nil {
		return "", err
	}
	return out, os.Rename(out+".tmp", out)
}

func run(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s in %s: %w\n%s%s", name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}

// sourceHash hashes extra and everything the build reads besides
// node_modules: package.json, package-lock.json, asconfig.json, assembly/.
func sourceHash(dir, extra string) (string, error) {
	files := []string{"package.json", "package-lock.json", "asconfig.json"}
	err := filepath.WalkDir(filepath.Join(dir, "assembly"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hash the plugin's sources: %w", err)
	}
	slices.Sort(files)
	h := sha256.New()
	fmt.Fprintln(h, extra)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return "", fmt.Errorf("hash the plugin's sources: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

// release is the part of a GitHub release the plugins read.
type release struct {
	TagName    string `json:"tag_name"`
	Draft      bool   `json:"draft"`
	Prerelease bool   `json:"prerelease"`
}

// Fake ripgrep releases, newest first as the GitHub API lists them (the
// same as ../ripgrep's tests).
var releases = []release{
	{TagName: "15.0.0-beta.1", Prerelease: true},
	{TagName: "14.1.1"},
	{TagName: "14.1.0"},
	{TagName: "14.0.3"},
	{TagName: "13.0.0"},
}

const releasesURL = "https://api.github.com/repos/BurntSushi/ripgrep/releases?per_page=100"

// targets is ripgrep's Rust target triple per platform it publishes
// binaries for: the expectation both plugins are tested against.
var targets = map[string]map[string]string{
	"linux": {
		"x64":   "x86_64-unknown-linux-musl",
		"arm64": "aarch64-unknown-linux-gnu",
		"x86":   "i686-unknown-linux-gnu",
		"arm":   "armv7-unknown-linux-gnueabihf",
	},
	"macos": {
		"x64":   "x86_64-apple-darwin",
		"arm64": "aarch64-apple-darwin",
	},
	"windows": {
		"x64": "x86_64-pc-windows-msvc",
		"x86": "i686-pc-windows-msvc",
	},
}

// asset returns the release asset of a version for a platform and the
// directory its archive wraps everything in.
func asset(version, os, arch string) (file, dir string) {
	dir = "ripgrep-" + version + "-" + targets[os][arch]
	if os == "windows" {
		return dir + ".zip", dir
	}
	return dir + ".tar.gz", dir
}

// publish serves the fake releases on the mirror in ripgrep's real layout:
// the releases API, and for every version and platform the archive (rg
// inside ripgrep-<version>-<target>/) and its .sha256 file.
func publish(t *testing.T, m *plugintest.Mirror) {
	m.JSON(releasesURL, releases)
	for _, r := range releases {
		v := r.TagName
		for os, arches := range targets {
			for arch := range arches {
				file, dir := asset(v, os, arch)
				rg := plugintest.FakeExe(dir+"/rg", "ripgrep "+v)
				var archive []byte
				if os == "windows" {
					rg.Name += ".exe"
					archive = plugintest.Zip(t, rg)
				} else {
					archive = plugintest.TarGz(t, plugintest.Entry{Name: dir + "/"}, rg,
						plugintest.Entry{Name: dir + "/doc/rg.1", Body: ".TH RG 1\n"})
				}
				url := "https://github.com/BurntSushi/ripgrep/releases/download/" + v + "/" + file
				m.File(url, archive)
				m.File(url+".sha256", plugintest.Checksums(map[string][]byte{file: archive}))
			}
		}
	}
}

// TestPlugin runs the AssemblyScript plugin through the suites of
// ../ripgrep's TestPlugin, with the same expectations: resolution, a full
// install from the mirror, the installed executables and version files.
func TestPlugin(t *testing.T) {
	wasm := wasmAS(t)
	mirror := plugintest.NewMirror(t)
	publish(t, mirror)
	p := plugintest.New(t, wasm, plugintest.Host("linux", "x64"), plugintest.UseMirror(mirror))

	plugintest.ResolveVersions(t, p, map[string]string{
		"14":            "14.1.1",
		"14.0":          "14.0.3",
		"~14.1":         "14.1.1",
		"13":            "13.0.0",
		"latest":        "14.1.1",
		"15.0.0-beta.1": "15.0.0-beta.1",
	})
	plugintest.DownloadInstall(t, p, "14.1.1", mirror)
	plugintest.Executables(t, p, "14.1.1", []string{"rg"})
	plugintest.VersionFiles(t, p, map[plugintest.VersionFile]string{
		{Name: ".ripgrep-version", Content: "14.1\n"}:                     "14.1",
		{Name: ".ripgrep-version", Content: "# pinned for CI\nv13.0.0\n"}: "13.0.0",
		{Name: ".ripgrep-version", Content: "\n"}:                         "",
	})
}

// TestAssetPerPlatform checks the asset names for every platform ripgrep
// publishes, and the error for one it does not, as ../ripgrep's test does.
func TestAssetPerPlatform(t *testing.T) {
	wasm := wasmAS(t)
	base := "https://github.com/BurntSushi/ripgrep/releases/download/14.1.1/"
	tests := []struct{ os, arch, want string }{
		{"linux", "x64", "ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz"},
		{"linux", "arm64", "ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz"},
		{"macos", "x64", "ripgrep-14.1.1-x86_64-apple-darwin.tar.gz"},
		{"macos", "arm64", "ripgrep-14.1.1-aarch64-apple-darwin.tar.gz"},
		{"windows", "x64", "ripgrep-14.1.1-x86_64-pc-windows-msvc.zip"},
	}
	for _, tt := range tests {
		t.Run(tt.os+"/"+tt.arch, func(t *testing.T) {
			p := plugintest.New(t, wasm, plugintest.Host(tt.os, tt.arch))
			out, err := p.DownloadPrebuilt(api.DownloadPrebuiltInput{Context: p.Context("14.1.1")})
			if err != nil {
				t.Fatal(err)
			}
			if out.DownloadURL != base+tt.want || out.ChecksumURL != base+tt.want+".sha256" {
				t.Errorf("download_url = %s, checksum_url = %s; want %s%s(.sha256)", out.DownloadURL, out.ChecksumURL, base, tt.want)
			}
			if prefix := strings.TrimSuffix(strings.TrimSuffix(tt.want, ".zip"), ".tar.gz"); out.ArchivePrefix != prefix {
				t.Errorf("archive_prefix = %q, want %q", out.ArchivePrefix, prefix)
			}
			loc, err := p.LocateExecutables(api.LocateExecutablesInput{Context: p.Context("14.1.1")})
			if err != nil {
				t.Fatal(err)
			}
			want := "rg"
			if tt.os == "windows" {
				want = "rg.exe"
			}
			if got := loc.Exes["rg"].ExePath; got != want {
				t.Errorf("rg exe_path = %q, want %q", got, want)
			}
		})
	}
	t.Run("unsupported", func(t *testing.T) {
		p := plugintest.New(t, wasm, plugintest.Host("freebsd", "x64"))
		_, err := p.DownloadPrebuilt(api.DownloadPrebuiltInput{Context: p.Context("14.1.1")})
		if err == nil || !strings.Contains(err.Error(), "ripgrep publishes no binary for freebsd/x64") {
			t.Errorf("error = %v", err)
		}
	})
}

// TestDistURL checks the [tools.ripgrep] dist-url setting: the plugin
// downloads from the company mirror instead of GitHub.
func TestDistURL(t *testing.T) {
	wasm := wasmAS(t)
	mirror := plugintest.NewMirror(t)
	publish(t, mirror)
	const dist = "https://artifacts.example.com/ripgrep"
	file := "ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz"
	archive := plugintest.TarGz(t, plugintest.FakeExe("ripgrep-14.1.1-x86_64-unknown-linux-musl/rg", "ripgrep 14.1.1 (company build)"))
	mirror.File(dist+"/14.1.1/"+file, archive)
	mirror.File(dist+"/14.1.1/"+file+".sha256", plugintest.Checksums(map[string][]byte{file: archive}))

	p := plugintest.New(t, wasm, plugintest.Host("linux", "x64"), plugintest.UseMirror(mirror),
		plugintest.ToolConfig(map[string]any{"dist-url": dist}))
	if _, err := p.Install("14.1.1"); err != nil {
		t.Fatal(err)
	}
	out, err := p.Run("14.1.1", "rg", "--version")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "ripgrep 14.1.1 (company build) --version" {
		t.Errorf("rg --version printed %q", got)
	}
	if n := mirror.Count(dist + "/14.1.1/" + file); n != 1 {
		t.Errorf("%d requests for the company mirror's archive, want 1", n)
	}
}

// pair is the Go and the AssemblyScript plugin loaded with the same
// options.
type pair struct{ goP, asP *plugintest.Plugin }

func newPair(t *testing.T, goWasm, asWasm string, opts ...plugintest.Option) pair {
	t.Helper()
	return pair{plugintest.New(t, goWasm, opts...), plugintest.New(t, asWasm, opts...)}
}

// same calls fn on both plugins and fails unless they answer the same:
// outputs equal once decoded into the api types, or errors with the same
// message. When errPrefix is set, an error is expected and both messages
// need only contain it (the languages' JSON decoders word their details
// differently).
func same[O any](t *testing.T, pr pair, errPrefix string, fn func(p *plugintest.Plugin) (O, error)) O {
	t.Helper()
	goOut, goErr := fn(pr.goP)
	asOut, asErr := fn(pr.asP)
	switch {
	case errPrefix != "":
		if goErr == nil || asErr == nil {
			t.Fatalf("want errors containing %q; Go: %v, AS: %v", errPrefix, goErr, asErr)
		}
		if !strings.Contains(goErr.Error(), errPrefix) || !strings.Contains(asErr.Error(), errPrefix) {
			t.Errorf("errors should contain %q:\n   Go: %v\n   AS: %v", errPrefix, goErr, asErr)
		}
		if goErr.Error() != asErr.Error() {
			t.Logf("errors agree on %q but differ in detail:\n   Go: %v\n   AS: %v", errPrefix, goErr, asErr)
		}
	case goErr != nil || asErr != nil:
		if goErr == nil || asErr == nil || goErr.Error() != asErr.Error() {
			t.Errorf("errors differ:\n   Go: %v\n   AS: %v", goErr, asErr)
		}
	case !reflect.DeepEqual(goOut, asOut):
		t.Errorf("outputs differ:\n   Go: %#v\n   AS: %#v", goOut, asOut)
	}
	return asOut
}

// TestParity feeds the Go example (../ripgrep) and this plugin the same
// inputs, platforms, settings and release lists, and checks that they
// answer the same.
func TestParity(t *testing.T) {
	asWasm := wasmAS(t)
	goWasm := plugintest.Build(t, "../ripgrep")

	t.Run("register_tool", func(t *testing.T) {
		pr := newPair(t, goWasm, asWasm)
		out := same(t, pr, "", func(p *plugintest.Plugin) (api.RegisterToolOutput, error) {
			return p.RegisterTool(api.RegisterToolInput{ID: "ripgrep"})
		})
		if out.Name != "ripgrep" || out.Type != api.TypeCommandLine {
			t.Errorf("register_tool = %+v", out)
		}
	})

	t.Run("detect_version_files", func(t *testing.T) {
		pr := newPair(t, goWasm, asWasm)
		same(t, pr, "", func(p *plugintest.Plugin) (api.DetectVersionOutput, error) {
			return p.DetectVersionFiles(api.DetectVersionInput{Context: p.Context("")})
		})
	})

	t.Run("download_prebuilt", func(t *testing.T) {
		type platform struct{ os, arch string }
		var platforms []platform
		for os, arches := range targets {
			for arch := range arches {
				platforms = append(platforms, platform{os, arch})
			}
		}
		// Platforms ripgrep publishes nothing for.
		platforms = append(platforms, platform{"freebsd", "x64"}, platform{"linux", "riscv64"},
			platform{"macos", "x86"}, platform{"windows", "arm64"}, platform{"linux", "s390x"})
		slices.SortFunc(platforms, func(a, b platform) int { return strings.Compare(a.os+a.arch, b.os+b.arch) })

		type setting struct {
			name      string
			table     map[string]any
			errPrefix string
		}
		settings := []setting{
			{name: "default"},
			{name: "dist-url", table: map[string]any{"dist-url": "https://artifacts.example.com/ripgrep"}},
			{name: "dist_url with a trailing slash", table: map[string]any{"dist_url": "https://artifacts.example.com/ripgrep/"}},
			{name: "DIST-URL", table: map[string]any{"DIST-URL": "https://mirror.example.org/gh"}},
			{name: "exact key wins", table: map[string]any{"dist-url": "https://near.example.com", "dist_url": "https://exact.example.com"}},
			{name: "non-ASCII", table: map[string]any{"dist-url": "https://例え.jp/リップグレップ"}},
			{name: "unrelated keys", table: map[string]any{"api-url": "https://ghe.example.com/api/v3", "other": []any{int64(1), "two"}}},
			{name: "dist-url is a number", table: map[string]any{"dist-url": int64(3)}, errPrefix: "invalid configuration in [tools.ripgrep]"},
			{name: "api-url is a boolean", table: map[string]any{"api-url": true}, errPrefix: "invalid configuration in [tools.ripgrep]"},
		}
		versions := []string{"14.1.1", "13.0.0", "15.0.0-beta.1", "latest"}
		for _, s := range settings {
			for _, pl := range platforms {
				// Every platform with the defaults; the other settings on
				// two supported platforms and one unsupported.
				if s.name != "default" && !(pl == platform{"linux", "x64"} || pl == platform{"windows", "x86"} || pl == platform{"freebsd", "x64"}) {
					continue
				}
				t.Run(s.name+"/"+pl.os+"-"+pl.arch, func(t *testing.T) {
					opts := []plugintest.Option{plugintest.Host(pl.os, pl.arch)}
					if s.table != nil {
						opts = append(opts, plugintest.ToolConfig(s.table))
					}
					pr := newPair(t, goWasm, asWasm, opts...)
					for _, v := range versions {
						same(t, pr, s.errPrefix, func(p *plugintest.Plugin) (api.DownloadPrebuiltOutput, error) {
							return p.DownloadPrebuilt(api.DownloadPrebuiltInput{Context: p.Context(v)})
						})
					}
					same(t, pr, "", func(p *plugintest.Plugin) (api.LocateExecutablesOutput, error) {
						return p.LocateExecutables(api.LocateExecutablesInput{Context: p.Context("14.1.1")})
					})
				})
			}
		}
	})

	t.Run("load_versions", func(t *testing.T) {
		const apiGHE = "https://ghe.example.com/api/v3"
		tests := []struct {
			name      string
			url       string // where the list is published; "" publishes nothing
			body      string
			table     map[string]any
			errPrefix string
		}{
			{name: "releases", url: releasesURL, body: `[
				{"tag_name": "15.0.0-beta.1", "prerelease": true, "draft": false},
				{"tag_name": "14.1.1"}, {"tag_name": "14.1.0"}, {"tag_name": "14.0.3"},
				{"tag_name": "99.0.0", "draft": true}, {"tag_name": "13.0.0"}]`},
			{name: "GitHub's shape", url: releasesURL, body: `[{
				"url": "https://api.github.com/repos/BurntSushi/ripgrep/releases/1",
				"tag_name": "14.1.1", "name": "14.1.1 \u2014 \"fixes\"", "draft": false, "prerelease": false,
				"author": {"login": "BurntSushi", "id": 456674, "site_admin": false},
				"assets": [{"name": "ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz", "size": 2566310, "download_count": 1.5e3}],
				"body": "## Bug fixes\r\n* [BUG #2884](https://github.com/BurntSushi/ripgrep/issues/2884): \\ tab\there \ud83d\ude80 日本語",
				"reactions": null},
				{"tag_name": "v13.0.0", "draft": false, "prerelease": false, "assets": [], "body": null}]`},
			{name: "v prefixes and odd tags", url: releasesURL, body: `[
				{"tag_name": "v1.0.0"}, {"tag_name": "1.0.0-rc.10", "prerelease": true}, {"tag_name": "1.0.0-rc.9", "prerelease": true},
				{"tag_name": "1.0.0-rc.1", "prerelease": true}, {"tag_name": "1.0.0-alpha", "prerelease": true},
				{"tag_name": "1.0.0-1", "prerelease": true}, {"tag_name": "nightly"}, {"tag_name": "2023-01-01"},
				{"tag_name": "1.2"}, {"tag_name": "1.2.0"}, {"tag_name": "1.2.0+build.5"}, {"tag_name": "V2.0.0"},
				{"tag_name": " 3.0.0 "}, {"tag_name": "18446744073709551616.0.0"}, {"tag_name": "18446744073709551615.0.0"},
				{"tag_name": "ÿ-release"}, {"tag_name": "1.0.0-alpha.beta"}, {"tag_name": "1.0.0-alpha.1"}]`},
			{name: "duplicates", url: releasesURL, body: `[{"tag_name": "14.1.1"}, {"tag_name": "v14.1.1"}, {"tag_name": "14.1.1"}]`},
			{name: "only prereleases", url: releasesURL, body: `[{"tag_name": "2.0.0-beta.2", "prerelease": true}, {"tag_name": "2.0.0-beta.1", "prerelease": true}]`},
			{name: "prerelease flag decides latest", url: releasesURL, body: `[{"tag_name": "3.0.0", "prerelease": true}, {"tag_name": "2.0.0-rc.1"}, {"tag_name": "1.0.0"}]`},
			{name: "nulls", url: releasesURL, body: `[null, {"tag_name": null}, {"tag_name": "1.0.0", "draft": null, "prerelease": null}]`},
			{name: "api-url", url: apiGHE + "/repos/BurntSushi/ripgrep/releases?per_page=100", body: `[{"tag_name": "14.1.1"}]`,
				table: map[string]any{"api_url": apiGHE}},
			{name: "no releases", url: releasesURL, body: `[]`, errPrefix: "no ripgrep releases found"},
			{name: "only drafts", url: releasesURL, body: `[{"tag_name": "1.0.0", "draft": true}, {"tag_name": ""}]`, errPrefix: "no ripgrep releases found"},
			{name: "null list", url: releasesURL, body: `null`, errPrefix: "no ripgrep releases found"},
			{name: "not found", errPrefix: "fetch " + releasesURL + ": HTTP status 404"},
			{name: "an object", url: releasesURL, body: `{"message": "API rate limit exceeded"}`, errPrefix: "fetch " + releasesURL + ": decode JSON: "},
			{name: "bad JSON", url: releasesURL, body: `[{"tag_name": "1.0.0"`, errPrefix: "fetch " + releasesURL + ": decode JSON: "},
			{name: "tag is a number", url: releasesURL, body: `[{"tag_name": 14}]`, errPrefix: "fetch " + releasesURL + ": decode JSON: "},
			{name: "bad api-url setting", table: map[string]any{"api-url": int64(1)}, errPrefix: "invalid configuration in [tools.ripgrep]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mirror := plugintest.NewMirror(t)
				if tt.url != "" {
					mirror.File(tt.url, []byte(tt.body))
				}
				opts := []plugintest.Option{plugintest.Host("linux", "x64"), plugintest.UseMirror(mirror)}
				if tt.table != nil {
					opts = append(opts, plugintest.ToolConfig(tt.table))
				}
				pr := newPair(t, goWasm, asWasm, opts...)
				out := same(t, pr, tt.errPrefix, func(p *plugintest.Plugin) (api.LoadVersionsOutput, error) {
					return p.LoadVersions(api.LoadVersionsInput{Context: p.Context(""), Initial: "latest"})
				})
				if tt.errPrefix == "" && len(out.Versions) == 0 {
					t.Errorf("no versions")
				}
				t.Logf("versions %q, latest %q", out.Versions, out.Latest)
			})
		}
	})

	t.Run("parse_version_file", func(t *testing.T) {
		pr := newPair(t, goWasm, asWasm)
		contents := []string{
			"14.1\n", "# pinned for CI\nv13.0.0\n", "\n", "", "ripgrep 14.1.1", "  v14.0.3  \r\n",
			"\r\n\r\n14\r\n", "# only comments\n# more\n", "ripgrep v13.0.0\n", "\u00a0 14.1 \u00a0",
			"\ufeff14.1", "\u008514.1\u2003", "ripgrep\n", "ripgrep  14", "v", "ripgrep ", "vv1",
			"  # indented comment\n15.0.0-beta.1", "14.1.1 # trailing comment", "日本語\n", "\t\v\f14.0.0",
		}
		for _, c := range contents {
			same(t, pr, "", func(p *plugintest.Plugin) (api.ParseVersionFileOutput, error) {
				return p.ParseVersionFile(api.ParseVersionFileInput{File: ".ripgrep-version", Content: c})
			})
		}
	})
}
