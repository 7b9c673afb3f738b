//go:build wasip1

// Command wasm is the WASM build of the Poetry plugin: every export serves
// the core's Table through the SDK.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/poetry"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(poetry.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(poetry.Table, "load_versions") }

//go:wasmexport native_install
func nativeInstall() int32 { return wasmhost.Serve(poetry.Table, "native_install") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(poetry.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(poetry.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(poetry.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(poetry.Table, "parse_version_file") }

func main() {}
