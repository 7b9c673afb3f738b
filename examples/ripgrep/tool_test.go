package main

import (
	"strings"
	"testing"

	"github.com/tote-dev/tote/sdk"
	"github.com/tote-dev/tote/sdk/plugintest"
)

// Fake ripgrep releases, newest first as the GitHub API lists them.
var releases = []release{
	{TagName: "15.0.0-beta.1", Prerelease: true},
	{TagName: "14.1.1"},
	{TagName: "14.1.0"},
	{TagName: "14.0.3"},
	{TagName: "13.0.0"},
}

// publish serves the fake releases on the mirror in ripgrep's real layout:
// the releases API, and for every version and platform the archive (rg
// inside ripgrep-<version>-<target>/) and its .sha256 file.
func publish(t *testing.T, m *plugintest.Mirror) {
	m.JSON("https://api.github.com/repos/BurntSushi/ripgrep/releases?per_page=100", releases)
	for _, r := range releases {
		v := r.TagName
		for os, arches := range targets {
			for arch := range arches {
				file, dir, err := asset(v, sdk.HostEnv{OS: os, Arch: arch})
				if err != nil {
					t.Fatal(err)
				}
				rg := plugintest.FakeExe(dir+"/rg", "ripgrep "+v)
				var archive []byte
				if os == sdk.OSWindows {
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

// TestPlugin runs the plugin in tote's real host: resolution, a full
// install from the mirror, the installed executables and version files.
func TestPlugin(t *testing.T) {
	wasm := plugintest.Build(t, ".")
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
// publishes, through the built plugin, and the error for one it does not.
func TestAssetPerPlatform(t *testing.T) {
	wasm := plugintest.Build(t, ".")
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
			out, err := p.DownloadPrebuilt(sdk.DownloadPrebuiltInput{Context: p.Context("14.1.1")})
			if err != nil {
				t.Fatal(err)
			}
			if out.DownloadURL != base+tt.want || out.ChecksumURL != base+tt.want+".sha256" {
				t.Errorf("download_url = %s, checksum_url = %s; want %s%s(.sha256)", out.DownloadURL, out.ChecksumURL, base, tt.want)
			}
			if prefix := strings.TrimSuffix(strings.TrimSuffix(tt.want, ".zip"), ".tar.gz"); out.ArchivePrefix != prefix {
				t.Errorf("archive_prefix = %q, want %q", out.ArchivePrefix, prefix)
			}
			loc, err := p.LocateExecutables(sdk.LocateExecutablesInput{Context: p.Context("14.1.1")})
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
		_, err := p.DownloadPrebuilt(sdk.DownloadPrebuiltInput{Context: p.Context("14.1.1")})
		if err == nil || !strings.Contains(err.Error(), "ripgrep publishes no binary for freebsd/x64") {
			t.Errorf("error = %v", err)
		}
	})
}

// TestDistURL checks the [tools.ripgrep] dist-url setting: the plugin
// downloads from the company mirror instead of GitHub.
func TestDistURL(t *testing.T) {
	wasm := plugintest.Build(t, ".")
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

// TestVersions is a plain unit test of the release-list logic: no WASM.
func TestVersions(t *testing.T) {
	out, err := versions(append(releases, release{TagName: "99.0.0", Draft: true}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.Versions, " "); got != "13.0.0 14.0.3 14.1.0 14.1.1 15.0.0-beta.1" {
		t.Errorf("versions = %s", got)
	}
	if out.Latest != "14.1.1" {
		t.Errorf("latest = %s", out.Latest)
	}
	if _, err := versions(nil); err == nil {
		t.Error("no releases should be an error")
	}
}
