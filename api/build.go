package api

import (
	"encoding/json"
	"fmt"
)

// BuildInstructionsInput is the input of build_instructions.
type BuildInstructionsInput struct {
	Context Context `json:"context"`
	// InstallDir is where the tool is built and installed (wire: "install_dir").
	InstallDir VirtualPath `json:"install_dir"`
}

// BuildInstructionsOutput is the output of build_instructions: how to build
// a tool from source.
type BuildInstructionsOutput struct {
	// HelpURL documents the build (wire: "help_url").
	HelpURL string `json:"help_url,omitempty"`
	// HTTPHeaders are sent with the source download (wire: "http_headers").
	HTTPHeaders map[string]string `json:"http_headers,omitempty"`
	// Instructions are the build steps, in order (wire: "instructions").
	Instructions []BuildInstruction `json:"instructions,omitempty"`
	// Requirements must hold before building (wire: "requirements").
	Requirements []BuildRequirement `json:"requirements,omitempty"`
	// Source is where the sources come from (wire: "source").
	Source *SourceLocation `json:"source,omitempty"`
	// SystemDependencies are system packages the build needs, as proto's
	// system-env describes them (wire: "system_dependencies").
	SystemDependencies []json.RawMessage `json:"system_dependencies,omitempty"`
}

// SourceLocation is where build sources come from: an archive or a Git
// repository (wire: internally tagged by "type": "archive" or "git").
type SourceLocation struct {
	// Type is "archive" or "git" (wire: "type").
	Type string `json:"type"`
	// URL of the archive or repository (wire: "url").
	URL string `json:"url"`
	// Prefix is an archive's leading directory to strip (wire: "prefix").
	Prefix string `json:"prefix,omitempty"`
	// Reference is the Git branch, tag or commit (wire: "reference").
	Reference string `json:"reference,omitempty"`
	// Submodules checks out Git submodules too (wire: "submodules").
	Submodules bool `json:"submodules,omitempty"`
}

// GitSource is a Git repository at a reference.
type GitSource struct {
	// URL of the repository (wire: "url").
	URL string `json:"url"`
	// Reference is a branch, tag or commit (wire: "reference").
	Reference string `json:"reference,omitempty"`
	// Submodules checks out submodules too (wire: "submodules").
	Submodules bool `json:"submodules,omitempty"`
}

// BuilderInstruction installs a builder tool from Git.
type BuilderInstruction struct {
	// ID names the builder (wire: "id").
	ID string `json:"id"`
	// Exe is the builder's executable, relative to its checkout (wire: "exe").
	Exe string `json:"exe"`
	// Exes are further executables by name (wire: "exes").
	Exes map[string]string `json:"exes,omitempty"`
	// Git is where the builder comes from (wire: "git").
	Git GitSource `json:"git"`
}

// CommandInstruction runs one command of a build.
type CommandInstruction struct {
	// Builder runs Exe as a builder installed by install-builder (wire: "builder").
	Builder bool `json:"builder"`
	// Args are the command's arguments (wire: "args").
	Args []string `json:"args,omitempty"`
	// Env are extra variables (wire: "env").
	Env map[string]string `json:"env,omitempty"`
	// Exe is the command (wire: "exe", alias "bin").
	Exe string `json:"exe"`
	// Cwd is the working directory, virtual (wire: "cwd").
	Cwd *VirtualPath `json:"cwd,omitempty"`
}

// Build instruction kinds (the "type" of a BuildInstruction).
const (
	BuildInstallBuilder  = "install-builder"
	BuildMakeExecutable  = "make-executable"
	BuildMoveFile        = "move-file"
	BuildRemoveAllExcept = "remove-all-except"
	BuildRemoveDir       = "remove-dir"
	BuildRemoveFile      = "remove-file"
	BuildRequestScript   = "request-script"
	BuildRunCommand      = "run-command"
	BuildSetEnvVar       = "set-env-var"
)

// BuildInstruction is one build step. On the wire it is proto's adjacently
// tagged enum: {"type": "<kind>", "instruction": <payload>}, where the
// payload is a path, a pair of paths, a list of paths, a URL, a pair of
// strings, a CommandInstruction or a BuilderInstruction depending on the kind.
type BuildInstruction struct {
	// Type is one of the Build* kinds (wire: "type").
	Type string
	// Paths holds the path payloads: one for make-executable, remove-dir,
	// remove-file; from and to for move-file; the kept paths for
	// remove-all-except.
	Paths []string
	// URL is request-script's script URL.
	URL string
	// Name and Value are set-env-var's variable.
	Name, Value string
	// Command is run-command's command.
	Command *CommandInstruction
	// Builder is install-builder's builder.
	Builder *BuilderInstruction
}

type taggedWire struct {
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"instruction,omitempty"`
}

// MarshalJSON writes {"type", "instruction"}.
func (b BuildInstruction) MarshalJSON() ([]byte, error) {
	var payload any
	switch b.Type {
	case BuildInstallBuilder:
		payload = b.Builder
	case BuildRunCommand:
		payload = b.Command
	case BuildMoveFile:
		payload = b.Paths
	case BuildRemoveAllExcept:
		payload = b.Paths
	case BuildMakeExecutable, BuildRemoveDir, BuildRemoveFile:
		if len(b.Paths) > 0 {
			payload = b.Paths[0]
		}
	case BuildRequestScript:
		payload = b.URL
	case BuildSetEnvVar:
		payload = []string{b.Name, b.Value}
	default:
		return nil, fmt.Errorf("unknown build instruction %q", b.Type)
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(taggedWire{Type: b.Type, Payload: raw})
}

// UnmarshalJSON reads {"type", "instruction"}; an unknown type is an error.
func (b *BuildInstruction) UnmarshalJSON(data []byte) error {
	var w taggedWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	out := BuildInstruction{Type: w.Type}
	var err error
	switch w.Type {
	case BuildInstallBuilder:
		out.Builder = new(BuilderInstruction)
		err = json.Unmarshal(w.Payload, out.Builder)
	case BuildRunCommand:
		var c struct {
			CommandInstruction
			Bin string `json:"bin"`
		}
		err = json.Unmarshal(w.Payload, &c)
		if c.Exe == "" {
			c.Exe = c.Bin
		}
		out.Command = &c.CommandInstruction
	case BuildMoveFile:
		err = json.Unmarshal(w.Payload, &out.Paths)
		if err == nil && len(out.Paths) != 2 {
			err = fmt.Errorf("want [from, to], got %d paths", len(out.Paths))
		}
	case BuildRemoveAllExcept:
		err = json.Unmarshal(w.Payload, &out.Paths)
	case BuildMakeExecutable, BuildRemoveDir, BuildRemoveFile:
		var p string
		err = json.Unmarshal(w.Payload, &p)
		out.Paths = []string{p}
	case BuildRequestScript:
		err = json.Unmarshal(w.Payload, &out.URL)
	case BuildSetEnvVar:
		var kv []string
		err = json.Unmarshal(w.Payload, &kv)
		if err == nil && len(kv) != 2 {
			err = fmt.Errorf("want [name, value], got %d strings", len(kv))
		}
		if err == nil {
			out.Name, out.Value = kv[0], kv[1]
		}
	default:
		return fmt.Errorf("unknown build instruction type %q", w.Type)
	}
	if err != nil {
		return fmt.Errorf("build instruction %s: %w", w.Type, err)
	}
	*b = out
	return nil
}

// Build requirement kinds (the "type" of a BuildRequirement).
const (
	RequireCommandExistsOnPath  = "command-exists-on-path"
	RequireCommandVersion       = "command-version"
	RequireManualIntercept      = "manual-intercept"
	RequireGitConfigSetting     = "git-config-setting"
	RequireGitVersion           = "git-version"
	RequireXcodeCommandLineTool = "xcode-command-line-tools"
	RequireWindowsDeveloperMode = "windows-developer-mode"
)

// BuildRequirement is one condition checked before a build. On the wire it
// is proto's adjacently tagged enum {"type", "requirement"}; the payload is
// a command name, [command, version requirement, version argument], a URL,
// [git config key, value], a version requirement, or nothing.
type BuildRequirement struct {
	// Type is one of the Require* kinds (wire: "type").
	Type string
	// Args are the payload's strings in order (the optional version
	// argument of command-version is "" when absent).
	Args []string
}

// MarshalJSON writes {"type", "requirement"}.
func (r BuildRequirement) MarshalJSON() ([]byte, error) {
	var payload any
	switch r.Type {
	case RequireCommandExistsOnPath, RequireManualIntercept, RequireGitVersion:
		if len(r.Args) > 0 {
			payload = r.Args[0]
		}
	case RequireCommandVersion:
		a := append(append([]string(nil), r.Args...), "", "", "")[:3]
		var arg any
		if a[2] != "" {
			arg = a[2]
		}
		payload = []any{a[0], a[1], arg}
	case RequireGitConfigSetting:
		payload = r.Args
	}
	if payload == nil {
		return json.Marshal(struct {
			Type string `json:"type"`
		}{r.Type})
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"requirement"`
	}{r.Type, raw})
}

// UnmarshalJSON reads {"type", "requirement"}; an unknown type is kept
// with no arguments (the host reports it as unsupported).
func (r *BuildRequirement) UnmarshalJSON(data []byte) error {
	var w struct {
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"requirement"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	out := BuildRequirement{Type: w.Type}
	var err error
	switch w.Type {
	case RequireCommandExistsOnPath, RequireManualIntercept, RequireGitVersion:
		var s string
		err = json.Unmarshal(w.Payload, &s)
		out.Args = []string{s}
	case RequireCommandVersion:
		var a []*string
		err = json.Unmarshal(w.Payload, &a)
		if err == nil && (len(a) < 2 || len(a) > 3 || a[0] == nil || a[1] == nil) {
			err = fmt.Errorf("want [command, requirement, argument?]")
		}
		if err == nil {
			out.Args = []string{*a[0], *a[1], ""}
			if len(a) == 3 && a[2] != nil {
				out.Args[2] = *a[2]
			}
		}
	case RequireGitConfigSetting:
		err = json.Unmarshal(w.Payload, &out.Args)
		if err == nil && len(out.Args) != 2 {
			err = fmt.Errorf("want [key, value]")
		}
	}
	if err != nil {
		return fmt.Errorf("build requirement %s: %w", w.Type, err)
	}
	*r = out
	return nil
}

// SyncShellProfileInput is the input of sync_shell_profile.
type SyncShellProfileInput struct {
	Context Context `json:"context"`
	// PassthroughArgs are arguments after "--" (wire: "passthrough_args").
	PassthroughArgs []string `json:"passthrough_args"`
}

// SyncShellProfileOutput is the output of sync_shell_profile: what the
// user's shell profile needs for the tool.
type SyncShellProfileOutput struct {
	// CheckVar is a variable whose presence in the profile means it is
	// already set up (wire: "check_var").
	CheckVar string `json:"check_var"`
	// ExportVars are variables to export (wire: "export_vars").
	ExportVars map[string]string `json:"export_vars,omitempty"`
	// ExtendPath are directories to prepend to PATH (wire: "extend_path").
	ExtendPath []string `json:"extend_path,omitempty"`
	// SkipSync leaves the profile alone (wire: "skip_sync").
	SkipSync bool `json:"skip_sync,omitempty"`
}
