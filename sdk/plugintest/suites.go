package plugintest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/tools"
)

// ResolveVersions checks version resolution, with one subtest per entry of
// want (spec → expected version), resolved the way `tote install <spec>`
// does: the plugin's resolve_version, its aliases, then the load_versions
// list. It also checks that
//
//   - "latest" resolves to a version that load_versions lists, and
//   - a spec no version matches (99999) fails with an error that names the
//     tool and the spec.
//
// Add "latest" to want to pin what it resolves to.
func ResolveVersions(t *testing.T, p *Plugin, want map[string]string) {
	t.Helper()
	specs := make([]string, 0, len(want))
	for s := range want {
		specs = append(specs, s)
	}
	sort.Strings(specs)
	for _, spec := range specs {
		t.Run("resolve "+spec, func(t *testing.T) {
			got, err := p.Resolve(spec)
			if err != nil {
				t.Fatalf("resolve %q: %v", spec, err)
			}
			if got != want[spec] {
				t.Errorf("resolve %q = %s, want %s", spec, got, want[spec])
			}
		})
	}
	t.Run("latest is a listed version", func(t *testing.T) {
		if !p.Has(api.FuncLoadVersions) {
			t.Skipf("plugin %q does not export %s", p.ID, api.FuncLoadVersions)
		}
		list, err := p.LoadVersions(api.LoadVersionsInput{Initial: "latest"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Versions) == 0 {
			t.Fatalf("%s returned no versions", api.FuncLoadVersions)
		}
		got, err := p.Resolve("latest")
		if err != nil {
			t.Fatalf("resolve latest: %v", err)
		}
		if !slices.Contains(list.Versions, got) {
			t.Errorf("latest resolves to %s, which %s does not list (%d versions: %s)", got, api.FuncLoadVersions, len(list.Versions), preview(list.Versions))
		}
	})
	t.Run("unknown spec fails clearly", func(t *testing.T) {
		const spec = "99999"
		got, err := p.Resolve(spec)
		if err == nil {
			t.Fatalf("resolve %q = %s, want an error", spec, got)
		}
		msg := err.Error()
		if !strings.Contains(msg, p.ID) || !strings.Contains(msg, spec) {
			t.Errorf("the error for %q should name the tool %q and the spec; got: %v", spec, p.ID, err)
		}
	})
}

func preview(vs []string) string {
	if len(vs) > 8 {
		return strings.Join(vs[:8], ", ") + ", …"
	}
	return strings.Join(vs, ", ")
}

// DownloadInstall checks the whole install of version, with subtests:
//
//   - download_prebuilt names a download_url (and, when given, a
//     checksum_url) that mirror publishes;
//   - the install downloads, verifies, unpacks, locates and links: the
//     version's directory and manifest entry exist, every executable
//     exists, and the download's checksum is recorded;
//   - a second install is a no-op that downloads nothing;
//   - when the plugin declares a checksum, a corrupted download is
//     rejected, naming the URL, and leaves nothing installed (in a fresh
//     sandbox).
//
// p must have been created with [UseMirror](mirror). Plugins that install
// with native_install skip the download checks.
func DownloadInstall(t *testing.T, p *Plugin, version string, mirror *Mirror) {
	t.Helper()
	if p.o.mirror != mirror {
		t.Fatalf("plugintest.DownloadInstall: the plugin was not created with plugintest.UseMirror(mirror)")
	}
	native := p.Has(api.FuncNativeInstall)
	var dl api.DownloadPrebuiltOutput
	ok := t.Run("download_prebuilt", func(t *testing.T) {
		if native {
			t.Skipf("plugin %q installs with %s", p.ID, api.FuncNativeInstall)
		}
		var err error
		dl, err = p.DownloadPrebuilt(api.DownloadPrebuiltInput{Context: p.Context(version)})
		if err != nil {
			t.Fatal(err)
		}
		if dl.DownloadURL == "" {
			t.Fatalf("download_url is empty")
		}
		if !mirror.published(dl.DownloadURL) {
			t.Errorf("download_url %s is not published on the mirror; the test's mirror has:\n%s", dl.DownloadURL, strings.Join(mirror.publishedList(), "\n"))
		}
		if dl.ChecksumURL != "" && !mirror.published(dl.ChecksumURL) {
			t.Errorf("checksum_url %s is not published on the mirror", dl.ChecksumURL)
		}
		if dl.Checksum == "" && dl.ChecksumURL == "" {
			t.Logf("note: plugin %q declares no checksum for %s: tote will install it unverified", p.ID, version)
		}
	})
	if !ok {
		return
	}
	var first *Installed
	ok = t.Run("install", func(t *testing.T) {
		var err error
		first, err = p.Install(version)
		if err != nil {
			t.Fatal(err)
		}
		if first.Version != version {
			t.Errorf("installed %s, want %s", first.Version, version)
		}
		if first.Already {
			t.Errorf("%s %s was already installed before the test installed it", p.ID, version)
		}
		if fi, err := os.Stat(first.Dir); err != nil || !fi.IsDir() {
			t.Fatalf("install directory %s: %v", first.Dir, err)
		}
		if len(first.Exes) == 0 {
			t.Errorf("no executables recorded")
		}
		for name, path := range first.Exes {
			if _, err := os.Stat(path); err != nil {
				t.Errorf("executable %s: %v", name, err)
			}
		}
		if !native {
			if first.Checksum == "" {
				t.Errorf("no checksum recorded for the download")
			}
			if up := mirror.Upstream(first.SourceURL); up != "" && up != dl.DownloadURL && !strings.HasPrefix(dl.DownloadURL, "http://") {
				t.Errorf("downloaded %s, want the plugin's download_url %s", up, dl.DownloadURL)
			}
			if n := mirror.Count(dl.DownloadURL); n == 0 {
				t.Errorf("the mirror served no request for %s", dl.DownloadURL)
			}
			if dl.ChecksumURL != "" && mirror.Count(dl.ChecksumURL) == 0 {
				t.Errorf("the checksum file %s was not downloaded", dl.ChecksumURL)
			}
		}
		if tmp := filepath.Join(p.Sandbox.Home, "temp", "downloads", p.ID, version); exists(tmp) {
			t.Errorf("the download directory %s was left behind", tmp)
		}
	})
	if !ok {
		return
	}
	t.Run("second install is a no-op", func(t *testing.T) {
		before := len(mirror.Requests())
		again, err := p.Install(version)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Already {
			t.Errorf("the second install of %s %s did the work again", p.ID, version)
		}
		if after := mirror.Requests(); len(after) != before {
			t.Errorf("the second install made requests: %s", strings.Join(after[before:], ", "))
		}
	})
	t.Run("corrupt download is rejected", func(t *testing.T) {
		if native {
			t.Skipf("plugin %q installs with %s", p.ID, api.FuncNativeInstall)
		}
		if dl.Checksum == "" && dl.ChecksumURL == "" {
			t.Skipf("plugin %q declares no checksum, so tote cannot reject a corrupt download", p.ID)
		}
		// A fresh sandbox and a mirror that serves everything the same,
		// except for a flipped byte in the download.
		bad := NewMirror(t)
		mirror.mu.Lock()
		for k, h := range mirror.routes {
			bad.routes[k] = h
		}
		mirror.mu.Unlock()
		body := fetchRoute(t, mirror, dl.DownloadURL)
		body[len(body)/2] ^= 0xff
		bad.File(dl.DownloadURL, body)
		opts := append(slices.Clone(p.opts), UseMirror(bad))
		q := New(t, p.Wasm, opts...)
		_, err := q.Install(version)
		if err == nil {
			t.Fatalf("installing a corrupted %s succeeded", dl.DownloadURL)
		}
		if !strings.Contains(strings.ToLower(err.Error()), "checksum") {
			t.Errorf("the error should say the checksum does not match; got: %v", err)
		}
		if exists(filepath.Join(q.Sandbox.Home, "tools", p.ID, version)) {
			t.Errorf("a corrupted download left %s installed", version)
		}
	})
}

func (m *Mirror) publishedList() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.routes {
		out = append(out, "  https://"+k)
	}
	sort.Strings(out)
	return out
}

// fetchRoute returns what the mirror serves for an upstream URL.
func fetchRoute(t *testing.T, m *Mirror, upstream string) []byte {
	t.Helper()
	k, err := routeKey(upstream)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpGet(t, m.URL+"/"+k)
	if err != nil {
		t.Fatalf("fetch %s from the mirror: %v", upstream, err)
	}
	if len(resp) == 0 {
		t.Fatalf("the mirror serves an empty file for %s", upstream)
	}
	return resp
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// Executables checks the executables of version (installing it first when
// it is not), with subtests:
//
//   - locate_executables names exactly wantNames (and every one exists);
//   - each executable not marked no_bin has a link in $TOTE_HOME/bin that
//     points into the install and runs;
//   - each executable not marked no_shim has a shim in $TOTE_HOME/shims
//     that runs it, with the version pinned by TOTE_<ID>_VERSION, and
//     prints the same as running it through `tote run`.
//
// Executables are run with the argument --version and must exit 0; use
// [FakeExe] in test archives. Running is skipped on Windows.
func Executables(t *testing.T, p *Plugin, version string, wantNames []string) {
	t.Helper()
	inst, err := p.Install(version)
	if err != nil {
		t.Fatalf("install %s %s: %v", p.ID, version, err)
	}
	var loc api.LocateExecutablesOutput
	t.Run("locate_executables", func(t *testing.T) {
		loc, err = p.LocateExecutables(api.LocateExecutablesInput{Context: p.Context(version)})
		if err != nil {
			t.Fatal(err)
		}
		loc.Normalize(p.ID)
		var got []string
		for name := range loc.Exes {
			got = append(got, name)
		}
		sort.Strings(got)
		want := slices.Sorted(slices.Values(wantNames))
		if !slices.Equal(got, want) {
			t.Errorf("executables = %q, want %q", got, want)
		}
		for name, path := range inst.Exes {
			fi, err := os.Stat(path)
			if err != nil {
				t.Errorf("executable %s: %v", name, err)
				continue
			}
			if e := loc.Exes[name]; e.ParentExeName == "" && goruntime.GOOS != "windows" && fi.Mode()&0o111 == 0 {
				t.Errorf("executable %s (%s) is not executable: %v", name, path, fi.Mode())
			}
		}
	})
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range loc.Exes {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		e := loc.Exes[name]
		t.Run(name, func(t *testing.T) {
			viaRun, runErr := p.Run(version, name, "--version")
			if e.NoBin || e.ParentExeName != "" {
				if exists(filepath.Join(p.BinDir(), name)) && e.NoBin {
					t.Errorf("%s is marked no_bin but has a link in %s", name, p.BinDir())
				}
			} else {
				link := filepath.Join(p.BinDir(), name)
				target, err := os.Readlink(link)
				if err == nil && !filepath.IsAbs(target) {
					// tote writes bin links relative to the bin dir, so
					// that they survive a move of $TOTE_HOME.
					target = filepath.Join(filepath.Dir(link), target)
				}
				if err != nil {
					t.Errorf("bin link: %v", err)
				} else if !strings.HasPrefix(target, inst.Dir+string(filepath.Separator)) {
					t.Errorf("bin link %s points at %s, outside %s", link, target, inst.Dir)
				} else if goruntime.GOOS != "windows" {
					out, err := p.Command(link, "--version").CombinedOutput()
					if err != nil {
						t.Errorf("run %s --version: %v\n%s", link, err, out)
					} else if runErr == nil && !bytes.Equal(out, viaRun) {
						t.Errorf("bin link printed %q, tote run printed %q", out, viaRun)
					}
				}
			}
			shim := filepath.Join(p.ShimsDir(), name)
			if e.NoShim {
				if exists(shim) {
					t.Errorf("%s is marked no_shim but has a shim", name)
				}
				return
			}
			if !exists(shim) {
				t.Fatalf("no shim %s", shim)
			}
			if goruntime.GOOS == "windows" {
				return
			}
			if runErr != nil {
				t.Fatalf("tote run %s --version: %v", name, runErr)
			}
			if p.Has(api.FuncPreRun) {
				t.Logf("plugin %q has pre_run: its shims hand over to `tote run`, which was checked", p.ID)
				return
			}
			if _, err := shimBinary(); err != nil {
				t.Fatalf("cannot check shims: %v", err)
			}
			cmd := p.Command(shim, "--version")
			cmd.Env = append(cmd.Env, tools.EnvVar(p.ID)+"="+version)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("run shim %s --version: %v\n%s", shim, err, out)
			}
			if !bytes.Equal(out, viaRun) {
				t.Errorf("the shim printed %q, tote run printed %q", out, viaRun)
			}
		})
	}
}

// VersionFile is a version file in a [VersionFiles] case: its name, such
// as ".nvmrc", and its content.
type VersionFile struct {
	Name    string
	Content string
}

// VersionFiles checks version files with one subtest per case (file →
// expected spec; "" means the file pins nothing):
//
//   - detect_version_files lists the file's name;
//   - parse_version_file returns the spec;
//   - written into an empty project directory, the file is what tote's
//     detection finds for the tool, giving the spec.
func VersionFiles(t *testing.T, p *Plugin, cases map[VersionFile]string) {
	t.Helper()
	var detected api.DetectVersionOutput
	if !p.Has(api.FuncDetectVersionFiles) {
		t.Fatalf("plugin %q does not export %s", p.ID, api.FuncDetectVersionFiles)
	}
	detected, err := p.DetectVersionFiles(api.DetectVersionInput{})
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]VersionFile, 0, len(cases))
	for k := range cases {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Name != keys[j].Name {
			return keys[i].Name < keys[j].Name
		}
		return keys[i].Content < keys[j].Content
	})
	for _, vf := range keys {
		want := cases[vf]
		t.Run(fmt.Sprintf("%s=%q", vf.Name, vf.Content), func(t *testing.T) {
			if !slices.Contains(detected.Files, vf.Name) {
				t.Errorf("%s lists %q, not %s", api.FuncDetectVersionFiles, detected.Files, vf.Name)
			}
			if p.Has(api.FuncParseVersionFile) {
				out, err := p.ParseVersionFile(api.ParseVersionFileInput{File: vf.Name, Content: vf.Content})
				if err != nil {
					t.Fatal(err)
				}
				if out.Version != want {
					t.Errorf("parse_version_file(%s, %q) = %q, want %q", vf.Name, vf.Content, out.Version, want)
				}
			}
			q := New(t, p.Wasm, p.opts...)
			path := filepath.Join(q.Sandbox.Cwd, vf.Name)
			if err := os.WriteFile(path, []byte(vf.Content), 0o644); err != nil {
				t.Fatal(err)
			}
			spec, source, err := q.Detect()
			if err != nil {
				t.Fatalf("detect: %v", err)
			}
			if spec != want {
				t.Errorf("detected %q (from %s), want %q", spec, source, want)
			}
		})
	}
}

func httpGet(t *testing.T, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// Globals checks a package manager's global packages at version (which it
// installs first), with subtests:
//
//   - install_global of dependency puts the executable exe into the tool's
//     globals bin directory ($TOTE_HOME/tools/<id>/globals/bin), outside
//     the version's directory;
//   - the directory is outside every version directory, so uninstalling
//     the version keeps it;
//   - uninstall_global of the dependency's name removes the executable;
//   - a dependency that is an option ("--index-url=…") is refused.
//
// The version is pinned for the calls with TOTE_<ID>_VERSION (so the test
// must not be parallel). The plugin usually needs [Grant]("exec"), and its
// shims must run here, so the suite is skipped on Windows.
func Globals(t *testing.T, p *Plugin, version, dependency, exe string) {
	t.Helper()
	if goruntime.GOOS == "windows" {
		t.Skip("plugintest: running package managers is not supported on Windows")
	}
	for _, fn := range []string{api.FuncInstallGlobal, api.FuncUninstallGlobal} {
		if !p.Has(fn) {
			t.Fatalf("plugin %q does not export %s", p.ID, fn)
		}
	}
	inst, err := p.Install(version)
	if err != nil {
		t.Fatalf("install %s %s: %v", p.ID, version, err)
	}
	t.Setenv(tools.EnvVar(p.ID), inst.Version)
	bin := filepath.Join(p.GlobalsBinDir(), exe)
	ok := t.Run("install_global", func(t *testing.T) {
		if err := p.InstallGlobal(dependency); err != nil {
			t.Fatalf("install_global %s: %v", dependency, err)
		}
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("install_global %s: no %s in the globals bin directory: %v", dependency, exe, err)
		}
		if rel, err := filepath.Rel(inst.Dir, bin); err == nil && !strings.HasPrefix(rel, "..") {
			t.Errorf("the globals directory %s is inside the version directory %s", bin, inst.Dir)
		}
	})
	if !ok {
		return
	}
	t.Run("kept across versions", func(t *testing.T) {
		if err := p.Uninstall(inst.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(bin); err != nil {
			t.Errorf("uninstalling %s %s removed the global %s: %v", p.ID, inst.Version, exe, err)
		}
		if _, err := p.Install(version); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("uninstall_global", func(t *testing.T) {
		name := dependency
		if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
			name = exe
		}
		if i := strings.IndexAny(name[1:], "@=<>~!"); i >= 0 {
			name = name[:i+1]
		}
		if err := p.UninstallGlobal(name); err != nil {
			t.Fatalf("uninstall_global %s: %v", name, err)
		}
		if _, err := os.Stat(bin); err == nil {
			t.Errorf("uninstall_global %s left %s", name, bin)
		}
	})
	t.Run("option refused", func(t *testing.T) {
		if err := p.InstallGlobal("--index-url=http://127.0.0.1:9/evil"); err == nil {
			t.Errorf("install_global accepted an option as a package")
		}
	})
}
