package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestSetPin(t *testing.T) {
	tests := []struct {
		name       string
		before     string // "<missing>" for no file
		tool, spec string
		after      string
	}{
		{"create", "<missing>", "node", "20", "node = \"20\"\n"},
		{"empty file", "", "node", "20", "node = \"20\"\n"},
		{"replace keeps comments", "# pins\nnode = \"18\"   # lts\ngo = \"1.21\"\n", "node", "20.18.1",
			"# pins\nnode = \"20.18.1\"   # lts\ngo = \"1.21\"\n"},
		{"replace literal string", "node = '18'\n", "node", "~20", "node = \"~20\"\n"},
		{"replace quoted key", "\"node\" = \"18\"\n", "node", "20", "\"node\" = \"20\"\n"},
		{"replace multiline string", "node = \"\"\"\n18\"\"\" # x\ngo = \"1\"\n", "node", "20", "node = \"20\" # x\ngo = \"1\"\n"},
		{"append after last pin", "# header\nnode = \"20\" # c\n\n# settings below\n[settings]\noffline = true\n", "go", "1.22",
			"# header\nnode = \"20\" # c\ngo = \"1.22\"\n\n# settings below\n[settings]\noffline = true\n"},
		{"before first table and its comment", "# tote config\n\n# mirror\n# (corporate)\n[settings]\noffline = true\n", "node", "lts/*",
			"# tote config\n\nnode = \"lts/*\"\n\n# mirror\n# (corporate)\n[settings]\noffline = true\n"},
		{"table at start", "[settings]\noffline = true\n", "node", "20", "node = \"20\"\n\n[settings]\noffline = true\n"},
		{"no trailing newline", "node = \"20\"", "go", "1.22", "node = \"20\"\ngo = \"1.22\"\n"},
		{"comment without newline", "# only a comment", "go", "1.22", "# only a comment\ngo = \"1.22\"\n"},
		{"crlf", "node = \"20\"\r\n\r\n[settings]\r\noffline = true\r\n", "go", "1.22",
			"node = \"20\"\r\ngo = \"1.22\"\r\n\r\n[settings]\r\noffline = true\r\n"},
		{"dotted root keys are not pins", "settings.offline = true\n", "node", "20", "settings.offline = true\nnode = \"20\"\n"},
		{"inline reserved table is not a pin", "node = \"18\"\nsettings = { offline = true }\n[tools.node]\nx = 1\n", "go", "1",
			"node = \"18\"\ngo = \"1\"\nsettings = { offline = true }\n[tools.node]\nx = 1\n"},
		{"quote odd tool id", "", "my.tool", "1.0", "\"my.tool\" = \"1.0\"\n"},
		{"escape spec", "", "node", "a\"b\\c\td\x01", "node = \"a\\\"b\\\\c\\td\\u0001\"\n"},
		{"unicode spec", "", "node", "≥20", "node = \"≥20\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			if tt.before != "<missing>" {
				write(t, path, tt.before)
			}
			if err := SetPin(path, tt.tool, tt.spec); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.after {
				t.Errorf("after SetPin:\n%q\nwant\n%q", got, tt.after)
			}
			f, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Pins[tt.tool].Spec != tt.spec {
				t.Errorf("pin reads back as %q", f.Pins[tt.tool].Spec)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries; a temporary file was left behind", len(entries))
			}
		})
	}
}

func TestSetPinRefuses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	bad := "# broken\nnode = \"20\"\ngo = 1.22\n[settings]\n"
	write(t, path, bad)
	err := SetPin(path, "deno", "2")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Fatalf("SetPin on an invalid file = %v, want a ParseError at line 3", err)
	}
	if _, err := RemovePin(path, "node"); !errors.As(err, &pe) {
		t.Fatalf("RemovePin on an invalid file = %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != bad {
		t.Errorf("invalid file was modified:\n%s", got)
	}

	for _, tc := range []struct{ tool, spec, want string }{
		{"", "1", "empty tool id"},
		{"settings", "1", `"settings" is a reserved table name`},
		{"tools", "1", "reserved"},
		{"node", "", "empty version spec"},
		{"node", "  ", "empty version spec"},
		{"node", "\xff", "not valid UTF-8"},
	} {
		p := filepath.Join(t.TempDir(), FileName)
		if err := SetPin(p, tc.tool, tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetPin(%q, %q) = %v, want %q", tc.tool, tc.spec, err, tc.want)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("SetPin(%q, %q) created the file", tc.tool, tc.spec)
		}
	}
	if err := SetPin(dir, "node", "1"); err == nil {
		t.Error("SetPin on a directory succeeded")
	}
}

func TestSetPinKeepsModeAndSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "prototools")
	write(t, real, "node = \"18\"\n")
	if err := os.Chmod(real, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, FileName)
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := SetPin(link, "node", "20"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", st, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	if got, _ := os.ReadFile(real); string(got) != "node = \"20\"\n" {
		t.Errorf("content = %q", got)
	}
}

func TestRemovePin(t *testing.T) {
	tests := []struct {
		name, before, tool string
		removed            bool
		after              string
	}{
		{"middle", "# pins\nnode = \"20\" # lts\ngo = \"1.22\"\n\n[settings]\noffline = true\n", "node", true,
			"# pins\ngo = \"1.22\"\n\n[settings]\noffline = true\n"},
		{"last line without newline", "go = \"1.22\"\nnode = \"20\"", "node", true, "go = \"1.22\"\n"},
		{"indented", "  node = \"20\"\ngo = \"1\"\n", "node", true, "go = \"1\"\n"},
		{"multiline", "node = '''\n20'''\ngo = \"1\"\n", "node", true, "go = \"1\"\n"},
		{"absent", "go = \"1.22\"\n", "node", false, "go = \"1.22\"\n"},
		{"not a root pin", "[tools.node]\nnode = \"x\"\n", "node", false, "[tools.node]\nnode = \"x\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			write(t, path, tt.before)
			removed, err := RemovePin(path, tt.tool)
			if err != nil {
				t.Fatal(err)
			}
			if removed != tt.removed {
				t.Errorf("removed = %v, want %v", removed, tt.removed)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.after {
				t.Errorf("after RemovePin:\n%q\nwant\n%q", got, tt.after)
			}
		})
	}
	removed, err := RemovePin(filepath.Join(t.TempDir(), FileName), "node")
	if removed || err != nil {
		t.Errorf("RemovePin on a missing file = %v, %v", removed, err)
	}
}

func TestPinRoundTripThroughLoad(t *testing.T) {
	t.Setenv("TOTE_OFFLINE", "")
	_, home, proj, sub, tote := layout(t)
	near := NearestFile(sub, home)
	if err := SetPin(near, "go", "1.23"); err != nil {
		t.Fatal(err)
	}
	if err := SetPin(GlobalFile(tote), "zig", "0.13"); err != nil {
		t.Fatal(err)
	}
	c, err := Load(sub, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	if p, f, _ := c.Pin("go"); p.Spec != "1.23" || f.Path != filepath.Join(sub, FileName) || p.Line != 3 {
		t.Errorf("Pin(go) = %+v in %s", p, f.Path)
	}
	if p, f, _ := c.Pin("zig"); p.Spec != "0.13" || f.Path != GlobalFile(tote) {
		t.Errorf("Pin(zig) = %+v in %s", p, f.Path)
	}
	if removed, err := RemovePin(near, "go"); err != nil || !removed {
		t.Fatalf("RemovePin = %v, %v", removed, err)
	}
	c, err = Load(sub, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	if p, f, _ := c.Pin("go"); p.Spec != "1.22" || f.Path != filepath.Join(proj, FileName) {
		t.Errorf("after RemovePin, Pin(go) = %+v in %s; want the project's 1.22", p, f.Path)
	}
}

// TestConcurrentPinsLoseNothing: 16 goroutines pin 16 different tools in
// one file at once; every pin survives.
func TestConcurrentPinsLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".prototools")
	if err := os.WriteFile(path, []byte("# shared\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if err := SetPin(path, fmt.Sprintf("tool%02d", i), fmt.Sprintf("1.%d", i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Pins) != 16 {
		t.Fatalf("%d pins survived, want 16:\n%v", len(f.Pins), f.Pins)
	}
}
