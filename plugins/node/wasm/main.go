//go:build wasip1

// Command wasm is the WASM build of the Node.js plugin: every export serves
// the core's Table through the SDK.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/node"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(node.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(node.Table, "load_versions") }

//go:wasmexport resolve_version
func resolveVersion() int32 { return wasmhost.Serve(node.Table, "resolve_version") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(node.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(node.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(node.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(node.Table, "parse_version_file") }

func main() {}
