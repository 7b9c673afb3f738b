package deno_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/deno"
	"github.com/tote-dev/tote/plugins/deno/denotest"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored upstream and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := denotest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	var (
		l64, la64, musl = conformance.Linux64, conformance.LinuxArm64, conformance.LinuxMusl
		m64, ma64       = conformance.MacX64, conformance.MacArm64
		w64, wa64       = conformance.Win64, conformance.WinArm64
		x86             = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86, Libc: api.LibcGnu}
		bsd             = api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64}
	)
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/deno/" + v)}
	}
	parse := func(content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: ".dvmrc", Content: content, Path: api.NewVirtualPath("/cwd/.dvmrc")}
	}
	cases := []conformance.Case{
		{Name: "register", Env: l64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "deno"}},
		{Name: "versions", Env: l64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "versions-mac", Env: ma64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "2"}},
		{Name: "locate-linux", Env: l64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "locate-windows", Env: w64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "detect", Env: l64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
		{Name: "parse-plain", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("2.1.2\n")},
		{Name: "parse-v", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("v1.46.3")},
		{Name: "parse-bom-crlf-comment", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("\ufeff# pinned\r\n\r\n1.46\r\n")},
		{Name: "parse-range", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("// c\n>=2.0 <2.2\n")},
		{Name: "parse-empty", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("\n\n")},
		{Name: "parse-junk", Env: l64, Fn: api.FuncParseVersionFile, Input: parse("deno please\n"), WantErr: `.dvmrc:1: "deno please" is not a Deno version`},
		{Name: "custom-dist-url", Env: l64, Config: map[string]any{"dist-url": "https://mirror.example/deno/{version}/{file}"}, Fn: api.FuncDownloadPrebuilt, Input: dl("2.1.2")},
		{Name: "bad-config", Env: l64, Config: map[string]any{"dist-url": 3}, Fn: api.FuncDownloadPrebuilt, Input: dl("2.1.2"), WantErr: "invalid configuration in [tools.deno]"},
		{Name: "canary-linux", Env: l64, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		{Name: "canary-windows-arm64", Env: wa64, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		{Name: "latest", Env: m64, Fn: api.FuncDownloadPrebuilt, Input: dl("latest")},
		{Name: "partial", Env: l64, Fn: api.FuncDownloadPrebuilt, Input: dl("2.1"), WantErr: `"2.1" is not a full version`},
		{Name: "x86", Env: x86, Fn: api.FuncDownloadPrebuilt, Input: dl("2.1.2"), WantErr: "deno is not available for linux/x86"},
		{Name: "freebsd", Env: bsd, Fn: api.FuncDownloadPrebuilt, Input: dl("2.1.2"), WantErr: "deno is not available for freebsd/x64"},
		{Name: "pre-zip", Env: l64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.36.0"), WantErr: "deno 0.36.0 is not available for linux/x64"},
		{Name: "linux-arm64-early", Env: la64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.40.4"), WantErr: "deno 1.40.4 is not available for linux/arm64: Deno publishes this platform from 1.40.5 on"},
		{Name: "mac-arm64-early", Env: ma64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.5.4"), WantErr: "deno 1.5.4 is not available for macos/arm64"},
		{Name: "windows-arm64-early", Env: wa64, Fn: api.FuncDownloadPrebuilt, Input: dl("2.6.7"), WantErr: "deno 2.6.7 is not available for windows/arm64: Deno publishes this platform from 2.6.8 on"},
		{Name: "windows-arm64-first", Env: wa64, Fn: api.FuncDownloadPrebuilt, Input: dl("2.6.8")},
		{Name: "musl", Env: musl, Fn: api.FuncDownloadPrebuilt, Input: dl("2.7.7")},
	}
	for _, env := range []api.HostEnvironment{l64, la64, m64, ma64, w64} {
		for _, v := range []string{"1.46.3", "2.0.0", "2.0.1", "2.1.2", "v2.7.7", "2.9.5"} {
			cases = append(cases, conformance.Case{Name: string(env.OS) + "-" + string(env.Arch) + "-" + v, Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl(v)})
		}
	}
	conformance.Run(t, conformance.Suite{
		ID:         "deno",
		Table:      deno.Table,
		WasmDir:    filepath.Join("wasm"),
		MirrorRoot: filepath.Join(root, "deno"),
		Upstreams:  denotest.Upstreams,
		Cases:      cases,
	})
}
