package terraform_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/terraform"
	"github.com/tote-dev/tote/plugins/terraform/terraformtest"
)

// TestConformance runs every case on the native and the WASM build (which
// carries the OpenPGP verification) against the mirrored
// releases.hashicorp.com and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := terraformtest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	keyTOML, err := os.ReadFile(filepath.Join(root, "terraform", "key.toml"))
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]any{"pgp-public-key": strings.SplitN(string(keyTOML), "'''\n", 3)[1]}
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/terraform/" + v)}
	}
	parse := func(content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: ".terraform-version", Content: content, Path: api.NewVirtualPath("/cwd/.terraform-version")}
	}
	bsd := api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX86}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "terraform"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "locate", Env: conformance.Win64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
		{Name: "parse", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("# tfenv\nv1.9.8\n")},
		{Name: "parse-tfenv-regex", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse("latest:^1.9"), WantErr: `.terraform-version:1: tfenv's "latest:^1.9" is not supported`},
		{Name: "signed-mirror-key", Env: conformance.Linux64, Config: key, Fn: api.FuncDownloadPrebuilt, Input: dl("1.9.8")},
		{Name: "signed-mirror-key-rc", Env: conformance.MacArm64, Config: key, Fn: api.FuncDownloadPrebuilt, Input: dl("1.10.0-rc1")},
		{Name: "freebsd-386", Env: bsd, Config: key, Fn: api.FuncDownloadPrebuilt, Input: dl("1.9.8")},
		{Name: "hashicorp-key-rejects", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.9.8"), WantErr: "terraform_1.9.8_SHA256SUMS: signature check failed"},
		{Name: "unsigned", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("1.5.7")},
		{Name: "no-build", Env: conformance.WinArm64, Config: key, Fn: api.FuncDownloadPrebuilt, Input: dl("1.9.8"), WantErr: "terraform 1.9.8 is not available for windows/arm64 (it is built for darwin/amd64, darwin/arm64, freebsd/386, linux/amd64, linux/arm64, windows/amd64)"},
		{Name: "unknown", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("9.9.9"), WantErr: "9.9.9/index.json: HTTP status 404"},
	}
	conformance.Run(t, conformance.Suite{
		ID: "terraform", Table: terraform.Table, WasmDir: "wasm",
		MirrorRoot: filepath.Join(root, "terraform"), Upstreams: []string{terraformtest.Upstream}, Cases: cases,
	})
}
