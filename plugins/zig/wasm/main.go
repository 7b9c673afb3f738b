//go:build wasip1

// Command wasm is the Zig plugin built as a WebAssembly plugin: every export
// serves the same core as the native build.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/zig"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(zig.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(zig.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(zig.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(zig.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(zig.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(zig.Table, "parse_version_file") }

func main() {}
