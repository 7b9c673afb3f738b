//go:build wasip1

// Command wasm is the WASM build of the uv plugin: every export serves the
// core's Table through the SDK.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/uv"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(uv.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(uv.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(uv.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(uv.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(uv.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(uv.Table, "parse_version_file") }

//go:wasmexport install_global
func installGlobal() int32 { return wasmhost.Serve(uv.Table, "install_global") }

//go:wasmexport uninstall_global
func uninstallGlobal() int32 { return wasmhost.Serve(uv.Table, "uninstall_global") }

func main() {}
