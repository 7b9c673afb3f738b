package moon_test

import (
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/moon"
	"github.com/tote-dev/tote/plugins/moon/moontest"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored GitHub releases and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := moontest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/moon/" + v)}
	}
	loc := func(v string) api.LocateExecutablesInput {
		return api.LocateExecutablesInput{Context: api.Context{Version: v}}
	}
	muslArm := api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcMusl}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "moon"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "locate-1", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: loc("1.41.0")},
		{Name: "locate-2", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: loc("2.0.0")},
		{Name: "v1-digest", Env: conformance.LinuxMusl, Fn: api.FuncDownloadPrebuilt, Input: dl("1.41.0")},
		{Name: "v1-windows", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.30.0")},
		{Name: "canary-no-digest", Env: muslArm, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		{Name: "v2-windows-zip", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("2.0.0")},
		{Name: "windows-arm64", Env: conformance.WinArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("2.0.0"), WantErr: "moon is not available for windows/arm64"},
		{Name: "unknown-v1", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.9.9"), WantErr: "releases/tags/v1.9.9: HTTP status 404"},
		{Name: "partial", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("2"), WantErr: `"2" is not a full version`},
	}
	for _, env := range []api.HostEnvironment{conformance.Linux64, conformance.LinuxArm64, conformance.MacX64, conformance.MacArm64} {
		for _, v := range []string{"1.41.0", "2.0.0"} {
			cases = append(cases, conformance.Case{Name: string(env.OS) + "-" + string(env.Arch) + "-" + v, Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl(v)})
		}
	}
	conformance.Run(t, conformance.Suite{
		ID: "moon", Table: moon.Table, WasmDir: "wasm",
		MirrorRoot: root + "/moon", Upstreams: moontest.Upstreams, Cases: cases,
	})
}
