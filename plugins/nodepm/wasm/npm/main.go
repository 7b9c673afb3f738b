//go:build wasip1

// Command npm is the WASM build of the npm plugin: every export serves the
// core's NpmTable through the SDK.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/nodepm"
)

var table = nodepm.NpmTable

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(table, "load_versions") }

//go:wasmexport resolve_version
func resolveVersion() int32 { return wasmhost.Serve(table, "resolve_version") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(table, "parse_version_file") }

//go:wasmexport install_global
func installGlobal() int32 { return wasmhost.Serve(table, "install_global") }

//go:wasmexport uninstall_global
func uninstallGlobal() int32 { return wasmhost.Serve(table, "uninstall_global") }

func main() {}
