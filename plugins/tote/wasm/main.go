//go:build wasip1

// Command wasm is the tote plugin's WASM build: every export serves the
// core's Table through wasmhost.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/tote"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(tote.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(tote.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(tote.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(tote.Table, "locate_executables") }

func main() {}
