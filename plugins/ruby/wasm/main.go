//go:build wasip1

// Command wasm is the ruby plugin's WASM build: every export serves the
// core's Table through wasmhost.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/ruby"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(ruby.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(ruby.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(ruby.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(ruby.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(ruby.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(ruby.Table, "parse_version_file") }

func main() {}
