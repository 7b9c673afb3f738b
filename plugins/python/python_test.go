package python_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/python"
	"github.com/tote-dev/tote/plugins/python/pythontest"
)

// TestParseRealSums reads SHA256SUMS lines with real names and hashes of
// release 20241016 (testdata/README.md).
func TestParseRealSums(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "SHA256SUMS-20241016-excerpt"))
	if err != nil {
		t.Fatal(err)
	}
	got := python.Parse("20241016", string(b), "x86_64-unknown-linux-gnu", "install_only_stripped")
	if len(got) != 5 {
		t.Fatalf("versions %v", got)
	}
	if len(python.Parse("20241016", string(b), "x86_64-unknown-linux-gnu", "install_only")) != 0 {
		t.Error("the excerpt has no install_only archive")
	}
	if len(python.Parse("20240726", string(b), "x86_64-unknown-linux-gnu", "install_only_stripped")) != 0 {
		t.Error("another release's file names are not this release's")
	}
}

func TestConformance(t *testing.T) {
	root := t.TempDir()
	if _, err := pythontest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	c := func(v string) api.Context {
		return api.Context{ToolDir: api.NewVirtualPath("/proto/tools/python"), TempDir: api.NewVirtualPath("/temp"), WorkingDir: api.NewVirtualPath("/cwd"), Version: v}
	}
	dl := func(name string, env api.HostEnvironment, v, wantErr string, cfg map[string]any) conformance.Case {
		return conformance.Case{Name: name, Env: env, Fn: api.FuncDownloadPrebuilt, WantErr: wantErr, Config: cfg, Input: api.DownloadPrebuiltInput{Context: c(v)}}
	}
	parse := func(name, content, wantErr string) conformance.Case {
		return conformance.Case{Name: name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile, WantErr: wantErr,
			Input: api.ParseVersionFileInput{Context: c(""), File: ".python-version", Content: content, Path: api.NewVirtualPath("/cwd/.python-version")}}
	}
	versions := func(name string, env api.HostEnvironment, cfg map[string]any, wantErr string) conformance.Case {
		return conformance.Case{Name: name, Env: env, Fn: api.FuncLoadVersions, Config: cfg, WantErr: wantErr, Input: api.LoadVersionsInput{Context: c("")}}
	}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "python"}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{Context: c("")}},
		versions("linux", conformance.Linux64, nil, ""),
		versions("musl", conformance.LinuxMusl, nil, ""),
		versions("mac stripped", conformance.MacArm64, map[string]any{"stripped": true}, ""),
		versions("one release", conformance.Linux64, map[string]any{"release": "20241016"}, ""),
		versions("lookback 1", conformance.LinuxArm64, map[string]any{"lookback": 1}, ""),
		versions("windows", conformance.Win64, nil, ""),
		versions("musl arm64 not built", conformance.LinuxMusl, map[string]any{"release": "20241016", "stripped": true}, ""),
		versions("bad release", conformance.Linux64, map[string]any{"release": "latest"}, "is not a python-build-standalone release"),
		versions("bad lookback", conformance.Linux64, map[string]any{"lookback": 0}, "read between 1 and 100 releases"),
		dl("3.12.4 third release", conformance.Linux64, "3.12.4", "", nil),
		dl("rc", conformance.LinuxArm64, "3.15.0-rc.1", "", nil),
		dl("musl", conformance.LinuxMusl, "3.13.0", "", nil),
		dl("stripped", conformance.MacArm64, "3.12.7", "", map[string]any{"stripped": true}),
		dl("not built", conformance.Linux64, "3.8.1", "has no install_only build for x86_64-unknown-linux-gnu in the newest releases read", nil),
		dl("not in pinned release", conformance.Linux64, "3.12.4", "in release 20241016", map[string]any{"release": "20241016"}),
		dl("riscv", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchRiscv64, Libc: api.LibcGnu}, "3.12.4", "publishes no CPython for linux/riscv64", nil),
		dl("alias", conformance.Linux64, "latest", "needs one resolved version", nil),
		{Name: "locate", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: c("3.12.4")}},
		{Name: "locate windows", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: c("3.12.4")}},
		parse("partial", "3.12\n", ""),
		parse("full", "3.12.4\n", ""),
		parse("several lines", "# comment\n\n3.11.10\n3.12\n", ""),
		parse("rc", "3.13.0rc1\n", ""),
		parse("system", "system\n", ""),
		parse("empty", "\n", ""),
		parse("pypy", "pypy3.10-7.3.17\n", `.python-version:1: "pypy3.10-7.3.17" names pypy, not CPython`),
		parse("miniconda", "3.12\nminiconda3-latest\n", ""),
		parse("garbage", "three\n", `"three" is not a CPython version`),
		parse("dev", "3.14-dev\n", "is not a CPython version"),
		{Name: "install global refused", Env: conformance.Linux64, Fn: api.FuncInstallGlobal, WantErr: "is not a package name",
			Input: api.InstallGlobalInput{Context: c("3.12.4"), Dependency: "--index-url=http://evil"}},
		{Name: "uninstall global refused", Env: conformance.Linux64, Fn: api.FuncUninstallGlobal, WantErr: "is not a package name",
			Input: api.UninstallGlobalInput{Context: c("3.12.4"), Dependency: ""}},
	}
	conformance.Run(t, conformance.Suite{
		ID: "python", Table: python.Table, WasmDir: "wasm", MirrorRoot: filepath.Join(root, "pbs"),
		Upstreams: []string{"https://github.com/astral-sh/python-build-standalone/", "https://api.github.com/repos/astral-sh/python-build-standalone/"},
		Cases:     cases,
	})
}
