//go:build wasip1

// Command wasm is the Rust plugin's WASM build: every export serves the
// core's Table through wasmhost. As a guest, it needs permissions =
// ["exec"] under [tools.rust] to run rustup.
package main

import (
	"github.com/tote-dev/tote/plugins/internal/wasmhost"
	"github.com/tote-dev/tote/plugins/rust"
)

//go:wasmexport register_tool
func registerTool() int32 { return wasmhost.Serve(rust.Table, "register_tool") }

//go:wasmexport load_versions
func loadVersions() int32 { return wasmhost.Serve(rust.Table, "load_versions") }

//go:wasmexport resolve_version
func resolveVersion() int32 { return wasmhost.Serve(rust.Table, "resolve_version") }

//go:wasmexport native_install
func nativeInstall() int32 { return wasmhost.Serve(rust.Table, "native_install") }

//go:wasmexport locate_executables
func locateExecutables() int32 { return wasmhost.Serve(rust.Table, "locate_executables") }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return wasmhost.Serve(rust.Table, "detect_version_files") }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return wasmhost.Serve(rust.Table, "parse_version_file") }

func main() {}
