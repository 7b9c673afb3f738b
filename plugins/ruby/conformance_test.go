package ruby_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/ruby"
	"github.com/tote-dev/tote/plugins/ruby/rubytest"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored jdx/ruby releases and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := rubytest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/ruby/" + v)}
	}
	parse := func(content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: ".ruby-version", Content: content, Path: api.NewVirtualPath("/cwd/.ruby-version")}
	}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "ruby"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "locate", Env: conformance.MacArm64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
		{Name: "ruby-version", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("ruby-3.4.9\n")},
		{Name: "ruby-version-partial", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("\n3.4 # team pin\n")},
		{Name: "jruby", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("jruby-9.4.8.0\n"), WantErr: `.ruby-version:1: "jruby-9.4.8.0" is not CRuby`},
		{Name: "linux-x64", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("3.4.10")},
		{Name: "linux-arm64", Env: conformance.LinuxArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("4.0.6")},
		{Name: "macos", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("4.0.0-preview3")},
		{Name: "no-digest", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("3.2.11")},
		{Name: "musl", Env: conformance.LinuxMusl, Fn: api.FuncDownloadPrebuilt, Input: dl("3.4.9"), WantErr: "no prebuilt Ruby for linux/x64 (musl)"},
		{Name: "mac-intel", Env: conformance.MacX64, Fn: api.FuncDownloadPrebuilt, Input: dl("3.4.9"), WantErr: "no prebuilt Ruby for macos/x64"},
		{Name: "revision", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("3.4.9-1"), WantErr: `"3.4.9-1" is not a full Ruby version`},
		{Name: "unknown", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("3.1.0"), WantErr: "releases/tags/3.1.0: HTTP status 404"},
	}
	conformance.Run(t, conformance.Suite{
		ID: "ruby", Table: ruby.Table, WasmDir: "wasm",
		MirrorRoot: filepath.Join(root, "ruby"), Upstreams: rubytest.Upstreams, Cases: cases,
	})
}
