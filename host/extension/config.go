package extension

import "github.com/tote-dev/tote/internal/config"

// Settings are one extension's settings (in tote, its [extensions.<id>]
// table): Enabled (nil: the kind's default — a .wasm file loads, a native
// extension does not), Permissions and Deny (capability names, see
// [GrantsFor]), the extension's own Config, and its Limits.
type Settings = config.ExtensionTable

// Limits bound one extension: Memory (bytes), CallTimeout, RunTimeout
// (events on the run path) and MaxRestarts (the fault budget before
// quarantine; nil: the default). A zero field keeps the default.
type Limits = config.Limits

// ExtensionFile is an extension declared by the configuration rather than
// found in <Home>/extensions: its .wasm Path, or Err refusing the
// declaration (the host warns and skips it).
type ExtensionFile = config.ExtensionFile

// Config is where a Host learns which extensions are configured. tote's
// merged .prototools implements it; [StaticConfig] is one written in code.
type Config interface {
	// Extensions returns each configured extension's settings, by id.
	Extensions() map[string]Settings
	// ExtensionFiles returns the extensions declared with a file of their
	// own, by id; a declared file wins over <Home>/extensions/<id>.wasm.
	ExtensionFiles() map[string]ExtensionFile
}

// StaticConfig is a [Config] fixed in code, for programs that embed the
// host without tote's configuration files.
type StaticConfig struct {
	// Settings are the extensions' settings, by id.
	Settings map[string]Settings
	// Files are .wasm files of extensions, by id.
	Files map[string]string
}

// Extensions returns c.Settings.
func (c StaticConfig) Extensions() map[string]Settings {
	out := make(map[string]Settings, len(c.Settings))
	for id, s := range c.Settings {
		out[id] = s
	}
	return out
}

// ExtensionFiles returns c.Files.
func (c StaticConfig) ExtensionFiles() map[string]ExtensionFile {
	out := make(map[string]ExtensionFile, len(c.Files))
	for id, p := range c.Files {
		out[id] = ExtensionFile{Path: p}
	}
	return out
}
