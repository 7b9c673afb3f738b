package uv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/plugins/uv"
)

func TestTriples(t *testing.T) {
	for env, want := range map[api.HostEnvironment]string{
		{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}:    "x86_64-unknown-linux-gnu",
		{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcMusl}: "aarch64-unknown-linux-musl",
		{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcMusl}:   "armv7-unknown-linux-musleabihf",
		{OS: api.OSMacOS, Arch: api.ArchArm64}:                     "aarch64-apple-darwin",
		{OS: api.OSWindows, Arch: api.ArchX86}:                     "i686-pc-windows-msvc",
	} {
		if got, err := uv.Triple(env); err != nil || got != want {
			t.Errorf("Triple(%+v) = %q, %v; want %q", env, got, err, want)
		}
	}
	if _, err := uv.Triple(api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchS390x, Libc: api.LibcMusl}); err == nil {
		t.Error("s390x musl: want an error")
	}
}

func TestGlobalsRunThroughTheShim(t *testing.T) {
	var got api.ExecCommandInput
	h := &hosttest.Host{ID: "uv", ExecFn: func(in api.ExecCommandInput) (api.ExecCommandOutput, error) {
		got = in
		return api.ExecCommandOutput{ExitCode: 2, Stderr: "error: ruff is not installed\n"}, nil
	}}
	n := &pluginhost.Native{PluginID: "uv", Table: uv.Table, Host: h}
	var out api.UninstallGlobalOutput
	if err := n.Call(context.Background(), api.FuncUninstallGlobal, api.UninstallGlobalInput{Context: api.Context{Version: "0.6.14"}, Dependency: "ruff"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Uninstalled || out.Error != "error: ruff is not installed" {
		t.Errorf("out %+v", out)
	}
	if got.Command != "/proto/shims/uv" || strings.Join(got.Args, " ") != "tool uninstall ruff" || got.Env["TOTE_UV_VERSION"] != "0.6.14" {
		t.Errorf("exec %+v", got)
	}
}
