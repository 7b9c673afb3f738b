package rust_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/rust"
	"github.com/tote-dev/tote/plugins/rust/rusttest"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored rustup dist and tags, and requires identical answers. The
// native_install cases stop before running anything (conformance hosts
// grant no exec): a bad checksum, an unsupported host, a bad version.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := rusttest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	install := func(v string) api.NativeInstallInput {
		return api.NativeInstallInput{Context: api.Context{Version: v, TempDir: api.NewVirtualPath("/temp/rust")},
			InstallDir: api.VirtualPath{Path: "/proto/tools/rust/" + v, VirtualPrefix: "/proto", RealPrefix: "/home/u/.tote"}}
	}
	locate := func(v string) api.LocateExecutablesInput {
		return api.LocateExecutablesInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/rust/" + v)}
	}
	parse := func(file, content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}
	}
	bad := map[string]any{"rustup-update-root": "https://static.rust-lang.org/rustup-bad"}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "rust"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "resolve-nightly-date", Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: api.ResolveVersionInput{Initial: "nightly-2024-01-05"}},
		{Name: "resolve-canary", Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: api.ResolveVersionInput{Initial: "canary"}},
		{Name: "resolve-release", Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: api.ResolveVersionInput{Initial: "1.80"}},
		{Name: "locate", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: locate("1.80.1")},
		{Name: "locate-windows", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: locate("stable")},
		{Name: "locate-musl-nightly", Env: conformance.LinuxMusl, Fn: api.FuncLocateExecutables, Input: locate("nightly-2024-01-05")},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
		{Name: "toml", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("rust-toolchain.toml", "[toolchain]\nchannel = \"nightly-2024-01-05\"\ncomponents = [\"rustfmt\"]\n")},
		{Name: "legacy", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("rust-toolchain", "1.80.1\n")},
		{Name: "legacy-triple", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("rust-toolchain", "stable-x86_64-unknown-linux-gnu\n")},
		{Name: "toml-path", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("rust-toolchain.toml", "[toolchain]\npath = \"/opt/my-rust\"\n"), WantErr: "a custom toolchain"},
		{Name: "toml-broken", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("rust-toolchain.toml", "[toolchain]\nchannel = \n"), WantErr: "rust-toolchain.toml:2: invalid TOML"},
		{Name: "install-bad-checksum", Env: conformance.Linux64, Config: bad, Fn: api.FuncNativeInstall, Input: install("1.80.1"), WantErr: "checksum mismatch for https://static.rust-lang.org/rustup-bad/dist/x86_64-unknown-linux-gnu/rustup-init"},
		{Name: "install-no-rustup-init", Env: conformance.WinArm64, Fn: api.FuncNativeInstall, Input: install("stable"), WantErr: "aarch64-pc-windows-msvc/rustup-init.exe: HTTP status 404"},
		{Name: "install-x86", Env: api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86}, Fn: api.FuncNativeInstall, Input: install("stable"), WantErr: "rust is not available for linux/x86"},
		{Name: "install-bad-version", Env: conformance.Linux64, Fn: api.FuncNativeInstall, Input: install("nightly-24-01-05"), WantErr: `"nightly-24-01-05" is neither a Rust release nor a channel`},
	}
	conformance.Run(t, conformance.Suite{
		ID: "rust", Table: rust.Table, WasmDir: "wasm",
		MirrorRoot: filepath.Join(root, "rust"), Upstreams: []string{"https://static.rust-lang.org/", "https://api.github.com/repos/rust-lang/rust/"}, Cases: cases,
	})
}
