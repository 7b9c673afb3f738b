package tote_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/tote"
	"github.com/tote-dev/tote/plugins/tote/totetest"
)

// TestConformance runs every case on the native and the WASM build against
// mirrored tote releases and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	fake := []byte("#!/bin/sh\necho tote\n")
	if _, err := totetest.Mirror(root, []totetest.Build{{Version: "0.2.0", Tote: fake, Shim: fake}, {Version: "0.3.0", Tote: fake, Shim: fake}}); err != nil {
		t.Fatal(err)
	}
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/tote/" + v)}
	}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "tote"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "locate", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "linux", Env: conformance.LinuxArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.3.0")},
		{Name: "mac", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("v0.2.0")},
		{Name: "windows", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.3.0")},
		{Name: "partial", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("0.3"), WantErr: `"0.3" is not a full version`},
		{Name: "x86", Env: api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX86}, Fn: api.FuncDownloadPrebuilt, Input: dl("0.3.0"), WantErr: "tote is not available for linux/x86"},
	}
	conformance.Run(t, conformance.Suite{
		ID: "tote", Table: tote.Table, WasmDir: "wasm",
		MirrorRoot: filepath.Join(root, "tote"), Upstreams: totetest.Upstreams, Cases: cases,
	})
}
