package vpath

import (
	"path/filepath"
	"strings"
	"testing"
)

func fuzzMounts() Mounts {
	return ToolMounts("/home/u/.tote", "/home/u", "/work/project", "/home/u/.tote/temp")
}

func inside(p string, m Mounts) bool {
	for _, mt := range m {
		if p == mt.Real || strings.HasPrefix(p, mt.Real+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// FuzzToReal: whatever a plugin sends, a translated path is inside a mount.
func FuzzToReal(f *testing.F) {
	for _, s := range []string{"/proto/tools", "/cwd/../etc/passwd", "/cwd/../../..", "/userhome/./a/../../x", "/temp", "relative", "/protox", "//cwd//a", "/cwd/\x00", "/"} {
		f.Add(s)
	}
	m := fuzzMounts()
	f.Fuzz(func(t *testing.T, v string) {
		r, err := m.ToReal(v)
		if err != nil {
			return
		}
		if !inside(r, m) {
			t.Fatalf("ToReal(%q) = %q, outside every mount", v, r)
		}
		back, ok := m.ToVirtual(r)
		if !ok {
			t.Fatalf("ToVirtual(ToReal(%q)=%q) failed", v, r)
		}
		if r2, err := m.ToReal(back); err != nil || r2 != r {
			t.Fatalf("round trip %q → %q → %q → %q (%v)", v, r, back, r2, err)
		}
	})
}

// FuzzToVirtual: a host path maps only into a mount, and back to itself.
func FuzzToVirtual(f *testing.F) {
	for _, s := range []string{"/home/u/.tote/tools/node", "/home/u/.toteX", "/work/project/../x", "/etc/passwd", "/home/u", "/home/u/.tote/temp/a"} {
		f.Add(s)
	}
	m := fuzzMounts()
	f.Fuzz(func(t *testing.T, real string) {
		if !filepath.IsAbs(real) {
			return
		}
		v, ok := m.ToVirtual(real)
		if !ok {
			if inside(filepath.Clean(real), m) {
				t.Fatalf("ToVirtual(%q) refused a path inside a mount", real)
			}
			return
		}
		r, err := m.ToReal(v)
		if err != nil || r != filepath.Clean(real) {
			t.Fatalf("ToVirtual(%q) = %q, back to %q (%v)", real, v, r, err)
		}
	})
}
