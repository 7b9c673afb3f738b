//go:build wasip1

// Command ripgrep is a tote tool plugin for ripgrep (rg), installed
// from its GitHub releases. This file only exports the functions; the logic
// is in tool.go, which is plain Go and tested on the host.
//
//	tote plugin build   # → ripgrep.wasm
package main

import "github.com/tote-dev/tote/sdk"

//go:wasmexport register_tool
func registerTool() int32 { return sdk.Export(RegisterTool) }

//go:wasmexport load_versions
func loadVersions() int32 { return sdk.Export(LoadVersions) }

//go:wasmexport download_prebuilt
func downloadPrebuilt() int32 { return sdk.Export(DownloadPrebuilt) }

//go:wasmexport locate_executables
func locateExecutables() int32 { return sdk.Export(LocateExecutables) }

//go:wasmexport detect_version_files
func detectVersionFiles() int32 { return sdk.Export(DetectVersionFiles) }

//go:wasmexport parse_version_file
func parseVersionFile() int32 { return sdk.Export(ParseVersionFile) }

// main is required by -buildmode=c-shared and never runs.
func main() {}
