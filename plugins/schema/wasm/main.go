//go:build wasip1

// Command wasm is the schema plugin built as a WebAssembly plugin: every
// export serves the same core as the native build, reading the schema from
// the injected "proto_schema" config value.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/schema"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(schema.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(schema.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(schema.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(schema.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(schema.Table, "detect_version_files") }

func main() {}
