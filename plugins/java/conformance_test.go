package java_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/java"
	"github.com/tote-dev/tote/plugins/java/javatest"
)

// TestConformance runs every case on the native and the WASM build against
// the mirrored Adoptium API and requires identical answers.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM adapter")
	}
	root := t.TempDir()
	if _, err := javatest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	dl := func(v string) api.DownloadPrebuiltInput {
		return api.DownloadPrebuiltInput{Context: api.Context{Version: v}, InstallDir: api.NewVirtualPath("/proto/tools/java/" + v)}
	}
	parse := func(file, content string) api.ParseVersionFileInput {
		return api.ParseVersionFileInput{File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}
	}
	res := func(s string) api.ResolveVersionInput { return api.ResolveVersionInput{Initial: s} }
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "java"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}},
		{Name: "versions-musl", Env: conformance.LinuxMusl, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{}},
		{Name: "resolve-vendor", Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: res("temurin-21")},
		{Name: "resolve-full", Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: res("17.0.9")},
		{Name: "resolve-zulu", Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: res("zulu-21"), WantErr: `vendor "zulu" is not supported`},
		{Name: "locate-mac", Env: conformance.MacArm64, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{InstallDir: api.NewVirtualPath("/proto/tools/java/21.0.2+13")}},
		{Name: "locate-jre", Env: conformance.Win64, Config: map[string]any{"image-type": "jre"}, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{InstallDir: api.NewVirtualPath("/proto/tools/java/8.0.402+6")}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}},
		{Name: "java-version", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse(".java-version", "temurin-17\n")},
		{Name: "sdkmanrc", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse(".sdkmanrc", "java=21.0.1-tem\n")},
		{Name: "sdkmanrc-vendor", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: parse(".sdkmanrc", "java=21.0.1-amzn\n"), WantErr: `.sdkmanrc:1: vendor "amzn" is not supported`},
		{Name: "download-8", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("8.0.402+6")},
		{Name: "download-no-build", Env: conformance.LinuxArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("17.0.9")},
		{Name: "download-musl", Env: conformance.LinuxMusl, Fn: api.FuncDownloadPrebuilt, Input: dl("21.0.2+13")},
		{Name: "download-mac", Env: conformance.MacArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("21.0.1+12")},
		{Name: "download-win", Env: conformance.Win64, Fn: api.FuncDownloadPrebuilt, Input: dl("11.0.22+7")},
		{Name: "download-win-arm", Env: conformance.WinArm64, Fn: api.FuncDownloadPrebuilt, Input: dl("21.0.2+13"), WantErr: "Adoptium lists no GA Temurin jdk build of it for windows/aarch64"},
		{Name: "download-unknown", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Input: dl("19.0.2+7"), WantErr: "feature_releases/19/ga"},
		{Name: "bad-image", Env: conformance.Linux64, Config: map[string]any{"image-type": "jmods"}, Fn: api.FuncDownloadPrebuilt, Input: dl("21.0.2+13"), WantErr: `image-type "jmods"`},
	}
	conformance.Run(t, conformance.Suite{
		ID: "java", Table: java.Table, WasmDir: "wasm",
		MirrorRoot: filepath.Join(root, "java", "api"), Upstreams: []string{"https://api.adoptium.net/"}, Cases: cases,
	})
}
