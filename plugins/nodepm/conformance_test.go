package nodepm_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/nodepm"
	"github.com/tote-dev/tote/plugins/nodepm/nodepmtest"
)

func ctx(id, v string) api.Context {
	return api.Context{ToolDir: api.NewVirtualPath("/proto/tools/" + id), TempDir: api.NewVirtualPath("/temp"), WorkingDir: api.NewVirtualPath("/cwd"), Version: v}
}

// TestConformance calls the native and WASM builds of npm, pnpm and yarn
// with the same inputs against the mirrored registry and requires
// identical answers.
func TestConformance(t *testing.T) {
	root := t.TempDir()
	if _, err := nodepmtest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	for _, k := range []nodepm.Kind{nodepm.Npm, nodepm.Pnpm, nodepm.Yarn} {
		id := k.String()
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			c := func(v string) api.Context { return ctx(id, v) }
			dl := func(name string, env api.HostEnvironment, v, wantErr string) conformance.Case {
				return conformance.Case{Name: name, Env: env, Fn: api.FuncDownloadPrebuilt, WantErr: wantErr,
					Input: api.DownloadPrebuiltInput{Context: c(v), InstallDir: api.NewVirtualPath("/proto/tools/" + id + "/" + v)}}
			}
			locate := func(name string, env api.HostEnvironment, v string) conformance.Case {
				return conformance.Case{Name: name, Env: env, Fn: api.FuncLocateExecutables,
					Input: api.LocateExecutablesInput{Context: c(v), InstallDir: api.NewVirtualPath("/proto/tools/" + id + "/" + v)}}
			}
			resolve := func(spec, wantErr string) conformance.Case {
				return conformance.Case{Name: spec, Env: conformance.Linux64, Fn: api.FuncResolveVersion, WantErr: wantErr,
					Input: api.ResolveVersionInput{Context: c(""), Initial: spec}}
			}
			parse := func(name, content, wantErr string) conformance.Case {
				return conformance.Case{Name: name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile, WantErr: wantErr,
					Input: api.ParseVersionFileInput{Context: c(""), File: "package.json", Content: content, Path: api.NewVirtualPath("/cwd/package.json")}}
			}
			// The global cases stop before running anything.
			global := func(fn, v, dep, wantErr string) conformance.Case {
				var in any = api.InstallGlobalInput{Context: c(v), Dependency: dep, GlobalsDir: api.NewVirtualPath("/proto/tools/" + id + "/globals/bin")}
				if fn == api.FuncUninstallGlobal {
					in = api.UninstallGlobalInput{Context: c(v), Dependency: dep, GlobalsDir: api.NewVirtualPath("/proto/tools/" + id + "/globals/bin")}
				}
				return conformance.Case{Name: fn + " " + v + " " + dep, Env: conformance.Linux64, Fn: fn, Input: in, WantErr: wantErr}
			}
			cases := []conformance.Case{
				{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: id}},
				{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Context: c(""), Initial: "latest"}},
				{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{Context: c("")}},
				{Name: "bad registry", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Config: map[string]any{"registry-url": "ftp://example.com"},
					Input: api.LoadVersionsInput{Context: c("")}, WantErr: "is not an http(s) URL"},
				resolve("latest", ""), resolve("canary", "has no canary builds"),
				resolve("classic", ""), resolve("berry", ""),
				global(api.FuncInstallGlobal, "1.22.22", "-rf", "is not a package name"),
				global(api.FuncUninstallGlobal, "1.22.22", "", "is not a package name"),
				dl("alias refused", conformance.Linux64, "latest", "download_prebuilt needs one resolved version"),
				dl("unpublished", conformance.Linux64, "99.0.0", "is not published on the npm registry"),
				parse("packageManager with hash", `{"packageManager":"`+id+`@9.1.0+sha512.`+hash128+`"}`, ""),
				parse("packageManager sha256", `{"packageManager":"`+id+`@9.1.0+sha256.`+hash128[:64]+`"}`, ""),
				parse("packageManager bare", `{"packageManager":"`+id+`"}`, ""),
				parse("packageManager other tool", `{"packageManager":"bun@1.1.0","engines":{"`+id+`":">=9"}}`, ""),
				parse("packageManager bad hash", `{"packageManager":"`+id+`@9.1.0+sha512.abc"}`, "needs 128 hex digits"),
				parse("packageManager bad version", `{"packageManager":"`+id+`@nine"}`, ""),
				parse("packageManager range with hash", `{"packageManager":"`+id+`@^9+sha512.`+hash128+`"}`, "is not one exact version"),
				parse("devEngines first", `{"devEngines":{"packageManager":[{"name":"bun"},{"name":"`+id+`","version":"^9.1"}]},"packageManager":"`+id+`@8.0.0"}`, ""),
				parse("volta", `{"volta":{"node":"20.1.0","`+id+`":"9.6.7"},"engines":{"`+id+`":"10"}}`, ""),
				parse("engines", `{"engines":{"node":">=18","`+id+`":">=9 <11"}}`, ""),
				parse("workspace protocol skipped", `{"engines":{"`+id+`":"workspace:*"}}`, ""),
				parse("not json", `{"name": `, ""),
				{Name: "other file", Env: conformance.Linux64, Fn: api.FuncParseVersionFile, Input: api.ParseVersionFileInput{Context: c(""), File: ".nvmrc", Content: "20"}},
			}
			switch k {
			case nodepm.Npm:
				cases = append(cases,
					// "bundled" runs `node --version` (exec, not granted
					// here); the run also holds both builds to the command
					// timeout and output cap with this case.
					resolve("bundled", `permission-denied: exec_command: plugin "npm" may not run commands`),
					dl("npm 10.9.0", conformance.Linux64, "10.9.0", ""),
					dl("npm 6 on windows", conformance.Win64, "6.14.4", ""),
					dl("custom dist-url", conformance.MacArm64, "10.8.2", ""),
					locate("npm 10", conformance.Linux64, "10.9.0"),
					locate("npm 5.1 has no npx", conformance.Win64, "5.1.0"),
				)
				cases[len(cases)-3].Config = map[string]any{"dist-url": "{registry}/{package}/-/{file}"}
			case nodepm.Pnpm:
				cases = append(cases, resolve("bundled", ""),
					dl("pnpm 9.1.0", conformance.Linux64, "9.1.0", ""),
					dl("pnpm 11", conformance.LinuxArm64, "11.0.0", ""),
					dl("pnpm 12 native linux", conformance.Linux64, "12.26.0", ""),
					dl("pnpm 12 native musl not mirrored", conformance.LinuxMusl, "12.26.0", "is not published on the npm registry as @pnpm/exe.linux-x64-musl"),
					dl("pnpm 12 freebsd", api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64}, "12.26.0", "pnpm publishes native builds for linux, macos and windows"),
					locate("pnpm 9", conformance.Linux64, "9.1.0"),
					locate("pnpm 11", conformance.MacArm64, "11.0.0"),
					locate("pnpm 12", conformance.Linux64, "12.26.0"),
					locate("pnpm 12 windows", conformance.Win64, "12.26.0"),
				)
			case nodepm.Yarn:
				cases = append(cases,
					global(api.FuncInstallGlobal, "4.5.0", "typescript", "yarn 2 and later dropped `yarn global`"),
					dl("yarn 1.22.19 old prefix", conformance.Linux64, "1.22.19", ""),
					dl("yarn 1.22.22", conformance.Linux64, "1.22.22", ""),
					dl("yarn 2.4.3 in yarn", conformance.Linux64, "2.4.3", ""),
					dl("yarn berry", conformance.Win64, "4.18.1", ""),
					dl("yarn 6", conformance.Linux64, "6.0.0", "yarn 6 and later ship from GitHub"),
					locate("yarn 1", conformance.Linux64, "1.22.22"),
					locate("yarn 4", conformance.Win64, "4.5.0"),
				)
			}
			conformance.Run(t, conformance.Suite{
				ID:         id,
				Table:      nodepm.Table(k),
				WasmDir:    filepath.Join("wasm", id),
				MirrorRoot: filepath.Join(root, "npm-registry"),
				Upstreams:  []string{nodepmtest.Upstream},
				Cases:      cases,
			})
		})
	}
}

const hash128 = "67f5879916a9293e5cf059c23853d571beaf4f753c707f40cb22bed5fb1578c6aad3b6c4107ccb3ba0b35be003eb621a16471ac836c87beb53f9d54bb4612724"
