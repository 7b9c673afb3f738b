//go:build wasip1

package sdk

import (
	"github.com/extism/go-pdk"
)

// tote's host functions, with proto's signatures: each parameter and result
// is the offset of an Extism memory block.

//go:wasmimport extism:host/user exec_command
func hostExecCommand(input uint64) uint64

//go:wasmimport extism:host/user send_request
func hostSendRequest(input uint64) uint64

//go:wasmimport extism:host/user download_file
func hostDownloadFile(input uint64) uint64

//go:wasmimport extism:host/user get_env_var
func hostGetEnvVar(name uint64) uint64

//go:wasmimport extism:host/user set_env_var
func hostSetEnvVar(name, value uint64)

//go:wasmimport extism:host/user host_log
func hostHostLog(input uint64)

//go:wasmimport extism:host/user to_virtual_path
func hostToVirtualPath(path uint64) uint64

//go:wasmimport extism:host/user from_virtual_path
func hostFromVirtualPath(path uint64) uint64

// wasmABI is the real host, reached through go-pdk.
type wasmABI struct{}

func defaultABI() abi { return wasmABI{} }

func (wasmABI) input() []byte { return pdk.Input() }

func (wasmABI) output(b []byte) { pdk.Output(b) }

func (wasmABI) setError(msg string) { pdk.SetErrorString(msg) }

func (wasmABI) config(key string) (string, bool) { return pdk.GetConfig(key) }

// callBytes passes b to a one-argument host function and returns the block
// it answers with, freeing both blocks.
func callBytes(fn func(uint64) uint64, b []byte) []byte {
	in := pdk.AllocateBytes(b)
	defer in.Free()
	return take(fn(in.Offset()))
}

// take reads the memory block at offset and frees it; nil for offset 0.
func take(offset uint64) []byte {
	if offset == 0 {
		return nil
	}
	mem := pdk.FindMemory(offset)
	b := mem.ReadBytes()
	mem.Free()
	return b
}

func (wasmABI) execCommand(in []byte) []byte { return callBytes(hostExecCommand, in) }

func (wasmABI) sendRequest(in []byte) []byte { return callBytes(hostSendRequest, in) }

func (wasmABI) downloadFile(in []byte) []byte { return callBytes(hostDownloadFile, in) }

func (wasmABI) readMemory(offset, length uint64) []byte {
	if offset == 0 {
		return nil
	}
	mem := pdk.NewMemory(offset, length)
	b := mem.ReadBytes()
	mem.Free()
	return b
}

func (wasmABI) getEnvVar(name string) string {
	return string(callBytes(hostGetEnvVar, []byte(name)))
}

func (wasmABI) setEnvVar(name, value string) {
	n := pdk.AllocateString(name)
	defer n.Free()
	v := pdk.AllocateString(value)
	defer v.Free()
	hostSetEnvVar(n.Offset(), v.Offset())
}

func (wasmABI) hostLog(in []byte) {
	mem := pdk.AllocateBytes(in)
	defer mem.Free()
	hostHostLog(mem.Offset())
}

func (wasmABI) toVirtualPath(p string) string {
	return string(callBytes(hostToVirtualPath, []byte(p)))
}

func (wasmABI) fromVirtualPath(p string) string {
	return string(callBytes(hostFromVirtualPath, []byte(p)))
}
