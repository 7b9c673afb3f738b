package schema_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/schema"
	"github.com/tote-dev/tote/plugins/schema/schemafile"
)

// The native and WASM builds answer every function identically for every
// recorded third-party plugin, on every platform.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the WASM plugin")
	}
	files, _ := filepath.Glob("testdata/proto-toml/*.toml")
	files = append(files, "testdata/variants/uv.json", "testdata/variants/uv.yaml")
	var cases []conformance.Case
	envs := map[string]api.HostEnvironment{"linux": conformance.Linux64, "musl": conformance.LinuxMusl, "linux-arm64": conformance.LinuxArm64, "mac": conformance.MacArm64, "win": conformance.Win64}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := schemafile.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		hc := map[string]string{api.ConfigSchema: string(res.JSON)}
		name := filepath.Base(f)
		for en, env := range envs {
			cases = append(cases,
				conformance.Case{Name: name + "/" + en, Env: env, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "x"}, HostConfig: hc},
				conformance.Case{Name: name + "/" + en, Env: env, Fn: api.FuncDownloadPrebuilt, Input: api.DownloadPrebuiltInput{Context: api.Context{Version: "1.2.3"}}, HostConfig: hc},
				conformance.Case{Name: name + "/" + en + "/canary", Env: env, Fn: api.FuncDownloadPrebuilt, Input: api.DownloadPrebuiltInput{Context: api.Context{Version: "canary"}}, HostConfig: hc},
				conformance.Case{Name: name + "/" + en, Env: env, Fn: api.FuncLocateExecutables, Input: api.LocateExecutablesInput{Context: api.Context{Version: "1.2.3"}}, HostConfig: hc},
				conformance.Case{Name: name + "/" + en, Env: env, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{}, HostConfig: hc},
			)
		}
	}
	manifest := `{"name":"m","type":"cli","platform":{"linux":{"download-file":"m-{arch}"}},"install":{"download-url":"https://manifest.example/{download_file}"},"resolve":{"manifest-url":"https://manifest.example/manifest/versions.json","manifest-version-key":"tag","version-pattern":"^v(?<major>\\d+)\\.(?<minor>\\d+)\\.(?<patch>\\d+)(?<pre>-.+)?$","aliases":{"stable":"1.1"}}}`
	static := `{"name":"s","platform":{"linux":{"download-file":"s"}},"install":{"download-url":"u"},"resolve":{"versions":["1.2.3","1.2.4"]}}`
	missing := `{"name":"x","platform":{"linux":{"download-file":"s"}},"install":{"download-url":"u"},"resolve":{"manifest-url":"https://manifest.example/none.json"}}`
	cases = append(cases,
		conformance.Case{Name: "manifest", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "latest"}, HostConfig: map[string]string{api.ConfigSchema: manifest}},
		conformance.Case{Name: "static", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Initial: "1"}, HostConfig: map[string]string{api.ConfigSchema: static}},
		conformance.Case{Name: "404", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{}, HostConfig: map[string]string{api.ConfigSchema: missing}, WantErr: "HTTP status 404"},
		conformance.Case{Name: "unsupported os", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "x"},
			HostConfig: map[string]string{api.ConfigSchema: `{"name":"mac-only","platform":{"macos":{"download-file":"f"}},"install":{"download-url":"u"}}`}, WantErr: "unsupported OS linux"},
		conformance.Case{Name: "no schema", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "x"}, WantErr: "proto_schema"},
	)
	conformance.Run(t, conformance.Suite{
		ID:         "schema",
		Table:      schema.Table,
		WasmDir:    "wasm",
		MirrorRoot: "testdata/mirror",
		Upstreams:  []string{"https://manifest.example/"},
		Cases:      cases,
	})
}
