package node_test

import (
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/node"
	"github.com/tote-dev/tote/plugins/node/nodetest"
)

// TestConformance calls the native and WASM builds with the same inputs
// against the local nodejs.org mirror and requires identical answers.
func TestConformance(t *testing.T) {
	root := t.TempDir()
	if _, err := nodetest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	ctx := func(v string) api.Context {
		return api.Context{ToolDir: api.NewVirtualPath("/proto/tools/node"), TempDir: api.NewVirtualPath("/temp"), WorkingDir: api.NewVirtualPath("/cwd"), Version: v}
	}
	dl := func(name string, env api.HostEnvironment, v string) conformance.Case {
		return conformance.Case{Name: name, Env: env, Fn: api.FuncDownloadPrebuilt,
			Input: api.DownloadPrebuiltInput{Context: ctx(v), InstallDir: api.NewVirtualPath("/proto/tools/node/" + v)}}
	}
	dlErr := func(name string, env api.HostEnvironment, v, want string) conformance.Case {
		c := dl(name, env, v)
		c.WantErr = want
		return c
	}
	locate := func(name string, env api.HostEnvironment, v string) conformance.Case {
		return conformance.Case{Name: name, Env: env, Fn: api.FuncLocateExecutables,
			Input: api.LocateExecutablesInput{Context: ctx(v), InstallDir: api.NewVirtualPath("/proto/tools/node/" + v)}}
	}
	resolve := func(spec string) conformance.Case {
		return conformance.Case{Name: spec, Env: conformance.Linux64, Fn: api.FuncResolveVersion, Input: api.ResolveVersionInput{Context: ctx(""), Initial: spec}}
	}
	parse := func(name, file, content string) conformance.Case {
		return conformance.Case{Name: name, Env: conformance.Linux64, Fn: api.FuncParseVersionFile,
			Input: api.ParseVersionFileInput{Context: ctx(""), File: file, Content: content, Path: api.NewVirtualPath("/cwd/" + file)}}
	}
	parseErr := func(name, file, content, want string) conformance.Case {
		c := parse(name, file, content)
		c.WantErr = want
		return c
	}
	cases := []conformance.Case{
		{Name: "register", Env: conformance.Linux64, Fn: api.FuncRegisterTool, Input: api.RegisterToolInput{ID: "node"}},
		{Name: "versions", Env: conformance.Linux64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Context: ctx(""), Initial: "latest"}},
		{Name: "versions for lts", Env: conformance.MacArm64, Fn: api.FuncLoadVersions, Input: api.LoadVersionsInput{Context: ctx(""), Initial: "lts"}},
		{Name: "detect", Env: conformance.Linux64, Fn: api.FuncDetectVersionFiles, Input: api.DetectVersionInput{Context: ctx("")}},

		resolve("node"), resolve("lts"), resolve("lts/*"), resolve("lts-*"), resolve("lts/Iron"),
		resolve("lts-hydrogen"), resolve("20"), resolve("latest"), resolve("^18 || ^20"),

		dl("linux x64 current", conformance.Linux64, "23.3.0"),
		dl("linux x64 lts", conformance.Linux64, "22.12.0"),
		dl("linux arm64", conformance.LinuxArm64, "20.18.1"),
		dl("linux arm64 old", conformance.LinuxArm64, "14.1.0"),
		dl("musl x64 unofficial", conformance.LinuxMusl, "22.12.0"),
		dlErr("musl x64 without unofficial build", conformance.LinuxMusl, "20.18.1", "node 20.18.1: cannot read the list of published files"),
		dl("mac arm64", conformance.MacArm64, "18.20.5"),
		dl("mac arm64 before 16 via rosetta", conformance.MacArm64, "14.1.0"),
		dl("mac x64", conformance.MacX64, "20.9.0"),
		dl("windows x64", conformance.Win64, "22.11.0"),
		dl("windows arm64", conformance.WinArm64, "20.18.1"),
		dlErr("windows arm64 on 18", conformance.WinArm64, "18.20.5", "node 18.20.5 is not available for windows/arm64: nodejs.org publishes no node-v18.20.5-win-arm64.zip"),
		dlErr("windows arm64 on 14", conformance.WinArm64, "14.1.0", "builds of 14.1.0: darwin-x64, linux-arm64, linux-x64, win-x64, win-x86"),
		dlErr("linux arm not mirrored", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcGnu}, "22.12.0", "node 22.12.0 is not available for linux/arm"),
		dlErr("musl arm", api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm, Libc: api.LibcMusl}, "22.12.0", "with musl libc: nodejs.org publishes no musl builds"),
		dlErr("freebsd", api.HostEnvironment{OS: api.OSFreeBSD, Arch: api.ArchX64}, "22.12.0", "node is not available for freebsd/x64"),
		dlErr("unpublished version", conformance.Linux64, "99.1.0", "node 99.1.0: cannot read the list of published files: fetch https://nodejs.org/download/release/v99.1.0/SHASUMS256.txt: HTTP status 404"),
		dlErr("unresolved alias", conformance.Linux64, "lts", `node: cannot download "lts"`),
		{Name: "custom dist-url", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Config: map[string]any{"dist-url": "https://nodejs.org/dist/v{version}/{file}"},
			Input: api.DownloadPrebuiltInput{Context: ctx("22.12.0")}},
		{Name: "dist-url without file", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Config: map[string]any{"dist_url": "https://nodejs.org/dist/"},
			Input: api.DownloadPrebuiltInput{Context: ctx("22.12.0")}, WantErr: "has no {file} token"},
		{Name: "bad config", Env: conformance.Linux64, Fn: api.FuncDownloadPrebuilt, Config: map[string]any{"dist-url": 3},
			Input: api.DownloadPrebuiltInput{Context: ctx("22.12.0")}, WantErr: "invalid configuration in [tools.node]"},

		locate("linux", conformance.Linux64, "22.12.0"),
		locate("linux 25 without corepack", conformance.Linux64, "25.1.0"),
		locate("mac 14", conformance.MacArm64, "14.1.0"),
		locate("windows", conformance.Win64, "20.18.1"),
		locate("windows arm64", conformance.WinArm64, "22.12.0"),

		parse("nvmrc plain", ".nvmrc", "20\n"),
		parse("nvmrc v", ".nvmrc", "v18.20.5\r\n"),
		parse("nvmrc comments", ".nvmrc", "# pinned for CI\n\n// old style\n  lts/iron   # the Iron line\n"),
		parse("nvmrc lts star", ".nvmrc", "lts/*\n"),
		parse("nvmrc node", ".nvmrc", "node\n"),
		parse("nvmrc system", ".nvmrc", "system\n"),
		parse("nvmrc empty", ".nvmrc", "\n\n"),
		parse("nvmrc range", ".nvmrc", ">=18 <21\n"),
		parseErr("nvmrc garbage", ".nvmrc", "twenty two?!\n", `.nvmrc: "twenty two?!" is not a Node.js version`),
		parse("node-version", ".node-version", "22.12.0\n"),
		parse("package engines", "package.json", `{"name":"app","engines":{"node":">=18 <21","npm":">=9"}}`),
		parse("package volta over engines", "package.json", `{"volta":{"node":"20.9.0","npm":"10.1.0"},"engines":{"node":">=18"}}`),
		parse("package devEngines first", "package.json", `{"devEngines":{"runtime":[{"name":"bun"},{"name":"node","version":"^22","onFail":"download"}]},"volta":{"node":"20.9.0"}}`),
		parse("package no pin", "package.json", `{"name":"app","version":"1.0.0"}`),
		parse("package not json", "package.json", `{"name": `),
		parseErr("package bad engines", "package.json", `{"engines":{"node":"eighteen or so"}}`, `package.json: engines.node "eighteen or so" is not a Node.js version`),
	}
	conformance.Run(t, conformance.Suite{
		ID:         "node",
		Table:      node.Table,
		WasmDir:    "wasm",
		MirrorRoot: filepath.Join(root, "node"),
		Upstreams:  []string{"https://"},
		Cases:      cases,
	})
}
