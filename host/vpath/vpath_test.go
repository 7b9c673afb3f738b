package vpath

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testMounts() Mounts {
	return ToolMounts("/home/u/.tote", "/home/u", "/work/proj", "/home/u/.tote/temp")
}

func TestToReal(t *testing.T) {
	m := testMounts()
	tests := []struct {
		virtual, want string
		wantErr       bool
	}{
		{"/proto", "/home/u/.tote", false},
		{"/proto/tools/node/20.1.0", "/home/u/.tote/tools/node/20.1.0", false},
		{"/userhome/.nvmrc", "/home/u/.nvmrc", false},
		{"/cwd/./a/../b", "/work/proj/b", false},
		{"/temp/x", "/home/u/.tote/temp/x", false},
		{"/cwd/../../etc/passwd", "", true},
		{"/etc/passwd", "", true},
		{"/protox/a", "", true},
		{"relative/path", "", true},
	}
	for _, tt := range tests {
		got, err := m.ToReal(tt.virtual)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ToReal(%q) = %q, want error", tt.virtual, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ToReal(%q) = %q, %v; want %q", tt.virtual, got, err, tt.want)
		}
	}
	_, err := m.ToReal("/cwd/../../etc/passwd")
	if !errors.Is(err, ErrOutsideMounts) {
		t.Errorf("error %v does not wrap ErrOutsideMounts", err)
	}
	if err != nil && !strings.Contains(err.Error(), "/cwd/../../etc/passwd") {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestToVirtualLongestPrefix(t *testing.T) {
	m := testMounts()
	tests := []struct {
		real, want string
		ok         bool
	}{
		{"/home/u/.tote/tools/go", "/proto/tools/go", true},
		{"/home/u/.tote/temp/dl", "/temp/dl", true},
		{"/home/u/src", "/userhome/src", true},
		{"/home/u", "/userhome", true},
		{"/work/proj/../proj/x", "/cwd/x", true},
		{"/home/user2", "", false},
		{"/etc", "", false},
	}
	for _, tt := range tests {
		got, ok := m.ToVirtual(tt.real)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ToVirtual(%q) = %q, %v; want %q, %v", tt.real, got, ok, tt.want, tt.ok)
		}
	}
	vp, ok := m.VirtualPath("/home/u/.tote/tools/go/1.22.0")
	if !ok || vp.Path != "/proto/tools/go/1.22.0" || vp.VirtualPrefix != "/proto" || vp.RealPrefix != "/home/u/.tote" {
		t.Errorf("VirtualPath = %+v, %v", vp, ok)
	}
	if vp.RealPath() != "/home/u/.tote/tools/go/1.22.0" {
		t.Errorf("RealPath round trip = %q", vp.RealPath())
	}
}

func TestRootMount(t *testing.T) {
	m := Mounts{}.With("/", "/data/ext")
	got, err := m.ToReal("/a/b")
	if err != nil || got != "/data/ext/a/b" {
		t.Fatalf("ToReal = %q, %v", got, err)
	}
	if _, err := m.ToReal("/../../etc"); err != nil {
		// "/../../etc" cleans to "/etc", which is inside the root mount.
		t.Fatalf("ToReal of cleaned root path: %v", err)
	}
	v, ok := m.ToVirtual("/data/ext/x")
	if !ok || v != "/x" {
		t.Fatalf("ToVirtual = %q, %v", v, ok)
	}
	if _, ok := m.ToVirtual("/data/extra"); ok {
		t.Fatal("ToVirtual accepted a sibling directory sharing the prefix")
	}
}

func TestResolveRefusesSymlinkEscape(t *testing.T) {
	cwd := t.TempDir()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(cwd, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(cwd, "dirlink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "missing"), filepath.Join(cwd, "dangling")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cwd, "ok.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok.txt", filepath.Join(cwd, "inner")); err != nil {
		t.Fatal(err)
	}
	m := ToolMounts("", "", cwd, "")
	for _, v := range []string{"/cwd/link", "/cwd/dirlink/secret", "/cwd/dirlink/new-file", "/cwd/dangling"} {
		if _, err := m.Resolve(v); !errors.Is(err, ErrOutsideMounts) {
			t.Errorf("Resolve(%q) = %v, want ErrOutsideMounts", v, err)
		}
	}
	for _, v := range []string{"/cwd/ok.txt", "/cwd/inner", "/cwd/not-yet/file"} {
		if _, err := m.Resolve(v); err != nil {
			t.Errorf("Resolve(%q): %v", v, err)
		}
	}
}

func TestMap(t *testing.T) {
	m := testMounts().With("/cwd", "/other")
	got := m.Map()
	if len(got) != 4 || got["/cwd"] != "/other" || got["/proto"] != "/home/u/.tote" {
		t.Fatalf("Map = %v", got)
	}
}
