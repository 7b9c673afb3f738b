package sdk

import (
	"sort"
	"strings"
)

// Permutations lists the architectures a tool ships for on each operating
// system. An OS with an empty list supports every architecture.
type Permutations map[HostOS][]HostArch

// CheckSupportedOSAndArch returns an error, for the user, when perms has no
// build of tool for env's OS and architecture:
//
//	node is not available for windows/arm; supported: linux/arm64, linux/x64, macos/arm64
//
// Supported platforms are listed sorted, OS first.
func CheckSupportedOSAndArch(tool string, env HostEnv, perms Permutations) error {
	if archs, ok := perms[env.OS]; ok {
		if len(archs) == 0 {
			return nil
		}
		for _, a := range archs {
			if a == env.Arch {
				return nil
			}
		}
	}
	var supported []string
	for os, archs := range perms {
		if len(archs) == 0 {
			supported = append(supported, string(os)+"/*")
		}
		for _, a := range archs {
			supported = append(supported, string(os)+"/"+string(a))
		}
	}
	sort.Strings(supported)
	os, arch := string(env.OS), string(env.Arch)
	if os == "" {
		os = "unknown"
	}
	if arch == "" {
		arch = "unknown"
	}
	list := strings.Join(supported, ", ")
	if list == "" {
		list = "none"
	}
	return Errorf("%s is not available for %s/%s; supported: %s", tool, os, arch, list)
}

// ExeName returns name as an executable file name on env's OS: with ".exe"
// on Windows (unless it already has it), unchanged elsewhere.
func ExeName(env HostEnv, name string) string {
	if env.OS == OSWindows && !strings.HasSuffix(strings.ToLower(name), ".exe") {
		return name + ".exe"
	}
	return name
}

// ForNative picks unix on every OS but Windows, and windows on Windows.
func ForNative[T any](env HostEnv, unix, windows T) T {
	if env.OS == OSWindows {
		return windows
	}
	return unix
}

// ArchiveExt is the usual archive extension of release downloads on env's
// OS, without a dot: "zip" on Windows and "tar.gz" elsewhere. Tools that
// publish other formats (tar.xz, tar.zst) should say so themselves.
func ArchiveExt(env HostEnv) string {
	return ForNative(env, "tar.gz", "zip")
}
