package kubectl_test

import (
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/kubectl"
	"github.com/tote-dev/tote/plugins/kubectl/kubectltest"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored dl.k8s.io and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := kubectltest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/kubectl/" + v)}
	}
	s390 := api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchS390x, Libc: api.LibcGnu}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "kubectl"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "locate", Env: conformance.Linux64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "locate-windows", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "canary", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("canary")},
		{Name: "s390x", Env: s390, Fn: api.FuncDownloadPrebuilt, Input: dl("1.31.2")},
		{Name: "custom-dist", Env: conformance.Linux64, Config: map[string]any{"dist-url": "https://dl.k8s.io/release"}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.30.6")},
		{Name: "partial", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.30"), WantErr: `"1.30" is not a full version`},
		{Name: "mac-x86", Env: api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchX86}, Fn: api.FuncDownloadPrebuilt, Input: dl("1.31.2"), WantErr: "kubectl is not available for macos/x86"},
		{Name: "bad-config", Env: conformance.Linux64, Config: map[string]any{"dist-url": 7}, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{}, WantErr: "invalid configuration in [tools.kubectl]"},
	}
	for _, env := range []api.HostEnvironment{conformance.Linux64, conformance.LinuxArm64, conformance.MacX64, conformance.MacArm64, conformance.Win64, conformance.WinArm64} {
		cases = append(cases, conformance.Case{Name: string(env.OS) + "-" + string(env.Arch), Env: env, Fn: api.FuncDownloadPrebuilt, Input: dl("v1.31.2")})
	}
	conformance.Run(t, conformance.Suite{
		ID: "kubectl", Table: kubectl.Table, WasmDir: "wasm",
		MirrorRoot: root + "/kubectl", Upstreams: []string{kubectltest.Upstream}, Cases: cases,
	})
}
