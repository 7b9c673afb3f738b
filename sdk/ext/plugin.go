package ext

import (
	"fmt"

	"github.com/tote-dev/tote/api"
)

// Plugin is an extension. The SDK calls Metadata when the host probes the
// plugin and OnEnable each time an instance starts: at tote's start-up, and
// again in the fresh instance that replaces one discarded after a fault
// ([Context.Reason] is then [Recovered]). OnEnable subscribes to events and
// registers commands through ctx; returning an error fails on_enable, and
// the host reports it with the plugin id.
//
// State lives in plain fields of the value passed to [RegisterPlugin]: an
// instance runs one call at a time, so there is nothing to lock. An
// instance's memory is discarded after a fault, so state that must survive
// belongs in the data directory (see [Context.DataDir]).
type Plugin interface {
	Metadata() Metadata
	OnEnable(ctx *Context) error
}

// Disabler is implemented by a Plugin that wants to know when it is
// disabled: at shutdown ("shutdown"), by the user ("disabled") or after
// repeated faults ("quarantined"). An error is logged by the host.
type Disabler interface {
	OnDisable(reason string) error
}

// Metadata describes the plugin; it is the contract type
// api.ExtensionMetadata. ID is required and must match [ValidID]; the SDK
// fills ContractVersion when it is zero. Permissions lists the
// capabilities the plugin asks for; the user grants them in
// [extensions.<id>] permissions.
type Metadata = api.ExtensionMetadata

// Capability is a permission an extension can be granted.
type Capability = api.Capability

// Capabilities. EventBus, Command, ConfigRead and DataDir are granted
// unless the user denies them; the others must be granted in
// [extensions.<id>] permissions.
const (
	EventBus   = api.CapEventBus
	Command    = api.CapCommand
	ConfigRead = api.CapConfig
	DataDir    = api.CapDataDir
	Network    = api.CapNetwork
	Exec       = api.CapExec
	EnvRead    = api.CapEnvRead
	EnvWrite   = api.CapEnvWrite
	ToolsRead  = api.CapToolsRead
	// RunArgs lets a pre-run listener replace a run's arguments.
	RunArgs = api.CapRunArgs
	// RunEnv lets a pre-run listener add environment variables and PATH
	// entries to a run (never loader variables, never paths into a data
	// directory).
	RunEnv = api.CapRunEnv
	// DownloadRewrite lets a pre-download listener change a download URL.
	DownloadRewrite = api.CapDownloadRewrite
)

// EnableReason says why OnEnable runs.
type EnableReason = api.EnableReason

// Enable reasons.
const (
	// Startup: tote loaded the plugin.
	Startup = api.ReasonStartup
	// Recovered: a fault discarded the previous instance.
	Recovered = api.ReasonRecovered
)

// ValidID reports whether id is a valid plugin id:
// [a-z0-9][a-z0-9_-]{0,63}.
func ValidID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// RegisterPlugin makes p the extension of this module; call it from an
// init function of package main. It panics if p is nil or a plugin is
// already registered. An invalid Metadata (such as a bad ID) is reported
// by every exported function, so the host refuses the plugin with the
// reason.
func RegisterPlugin(p Plugin) {
	if p == nil {
		panic("ext: RegisterPlugin(nil)")
	}
	if current.plugin != nil {
		panic(fmt.Sprintf("ext: RegisterPlugin called twice (%T, then %T)", current.plugin, p))
	}
	current.plugin = p
}

// current is the extension of this instance. WebAssembly instances here
// run one call at a time on one goroutine; it is assigned by
// RegisterPlugin, from init.
var current = newRuntime(defaultABI(), nil)
