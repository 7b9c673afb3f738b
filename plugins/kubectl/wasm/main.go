//go:build wasip1

// Command wasm is the kubectl plugin's WASM build: every export serves the
// core's Table through wasmhost.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/kubectl"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(kubectl.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(kubectl.Table, "load_versions") }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return wasmhost.Serve(kubectl.Table, "download_prebuilt") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(kubectl.Table, "locate_executables") }

func main() {}
