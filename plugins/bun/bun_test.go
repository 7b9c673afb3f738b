package bun

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
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

const gh = "https://github.com/oven-sh/bun/releases/download/"

func TestLoadVersions(t *testing.T) {
	h := &fakeHost{ID: "bun", HostEnv: linux64, Pages: map[string]string{TagsURL + "&page=1": readTestdata(t, "github-tags.json")}}
	out, err := LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := api.LoadVersionsOutput{
		Versions: []string{"1.3.5", "1.3.6", "1.3.7", "1.3.14"}, Latest: "1.3.14", Canary: "canary",
		Aliases: map[string]string{"latest": "1.3.14", "stable": "1.3.14"},
	}
	if !reflect.DeepEqual(out, want) || len(h.Fetched) != 1 {
		t.Errorf("got %+v after %v", out, h.Fetched)
	}
	// Tags that are not bun-v<semver> are skipped.
	h.Pages[TagsURL+"&page=1"] = `[{"name":"canary"},{"name":"not-quite-v0"},{"name":"v0.1.1"},{"name":"bun-v1.3"},{"name":"1.3.14"},{"name":""},{"name":"bun-v1.2.0-beta.1"},{"name":"bun-v1.1.0"}]`
	out, err = LoadVersions(context.Background(), h, api.LoadVersionsInput{})
	if err != nil || !reflect.DeepEqual(out.Versions, []string{"1.1.0", "1.2.0-beta.1"}) || out.Latest != "1.1.0" {
		t.Errorf("filter: %+v %v", out, err)
	}
}

func TestDownloadPrebuilt(t *testing.T) {
	sums := readTestdata(t, "SHASUMS256-v1.3.2.txt")
	for _, c := range []struct {
		name   string
		env    api.HostEnvironment
		config string
		avx2   int // exit code of grep; -1: exec not granted
		asset  string
		err    string
	}{
		{"linux", linux64, "", -1, "bun-linux-x64", ""},
		{"linux avx2", linux64, "", 0, "bun-linux-x64", ""},
		{"linux no avx2", linux64, "", 1, "bun-linux-x64-baseline", ""},
		{"linux baseline config", linux64, `{"baseline": true}`, -1, "bun-linux-x64-baseline", ""},
		{"config beats detection", linux64, `{"baseline": false}`, 1, "bun-linux-x64", ""},
		{"linux arm64", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcGnu}, `{"baseline": true}`, -1, "bun-linux-aarch64", ""},
		{"musl", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcMusl}, "", -1, "bun-linux-x64-musl", ""},
		{"musl baseline", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcMusl}, `{"baseline": true}`, -1, "bun-linux-x64-musl-baseline", ""},
		{"musl arm64", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcMusl}, "", -1, "bun-linux-aarch64-musl", ""},
		{"mac arm64", api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64}, "", 1, "bun-darwin-aarch64", ""},
		{"mac x64 baseline", api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchX64}, `{"baseline": true}`, -1, "bun-darwin-x64-baseline", ""},
		{"windows", api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}, "", -1, "bun-windows-x64", ""},
		{"windows baseline", api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}, `{"baseline": true}`, -1, "bun-windows-x64-baseline", ""},
		{"windows arm64", api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64}, "", -1, "",
			"bun 1.3.2 is not available for windows/arm64: the release publishes no bun-windows-aarch64.zip"},
		{"no exec grant", linux64, `{"detect-baseline": true}`, -1, "", `detect-baseline: cannot check the CPU for AVX2: permission-denied (grant permissions = ["exec"] under [tools.bun]`},
		{"no detection unasked", linux64, `{}`, 1, "bun-linux-x64", ""},
		{"x86", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86}, "", -1, "", "bun is not available for linux/x86"},
	} {
		h := &fakeHost{ID: "bun", HostEnv: c.env, Config: c.config, Pages: map[string]string{gh + "bun-v1.3.2/SHASUMS256.txt": sums}}
		if c.avx2 >= 0 {
			if c.config == "" {
				h.Config = `{"detect-baseline": true}`
			}
			code := c.avx2
			h.ExecFn = func(in api.ExecCommandInput) (api.ExecCommandOutput, error) {
				if in.Command != "grep" || !reflect.DeepEqual(in.Args, []string{"-q", "avx2", "/proc/cpuinfo"}) {
					return api.ExecCommandOutput{}, fmt.Errorf("unexpected %+v", in)
				}
				return api.ExecCommandOutput{ExitCode: code}, nil
			}
		}
		out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.3.2"}})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		want := api.DownloadPrebuiltOutput{
			DownloadURL: gh + "bun-v1.3.2/" + c.asset + ".zip", DownloadName: c.asset + ".zip",
			ArchivePrefix: c.asset, ChecksumURL: gh + "bun-v1.3.2/SHASUMS256.txt",
		}
		if err != nil || !reflect.DeepEqual(out, want) {
			t.Errorf("%s: %+v, %v; want %+v", c.name, out, err, want)
		}
	}
}

func TestDownloadPrebuiltMissingAsset(t *testing.T) {
	// A detected (not configured) baseline falls back to the regular build
	// when the release has no baseline zip; a configured one is an error.
	sums := "0000000000000000000000000000000000000000000000000000000000000000  bun-linux-x64.zip\n"
	h := &fakeHost{ID: "bun", HostEnv: linux64, Pages: map[string]string{gh + "bun-v1.0.0/SHASUMS256.txt": sums}}
	h.ExecFn = func(api.ExecCommandInput) (api.ExecCommandOutput, error) {
		return api.ExecCommandOutput{ExitCode: 1}, nil
	}
	out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.0.0"}})
	if err != nil || out.ArchivePrefix != "bun-linux-x64" {
		t.Errorf("fallback: %+v %v", out, err)
	}
	h.Config = `{"baseline": true}`
	_, err = DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.0.0"}})
	if err == nil || err.Error() != "bun 1.0.0 is not available for linux/x64: the release publishes no bun-linux-x64-baseline.zip (it has bun-linux-x64.zip)" {
		t.Errorf("configured baseline: %v", err)
	}
	_, err = DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "9.9.9"}})
	if err == nil || !strings.Contains(err.Error(), "bun-v9.9.9/SHASUMS256.txt: HTTP status 404") {
		t.Errorf("unknown version: %v", err)
	}
	for _, v := range []string{"1.3", "latest", ""} {
		if _, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: v}}); err == nil || !strings.Contains(err.Error(), "is not a full version") {
			t.Errorf("%q: %v", v, err)
		}
	}
}

func TestDownloadPrebuiltCanary(t *testing.T) {
	h := &fakeHost{ID: "bun", HostEnv: api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64}}
	out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "canary"}})
	want := api.DownloadPrebuiltOutput{DownloadURL: gh + "canary/bun-windows-aarch64.zip", DownloadName: "bun-windows-aarch64.zip", ArchivePrefix: "bun-windows-aarch64"}
	if err != nil || !reflect.DeepEqual(out, want) || len(h.Fetched) != 0 {
		t.Errorf("%+v %v %v", out, err, h.Fetched)
	}
	h.Config = `{"dist-url": "https://mirror.example/bun/bun-v{version}/{file}"}`
	out, _ = DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "canary"}})
	if out.DownloadURL != "https://mirror.example/bun/canary/bun-windows-aarch64.zip" {
		t.Errorf("custom canary: %s", out.DownloadURL)
	}
}

// The real v1.3.2 SHASUMS256.txt (CRLF, no final newline) gives the real
// hash of the download name the plugin returns, through the host's reader.
func TestRealShasumsMatchDownloadName(t *testing.T) {
	sums := readTestdata(t, "SHASUMS256-v1.3.2.txt")
	if !strings.Contains(sums, "\r\n") || strings.HasSuffix(sums, "\n") {
		t.Fatal("the sample lost its CRLF framing")
	}
	for env, want := range map[api.HostOS]string{
		api.OSLinux:   "0cb56a4484bd7764a3eef9b9e67ab457840981287b46794974d1e6612cbf6709",
		api.OSMacOS:   "78d4f0c8637427ac0be55639a697ff6a025e8eb940a6920ca508603c41a5a7b0",
		api.OSWindows: "5e73b4eba0cc09085df141e1167609b100570f1a0d538d87f9b9c0da54af58d6",
	} {
		h := &fakeHost{ID: "bun", HostEnv: api.HostEnvironment{OS: env, Arch: api.ArchX64, Libc: api.LibcGnu}, Pages: map[string]string{gh + "bun-v1.3.2/SHASUMS256.txt": sums}}
		out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.3.2"}})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := install.FindInChecksumFile([]byte(sums), out.DownloadName)
		if err != nil || sum.String() != "sha256:"+want {
			t.Errorf("%s: %s %v, want %s", env, sum, err, want)
		}
	}
}

func TestParseVersionFile(t *testing.T) {
	for _, c := range []struct{ file, content, want, err string }{
		{".bun-version", "1.3.2\n", "1.3.2", ""},
		{".bumrc", "\ufeff# comment\r\nv1.3\r\n", "v1.3", ""},
		{".bun-version", "\n", "", ""},
		{".bun-version", "\nbun!\n", "", `.bun-version:2: "bun!" is not a Bun version`},
		{"package.json", `{"devEngines":{"runtime":{"name":"bun","version":"^1.3.0"}},"engines":{"bun":"1.0.0"}}`, "^1.3.0", ""},
		{"package.json", `{"devEngines":{"runtime":[{"name":"node","version":"22"},{"name":"bun","version":"1.3.2"}]}}`, "1.3.2", ""},
		{"package.json", `{"devEngines":{"runtime":{"name":"node","version":"22"},"packageManager":{"name":"bun","version":">=1.2"}}}`, ">=1.2", ""},
		{"package.json", `{"volta":{"node":"20.0.0","bun":"1.1.0"},"engines":{"bun":"1.0.0"}}`, "1.1.0", ""},
		{"package.json", `{"engines":{"node":">=18","bun":">=1.1.0 <2"}}`, ">=1.1.0 <2", ""},
		{"package.json", `{"engines":{"bun":"workspace:*"},"packageManager":"bun@1.2.3+sha512.abcdef"}`, "1.2.3", ""},
		{"package.json", `{"packageManager":"bun"}`, "latest", ""},
		{"package.json", `{"packageManager":"pnpm@9.0.0"}`, "", ""},
		{"package.json", `{"name": "x",`, "", ""},
		{"package.json", `[]`, "", ""},
	} {
		out, err := ParseVersionFile(context.Background(), &fakeHost{ID: "bun"}, api.ParseVersionFileInput{File: c.file, Content: c.content})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: error %v, want %q", c.file, c.content, err, c.err)
			}
			continue
		}
		if err != nil || out.Version != c.want {
			t.Errorf("%s %q: %q, %v; want %q", c.file, c.content, out.Version, err, c.want)
		}
	}
}

func TestLocateExecutables(t *testing.T) {
	out, err := LocateExecutables(context.Background(), &fakeHost{ID: "bun", HostEnv: api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}}, api.LocateExecutablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	bun, bunx := out.Exes["bun"], out.Exes["bunx"]
	if bun.ExePath != "bun.exe" || !bun.Primary || bunx.ExePath != "bun.exe" || bunx.Primary || !reflect.DeepEqual([]string(bunx.ShimBeforeArgs), []string{"x"}) {
		t.Errorf("%+v", out.Exes)
	}
	if !reflect.DeepEqual(out.GlobalsLookupDirs, []string{"$BUN_INSTALL/bin", "$HOME/.bun/bin"}) {
		t.Errorf("globals %v", out.GlobalsLookupDirs)
	}
}
