package sdk_test

import (
	"fmt"
	"strings"

	"github.com/tote-dev/tote/sdk"
)

func ExampleParseSpec() {
	for _, raw := range []string{"v1.2.3", "20", "^1.2", ">=1.20 <1.23", "18 || 20", "lts/*", "canary", "2024-01-02", "1.21rc2", "1.x.3"} {
		s, err := sdk.ParseSpec(raw)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-13s %s %s%s", s.Raw, s.Kind, s.Version, s.Alias)))
	}
	// Output:
	// v1.2.3        exact 1.2.3
	// 20            partial 20
	// ^1.2          range
	// >=1.20 <1.23  range
	// 18 || 20      range
	// lts/*         alias lts/*
	// canary        canary canary
	// 2024-01-02    exact 2024-01-02
	// 1.21rc2       literal 1.21rc2
	// invalid version spec "1.x.3": number "3" after a wildcard
}

func ExampleSpec_Matches() {
	s, _ := sdk.ParseSpec(">=1.20 <1.23")
	for _, v := range []string{"1.19.9", "1.20.0", "1.22.7", "1.23.0"} {
		fmt.Println(v, s.Matches(v))
	}
	// Output:
	// 1.19.9 false
	// 1.20.0 true
	// 1.22.7 true
	// 1.23.0 false
}

func ExampleSpec_Resolve() {
	s, _ := sdk.ParseSpec("20")
	v, ok := s.Resolve([]string{"18.20.4", "20.11.1", "20.17.0", "22.8.0", "20.18.0-rc.1"})
	fmt.Println(v, ok)
	// Output: 20.17.0 true
}

func ExampleSortVersions() {
	vs := []string{"1.10.0", "1.2.0", "1.2.0-rc.1", "v1.9.3", "1.2.0-beta.10", "1.2.0-beta.2"}
	sdk.SortVersions(vs)
	fmt.Println(vs)
	// Output: [1.2.0-beta.2 1.2.0-beta.10 1.2.0-rc.1 1.2.0 v1.9.3 1.10.0]
}

func ExampleCheckSupportedOSAndArch() {
	perms := sdk.Permutations{
		sdk.OSLinux: {sdk.ArchX64, sdk.ArchArm64},
		sdk.OSMacOS: {sdk.ArchX64, sdk.ArchArm64},
	}
	fmt.Println(sdk.CheckSupportedOSAndArch("Deno", sdk.HostEnv{OS: sdk.OSLinux, Arch: sdk.ArchArm64}, perms))
	fmt.Println(sdk.CheckSupportedOSAndArch("Deno", sdk.HostEnv{OS: sdk.OSWindows, Arch: sdk.ArchArm}, perms))
	// Output:
	// <nil>
	// Deno is not available for windows/arm; supported: linux/arm64, linux/x64, macos/arm64, macos/x64
}

func ExampleExeName() {
	fmt.Println(sdk.ExeName(sdk.HostEnv{OS: sdk.OSWindows}, "deno"))
	fmt.Println(sdk.ExeName(sdk.HostEnv{OS: sdk.OSLinux}, "deno"))
	// Output:
	// deno.exe
	// deno
}

func ExampleForNative() {
	env := sdk.HostEnv{OS: sdk.OSWindows, Arch: sdk.ArchX64}
	fmt.Println(sdk.ForNative(env, "bin/node", "node.exe"))
	fmt.Println(sdk.ForNative(env, []string{"bin"}, []string{"."}))
	// Output:
	// node.exe
	// [.]
}

func ExampleArchiveExt() {
	fmt.Println(sdk.ArchiveExt(sdk.HostEnv{OS: sdk.OSWindows}))
	fmt.Println(sdk.ArchiveExt(sdk.HostEnv{OS: sdk.OSMacOS}))
	// Output:
	// zip
	// tar.gz
}

func ExampleErrorf() {
	err := sdk.Errorf("no %s release for %s", "arm64", "1.2.3")
	fmt.Println(err)
	// Output: no arm64 release for 1.2.3
}

func ExampleDecodeToolConfig() {
	type Config struct {
		BundledNpm bool   `json:"bundled_npm"`
		DistURL    string `json:"dist_url"`
	}
	defaults := Config{BundledNpm: true, DistURL: "https://nodejs.org/dist"}
	// As written in .prototools under [tools.node]: bundled-npm = false
	cfg, err := sdk.DecodeToolConfig([]byte(`{"bundled-npm": false, "unknown": 1}`), defaults)
	fmt.Printf("%+v %v\n", cfg, err)
	// Output: {BundledNpm:false DistURL:https://nodejs.org/dist} <nil>
}

func ExampleExport() {
	// In a plugin, the export of a function is one line:
	//
	//	//go:wasmexport register_tool
	//	func registerTool() int32 { return sdk.Export(RegisterTool) }
	//
	// Outside a WebAssembly host there is no input, so the function gets
	// the zero input; it runs and Export reports success.
	rc := sdk.Export(func(in sdk.RegisterToolInput) (sdk.RegisterToolOutput, error) {
		fmt.Printf("called with id %q\n", in.ID)
		return sdk.RegisterToolOutput{Name: "Example", Type: sdk.TypeCommandLine}, nil
	})
	fmt.Println(rc)
	// Output:
	// called with id ""
	// 0
}
