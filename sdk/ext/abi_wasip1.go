//go:build wasip1

package ext

import (
	"github.com/extism/go-pdk"

	"github.com/tote-dev/tote/sdk"
)

// The extension contract's exports. They live here, in package ext, so
// that a plugin gets them by importing ext and tool plugins built with
// package sdk alone do not: the Go toolchain (1.24 and later) keeps a
// //go:wasmexport of any package linked into the module.

//go:wasmexport metadata
func exportMetadata() int32 { return sdk.ExportOutput(current.metadata) }

//go:wasmexport on_enable
func exportOnEnable() int32 { return sdk.Export(current.enable) }

//go:wasmexport on_disable
func exportOnDisable() int32 { return sdk.ExportInput(current.disable) }

//go:wasmexport handle_event
func exportHandleEvent() int32 { return sdk.Export(current.handleEvent) }

//go:wasmexport handle_command
func exportHandleCommand() int32 { return sdk.Export(current.handleCommand) }

// tote's extension host functions (api.HostSubscribe,
// api.HostRegisterCommand, api.HostListTools in namespace
// extism:host/user): each
// parameter and result is the offset of an Extism memory block.

//go:wasmimport extism:host/user subscribe
func hostSubscribe(input uint64) uint64

//go:wasmimport extism:host/user register_command
func hostRegisterCommand(input uint64) uint64

//go:wasmimport extism:host/user list_tools
func hostListTools(input uint64) uint64

// wasmABI is the real host, reached through go-pdk.
type wasmABI struct{}

func defaultABI() abi { return wasmABI{} }

// callBytes passes b to a one-argument host function and returns the
// block it answers with (nil for offset 0), freeing both blocks.
func callBytes(fn func(uint64) uint64, b []byte) []byte {
	in := pdk.AllocateBytes(b)
	defer in.Free()
	off := fn(in.Offset())
	if off == 0 {
		return nil
	}
	mem := pdk.FindMemory(off)
	out := mem.ReadBytes()
	mem.Free()
	return out
}

func (wasmABI) subscribe(in []byte) []byte       { return callBytes(hostSubscribe, in) }
func (wasmABI) registerCommand(in []byte) []byte { return callBytes(hostRegisterCommand, in) }
func (wasmABI) listTools(in []byte) []byte       { return callBytes(hostListTools, in) }
