package api

import (
	"encoding/json"
	"fmt"
)

// PluginType is the kind of tool a plugin describes (wire: kebab-case).
type PluginType string

// Plugin types. "cli" and "package-manager" are accepted aliases of
// command-line and dependency-manager.
const (
	TypeLanguage          PluginType = "language"
	TypeDependencyManager PluginType = "dependency-manager"
	TypeCommandLine       PluginType = "command-line"
	TypeVersionManager    PluginType = "version-manager"
)

// Normalize maps the accepted aliases onto the canonical names.
func (t PluginType) Normalize() PluginType {
	switch t {
	case "cli":
		return TypeCommandLine
	case "package-manager":
		return TypeDependencyManager
	case "":
		return TypeLanguage
	}
	return t
}

// Checksum is a checksum as proto writes it: "sha256:<hex>", "sha512:<hex>",
// "minisign:<public key>", or bare hex (whose length tells the algorithm).
type Checksum string

// Context describes the tool and version a call is about. Paths are virtual.
type Context struct {
	// ProtoVersion is the host's version (wire: "proto_version").
	ProtoVersion string `json:"proto_version,omitempty"`
	// ToolDir is the directory of this tool version (wire: "tool_dir").
	ToolDir VirtualPath `json:"tool_dir"`
	// TempDir is a scratch directory for this tool (wire: "temp_dir").
	TempDir VirtualPath `json:"temp_dir"`
	// WorkingDir is the user's working directory (wire: "working_dir").
	WorkingDir VirtualPath `json:"working_dir"`
	// Version is a resolved version, an alias such as "latest", or "canary"
	// (wire: "version"). Empty before resolution.
	Version string `json:"version,omitempty"`
}

// ToolInventoryOptions tunes where and how versions are stored.
type ToolInventoryOptions struct {
	// OverrideDir replaces tools/<id> (wire: "override_dir").
	OverrideDir *VirtualPath `json:"override_dir,omitempty"`
	// OverrideDirName replaces the <id> in tools/<id> (wire: "override_dir_name").
	OverrideDirName string `json:"override_dir_name,omitempty"`
	// ScopedBackendDir prefixes a backend-managed inventory with the backend
	// id (wire: "scoped_backend_dir").
	ScopedBackendDir bool `json:"scoped_backend_dir,omitempty"`
	// VersionSuffix is appended to version directories (wire: "version_suffix").
	VersionSuffix string `json:"version_suffix,omitempty"`
}

// ToolLockOptions tunes how installs are recorded in a lockfile.
type ToolLockOptions struct {
	// IgnoreOSArch matches lockfile records whatever their OS and
	// architecture (wire: "ignore_os_arch").
	IgnoreOSArch bool `json:"ignore_os_arch,omitempty"`
	// NoRecord keeps the tool out of the lockfile (wire: "no_record").
	NoRecord bool `json:"no_record,omitempty"`
}

// InstallStrategy is how a tool is installed by default (wire: kebab-case).
type InstallStrategy string

// Install strategies.
const (
	// StrategyDownloadPrebuilt downloads a prebuilt archive (the default).
	StrategyDownloadPrebuilt InstallStrategy = "download-prebuilt"
	// StrategyBuildFromSource builds with build_instructions.
	StrategyBuildFromSource InstallStrategy = "build-from-source"
)

// Switch is proto's "unstable" value: false, true, or a message saying why
// the plugin is unstable (which also means true). It reads a JSON boolean or
// string and writes the same shape back.
type Switch struct {
	// On is true for true or any message.
	On bool
	// Message is the string form, "" for a boolean.
	Message string
}

// MarshalJSON writes the message when there is one, else the boolean.
func (s Switch) MarshalJSON() ([]byte, error) {
	if s.Message != "" {
		return json.Marshal(s.Message)
	}
	return json.Marshal(s.On)
}

// UnmarshalJSON reads a boolean, a string or null.
func (s *Switch) UnmarshalJSON(b []byte) error {
	var on bool
	if err := json.Unmarshal(b, &on); err == nil {
		*s = Switch{On: on}
		return nil
	}
	var msg string
	if err := json.Unmarshal(b, &msg); err != nil {
		return fmt.Errorf("unstable: want a boolean or a string, not %s", b)
	}
	*s = Switch{On: true, Message: msg}
	return nil
}

// RegisterToolInput is the input of register_tool.
type RegisterToolInput struct {
	// ID is the tool id as configured (wire: "id").
	ID string `json:"id"`
}

// ProtoCompatVersion is the proto release whose tool-plugin contract tote
// speaks. A plugin whose minimum_proto_version is newer is refused when it
// is loaded, with an error naming the plugin, as proto refuses it.
const ProtoCompatVersion = "0.60.0"

// RegisterToolOutput is the output of register_tool.
type RegisterToolOutput struct {
	// Name is the human-readable tool name (wire: "name").
	Name string `json:"name"`
	// Type is the kind of tool (wire: "type").
	Type PluginType `json:"type"`
	// PluginVersion is the plugin's own version (wire: "plugin_version").
	PluginVersion string `json:"plugin_version,omitempty"`
	// DefaultVersion is used when nothing pins a version (wire: "default_version").
	DefaultVersion string `json:"default_version,omitempty"`
	// MinimumProtoVersion is the oldest host that supports the plugin
	// (wire: "minimum_proto_version"): tote refuses a plugin that needs a
	// newer proto than ProtoCompatVersion. As in proto, a version without
	// a prerelease also admits that version's prereleases.
	MinimumProtoVersion string `json:"minimum_proto_version,omitempty"`
	// Requires lists tool ids that must be installed first (wire: "requires").
	Requires []string `json:"requires,omitempty"`
	// Deprecations are messages shown to users (wire: "deprecations").
	Deprecations []string `json:"deprecations,omitempty"`
	// InventoryOptions tunes the install layout (wire: "inventory_options",
	// alias "inventory").
	InventoryOptions ToolInventoryOptions `json:"inventory_options"`
	// LockOptions tunes lockfile records (wire: "lock_options").
	LockOptions ToolLockOptions `json:"lock_options,omitzero"`
	// DefaultInstallStrategy is download-prebuilt (the default) or
	// build-from-source (wire: "default_install_strategy").
	DefaultInstallStrategy InstallStrategy `json:"default_install_strategy,omitempty"`
	// Unstable marks an experimental plugin: a boolean or a message
	// (wire: "unstable").
	Unstable Switch `json:"unstable,omitzero"`
	// SelfUpgradeCommands are sub-commands that upgrade the tool in place,
	// such as "upgrade" or "self update"; tote refuses to run them on a
	// managed version (wire: "self_upgrade_commands").
	SelfUpgradeCommands []string `json:"self_upgrade_commands,omitempty"`
}

// UnmarshalJSON accepts proto's alias "inventory" for inventory_options
// and kebab-case install strategies written in PascalCase.
func (o *RegisterToolOutput) UnmarshalJSON(b []byte) error {
	type plain RegisterToolOutput
	var w struct {
		plain
		Inventory *ToolInventoryOptions `json:"inventory"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*o = RegisterToolOutput(w.plain)
	if w.Inventory != nil && o.InventoryOptions == (ToolInventoryOptions{}) {
		o.InventoryOptions = *w.Inventory
	}
	switch o.DefaultInstallStrategy {
	case "BuildFromSource":
		o.DefaultInstallStrategy = StrategyBuildFromSource
	case "DownloadPrebuilt":
		o.DefaultInstallStrategy = StrategyDownloadPrebuilt
	}
	return nil
}

// DownloadPrebuiltInput is the input of download_prebuilt.
type DownloadPrebuiltInput struct {
	Context Context `json:"context"`
	// InstallDir is where the tool will be installed (wire: "install_dir").
	InstallDir VirtualPath `json:"install_dir"`
}

// DownloadPrebuiltOutput is the output of download_prebuilt.
type DownloadPrebuiltOutput struct {
	// DownloadURL is the archive or binary to download (wire: "download_url"; required).
	DownloadURL string `json:"download_url"`
	// DownloadName overrides the file name taken from the URL (wire: "download_name").
	DownloadName string `json:"download_name,omitempty"`
	// ArchivePrefix is a leading directory stripped when unpacking (wire: "archive_prefix").
	ArchivePrefix string `json:"archive_prefix,omitempty"`
	// Checksum is the expected checksum of the download (wire: "checksum").
	Checksum Checksum `json:"checksum,omitempty"`
	// ChecksumURL is a checksum file to download (wire: "checksum_url").
	ChecksumURL string `json:"checksum_url,omitempty"`
	// ChecksumName overrides the checksum file's name (wire: "checksum_name").
	ChecksumName string `json:"checksum_name,omitempty"`
	// ChecksumPublicKey is a minisign public key; the checksum file is then a
	// minisign signature (wire: "checksum_public_key").
	ChecksumPublicKey string `json:"checksum_public_key,omitempty"`
	// HTTPHeaders are sent with both downloads (wire: "http_headers").
	HTTPHeaders map[string]string `json:"http_headers,omitempty"`
	// PostScript is a script, relative to the install directory, run after
	// the prebuilt is unpacked (wire: "post_script").
	PostScript string `json:"post_script,omitempty"`
	// PostScriptArgs are the script's arguments (wire: "post_script_args").
	PostScriptArgs []string `json:"post_script_args,omitempty"`
}

// ExecutableConfig describes one executable of a tool.
type ExecutableConfig struct {
	// ExePath is the executable, relative to the install dir (wire: "exe_path").
	ExePath string `json:"exe_path,omitempty"`
	// ExeLinkPath is the file to link in ~/bin when it differs (wire: "exe_link_path").
	ExeLinkPath string `json:"exe_link_path,omitempty"`
	// Primary marks the tool's main executable (wire: "primary").
	Primary bool `json:"primary,omitempty"`
	// NoBin skips the ~/bin link (wire: "no_bin").
	NoBin bool `json:"no_bin,omitempty"`
	// NoShim skips the shim (wire: "no_shim").
	NoShim bool `json:"no_shim,omitempty"`
	// ParentExeName runs the executable through another, such as "node" for a
	// JavaScript file (wire: "parent_exe_name").
	ParentExeName string `json:"parent_exe_name,omitempty"`
	// ParentExeArgs go before the executable when a parent runs it (wire: "parent_exe_args").
	ParentExeArgs []string `json:"parent_exe_args,omitempty"`
	// ShimBeforeArgs are inserted before the user's arguments (wire: "shim_before_args").
	ShimBeforeArgs StringOrSlice `json:"shim_before_args,omitempty"`
	// ShimAfterArgs are appended after the user's arguments (wire: "shim_after_args").
	ShimAfterArgs StringOrSlice `json:"shim_after_args,omitempty"`
	// ShimEnvVars are set when the shim runs (wire: "shim_env_vars").
	ShimEnvVars map[string]string `json:"shim_env_vars,omitempty"`
	// UpdatePerms makes the file executable after install (wire: "update_perms").
	UpdatePerms bool `json:"update_perms,omitempty"`
}

// LocateExecutablesInput is the input of locate_executables.
type LocateExecutablesInput struct {
	Context Context `json:"context"`
	// InstallDir is where the tool is installed (wire: "install_dir").
	InstallDir VirtualPath `json:"install_dir"`
}

// LocateExecutablesOutput is the output of locate_executables.
//
// The older shape with "primary" (and "secondary") is accepted: Normalize
// folds them into Exes.
type LocateExecutablesOutput struct {
	// Exes maps executable names to their configuration (wire: "exes").
	Exes map[string]ExecutableConfig `json:"exes,omitempty"`
	// ExesDirs are directories of further executables, relative to the
	// install dir (wire: "exes_dirs").
	ExesDirs []string `json:"exes_dirs,omitempty"`
	// GlobalsLookupDirs are where globally installed packages' binaries live;
	// "$ENV" references are expanded by the host (wire: "globals_lookup_dirs").
	GlobalsLookupDirs []string `json:"globals_lookup_dirs,omitempty"`
	// GlobalsPrefix is a prefix of global package binaries (wire: "globals_prefix").
	GlobalsPrefix string `json:"globals_prefix,omitempty"`
	// Primary is the older shape of the primary executable (wire: "primary").
	Primary *ExecutableConfig `json:"primary,omitempty"`
	// Secondary is the older shape of other executables (wire: "secondary").
	Secondary map[string]ExecutableConfig `json:"secondary,omitempty"`
	// ExesDir is the older single exes_dirs entry (wire: "exes_dir").
	ExesDir string `json:"exes_dir,omitempty"`
}

// Normalize folds the older fields into Exes and ExesDirs: Primary becomes
// Exes[toolID] marked primary, Secondary entries are added under their
// names, ExesDir is prepended to ExesDirs. Existing Exes entries win.
func (o *LocateExecutablesOutput) Normalize(toolID string) {
	if o.Exes == nil && (o.Primary != nil || len(o.Secondary) > 0) {
		o.Exes = map[string]ExecutableConfig{}
	}
	if o.Primary != nil {
		if _, ok := o.Exes[toolID]; !ok {
			p := *o.Primary
			p.Primary = true
			o.Exes[toolID] = p
		}
		o.Primary = nil
	}
	for name, e := range o.Secondary {
		if _, ok := o.Exes[name]; !ok {
			o.Exes[name] = e
		}
	}
	o.Secondary = nil
	if o.ExesDir != "" {
		o.ExesDirs = append([]string{o.ExesDir}, o.ExesDirs...)
		o.ExesDir = ""
	}
}

// LoadVersionsInput is the input of load_versions.
type LoadVersionsInput struct {
	Context Context `json:"context"`
	// Initial is the spec being resolved, such as "20" or "latest" (wire: "initial").
	Initial string `json:"initial"`
}

// LoadVersionsOutput is the output of load_versions.
type LoadVersionsOutput struct {
	// Versions are all available versions (wire: "versions").
	Versions []string `json:"versions"`
	// Latest is the newest stable version (wire: "latest").
	Latest string `json:"latest,omitempty"`
	// Canary is the canary version, when the tool has one (wire: "canary").
	Canary string `json:"canary,omitempty"`
	// Aliases map names such as "stable" or "lts" to specs (wire: "aliases").
	Aliases map[string]string `json:"aliases,omitempty"`
}

// ResolveVersionInput is the input of resolve_version.
type ResolveVersionInput struct {
	Context Context `json:"context"`
	// Initial is the spec as the user wrote it (wire: "initial").
	Initial string `json:"initial"`
}

// ResolveVersionOutput is the output of resolve_version: a new candidate spec
// to resolve against the version list, and/or a final version.
type ResolveVersionOutput struct {
	// Candidate replaces the spec before resolution (wire: "candidate").
	Candidate string `json:"candidate,omitempty"`
	// Version is a fully resolved version (wire: "version").
	Version string `json:"version,omitempty"`
}

// DetectVersionInput is the input of detect_version_files.
type DetectVersionInput struct {
	Context Context `json:"context"`
}

// DetectVersionOutput is the output of detect_version_files.
type DetectVersionOutput struct {
	// Files are version file names in precedence order (wire: "files").
	Files []string `json:"files"`
	// Ignore lists path fragments to skip, such as "node_modules" (wire: "ignore").
	Ignore []string `json:"ignore,omitempty"`
}

// ParseVersionFileInput is the input of parse_version_file.
type ParseVersionFileInput struct {
	Context Context `json:"context"`
	// File is the file name, such as ".nvmrc" (wire: "file").
	File string `json:"file"`
	// Content is the file's content (wire: "content").
	Content string `json:"content"`
	// Path is the file's virtual path (wire: "path").
	Path VirtualPath `json:"path"`
}

// ParseVersionFileOutput is the output of parse_version_file.
type ParseVersionFileOutput struct {
	// Version is the spec found, or "" when the file pins nothing (wire: "version").
	Version string `json:"version,omitempty"`
	// Checksum is the checksum the file pins for the download of Version,
	// such as the hash of corepack's "packageManager": "pnpm@9.1.0+sha512.<hex>"
	// (wire: "checksum"; a tote extension that proto ignores). When tote
	// installs Version because this file pinned it, the download must match.
	Checksum Checksum `json:"checksum,omitempty"`
}

// UnpackArchiveInput is the input of unpack_archive.
type UnpackArchiveInput struct {
	Context Context `json:"context"`
	// InputFile is the downloaded file (wire: "input_file").
	InputFile VirtualPath `json:"input_file"`
	// OutputDir is where to unpack (wire: "output_dir").
	OutputDir VirtualPath `json:"output_dir"`
}

// VerifyChecksumInput is the input of verify_checksum.
type VerifyChecksumInput struct {
	Context Context `json:"context"`
	// ChecksumFile is the downloaded checksum file (wire: "checksum_file").
	ChecksumFile VirtualPath `json:"checksum_file"`
	// DownloadFile is the downloaded archive (wire: "download_file").
	DownloadFile VirtualPath `json:"download_file"`
	// DownloadChecksum is the checksum the host computed, when known
	// (wire: "download_checksum").
	DownloadChecksum Checksum `json:"download_checksum,omitempty"`
}

// VerifyChecksumOutput is the output of verify_checksum.
type VerifyChecksumOutput struct {
	// Verified is true when the download matches (wire: "verified").
	Verified bool `json:"verified"`
}

// NativeInstallInput is the input of native_install.
type NativeInstallInput struct {
	Context Context `json:"context"`
	// InstallDir is where to install (wire: "install_dir").
	InstallDir VirtualPath `json:"install_dir"`
	// Force reinstalls over an existing install (wire: "force"; always
	// sent, as proto's PDK requires the field).
	Force bool `json:"force"`
}

// NativeInstallOutput is the output of native_install.
type NativeInstallOutput struct {
	// Installed reports success (wire: "installed").
	Installed bool `json:"installed"`
	// SkipInstall asks the host to fall back to download_prebuilt (wire: "skip_install").
	SkipInstall bool `json:"skip_install,omitempty"`
	// Checksum of what was installed, if any (wire: "checksum").
	Checksum Checksum `json:"checksum,omitempty"`
	// Error explains a failure (wire: "error").
	Error string `json:"error,omitempty"`
}

// NativeUninstallInput is the input of native_uninstall.
type NativeUninstallInput struct {
	Context Context `json:"context"`
	// UninstallDir is the directory being removed (wire: "uninstall_dir").
	UninstallDir VirtualPath `json:"uninstall_dir"`
}

// NativeUninstallOutput is the output of native_uninstall.
type NativeUninstallOutput struct {
	// Uninstalled reports success (wire: "uninstalled").
	Uninstalled bool `json:"uninstalled"`
	// SkipUninstall asks the host to remove the directory itself (wire: "skip_uninstall").
	SkipUninstall bool `json:"skip_uninstall,omitempty"`
	// Error explains a failure (wire: "error").
	Error string `json:"error,omitempty"`
}

// InstallHook is the input of pre_install and post_install.
type InstallHook struct {
	Context Context `json:"context"`
	// Forced is true for --force (wire: "forced").
	Forced bool `json:"forced"`
	// Pinned is true when the install also pins the version (wire: "pinned").
	Pinned bool `json:"pinned"`
	// Quiet is true for --quiet (wire: "quiet").
	Quiet bool `json:"quiet"`
	// PassthroughArgs are arguments after "--" (wire: "passthrough_args").
	PassthroughArgs []string `json:"passthrough_args"`
}

// RunHook is the input of pre_run.
type RunHook struct {
	Context Context `json:"context"`
	// PassthroughArgs are the arguments for the tool (wire: "passthrough_args").
	PassthroughArgs []string `json:"passthrough_args"`
	// GlobalsDir is where global packages are installed (wire: "globals_dir").
	GlobalsDir *VirtualPath `json:"globals_dir,omitempty"`
	// GlobalsPrefix is the prefix of global package binaries (wire: "globals_prefix").
	GlobalsPrefix string `json:"globals_prefix,omitempty"`
}

// RunHookResult is the output of pre_run.
type RunHookResult struct {
	// Args are appended to the user's arguments (wire: "args").
	Args []string `json:"args,omitempty"`
	// Env adds environment variables (wire: "env").
	Env map[string]string `json:"env,omitempty"`
	// Paths are prepended to PATH (wire: "paths").
	Paths []string `json:"paths,omitempty"`
}

// SyncManifestInput is the input of sync_manifest.
type SyncManifestInput struct {
	Context Context `json:"context"`
}

// SyncManifestOutput is the output of sync_manifest.
type SyncManifestOutput struct {
	// Versions replaces the list of installed versions when set (wire: "versions").
	Versions []string `json:"versions,omitempty"`
	// SkipSync leaves the manifest as it is (wire: "skip_sync").
	SkipSync bool `json:"skip_sync,omitempty"`
}

// PinVersionInput is the input of pin_version: the plugin may write the
// version into its own file (such as .nvmrc) instead of .prototools.
type PinVersionInput struct {
	Context Context `json:"context"`
	// Dir is the directory to pin in (wire: "dir").
	Dir VirtualPath `json:"dir"`
	// Version is the spec to pin (wire: "version").
	Version string `json:"version"`
}

// PinVersionOutput is the output of pin_version.
type PinVersionOutput struct {
	// Pinned is true when the plugin wrote the pin itself (wire: "pinned").
	Pinned bool `json:"pinned"`
	// File is the file written (wire: "file").
	File *VirtualPath `json:"file,omitempty"`
	// Error explains a failure (wire: "error").
	Error string `json:"error,omitempty"`
}

// UnpinVersionInput is the input of unpin_version.
type UnpinVersionInput struct {
	Context Context `json:"context"`
	// Dir is the directory to unpin in (wire: "dir").
	Dir VirtualPath `json:"dir"`
}

// UnpinVersionOutput is the output of unpin_version.
type UnpinVersionOutput struct {
	// Unpinned is true when the plugin removed the pin itself (wire: "unpinned").
	Unpinned bool `json:"unpinned"`
	// File is the file changed (wire: "file").
	File *VirtualPath `json:"file,omitempty"`
	// Version is the spec that was removed (wire: "version").
	Version string `json:"version,omitempty"`
	// Error explains a failure (wire: "error").
	Error string `json:"error,omitempty"`
}

// ActivateEnvironmentInput is the input of activate_environment.
type ActivateEnvironmentInput struct {
	Context Context `json:"context"`
	// GlobalsDir is where global packages are installed (wire: "globals_dir").
	GlobalsDir *VirtualPath `json:"globals_dir,omitempty"`
}

// ActivateEnvironmentOutput is the output of activate_environment.
type ActivateEnvironmentOutput struct {
	// Env adds environment variables (wire: "env").
	Env map[string]string `json:"env,omitempty"`
	// Paths are prepended to PATH (wire: "paths").
	Paths []string `json:"paths,omitempty"`
}

// InstallGlobalInput is the input of install_global: install one global
// package (a dependency such as "typescript" or "typescript@5") with the
// tool's package manager into the tool's globals directory.
type InstallGlobalInput struct {
	Context Context `json:"context"`
	// Dependency is the package to install, with an optional version
	// (wire: "dependency").
	Dependency string `json:"dependency"`
	// GlobalsDir is the directory that receives the packages' executables,
	// the globals bin directory (wire: "globals_dir").
	GlobalsDir VirtualPath `json:"globals_dir"`
}

// InstallGlobalOutput is the output of install_global.
type InstallGlobalOutput struct {
	// Installed reports success (wire: "installed").
	Installed bool `json:"installed"`
	// Error explains a failure (wire: "error").
	Error string `json:"error,omitempty"`
}

// UninstallGlobalInput is the input of uninstall_global.
type UninstallGlobalInput struct {
	Context Context `json:"context"`
	// Dependency is the package to remove (wire: "dependency").
	Dependency string `json:"dependency"`
	// GlobalsDir is the globals bin directory (wire: "globals_dir").
	GlobalsDir VirtualPath `json:"globals_dir"`
}

// UninstallGlobalOutput is the output of uninstall_global.
type UninstallGlobalOutput struct {
	// Uninstalled reports success (wire: "uninstalled").
	Uninstalled bool `json:"uninstalled"`
	// Error explains a failure (wire: "error").
	Error string `json:"error,omitempty"`
}
