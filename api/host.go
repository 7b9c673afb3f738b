package api

import (
	"encoding/json"
	"fmt"
	"strings"
)

// HostOS is an operating system as plugins see it (wire: kebab-case).
type HostOS string

// Operating systems.
const (
	OSLinux     HostOS = "linux"
	OSMacOS     HostOS = "macos"
	OSWindows   HostOS = "windows"
	OSFreeBSD   HostOS = "freebsd"
	OSNetBSD    HostOS = "netbsd"
	OSOpenBSD   HostOS = "openbsd"
	OSAndroid   HostOS = "android"
	OSIOS       HostOS = "ios"
	OSDragonfly HostOS = "dragonfly"
	OSSolaris   HostOS = "solaris"
)

// HostArch is a CPU architecture as plugins see it (wire: kebab-case).
type HostArch string

// Architectures.
const (
	ArchX86       HostArch = "x86"
	ArchX64       HostArch = "x64"
	ArchArm       HostArch = "arm"
	ArchArm64     HostArch = "arm64"
	ArchLongArm64 HostArch = "longarm64"
	ArchM68k      HostArch = "m68k"
	ArchMips      HostArch = "mips"
	ArchMips64    HostArch = "mips64"
	ArchPowerPC   HostArch = "powerpc"
	ArchPowerPC64 HostArch = "powerpc64"
	ArchRiscv64   HostArch = "riscv64"
	ArchS390x     HostArch = "s390x"
	ArchSparc64   HostArch = "sparc64"
)

// HostLibc is the C library of the host (wire: kebab-case).
type HostLibc string

// C libraries.
const (
	LibcGnu     HostLibc = "gnu"
	LibcMusl    HostLibc = "musl"
	LibcUnknown HostLibc = "unknown"
)

// OSFromGOOS maps a GOOS value onto a HostOS ("darwin" is "macos").
func OSFromGOOS(goos string) HostOS {
	if goos == "darwin" {
		return OSMacOS
	}
	return HostOS(goos)
}

// ArchFromGOARCH maps a GOARCH value onto a HostArch.
func ArchFromGOARCH(goarch string) HostArch {
	switch goarch {
	case "amd64":
		return ArchX64
	case "386":
		return ArchX86
	case "ppc64", "ppc64le":
		return ArchPowerPC64
	case "mips64", "mips64le":
		return ArchMips64
	case "mips", "mipsle":
		return ArchMips
	case "loong64":
		return ArchLongArm64
	}
	return HostArch(goarch)
}

// HostEnvironment describes the machine tote runs on; injected into every
// plugin as the JSON config value ConfigHostEnvironment.
type HostEnvironment struct {
	// OS is the operating system (wire: "os").
	OS HostOS `json:"os"`
	// Arch is the CPU architecture (wire: "arch").
	Arch HostArch `json:"arch"`
	// Libc is the C library, on Linux (wire: "libc").
	Libc HostLibc `json:"libc"`
	// CI is true when running in continuous integration (wire: "ci").
	CI bool `json:"ci"`
	// HomeDir is the user's home, virtual (wire: "home_dir").
	HomeDir VirtualPath `json:"home_dir"`
}

// ExecCommandInput is the input of the exec_command host function.
type ExecCommandInput struct {
	// Command is an executable on PATH or a virtual path (wire: "command").
	Command string `json:"command"`
	// Args are its arguments (wire: "args").
	Args []string `json:"args,omitempty"`
	// Cwd is the working directory, virtual (wire: "cwd", alias "working_dir").
	Cwd *VirtualPath `json:"cwd,omitempty"`
	// Env sets variables. A name ending in "?" is set only when not already
	// set; a name ending in "!" removes the variable (wire: "env").
	Env map[string]string `json:"env,omitempty"`
	// Paths are prepended to PATH, real or virtual (wire: "paths").
	Paths []string `json:"paths,omitempty"`
	// SetExecutable makes Command executable first (wire: "set_executable").
	SetExecutable bool `json:"set_executable,omitempty"`
	// Shell runs the command through a shell such as "bash" (wire: "shell").
	Shell string `json:"shell,omitempty"`
	// Stream sends output to the user's terminal instead of capturing it
	// (wire: "stream").
	Stream bool `json:"stream,omitempty"`
}

// UnmarshalJSON accepts "working_dir" as an alias of "cwd".
func (in *ExecCommandInput) UnmarshalJSON(b []byte) error {
	type plain ExecCommandInput
	var w struct {
		plain
		WorkingDir *VirtualPath `json:"working_dir"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*in = ExecCommandInput(w.plain)
	if in.Cwd == nil {
		in.Cwd = w.WorkingDir
	}
	return nil
}

// ExecCommandOutput is the output of the exec_command host function.
type ExecCommandOutput struct {
	// Command is the command run, without arguments (wire: "command").
	Command string `json:"command"`
	// ExitCode is the process exit code (wire: "exit_code").
	ExitCode int `json:"exit_code"`
	// Stdout is the captured standard output (wire: "stdout").
	Stdout string `json:"stdout"`
	// Stderr is the captured standard error (wire: "stderr").
	Stderr string `json:"stderr"`
	// Streamed is true when output went to the terminal (wire: "streamed").
	Streamed bool `json:"streamed"`
}

// SendRequestInput is the input of the send_request host function.
type SendRequestInput struct {
	// URL to fetch; url-rewrites apply (wire: "url").
	URL string `json:"url"`
	// Headers to send (wire: "headers").
	Headers map[string]string `json:"headers,omitempty"`
	// Method is "get" (default) or "post" (wire: "method").
	Method string `json:"method,omitempty"`
}

// SendRequestOutput is the output of the send_request host function. As in
// proto, the body is not inside the JSON: the host writes it to plugin memory
// and gives its offset and length; Body stays empty on the wire.
type SendRequestOutput struct {
	// Body is the body when carried inline (wire: "body"; a list of bytes).
	Body ByteList `json:"body"`
	// BodyLength is the length of the body in plugin memory (wire: "body_length").
	BodyLength uint64 `json:"body_length"`
	// BodyOffset is the Extism memory offset of the body (wire: "body_offset").
	BodyOffset uint64 `json:"body_offset"`
	// Status is the HTTP status code (wire: "status").
	Status int `json:"status"`
	// Headers are the response headers, one value each (wire: "headers").
	Headers map[string]string `json:"headers,omitempty"`
}

// ByteList is a []byte that travels as a JSON list of numbers, as serde
// encodes Vec<u8>; it also accepts a base64 string.
type ByteList []byte

// MarshalJSON encodes a list of numbers.
func (b ByteList) MarshalJSON() ([]byte, error) {
	if len(b) == 0 {
		return []byte("[]"), nil
	}
	var sb strings.Builder
	sb.Grow(len(b) * 4)
	sb.WriteByte('[')
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%d", c)
	}
	sb.WriteByte(']')
	return []byte(sb.String()), nil
}

// UnmarshalJSON decodes a list of numbers or a base64 string.
func (b *ByteList) UnmarshalJSON(data []byte) error {
	var nums []uint8
	if err := json.Unmarshal(data, &nums); err == nil {
		*b = nums
		return nil
	}
	var raw []byte
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("body: want a list of bytes: %w", err)
	}
	*b = raw
	return nil
}

// DownloadFileInput is the input of the download_file host function.
type DownloadFileInput struct {
	// URL to download; url-rewrites apply (wire: "url").
	URL string `json:"url"`
	// File is the virtual destination path (wire: "file").
	File VirtualPath `json:"file"`
	// Headers to send (wire: "headers").
	Headers map[string]string `json:"headers,omitempty"`
}

// DownloadFileOutput is the output of the download_file host function.
type DownloadFileOutput struct {
	// File is the virtual path written (wire: "file").
	File VirtualPath `json:"file"`
	// Size is the number of bytes written (wire: "size").
	Size uint64 `json:"size"`
}

// LogTarget is where host_log writes (wire: kebab-case).
type LogTarget string

// Log targets. Trace is the default.
const (
	LogStderr LogTarget = "stderr"
	LogStdout LogTarget = "stdout"
	LogError  LogTarget = "error"
	LogWarn   LogTarget = "warn"
	LogInfo   LogTarget = "info"
	LogDebug  LogTarget = "debug"
	LogTrace  LogTarget = "trace"
)

// HostLogInput is the input of the host_log host function. A bare JSON
// string is accepted as a trace message.
type HostLogInput struct {
	// Message is the text (wire: "message").
	Message string `json:"message"`
	// Data are extra structured fields (wire: "data").
	Data map[string]any `json:"data,omitempty"`
	// Target selects the level or stream (wire: "target").
	Target LogTarget `json:"target,omitempty"`
}

// UnmarshalJSON accepts the object form or a bare string.
func (in *HostLogInput) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*in = HostLogInput{Message: s, Target: LogTrace}
		return nil
	}
	type plain HostLogInput
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*in = HostLogInput(p)
	return nil
}

// PermissionDenied is the error text prefix the host returns to a plugin
// whose call needs a capability it was not granted.
const PermissionDenied = "permission-denied"
