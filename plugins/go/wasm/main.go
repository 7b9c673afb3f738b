//go:build wasip1

// Command wasm is the Go plugin built as a WebAssembly plugin: every export
// serves the same core as the native build.
package main

import (
	golang "github.com/tote-dev/tote/plugins/go"
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(golang.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(golang.Table, "load_versions") }

//go:wasmexport resolve_version
func resolveVersion() int32 { return wasmhost.Serve(golang.Table, "resolve_version") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(golang.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(golang.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(golang.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(golang.Table, "parse_version_file") }

func main() {}
