//go:build wasip1

// Command wasm is the Bun plugin's WASM build: every export serves the
// core's Table through wasmhost.
package main

import (
	"github.com/tote-dev/tote/plugins/bun"
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(bun.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(bun.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(bun.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(bun.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(bun.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(bun.Table, "parse_version_file") }

func main() {}
