package api

// Extension plugins observe and steer tote's own lifecycle (Infrarust's
// model). A guest exports FuncMetadata, FuncOnEnable, FuncOnDisable,
// FuncHandleEvent and FuncHandleCommand; during on_enable it calls the host
// functions HostSubscribe and HostRegisterCommand.

// Host functions only extensions import (namespace HostNamespace).
const (
	// HostSubscribe takes SubscribeInput and returns SubscribeOutput.
	HostSubscribe = "subscribe"
	// HostRegisterCommand takes CommandSpec and returns RegisterCommandOutput.
	HostRegisterCommand = "register_command"
	// HostListTools takes nothing ("{}") and returns ListToolsOutput; needs
	// the tools-read capability.
	HostListTools = "list_tools"
)

// Capability is a permission an extension can be granted (kebab-case).
type Capability string

// Capabilities. The first four are granted by default; the rest are opt-in
// through [extensions.<id>] permissions.
const (
	// CapEventBus lets the extension subscribe to events (and deny access
	// events).
	CapEventBus Capability = "event-bus"
	// CapCommand lets it register `tote <name>` commands.
	CapCommand Capability = "command"
	// CapConfig passes it its own [extensions.<id>.config] table.
	CapConfig Capability = "config-read"
	// CapDataDir mounts its data directory, $TOTE_HOME/extensions/<id>/.
	CapDataDir Capability = "data-dir"
	// CapNetwork lets it make HTTP requests (network:HOST for an allow-list).
	CapNetwork Capability = "network"
	// CapExec lets it run commands.
	CapExec Capability = "exec"
	// CapEnvRead lets it read tote's environment variables.
	CapEnvRead Capability = "env-read"
	// CapEnvWrite lets it set variables in its own environment overlay
	// (set_env_var); it does not reach the tools tote runs (CapRunEnv does).
	CapEnvWrite Capability = "env-write"
	// CapToolsRead lets it list the installed tools (list_tools).
	CapToolsRead Capability = "tools-read"
	// CapRunArgs lets a pre-run listener replace the arguments of a run.
	// Arguments that point into an extension's data directory are refused
	// even then.
	CapRunArgs Capability = "run-args"
	// CapRunEnv lets a pre-run listener add environment variables and PATH
	// entries to a run. Loader and code-injection variables (LD_*, DYLD_*,
	// NODE_OPTIONS, PYTHONPATH, …) and values that point into an
	// extension's data directory are refused even then.
	CapRunEnv Capability = "run-env"
	// CapDownloadRewrite lets a pre-download listener change a download's
	// URL. A lockfile entry still decides which bytes are accepted.
	CapDownloadRewrite Capability = "download-rewrite"
)

// BaselineCapabilities are granted unless denied.
var BaselineCapabilities = []Capability{CapEventBus, CapCommand, CapConfig, CapDataDir}

// OptInCapabilities must be granted explicitly.
var OptInCapabilities = []Capability{CapNetwork, CapExec, CapEnvRead, CapEnvWrite, CapToolsRead, CapRunArgs, CapRunEnv, CapDownloadRewrite}

// ExtensionMetadata is the output of metadata.
type ExtensionMetadata struct {
	// ID is the plugin id, [a-z0-9][a-z0-9_-]{0,63} (wire: "id").
	ID string `json:"id"`
	// Name is a display name (wire: "name").
	Name string `json:"name"`
	// Version is the plugin's version (wire: "version").
	Version string `json:"version,omitempty"`
	// Description says what it does (wire: "description").
	Description string `json:"description,omitempty"`
	// Authors lists its authors (wire: "authors").
	Authors []string `json:"authors,omitempty"`
	// Permissions are the capabilities it asks for (wire: "permissions").
	Permissions []Capability `json:"permissions,omitempty"`
	// ContractVersion is the extension contract it targets (wire: "contract_version").
	ContractVersion int `json:"contract_version,omitempty"`
}

// EnableReason says why on_enable runs.
type EnableReason string

// Enable reasons.
const (
	// ReasonStartup: tote loaded the plugin.
	ReasonStartup EnableReason = "startup"
	// ReasonRecovered: a fault discarded the previous instance.
	ReasonRecovered EnableReason = "recovered"
)

// EnableInput is the input of on_enable.
type EnableInput struct {
	// Reason is why it runs (wire: "reason").
	Reason EnableReason `json:"reason"`
	// Config is the plugin's own [extensions.<id>.config] table (wire: "config").
	Config map[string]any `json:"config,omitempty"`
	// DataDir is the virtual path of its data directory, "/" (wire: "data_dir").
	DataDir string `json:"data_dir"`
	// Granted are the capabilities in force (wire: "granted").
	Granted []Capability `json:"granted"`
	// ToteVersion is the host's version (wire: "tote_version").
	ToteVersion string `json:"tote_version,omitempty"`
}

// DisableInput is the input of on_disable.
type DisableInput struct {
	// Reason is why: "shutdown", "disabled" or "quarantined" (wire: "reason").
	Reason string `json:"reason"`
}

// EventKind names a lifecycle event (kebab-case).
type EventKind string

// Events. Access events (pre-*) can deny; they fail closed.
const (
	EventPreInstall      EventKind = "pre-install"
	EventPostInstall     EventKind = "post-install"
	EventPreDownload     EventKind = "pre-download"
	EventPreRun          EventKind = "pre-run"
	EventPostRun         EventKind = "post-run"
	EventPreUninstall    EventKind = "pre-uninstall"
	EventPostUninstall   EventKind = "post-uninstall"
	EventVersionResolved EventKind = "version-resolved"
)

// Events lists every event kind.
var Events = []EventKind{EventPreInstall, EventPostInstall, EventPreDownload, EventPreRun, EventPostRun, EventPreUninstall, EventPostUninstall, EventVersionResolved}

// IsAccess reports whether the event can deny the action (and so fails
// closed when a listener fails).
func (k EventKind) IsAccess() bool {
	switch k {
	case EventPreInstall, EventPreDownload, EventPreRun, EventPreUninstall:
		return true
	}
	return false
}

// Priorities: lowest runs first. Any u8 is valid.
const (
	PriorityFirst  uint8 = 0
	PriorityEarly  uint8 = 64
	PriorityNormal uint8 = 128
	PriorityLate   uint8 = 192
	PriorityLast   uint8 = 255
)

// SubscribeInput is the input of the subscribe host function.
type SubscribeInput struct {
	// Event to listen to (wire: "event").
	Event EventKind `json:"event"`
	// Priority orders listeners, lowest first (wire: "priority").
	Priority uint8 `json:"priority"`
}

// SubscribeOutput is the output of the subscribe host function.
type SubscribeOutput struct {
	// Listener identifies the subscription in EventEnvelope (wire: "listener").
	Listener uint32 `json:"listener"`
}

// CommandSpec is the input of the register_command host function.
type CommandSpec struct {
	// Name is the command, as in `tote <name>` (wire: "name").
	Name string `json:"name"`
	// Description is the one-line help (wire: "description").
	Description string `json:"description,omitempty"`
	// Usage is the argument synopsis, such as "[--json] [TOOL]" (wire: "usage").
	Usage string `json:"usage,omitempty"`
	// Help is the long help text (wire: "help").
	Help string `json:"help,omitempty"`
}

// RegisterCommandOutput is the output of register_command.
type RegisterCommandOutput struct {
	// Handler identifies the command in CommandInvocation (wire: "handler").
	Handler uint32 `json:"handler"`
}

// EventEnvelope is the input of handle_event.
type EventEnvelope struct {
	// Listener is the subscription being called (wire: "listener").
	Listener uint32 `json:"listener"`
	// Event is the kind (wire: "event").
	Event EventKind `json:"event"`
	// Payload is the event's data, one of the *Event types (wire: "payload").
	Payload RawJSON `json:"payload"`
	// Result is the current result of a resulted event, one of the *Result
	// types; absent for observe-only events (wire: "result").
	Result RawJSON `json:"result,omitempty"`
}

// EventReply is the output of handle_event: a new result, or nothing to
// leave the current one unchanged.
type EventReply struct {
	// Result replaces the current result when present (wire: "result").
	Result RawJSON `json:"result,omitempty"`
}

// InstallEvent is the payload of pre-install and post-install.
type InstallEvent struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// Spec is what the user asked for (wire: "spec").
	Spec string `json:"spec,omitempty"`
	// Forced is true for --force (wire: "forced").
	Forced bool `json:"forced,omitempty"`
	// Dir is the install directory (post-install; real path) (wire: "dir").
	Dir string `json:"dir,omitempty"`
	// Checksum of the download (post-install) (wire: "checksum").
	Checksum string `json:"checksum,omitempty"`
	// DurationMS is how long the install took (post-install) (wire: "duration_ms").
	DurationMS int64 `json:"duration_ms,omitempty"`
}

// DownloadEvent is the payload of pre-download.
type DownloadEvent struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// URL is the download URL after url-rewrites (wire: "url").
	URL string `json:"url"`
	// FileName is the downloaded file's name (wire: "file_name").
	FileName string `json:"file_name,omitempty"`
	// Kind is "archive" or "checksum" (wire: "kind").
	Kind string `json:"kind,omitempty"`
}

// RunEvent is the payload of pre-run and post-run.
type RunEvent struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// Exe is the executable's name (wire: "exe").
	Exe string `json:"exe"`
	// Args are the tool's arguments (wire: "args").
	Args []string `json:"args"`
	// ExitCode is the tool's exit code (post-run) (wire: "exit_code").
	ExitCode int `json:"exit_code,omitempty"`
	// DurationMS is how long it ran (post-run) (wire: "duration_ms").
	DurationMS int64 `json:"duration_ms,omitempty"`
}

// UninstallEvent is the payload of pre-uninstall and post-uninstall.
type UninstallEvent struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
}

// VersionResolvedEvent is the payload of version-resolved.
type VersionResolvedEvent struct {
	Tool string `json:"tool"`
	// Spec is the spec resolved (wire: "spec").
	Spec string `json:"spec"`
	// Version is the result (wire: "version").
	Version string `json:"version"`
}

// AccessResult is the result of pre-install and pre-uninstall.
type AccessResult struct {
	// Deny stops the action (wire: "deny").
	Deny bool `json:"deny,omitempty"`
	// Reason is shown to the user when denied (wire: "reason").
	Reason string `json:"reason,omitempty"`
}

// DownloadResult is the result of pre-download.
type DownloadResult struct {
	AccessResult
	// URL replaces the download URL (wire: "url").
	URL string `json:"url"`
}

// RunResult is the result of pre-run.
type RunResult struct {
	AccessResult
	// Args replace the tool's arguments (wire: "args").
	Args []string `json:"args"`
	// Env adds variables (wire: "env").
	Env map[string]string `json:"env,omitempty"`
	// Paths are prepended to PATH (wire: "paths").
	Paths []string `json:"paths,omitempty"`
}

// CommandInvocation is the input of handle_command.
type CommandInvocation struct {
	// Handler identifies the registered command (wire: "handler").
	Handler uint32 `json:"handler"`
	// Name is the command name (wire: "name").
	Name string `json:"name"`
	// Args are the arguments after the command name (wire: "args").
	Args []string `json:"args"`
	// Cwd is the user's working directory, real (wire: "cwd").
	Cwd string `json:"cwd,omitempty"`
}

// CommandReply is the output of handle_command.
type CommandReply struct {
	// Stdout is printed on tote's standard output (wire: "stdout").
	Stdout string `json:"stdout,omitempty"`
	// Stderr is printed on tote's standard error (wire: "stderr").
	Stderr string `json:"stderr,omitempty"`
	// ExitCode becomes tote's exit code (wire: "exit_code").
	ExitCode int `json:"exit_code,omitempty"`
}

// ListToolsOutput is the output of list_tools.
type ListToolsOutput struct {
	// Tools maps tool ids to installed versions (wire: "tools").
	Tools map[string][]string `json:"tools"`
}

// RawJSON is a JSON value carried as-is (like json.RawMessage, but "null"
// and empty both mean absent).
type RawJSON []byte

// MarshalJSON returns the raw value, or null.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of the value; null becomes empty.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], b...)
	return nil
}
