package sdk

import (
	"errors"
	"testing"
)

func TestCheckSupportedOSAndArch(t *testing.T) {
	perms := Permutations{
		OSLinux:   {ArchX64, ArchArm64},
		OSMacOS:   {ArchArm64},
		OSFreeBSD: {},
	}
	for _, env := range []HostEnv{
		{OS: OSLinux, Arch: ArchX64},
		{OS: OSLinux, Arch: ArchArm64},
		{OS: OSMacOS, Arch: ArchArm64},
		{OS: OSFreeBSD, Arch: ArchRiscv64},
	} {
		if err := CheckSupportedOSAndArch("tool", env, perms); err != nil {
			t.Errorf("%s/%s: %v", env.OS, env.Arch, err)
		}
	}
	for env, want := range map[HostEnv]string{
		{OS: OSMacOS, Arch: ArchX64}:   "tool is not available for macos/x64; supported: freebsd/*, linux/arm64, linux/x64, macos/arm64",
		{OS: OSWindows, Arch: ArchX64}: "tool is not available for windows/x64; supported: freebsd/*, linux/arm64, linux/x64, macos/arm64",
		{}:                             "tool is not available for unknown/unknown; supported: freebsd/*, linux/arm64, linux/x64, macos/arm64",
	} {
		err := CheckSupportedOSAndArch("tool", env, perms)
		var pe *PluginError
		if err == nil || err.Error() != want || !errors.As(err, &pe) {
			t.Errorf("%+v: err = %v", env, err)
		}
	}
	if err := CheckSupportedOSAndArch("t", HostEnv{OS: OSLinux}, nil); err == nil || err.Error() != "t is not available for linux/unknown; supported: none" {
		t.Errorf("no permutations: %v", err)
	}
}

func TestExeName(t *testing.T) {
	win, lin := HostEnv{OS: OSWindows}, HostEnv{OS: OSLinux}
	for _, tc := range []struct {
		env        HostEnv
		name, want string
	}{
		{win, "node", "node.exe"},
		{win, "node.exe", "node.exe"},
		{win, "NODE.EXE", "NODE.EXE"},
		{lin, "node", "node"},
		{HostEnv{OS: OSMacOS}, "bin/node", "bin/node"},
	} {
		if got := ExeName(tc.env, tc.name); got != tc.want {
			t.Errorf("ExeName(%s, %q) = %q", tc.env.OS, tc.name, got)
		}
	}
}
