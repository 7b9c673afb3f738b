//go:build wasip1

// Command wasm is the WASM build of the Python plugin: every export serves the
// core's Table through the SDK.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/python"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(python.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(python.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(python.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(python.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(python.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(python.Table, "parse_version_file") }

//go:wasmexport install_global
func installGlobal() int32 { return wasmhost.Serve(python.Table, "install_global") }

//go:wasmexport uninstall_global
func uninstallGlobal() int32 { return wasmhost.Serve(python.Table, "uninstall_global") }

func main() {}
