package sdk

import (
	"sync"

	"github.com/tote-dev/tote/api"
)

// abi is the plugin's view of the Extism host: the plugin's own input,
// output and error slots, the injected configuration, and tote's host
// functions (namespace api.HostNamespace). In a wasip1 build it is backed by
// go-pdk and wasmimport declarations (abi_wasip1.go); elsewhere by a stub
// that reports it is not running inside a host (abi_other.go). The SDK's own
// tests replace it with a fake to run natively.
//
// Host functions that return a document give its raw bytes; a nil result
// means the host returned no memory block (offset 0).
type abi interface {
	input() []byte
	output(b []byte)
	setError(msg string)
	config(key string) (string, bool)

	execCommand(in []byte) []byte
	sendRequest(in []byte) []byte
	downloadFile(in []byte) []byte
	// readMemory copies length bytes of Extism memory at offset and frees
	// the block (the host allocated it for the plugin).
	readMemory(offset, length uint64) []byte
	getEnvVar(name string) string
	setEnvVar(name, value string)
	hostLog(in []byte)
	toVirtualPath(p string) string
	fromVirtualPath(p string) string
}

// state is what the SDK caches for the lifetime of one plugin instance:
// the host interface and the decoded injected configuration. Configuration
// cannot change within an instance, so each key is read and decoded once.
type state struct {
	abi abi

	hostEnv      func() HostEnv
	pluginID     func() string
	toolID       func() string
	virtualPaths func() map[string]string
	toolConfig   func() string
}

func newState(a abi) *state {
	s := &state{abi: a}
	s.hostEnv = sync.OnceValue(func() HostEnv {
		raw, _ := a.config(api.ConfigHostEnvironment)
		return decodeHostEnvironment(raw)
	})
	s.pluginID = sync.OnceValue(func() string {
		raw, _ := a.config(api.ConfigPluginID)
		return decodeConfigString(raw)
	})
	s.toolID = sync.OnceValue(func() string {
		raw, _ := a.config(api.ConfigToolID)
		return decodeConfigString(raw)
	})
	s.virtualPaths = sync.OnceValue(func() map[string]string {
		raw, _ := a.config(api.ConfigVirtualPaths)
		return decodeVirtualPaths(raw)
	})
	s.toolConfig = sync.OnceValue(func() string {
		raw, _ := a.config(api.ConfigToolConfig)
		return raw
	})
	return s
}

// current is the state of this plugin instance. A plugin instance runs one
// call at a time on one goroutine, as WebAssembly has no threads here; the
// variable is assigned only at start-up and by the SDK's own tests.
var current = newState(defaultABI())
