// Package sdk is the guest kit for writing tote tool plugins in Go.
//
// A plugin is a package main built with the standard Go toolchain (Go 1.24
// or later; TinyGo is not needed):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o my_tool.wasm .
//
// Each plugin function is an ordinary Go function over the contract types,
// which this package re-exports from package api (its "prelude"), so a
// plugin imports only sdk. The export itself is one line: a
// //go:wasmexport function that hands the Go function to [Export]. Returning
// an error fails the call; its message reaches the user with the plugin id
// and function name.
//
// A complete plugin that installs a tool from GitHub releases:
//
//	package main
//
//	import (
//		"fmt"
//
//		"github.com/tote-dev/tote/sdk"
//	)
//
//	func RegisterTool(in sdk.RegisterToolInput) (sdk.RegisterToolOutput, error) {
//		return sdk.RegisterToolOutput{Name: "My Tool", Type: sdk.TypeCommandLine, PluginVersion: "0.1.0"}, nil
//	}
//
//	func DownloadPrebuilt(in sdk.DownloadPrebuiltInput) (sdk.DownloadPrebuiltOutput, error) {
//		env := sdk.HostEnvironment()
//		if err := sdk.CheckSupportedOSAndArch("My Tool", env, sdk.Permutations{
//			sdk.OSLinux: {sdk.ArchX64, sdk.ArchArm64},
//			sdk.OSMacOS: {sdk.ArchX64, sdk.ArchArm64},
//		}); err != nil {
//			return sdk.DownloadPrebuiltOutput{}, err
//		}
//		v := in.Context.Version
//		file := fmt.Sprintf("my-tool-%s-%s-%s.%s", v, env.OS, env.Arch, sdk.ArchiveExt(env))
//		return sdk.DownloadPrebuiltOutput{
//			DownloadURL: "https://github.com/me/my-tool/releases/download/v" + v + "/" + file,
//			ChecksumURL: "https://github.com/me/my-tool/releases/download/v" + v + "/SHA256SUMS",
//		}, nil
//	}
//
//	func LocateExecutables(in sdk.LocateExecutablesInput) (sdk.LocateExecutablesOutput, error) {
//		exe := sdk.ExeName(sdk.HostEnvironment(), "my-tool")
//		return sdk.LocateExecutablesOutput{Exes: map[string]sdk.ExecutableConfig{
//			"my-tool": {ExePath: exe, Primary: true},
//		}}, nil
//	}
//
//	func LoadVersions(in sdk.LoadVersionsInput) (sdk.LoadVersionsOutput, error) {
//		var tags []string
//		if err := sdk.FetchJSON("https://example.com/my-tool/versions.json", &tags); err != nil {
//			return sdk.LoadVersionsOutput{}, err
//		}
//		if len(tags) == 0 {
//			return sdk.LoadVersionsOutput{}, sdk.Errorf("no versions of My Tool found")
//		}
//		sdk.SortVersions(tags)
//		return sdk.LoadVersionsOutput{Versions: tags, Latest: tags[len(tags)-1]}, nil
//	}
//
//	//go:wasmexport register_tool
//	func registerTool() int32 { return sdk.Export(RegisterTool) }
//
//	//go:wasmexport download_prebuilt
//	func downloadPrebuilt() int32 { return sdk.Export(DownloadPrebuilt) }
//
//	//go:wasmexport locate_executables
//	func locateExecutables() int32 { return sdk.Export(LocateExecutables) }
//
//	//go:wasmexport load_versions
//	func loadVersions() int32 { return sdk.Export(LoadVersions) }
//
//	func main() {}
//
// # What the package offers
//
//   - Export glue: [Export], [ExportOutput], [ExportInput]; user-facing
//     errors with [Errorf] and [PluginError]. Panics are recovered and
//     reported as errors.
//   - Host information, read from the configuration the host injects and
//     cached: [HostEnvironment], [PluginID], [ToolID], [VirtualPaths], and
//     the tool's own [tools.<id>] settings with [ToolConfig].
//   - Host functions, checked against the plugin's grants: [Fetch],
//     [FetchJSON], [FetchText] (network), [Exec], [ExecCapture] (commands),
//     [GetEnv], [SetEnv], [ToVirtualPath], [FromVirtualPath], and logging
//     with [Trace], [Debug], [Info], [Warn] and [Error].
//   - Pure helpers: [CheckSupportedOSAndArch], [ExeName], [ForNative],
//     [ArchiveExt]; version specs with [ParseSpec], [Spec.Matches],
//     [Spec.Resolve], [SortVersions] and [CompareVersions] (semantic
//     versioning implemented here, so the SDK has no dependency beyond
//     go-pdk and the contract package).
//
// # Paths
//
// A plugin sees only virtual paths: /proto ($TOTE_HOME), /userhome ($HOME),
// /cwd (the working directory) and /temp ($TOTE_HOME/temp). Inputs and
// outputs carry virtual paths; use [FromVirtualPath] for a host path, for
// example to pass to a command run with [Exec].
//
// # Outside WebAssembly
//
// The package compiles for every platform so that plugin code can be unit
// tested natively, but only a wasip1 build talks to a host: elsewhere
// configuration is empty and host functions report that there is no host.
package sdk
