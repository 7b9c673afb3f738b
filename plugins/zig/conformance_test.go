package zig_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/zig"
	"github.com/tote-dev/tote/plugins/zig/zigtest"
)

// TestConformance calls every function of the native and WASM builds with
// the same inputs against the mirror and requires identical answers.
func TestConformance(t *testing.T) {
	dir := t.TempDir()
	index, err := zigtest.Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A second index at another URL, for index-url; and a broken one.
	os.MkdirAll(filepath.Join(dir, "custom"), 0o755)
	os.WriteFile(filepath.Join(dir, "custom", "index.json"), index, 0o644)
	os.WriteFile(filepath.Join(dir, "custom", "broken.json"), []byte(`{"0.14.1": [1, 2]}`), 0o644)
	var (
		freeBSD64 = api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64, HomeDir: api.NewVirtualPath("/userhome")}
		linuxArm  = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
		linux386  = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
		linuxS390 = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchS390x, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
		android   = api.HostEnvironment{OS: api.OSAndroid, Arch: api.ArchArm64, HomeDir: api.NewVirtualPath("/userhome")}
	)
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/zig/" + v)}
	}
	parse := func(file, content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}
	}
	custom := map[string]any{"index-url": "https://ziglang.org/custom/index.json"}

	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "zig"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "versions custom index", Env: conformance.MacArm64, Config: custom, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "0.14"}},
		{Name: "versions missing index", Env: conformance.Linux64, Config: map[string]any{"index_url": "https://ziglang.org/custom/missing.json"}, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{}, WantErr: "cannot list Zig releases: fetch https://ziglang.org/custom/missing.json: HTTP status 404"},
		{Name: "versions broken index", Env: conformance.Linux64, Config: map[string]any{"indexUrl": "https://ziglang.org/custom/broken.json"}, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{}, WantErr: "cannot read the Zig download index https://ziglang.org/custom/broken.json"},
	}
	all := []api.HostEnvironment{conformance.Linux64, conformance.LinuxArm64, conformance.LinuxMusl, conformance.MacArm64, conformance.MacX64, conformance.Win64, conformance.WinArm64, linuxArm, linux386, linuxS390}
	for _, env := range all {
		cases = append(cases, conformance.Case{Name: "0.14.1 " + string(env.OS) + "/" + string(env.Arch), Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl("0.14.1")})
	}
	for _, env := range all[:7] {
		cases = append(cases,
			conformance.Case{Name: "0.13.0 " + string(env.OS) + "/" + string(env.Arch), Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl("0.13.0")},
			conformance.Case{Name: "canary " + string(env.OS) + "/" + string(env.Arch), Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		)
	}
	cases = append(cases,
		conformance.Case{Name: "0.13.0 freebsd", Env: freeBSD64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.13.0")},
		conformance.Case{Name: "master alias", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("master")},
		conformance.Case{Name: "master version", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.15.0-dev.621+a63f7875f")},
		conformance.Case{Name: "latest", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("latest")},
		conformance.Case{Name: "0.1.1 windows", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.1.1")},
		conformance.Case{Name: "custom index", Env: conformance.Linux64, Config: custom, Fn: api.FuncDownloadPrebuilt, Input: dl("0.13.0")},
		// What ziglang.org does not publish.
		conformance.Case{Name: "0.1.1 linux", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.1.1"), WantErr: "zig 0.1.1 is not available for linux/x64; ziglang.org publishes it for windows/x64"},
		conformance.Case{Name: "0.14.1 freebsd", Env: freeBSD64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.14.1"), WantErr: "zig 0.14.1 is not available for freebsd/x64"},
		conformance.Case{Name: "canary s390x", Env: linuxS390, Fn: api.FuncDownloadPrebuilt, Input: dl("canary"), WantErr: "zig canary (0.15.0-dev.621+a63f7875f) is not available for linux/s390x"},
		conformance.Case{Name: "0.13.0 s390x", Env: linuxS390, Fn: api.FuncDownloadPrebuilt, Input: dl("0.13.0"), WantErr: "zig 0.13.0 is not available for linux/s390x"},
		conformance.Case{Name: "android", Env: android, Fn: api.FuncDownloadPrebuilt, Input: dl("0.14.1"), WantErr: "zig 0.14.1 is not available for android/arm64"},
		conformance.Case{Name: "unknown", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.99.0"), WantErr: "zig 0.99.0 is not a release listed by https://ziglang.org/download/index.json"},

		conformance.Case{Name: "linux", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{InstallDir: api.NewVirtualPath("/proto/tools/zig/0.14.1")}},
		conformance.Case{Name: "windows", Env: conformance.WinArm64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		conformance.Case{Name: "files", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
	)
	files := []struct{ name, file, content, wantErr string }{
		{"zig-version", ".zig-version", "0.14.1\n", ""},
		{"zig-version blank lines", ".zig-version", "\n\r\n  0.13.0  \r\n", ""},
		{"zig-version master", ".zig-version", "master\n", ""},
		{"zigversion", ".zigversion", "0.13\n", ""},
		{"empty", ".zig-version", "", ""},
		{"zon", "build.zig.zon", ".{\n    .name = .example,\n    .version = \"1.2.3\",\n    .minimum_zig_version = \"0.14.1\", // for new APIs\n}\n", ""},
		{"zon one line", "build.zig.zon", `.{ .name = "x", .version = "0.0.1", .minimum_zig_version = "0.13.0" }`, ""},
		{"zon commented", "build.zig.zon", ".{\n    // .minimum_zig_version = \"0.11.0\",\n    .dependencies = .{ .x = .{ .url = \"https://x.test/a//b\" } },\n}\n", ""},
		{"zon dev", "build.zig.zon", ".{\r\n\t.minimum_zig_version=\"0.15.0-dev.621+a63f7875f\",\r\n}\r\n", ""},
		{"zon not a string", "build.zig.zon", ".{\n    .minimum_zig_version = 14,\n}\n", "build.zig.zon:2: minimum_zig_version is not a string"},
		{"zon unterminated", "build.zig.zon", ".{\n    .minimum_zig_version = \"0.14.1,\n}\n", "build.zig.zon:2: minimum_zig_version has no closing quote"},
	}
	for _, f := range files {
		cases = append(cases, conformance.Case{Name: f.name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse(f.file, f.content), WantErr: f.wantErr})
	}
	conformance.Run(t, conformance.Suite{
		ID:         "zig",
		Table:      zig.Table,
		WasmDir:    "wasm",
		MirrorRoot: dir,
		Upstreams:  []string{zigtest.Upstream},
		Cases:      cases,
	})
}
