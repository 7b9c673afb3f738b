package deno

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// fakeHost serves Fetch from a map of URLs and records what was fetched.
type fakeHost = hosttest.Host

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var linux64 = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}

func TestLoadVersionsPaginates(t *testing.T) {
	h := &fakeHost{ID: "deno", HostEnv: linux64, Pages: map[string]string{
		TagsURL + "&page=1": readTestdata(t, "github-tags-page1.json"),
		TagsURL + "&page=2": readTestdata(t, "github-tags-page2.json"),
	}}
	out, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	// page 2 is short (26 < 100): no third request.
	if want := []string{TagsURL + "&page=1", TagsURL + "&page=2"}; !reflect.DeepEqual(h.Fetched, want) {
		t.Errorf("fetched %v, want %v", h.Fetched, want)
	}
	if out.Latest != "2.9.5" || out.Canary != "canary" || out.Aliases["latest"] != "2.9.5" || out.Aliases["stable"] != "2.9.5" {
		t.Errorf("latest %q canary %q aliases %v", out.Latest, out.Canary, out.Aliases)
	}
	// 100 + 26 tags, of which 3 are std/ tags.
	if len(out.Versions) != 123 {
		t.Errorf("got %d versions, want 123", len(out.Versions))
	}
	for _, v := range []string{"2.9.5", "1.46.0", "1.45.5", "1.0.0-rc1", "1.0.0-rc3"} {
		if !slices.Contains(out.Versions, v) {
			t.Errorf("versions lack %s", v)
		}
	}
	for _, v := range out.Versions {
		if strings.HasPrefix(v, "std") || strings.HasPrefix(v, "v") {
			t.Errorf("versions hold tag %q", v)
		}
	}
	if out.Versions[0] != "1.0.0-rc1" || out.Versions[len(out.Versions)-1] != "2.9.5" {
		t.Errorf("versions not oldest first: %s … %s", out.Versions[0], out.Versions[len(out.Versions)-1])
	}
}

func TestLoadVersionsStopsOnRepeatedPage(t *testing.T) {
	// A server that ignores ?page= (like a static mirror) repeats page 1.
	page := readTestdata(t, "github-tags-page1.json")
	h := &fakeHost{ID: "deno", HostEnv: linux64, Pages: map[string]string{}}
	for i := 1; i <= maxTagPages; i++ {
		h.Pages[fmt.Sprintf("%s&page=%d", TagsURL, i)] = page
	}
	out, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Fetched) != 2 || len(out.Versions) != 100 {
		t.Errorf("fetched %d pages, %d versions; want 2 pages, 100 versions", len(h.Fetched), len(out.Versions))
	}
}

func TestLoadVersionsErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":  "<html>rate limited</html>",
		"an object": `{"message": "API rate limit exceeded"}`,
		"no v tags": `[{"name": "std/0.50.0"}]`,
	} {
		h := &fakeHost{ID: "deno", HostEnv: linux64, Pages: map[string]string{TagsURL + "&page=1": body}}
		if _, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{}); err == nil || !strings.Contains(err.Error(), "api.github.com/repos/denoland/deno/tags") {
			t.Errorf("%s: error %v does not name the URL", name, err)
		}
	}
	h := &fakeHost{ID: "deno", HostEnv: linux64, Pages: map[string]string{}}
	if _, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing listing: %v", err)
	}
}

func download(t *testing.T, h *fakeHost, version string) (api.DownloadPrebuiltOutput, error) {
	t.Helper()
	return DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: version}})
}

func TestDownloadPrebuilt(t *testing.T) {
	gh := "https://github.com/denoland/deno/releases/download/"
	for _, c := range []struct {
		env      api.HostEnvironment
		version  string
		url, sum string
		err      string
	}{
		{linux64, "2.1.2", gh + "v2.1.2/deno-x86_64-unknown-linux-gnu.zip", gh + "v2.1.2/deno-x86_64-unknown-linux-gnu.zip.sha256sum", ""},
		{linux64, "v2.0.1", gh + "v2.0.1/deno-x86_64-unknown-linux-gnu.zip", gh + "v2.0.1/deno-x86_64-unknown-linux-gnu.zip.sha256sum", ""},
		// 2.0.0's checksum file hashes the binary, older ones have none.
		{linux64, "2.0.0", gh + "v2.0.0/deno-x86_64-unknown-linux-gnu.zip", "", ""},
		{linux64, "1.46.3", gh + "v1.46.3/deno-x86_64-unknown-linux-gnu.zip", "", ""},
		{linux64, "0.37.0", gh + "v0.37.0/deno-x86_64-unknown-linux-gnu.zip", "", ""},
		{linux64, "0.36.0", "", "", "deno 0.36.0 is not available for linux/x64: Deno publishes this platform from 0.37.0 on"},
		{api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64}, "1.40.5", gh + "v1.40.5/deno-aarch64-unknown-linux-gnu.zip", "", ""},
		{api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64}, "1.40.4", "", "", "deno 1.40.4 is not available for linux/arm64: Deno publishes this platform from 1.40.5 on"},
		{api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64}, "1.6.0", gh + "v1.6.0/deno-aarch64-apple-darwin.zip", "", ""},
		{api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64}, "1.5.4", "", "", "from 1.6.0 on"},
		{api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchX64}, "2.7.7", gh + "v2.7.7/deno-x86_64-apple-darwin.zip", gh + "v2.7.7/deno-x86_64-apple-darwin.zip.sha256sum", ""},
		{api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}, "2.1.2", gh + "v2.1.2/deno-x86_64-pc-windows-msvc.zip", gh + "v2.1.2/deno-x86_64-pc-windows-msvc.zip.sha256sum", ""},
		{api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64}, "2.6.8", gh + "v2.6.8/deno-aarch64-pc-windows-msvc.zip", gh + "v2.6.8/deno-aarch64-pc-windows-msvc.zip.sha256sum", ""},
		{api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64}, "2.6.7", "", "", "deno 2.6.7 is not available for windows/arm64"},
		{api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86}, "2.1.2", "", "", "deno is not available for linux/x86"},
		{api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64}, "2.1.2", "", "", "deno is not available for freebsd/x64"},
		{linux64, "2.1", "", "", `"2.1" is not a full version`},
		{linux64, "", "", "", "no version given"},
	} {
		h := &fakeHost{ID: "deno", HostEnv: c.env}
		out, err := download(t, h, c.version)
		name := fmt.Sprintf("%s/%s %s", c.env.OS, c.env.Arch, c.version)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if out.DownloadURL != c.url || out.ChecksumURL != c.sum || out.DownloadName != filepath.Base(c.url) || out.ArchivePrefix != "" {
			t.Errorf("%s: got %+v, want url %s checksum %s", name, out, c.url, c.sum)
		}
	}
}

func TestDownloadPrebuiltCanaryAndLatest(t *testing.T) {
	h := &fakeHost{ID: "deno", HostEnv: linux64, Pages: map[string]string{
		DLBase + "canary-x86_64-unknown-linux-gnu-latest.txt": "98f9507affc905f088124891add3a8dd63b91f77\n",
		DLBase + "release-latest.txt":                         "v2.9.5\n",
	}}
	out, err := download(t, h, "canary")
	if err != nil {
		t.Fatal(err)
	}
	want := api.DownloadPrebuiltOutput{DownloadURL: DLBase + "canary/98f9507affc905f088124891add3a8dd63b91f77/deno-x86_64-unknown-linux-gnu.zip", DownloadName: "deno-x86_64-unknown-linux-gnu.zip"}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("canary: %+v", out)
	}
	out, err = download(t, h, "latest")
	if err != nil {
		t.Fatal(err)
	}
	if out.DownloadURL != "https://github.com/denoland/deno/releases/download/v2.9.5/deno-x86_64-unknown-linux-gnu.zip" || out.ChecksumURL == "" {
		t.Errorf("latest: %+v", out)
	}
	h.Pages[DLBase+"canary-x86_64-unknown-linux-gnu-latest.txt"] = "<html>oops</html>"
	if _, err := download(t, h, "canary"); err == nil || !strings.Contains(err.Error(), "not a commit hash") {
		t.Errorf("bad canary hash: %v", err)
	}
}

func TestDownloadPrebuiltConfig(t *testing.T) {
	h := &fakeHost{ID: "deno", HostEnv: linux64, Config: `{"dist-url": "https://mirror.example/deno/{version}/{file}"}`}
	out, err := download(t, h, "2.1.2")
	if err != nil {
		t.Fatal(err)
	}
	if out.DownloadURL != "https://mirror.example/deno/2.1.2/deno-x86_64-unknown-linux-gnu.zip" || out.ChecksumURL != out.DownloadURL+".sha256sum" {
		t.Errorf("%+v", out)
	}
	h.Config = `{"dist-url": 3}`
	if _, err := download(t, h, "2.1.2"); err == nil || !strings.Contains(err.Error(), "[tools.deno]") {
		t.Errorf("bad config: %v", err)
	}
}

func TestDownloadPrebuiltMuslWarns(t *testing.T) {
	h := &fakeHost{ID: "deno", HostEnv: api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcMusl}}
	out, err := download(t, h, "2.1.2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.DownloadURL, "deno-x86_64-unknown-linux-gnu.zip") || len(h.Logs) != 1 || !strings.Contains(h.Logs[0], "musl") {
		t.Errorf("%+v %v", out, h.Logs)
	}
}

// The checksum files Deno publishes (real shapes: the coreutils line, and
// the PowerShell listing with CRLF, blank lines, uppercase hex and a
// Windows path) give the right hash for the download name the plugin
// returns, through the host's checksum-file reader.
func TestRealChecksumFilesMatchDownloadName(t *testing.T) {
	for _, c := range []struct {
		env           api.HostEnvironment
		version, file string
		want          string
	}{
		{api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}, "2.1.2", "sha256sum/v2.1.2/deno-x86_64-pc-windows-msvc.zip.sha256sum", "e107bdd19cd38314c6ec934b7345e3139739c3a1106f951f6f70f8fb04f293e8"},
		{linux64, "2.7.7", "sha256sum/v2.7.7/deno-x86_64-unknown-linux-gnu.zip.sha256sum", "0cd918870657ccc3d96ac682290e894dda374e2a742424aae9118b258a6cf7a3"},
	} {
		out, err := download(t, &fakeHost{ID: "deno", HostEnv: c.env}, c.version)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(out.ChecksumURL) != filepath.Base(c.file) {
			t.Errorf("checksum file %s, want %s", out.ChecksumURL, c.file)
		}
		sum, err := install.FindInChecksumFile([]byte(readTestdata(t, c.file)), out.DownloadName)
		if err != nil {
			t.Fatal(err)
		}
		if sum.String() != "sha256:"+c.want {
			t.Errorf("%s: %s, want %s", c.file, sum, c.want)
		}
	}
}

func TestParseVersionFile(t *testing.T) {
	for _, c := range []struct{ content, want, err string }{
		{"2.1.2\n", "2.1.2", ""},
		{"v1.46.3", "v1.46.3", ""},
		{"\ufeff# pinned for CI\r\n\r\n1.46\r\n", "1.46", ""},
		{"// comment\n^2.1\n", "^2.1", ""},
		{"latest\n", "latest", ""},
		{"", "", ""},
		{"\n# only a comment\n", "", ""},
		{"\n\nnot a version!\n", "", `.dvmrc:3: "not a version!" is not a Deno version`},
	} {
		out, err := ParseVersionFile(context.Background(), &fakeHost{ID: "deno"}, api.ParseVersionFileInput{File: ".dvmrc", Content: c.content})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.content, err, c.err)
			}
			continue
		}
		if err != nil || out.Version != c.want {
			t.Errorf("%q: %q, %v; want %q", c.content, out.Version, err, c.want)
		}
	}
}

func TestLocateExecutables(t *testing.T) {
	for env, exe := range map[api.HostOS]string{api.OSLinux: "deno", api.OSWindows: "deno.exe"} {
		out, err := LocateExecutables(context.Background(), &fakeHost{ID: "deno", HostEnv: api.HostEnvironment{OS: env, Arch: api.ArchX64}}, api.LocateExecutablesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Exes) != 1 || out.Exes["deno"].ExePath != exe || !out.Exes["deno"].Primary {
			t.Errorf("%s: %+v", env, out.Exes)
		}
		if !slices.Contains(out.GlobalsLookupDirs, "$HOME/.deno/bin") || out.GlobalsLookupDirs[0] != "$DENO_INSTALL_ROOT/bin" {
			t.Errorf("globals %v", out.GlobalsLookupDirs)
		}
	}
}

func TestTableIsJSON(t *testing.T) {
	n := &pluginhost.Native{PluginID: "deno", Table: Table, Host: &fakeHost{ID: "deno", HostEnv: linux64}}
	var reg api.RegisterToolOutput
	if err := n.Call(t.Context(), api.FuncRegisterTool, api.RegisterToolInput{ID: "deno"}, &reg); err != nil {
		t.Fatal(err)
	}
	if reg.Name != "Deno" || reg.PluginVersion != Version || reg.Type != api.TypeLanguage {
		t.Errorf("%+v", reg)
	}
	var det api.DetectVersionOutput
	if err := n.Call(t.Context(), api.FuncDetectVersionFiles, nil, &det); err != nil || !reflect.DeepEqual(det.Files, []string{".dvmrc"}) {
		t.Errorf("%+v %v", det, err)
	}
	raw, _ := json.Marshal(det)
	if string(raw) != `{"files":[".dvmrc"]}` {
		t.Errorf("detect JSON %s", raw)
	}
}
