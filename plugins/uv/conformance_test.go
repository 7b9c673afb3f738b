package uv_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/uv"
	"github.com/tote-dev/tote/plugins/uv/uvtest"
)

// TestConformance calls the native and WASM builds with the same inputs
// against the mirrored GitHub releases and requires identical answers.
func TestConformance(t *testing.T) {
	root := t.TempDir()
	if _, err := uvtest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	c := func(v string) api.Context {
		return api.Context{ToolDir: api.NewVirtualPath("/proto/tools/uv"), TempDir: api.NewVirtualPath("/temp"), WorkingDir: api.NewVirtualPath("/cwd"), Version: v}
	}
	dl := func(name string, env api.HostEnvironment, v, wantErr string) conformance.Case {
		return conformance.Case{Name: name, Env: env, Fn: api.FuncDownloadPrebuilt, WantErr: wantErr, Input: api.DownloadPrebuiltInput{Context: c(v)}}
	}
	parse := func(name, file, content, wantErr string) conformance.Case {
		return conformance.Case{Name: name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile, WantErr: wantErr,
			Input: api.ParseVersionFileInput{Context: c(""), File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}}
	}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "uv"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Context: c(""), Initial: "latest"}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{Context: c("")}},
		dl("linux gnu", conformance.Linux64, "0.6.14", ""),
		dl("linux musl", conformance.LinuxMusl, "0.6.14", ""),
		dl("linux arm64", conformance.LinuxArm64, "0.5.31", ""),
		dl("mac", conformance.MacArm64, "0.7.0", ""),
		dl("windows zip", conformance.Win64, "0.7.0", ""),
		dl("linux armv7", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcGnu}, "0.7.0", ""),
		dl("ppc64 musl", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchPowerPC64, Libc: api.LibcMusl}, "0.7.0", "uv publishes no build for linux/powerpc64 with musl libc"),
		dl("freebsd", api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64}, "0.7.0", "uv publishes no build for freebsd/x64"),
		dl("alias", conformance.Linux64, "latest", "needs one resolved version"),
		{Name: "dist-url without file", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Config: map[string]any{"dist-url": "https://example.com/uv"},
			Input: api.DownloadPrebuiltInput{Context: c("0.7.0")}, WantErr: "has no {file} token"},
		{Name: "locate", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: c("0.7.0")}},
		{Name: "locate windows", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: c("0.7.0")}},
		parse("uv.toml", "uv.toml", "required-version = \">=0.5, <0.7\"\n", ""),
		parse("uv.toml compatible", "uv.toml", "required-version = \"~=0.6.3\"\n", ""),
		parse("pyproject", "pyproject.toml", "[project]\nname = \"app\"\n[tool.uv]\nrequired-version = \"==0.6.14\"\n", ""),
		parse("pyproject without uv", "pyproject.toml", "[project]\nname = \"app\"\nrequires-python = \">=3.12\"\n", ""),
		parse("not toml", "uv.toml", "required-version = \n", ""),
		parse("not a string", "uv.toml", "required-version = 5\n", "required-version must be a string"),
		parse("not a specifier", "pyproject.toml", "[tool.uv]\nrequired-version = \"newest\"\n", `required-version "newest" is not a uv version specifier`),
		{Name: "install global refused name", Env: conformance.Linux64, Fn: api.FuncInstallGlobal, WantErr: "is not a package name",
			Input: api.InstallGlobalInput{Context: c("0.7.0"), Dependency: "--index-url=http://evil", GlobalsDir: api.NewVirtualPath("/proto/tools/uv/globals/bin")}},
		{Name: "uninstall global refused name", Env: conformance.Linux64, Fn: api.FuncUninstallGlobal, WantErr: "is not a package name",
			Input: api.UninstallGlobalInput{Context: c("0.7.0"), Dependency: "ruff black", GlobalsDir: api.NewVirtualPath("/proto/tools/uv/globals/bin")}},
	}
	conformance.Run(t, conformance.Suite{
		ID: "uv", Table: uv.Table, WasmDir: "wasm", MirrorRoot: filepath.Join(root, "uv"),
		Upstreams: []string{"https://github.com/astral-sh/uv/", "https://api.github.com/repos/astral-sh/uv/"},
		Cases:     cases,
	})
}
