package zig

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
)

// fakeHost serves Fetch from a map of URL → file.
type fakeHost = hosttest.Host

func sampleHost(env api.HostEnvironment) *fakeHost {
	return &fakeHost{ID: "zig", HostEnv: env, Files: map[string]string{IndexURL: filepath.Join("testdata", "zig-index.json")}}
}

var (
	linux64  = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}
	linuxArm = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcGnu}
	macArm   = api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64}
	win64    = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64}
)

func TestLoadVersionsOfSample(t *testing.T) {
	out, err := LoadVersions(context.Background(), sampleHost(linux64), api.LoadVersionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := api.LoadVersionsOutput{
		Versions: []string{"0.1.1", "0.13.0", "0.14.1"},
		Latest:   "0.14.1",
		Canary:   "0.15.0-dev.621+a63f7875f",
		Aliases:  map[string]string{"latest": "0.14.1", "stable": "0.14.1", "master": "canary"},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v", out)
	}
}

func TestDownloadPrebuiltOfSample(t *testing.T) {
	cases := []struct {
		env     api.HostEnvironment
		version string
		want    api.DownloadPrebuiltOutput
		wantErr string
	}{
		{linux64, "0.14.1", api.DownloadPrebuiltOutput{
			DownloadURL: "https://ziglang.org/download/0.14.1/zig-x86_64-linux-0.14.1.tar.xz", DownloadName: "zig-x86_64-linux-0.14.1.tar.xz",
			ArchivePrefix: "zig-x86_64-linux-0.14.1", Checksum: "sha256:24aeeec8af16c381934a6cd7d95c807a8cb2cf7df9fa40d359aa884195c4716c"}, ""},
		{linuxArm, "latest", api.DownloadPrebuiltOutput{
			DownloadURL: "https://ziglang.org/download/0.14.1/zig-armv7a-linux-0.14.1.tar.xz", DownloadName: "zig-armv7a-linux-0.14.1.tar.xz",
			ArchivePrefix: "zig-armv7a-linux-0.14.1", Checksum: "sha256:1b34d9ecfaeb3b360e86c0bc233e1a8a2bbed2d40f2d4f20c12bde2128714324"}, ""},
		{macArm, "0.13.0", api.DownloadPrebuiltOutput{
			DownloadURL: "https://ziglang.org/download/0.13.0/zig-macos-aarch64-0.13.0.tar.xz", DownloadName: "zig-macos-aarch64-0.13.0.tar.xz",
			ArchivePrefix: "zig-macos-aarch64-0.13.0"}, ""},
		{win64, "canary", api.DownloadPrebuiltOutput{
			DownloadURL: "https://ziglang.org/builds/zig-windows-x86_64-0.15.0-dev.621+a63f7875f.zip", DownloadName: "zig-windows-x86_64-0.15.0-dev.621+a63f7875f.zip",
			ArchivePrefix: "zig-windows-x86_64-0.15.0-dev.621+a63f7875f", Checksum: "sha256:892af37c334c188378cced86833c07ca2785d66fbfcbae777ad264f8556b1fd5"}, ""},
		{win64, "0.1.1", api.DownloadPrebuiltOutput{
			DownloadURL: "https://ziglang.org/download/0.1.1/zig-win64-0.1.1.zip", DownloadName: "zig-win64-0.1.1.zip",
			ArchivePrefix: "zig-win64-0.1.1", Checksum: "sha256:6fc88bef531af7e567fe30bf60da1487b86833cbee84c7a2f3e317030aa5b660"}, ""},
		{linux64, "0.1.1", api.DownloadPrebuiltOutput{}, "zig 0.1.1 is not available for linux/x64; ziglang.org publishes it for windows/x64"},
		{macArm, "0.2.0", api.DownloadPrebuiltOutput{}, "zig 0.2.0 is not a release listed by https://ziglang.org/download/index.json; run `tote versions zig` to see them"},
	}
	for _, c := range cases {
		out, err := DownloadPrebuilt(context.Background(), sampleHost(c.env), api.DownloadPrebuiltInput{Context: api.Context{Version: c.version}})
		if c.want.Checksum == "" && c.wantErr == "" {
			// Fill in the sample's hash for the case that does not spell it.
			c.want.Checksum = out.Checksum
			if len(out.Checksum) != len("sha256:")+64 {
				t.Errorf("%s: checksum %q", c.version, out.Checksum)
			}
		}
		switch {
		case c.wantErr != "":
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%s: error %v, want %q", c.version, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", c.version, err)
		case !reflect.DeepEqual(out, c.want):
			t.Errorf("%s:\n got  %+v\n want %+v", c.version, out, c.want)
		}
	}
}

func TestTargets(t *testing.T) {
	for env, want := range map[api.HostEnvironment][]string{
		linux64:                              {"x86_64-linux"},
		linuxArm:                             {"armv7a-linux", "arm-linux"},
		{OS: api.OSLinux, Arch: api.ArchX86}: {"x86-linux", "i386-linux"},
		{OS: api.OSLinux, Arch: api.ArchLongArm64}: {"loongarch64-linux"},
		{OS: api.OSLinux, Arch: api.ArchPowerPC64}: {"powerpc64le-linux"},
		macArm:                                   {"aarch64-macos"},
		{OS: api.OSWindows, Arch: api.ArchArm64}: {"aarch64-windows"},
		{OS: api.OSFreeBSD, Arch: api.ArchX64}:   {"x86_64-freebsd"},
		{OS: api.OSAndroid, Arch: api.ArchArm64}: nil,
		{OS: api.OSLinux, Arch: api.ArchSparc64}: nil,
	} {
		if got := Targets(env); !reflect.DeepEqual(got, want) {
			t.Errorf("Targets(%s/%s) = %v, want %v", env.OS, env.Arch, got, want)
		}
	}
	if got := targetName("powerpc64le-linux"); got != "linux/powerpc64" {
		t.Errorf("targetName = %q", got)
	}
}

func TestParseVersionFile(t *testing.T) {
	cases := []struct{ file, content, want, wantErr string }{
		{".zig-version", "0.14.1\n", "0.14.1", ""},
		{".zig-version", "\n\r\n  0.13.0  \r\n", "0.13.0", ""},
		{".zigversion", "master", "master", ""},
		{".zig-version", "", "", ""},
		{"build.zig.zon", ".{\n    .name = .example,\n    .minimum_zig_version = \"0.14.1\", // for new APIs\n}\n", ">=0.14.1", ""},
		{"build.zig.zon", `.{ .name = "x", .minimum_zig_version = "0.13.0" }`, ">=0.13.0", ""},
		{"build.zig.zon", ".{\n    // .minimum_zig_version = \"0.11.0\",\n    .url = \"https://x.test/a//b\",\n}\n", "", ""},
		{"build.zig.zon", ".{ .minimum_zig_version_note = \"x\", .minimum_zig_version = \"0.12.0\" }", ">=0.12.0", ""},
		{"build.zig.zon", ".{ .note = \"a \\\" // .minimum_zig_version = \\\"9.9.9\\\"\" }", "", ""},
		{"build.zig.zon", ".{\n    .minimum_zig_version = 14,\n}\n", "", "build.zig.zon:2: minimum_zig_version is not a string"},
		{"build.zig.zon", ".{\n  .minimum_zig_version = \"\",\n}\n", "", "build.zig.zon:2: minimum_zig_version is empty"},
	}
	for _, c := range cases {
		out, err := ParseVersionFile(context.Background(), nil, api.ParseVersionFileInput{File: c.file, Content: c.content})
		switch {
		case c.wantErr != "":
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%s %q: error %v, want %q", c.file, c.content, err, c.wantErr)
			}
		case err != nil || out.Version != c.want:
			t.Errorf("%s %q: %q, %v; want %q", c.file, c.content, out.Version, err, c.want)
		}
	}
}
