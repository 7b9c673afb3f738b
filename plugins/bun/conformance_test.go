package bun_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/bun"
	"github.com/tote-dev/tote/plugins/bun/buntest"
	"github.com/tote-dev/tote/plugins/conformance"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored upstream and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := buntest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	var (
		l64, la64, musl = conformance.Linux64, conformance.LinuxArm64, conformance.LinuxMusl
		m64, ma64       = conformance.MacX64, conformance.MacArm64
		w64, wa64       = conformance.Win64, conformance.WinArm64
		muslArm         = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcMusl, HomeDir: api.NewVirtualPath("/userhome")}
		x86             = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX86}
		baseline        = map[string]any{"baseline": true}
	)
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/bun/" + v)}
	}
	parse := func(file, content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}
	}
	cases := []conformance.Case{
		{Name: "register", Env: l64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "bun"}},
		{Name: "versions", Env: l64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "locate-linux", Env: l64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "locate-windows", Env: w64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "detect", Env: l64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
		{Name: "bun-version", Env: l64, Fn: api.FuncParseVersionFile, Input: parse(".bun-version", "1.3.2\n")},
		{Name: "bumrc-bom-crlf", Env: l64, Fn: api.FuncParseVersionFile, Input: parse(".bumrc", "\ufeff# c\r\nv1.3\r\n")},
		{Name: "bun-version-junk", Env: l64, Fn: api.FuncParseVersionFile, Input: parse(".bun-version", "\nbun!\n"), WantErr: `.bun-version:2: "bun!" is not a Bun version`},
		{Name: "pkg-dev-engines-list", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("package.json", `{"devEngines":{"runtime":[{"name":"node","version":"22"},{"name":"bun","version":"^1.3.0"}]}}`)},
		{Name: "pkg-volta", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("package.json", `{"volta":{"bun":"1.1.0"},"engines":{"bun":"1.0.0"}}`)},
		{Name: "pkg-engines", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("package.json", `{"engines":{"bun":">=1.1.0 <2"}}`)},
		{Name: "pkg-package-manager", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("package.json", `{"engines":{"bun":"workspace:*"},"packageManager":"bun@1.2.3+sha512.abc"}`)},
		{Name: "pkg-other-pm", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("package.json", `{"packageManager":"pnpm@9.0.0"}`)},
		{Name: "pkg-broken", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("package.json", `{"name":`)},
		{Name: "canary", Env: l64, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		{Name: "canary-windows-arm64", Env: wa64, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		{Name: "windows-arm64-1.3.14", Env: wa64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.14")},
		{Name: "windows-arm64-1.3.2", Env: wa64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.2"), WantErr: "bun 1.3.2 is not available for windows/arm64: the release publishes no bun-windows-aarch64.zip"},
		{Name: "mac-x64-baseline-1.3.2", Env: m64, Config: baseline, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.2")},
		{Name: "mac-x64-baseline-1.3.14", Env: m64, Config: baseline, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.14"), WantErr: "the release publishes no bun-darwin-x64-baseline.zip (it has bun-darwin-x64.zip)"},
		{Name: "linux-baseline", Env: l64, Config: baseline, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.2")},
		// detect-baseline runs grep, which needs exec: the conformance run
		// also holds both builds to the command timeout and output cap here.
		{Name: "linux-detect-baseline-without-exec", Env: l64, Config: map[string]any{"detect-baseline": true}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.2"),
			WantErr: `permission-denied: exec_command: plugin "bun" may not run commands`},
		{Name: "musl-baseline", Env: musl, Config: baseline, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.14")},
		{Name: "windows-baseline", Env: w64, Config: baseline, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.7")},
		{Name: "custom-dist-url", Env: l64, Config: map[string]any{"dist-url": "https://github.com/oven-sh/bun/releases/download/bun-v{version}/{file}?mirror=1"}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.2")},
		{Name: "unknown-version", Env: l64, Fn: api.FuncDownloadPrebuilt, Input: dl("9.9.9"), WantErr: "bun-v9.9.9/SHASUMS256.txt: HTTP status 404"},
		{Name: "partial", Env: l64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3"), WantErr: `"1.3" is not a full version`},
		{Name: "x86", Env: x86, Fn: api.FuncDownloadPrebuilt, Input: dl("1.3.2"), WantErr: "bun is not available for windows/x86"},
	}
	for _, env := range []api.HostEnvironment{l64, la64, musl, muslArm, m64, ma64, w64} {
		for _, v := range []string{"1.3.2", "v1.3.6", "1.3.14"} {
			cases = append(cases, conformance.Case{Name: string(env.OS) + "-" + string(env.Arch) + "-" + string(env.Libc) + "-" + v, Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl(v)})
		}
	}
	conformance.Run(t, conformance.Suite{
		ID:         "bun",
		Table:      bun.Table,
		WasmDir:    filepath.Join("wasm"),
		MirrorRoot: filepath.Join(root, "bun"),
		Upstreams:  buntest.Upstreams,
		Cases:      cases,
	})
}
