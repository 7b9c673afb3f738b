package api

// Tool plugin functions, with proto's names. Only the first three are
// required; the host checks for the others with HasFunction before calling.
const (
	FuncRegisterTool        = "register_tool"
	FuncDownloadPrebuilt    = "download_prebuilt"
	FuncLocateExecutables   = "locate_executables"
	FuncLoadVersions        = "load_versions"
	FuncResolveVersion      = "resolve_version"
	FuncDetectVersionFiles  = "detect_version_files"
	FuncParseVersionFile    = "parse_version_file"
	FuncUnpackArchive       = "unpack_archive"
	FuncVerifyChecksum      = "verify_checksum"
	FuncNativeInstall       = "native_install"
	FuncNativeUninstall     = "native_uninstall"
	FuncPreInstall          = "pre_install"
	FuncPostInstall         = "post_install"
	FuncPreRun              = "pre_run"
	FuncSyncManifest        = "sync_manifest"
	FuncPinVersion          = "pin_version"
	FuncUnpinVersion        = "unpin_version"
	FuncActivateEnvironment = "activate_environment"
	FuncSyncShellProfile    = "sync_shell_profile"
	FuncBuildInstructions   = "build_instructions"
	// FuncInstallGlobal and FuncUninstallGlobal install and remove a
	// package manager's global packages (proto's contract before 0.39).
	FuncInstallGlobal   = "install_global"
	FuncUninstallGlobal = "uninstall_global"
)

// ToolFunctions lists every tool-plugin function in contract order.
var ToolFunctions = []string{
	FuncRegisterTool, FuncDownloadPrebuilt, FuncLocateExecutables,
	FuncLoadVersions, FuncResolveVersion, FuncDetectVersionFiles,
	FuncParseVersionFile, FuncUnpackArchive, FuncVerifyChecksum,
	FuncNativeInstall, FuncNativeUninstall, FuncPreInstall, FuncPostInstall,
	FuncPreRun, FuncSyncManifest, FuncPinVersion, FuncUnpinVersion,
	FuncActivateEnvironment, FuncSyncShellProfile, FuncBuildInstructions,
	FuncInstallGlobal, FuncUninstallGlobal,
}

// RequiredToolFunctions are the functions every tool plugin must export.
var RequiredToolFunctions = []string{FuncRegisterTool, FuncDownloadPrebuilt, FuncLocateExecutables}

// Extension plugin functions (Infrarust's model, adapted to tote's lifecycle).
const (
	FuncMetadata      = "metadata"
	FuncOnEnable      = "on_enable"
	FuncOnDisable     = "on_disable"
	FuncHandleEvent   = "handle_event"
	FuncHandleCommand = "handle_command"
)

// ExtensionFunctions lists every extension-plugin function.
var ExtensionFunctions = []string{
	FuncMetadata, FuncOnEnable, FuncOnDisable, FuncHandleEvent, FuncHandleCommand,
}

// Host functions a plugin may import from the HostNamespace module.
const (
	HostNamespace       = "extism:host/user"
	HostExecCommand     = "exec_command"
	HostSendRequest     = "send_request"
	HostDownloadFile    = "download_file"
	HostGetEnvVar       = "get_env_var"
	HostSetEnvVar       = "set_env_var"
	HostLog             = "host_log"
	HostFromVirtualPath = "from_virtual_path"
	HostToVirtualPath   = "to_virtual_path"
)

// Host-injected configuration keys, readable by a plugin through Extism's
// config_get.
const (
	ConfigPluginID        = "plugin_id"
	ConfigHostEnvironment = "host_environment"
	ConfigVirtualPaths    = "virtual_paths"
	ConfigToolID          = "proto_tool_id"
	ConfigToolConfig      = "proto_tool_config"
	// ConfigSchema is the JSON of a schema (TOML/JSON/YAML) plugin's file,
	// injected into the built-in schema plugin (proto's name).
	ConfigSchema = "proto_schema"
)

// Virtual mount points a plugin sees.
const (
	VirtualProto    = "/proto"    // $TOTE_HOME
	VirtualUserHome = "/userhome" // $HOME
	VirtualCwd      = "/cwd"      // the working directory
	VirtualTemp     = "/temp"     // $TOTE_HOME/temp
)
