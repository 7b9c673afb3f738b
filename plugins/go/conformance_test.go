package golang_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	golang "github.com/tote-dev/tote/plugins/go"
	"github.com/tote-dev/tote/plugins/go/gotest"
)

// TestConformance calls every function of the native and WASM builds with
// the same inputs against the mirror and requires identical answers.
func TestConformance(t *testing.T) {
	dir := t.TempDir()
	if _, err := gotest.Build(dir); err != nil {
		t.Fatal(err)
	}
	var (
		freeBSD64 = api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64, HomeDir: api.NewVirtualPath("/userhome")}
		linux386  = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
		linuxArm  = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
		linuxS390 = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchS390x, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
		android   = api.HostEnvironment{OS: api.OSAndroid, Arch: api.ArchArm64, HomeDir: api.NewVirtualPath("/userhome")}
	)
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/go/" + v)}
	}
	parse := func(file, content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}
	}
	resolve := func(s string) api.ResolveVersionInput { return api.ResolveVersionInput{Initial: s} }

	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "go"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "versions mac", Env: conformance.MacArm64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "1.22"}},
	}
	for _, s := range []string{"go1.22.1", "1.21rc2", "go1.21rc2", "go1.18beta2", "1.9.2rc2", "go1.22", "go1.20", "1.22", "1.22.1", "^1.21", "latest", "stable", "canary", "go", "golang", ""} {
		cases = append(cases, conformance.Case{Name: "resolve " + s, Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: resolve(s)})
	}
	// Every platform of a current release.
	for _, env := range []api.HostEnvironment{conformance.Linux64, conformance.LinuxArm64, conformance.LinuxMusl, conformance.MacArm64, conformance.MacX64, conformance.Win64, conformance.WinArm64, freeBSD64, linux386, linuxArm} {
		cases = append(cases, conformance.Case{Name: "1.22.1 " + string(env.OS) + "/" + string(env.Arch), Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl("1.22.1")})
	}
	cases = append(cases,
		conformance.Case{Name: "1.22.0", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.22.0")},
		conformance.Case{Name: "1.20.0 is go1.20", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.20.0")},
		conformance.Case{Name: "1.21.0 is go1.21.0", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.21.0")},
		conformance.Case{Name: "rc", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.21.0-rc2")},
		conformance.Case{Name: "old rc", Env: conformance.LinuxArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.17.0-rc2")},
		conformance.Case{Name: "beta", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.18.0-beta2")},
		conformance.Case{Name: "latest", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("latest")},
		conformance.Case{Name: "1.17.3 windows arm64", Env: conformance.WinArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.17.3")},
		conformance.Case{Name: "1.16.10 mac arm64", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.16.10")},
		conformance.Case{Name: "1.13.7 mac x64", Env: conformance.MacX64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.13.7")},
		conformance.Case{Name: "dist-url", Env: conformance.Linux64, Config: map[string]any{"dist-url": "https://mirror.example/golang/{version}/{file}"}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.21.0-rc2")},
		conformance.Case{Name: "dist_url spelling", Env: conformance.Win64, Config: map[string]any{"dist_url": "https://mirror.example/{file}"}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.20.1")},
		// What go.dev does not publish.
		conformance.Case{Name: "no windows/arm64 before 1.17", Env: conformance.WinArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.16.10"), WantErr: "go 1.16.10 is not available for windows/arm64; go.dev publishes it for linux/arm64, linux/x64, macos/arm64, macos/x64, windows/x64"},
		conformance.Case{Name: "no macos/arm64 before 1.16", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.13.7"), WantErr: "go 1.13.7 is not available for macos/arm64"},
		conformance.Case{Name: "no windows/arm64 in 1.14rc1", Env: conformance.WinArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.14.0-rc1"), WantErr: "go 1.14.0-rc1 is not available for windows/arm64"},
		conformance.Case{Name: "no freebsd in the sample", Env: freeBSD64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.17.3"), WantErr: "go 1.17.3 is not available for freebsd/x64"},
		conformance.Case{Name: "no s390x", Env: linuxS390, Fn: api.FuncDownloadPrebuilt, Input: dl("1.22.1"), WantErr: "go 1.22.1 is not available for linux/s390x"},
		conformance.Case{Name: "no android", Env: android, Fn: api.FuncDownloadPrebuilt, Input: dl("1.22.1"), WantErr: "go 1.22.1 is not available for android/arm64"},
		conformance.Case{Name: "bootstrap entry is no release", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.0.0"), WantErr: "go 1.0.0 is not a Go release listed by https://go.dev/dl/?mode=json&include=all"},
		conformance.Case{Name: "unknown", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.99.0"), WantErr: "go 1.99.0 is not a Go release"},
		conformance.Case{Name: "canary", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("canary"), WantErr: "go has no canary build"},
		conformance.Case{Name: "bad config", Env: conformance.Linux64, Config: map[string]any{"gobin": "yes"}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.22.1"), WantErr: "invalid configuration in [tools.go]"},

		conformance.Case{Name: "linux", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{InstallDir: api.NewVirtualPath("/proto/tools/go/1.22.1")}},
		conformance.Case{Name: "windows", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{InstallDir: api.NewVirtualPath("/proto/tools/go/1.22.1")}},
		conformance.Case{Name: "gobin off", Env: conformance.MacArm64, Config: map[string]any{"gobin": false}, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},

		conformance.Case{Name: "files", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
	)
	files := []struct{ name, file, content, wantErr string }{
		{"toolchain wins", "go.mod", "module example.com/m\n\ngo 1.21\n\ntoolchain go1.22.1\n", ""},
		{"toolchain first", "go.mod", "module m\ntoolchain go1.21rc2\ngo 1.20\n", ""},
		{"go only", "go.mod", "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/mod v0.17.0\n", ""},
		{"go patch", "go.mod", "module m\n\ngo 1.21.3\n", ""},
		{"old go", "go.mod", "module m\ngo 1.16\n", ""},
		{"go rc", "go.mod", "module m\ngo 1.21rc2\n", ""},
		{"toolchain default", "go.mod", "module m\ngo 1.22.0\ntoolchain default\n", ""},
		{"custom toolchain", "go.mod", "module m\ngo 1.22.0\ntoolchain go1.22.1-corp\n", ""},
		{"comments and CRLF", "go.mod", "// go 1.10 is not it\r\nmodule m // go 1.11\r\n\r\ngo 1.22 // minimum\r\ntoolchain go1.22.1 // pinned\r\n", ""},
		{"require block", "go.mod", "module m\n\nrequire (\n\tgo.example/x v1.0.0\n)\n", ""},
		{"BOM", "go.mod", "\ufeffgo 1.22.1\n", ""},
		{"workspace", "go.work", "go 1.22.0\n\ntoolchain go1.22.1\n\nuse (\n\t./a\n\t./b\n)\n", ""},
		{"workspace go only", "go.work", "go 1.21\nuse ./a\n", ""},
		{"bad go line", "go.mod", "module m\n\ngo one.two\n", "go.mod:3: the go directive \"one.two\" is not a Go version"},
		{"go-prefixed go line", "go.mod", "go go1.22\n", "go.mod:1: the go directive \"go1.22\""},
		{"bad toolchain", "go.mod", "go 1.22\ntoolchain 1.22.1\n", "go.mod:2: the toolchain \"1.22.1\" is not a Go toolchain name"},
		{"two words", "go.work", "go 1.22 1.23\n", "go.work:1: want \"go\" followed by one version"},
		{"go-version", ".go-version", "1.22.1\n", ""},
		{"go-version partial", ".go-version", "1.22\n", ""},
		{"go-version go name", ".go-version", "go1.21rc2\r\n", ""},
		{"go-version comment", ".go-version", "# pinned by ops\n\n  go1.20  \n", ""},
		{"go-version empty", ".go-version", "\n\n", ""},
		{"go-version alias", ".go-version", "latest\n", ""},
	}
	for _, f := range files {
		cases = append(cases, conformance.Case{Name: f.name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse(f.file, f.content), WantErr: f.wantErr})
	}
	conformance.Run(t, conformance.Suite{
		ID:         "go",
		Table:      golang.Table,
		WasmDir:    filepath.Join("wasm"),
		MirrorRoot: dir,
		Upstreams:  gotest.Upstreams,
		Cases:      cases,
	})
}
