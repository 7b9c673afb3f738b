package lockfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTripIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	f, err := Read(p)
	if err != nil || f.Exists() {
		t.Fatalf("Read(missing) = %+v, %v", f, err)
	}
	f.SetTool("zz", "1", Tool{Version: "1.0.0", Source: "https://x/zz", Checksum: "sha256:aa"})
	f.SetTool("aa", "latest", Tool{Version: "2.0.0", Checksum: "sha256:bb"})
	f.SetTool("aa", "1.2", Tool{Version: "1.2.9"})
	f.SetPlugin("zz", Plugin{Locator: "https://x/zz.toml", Digest: "sha256:cc"})
	if err := f.Write(); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(p)
	g, err := Read(p)
	if err != nil || !g.Exists() {
		t.Fatalf("Read = %v", err)
	}
	if got, ok := g.Tool("aa", "1.2"); !ok || got.Version != "1.2.9" {
		t.Errorf("Tool(aa, 1.2) = %+v", got)
	}
	if got, ok := g.Plugin("zz"); !ok || got.Digest != "sha256:cc" {
		t.Errorf("Plugin(zz) = %+v", got)
	}
	st1, _ := os.Stat(p)
	if err := g.Write(); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(p)
	if string(first) != string(second) {
		t.Errorf("rewrite changed the bytes:\n%s\n%s", first, second)
	}
	if st2, _ := os.Stat(p); !st2.ModTime().Equal(st1.ModTime()) {
		t.Error("an unchanged lockfile was rewritten")
	}
	if !strings.HasSuffix(string(first), "}\n") || strings.Index(string(first), `"aa"`) > strings.Index(string(first), `"zz"`) {
		t.Errorf("not sorted or no trailing newline:\n%s", first)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage": "{not json",
		"unknown": `{"version":1,"tools":{},"plugins":{},"extra":1}`,
		"future":  `{"version":2,"tools":{},"plugins":{}}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := Read(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestLocate(t *testing.T) {
	if got := Locate("/w/sub", "/w/.prototools"); got != "/w/"+FileName {
		t.Errorf("Locate = %s", got)
	}
	if got := Locate("/w/sub", ""); got != "/w/sub/"+FileName {
		t.Errorf("Locate = %s", got)
	}
}

// TestAttackHostileLockfileSize: a .prototools.lock that is a device or a
// huge sparse file is refused, naming it and the limit, without reading it.
func TestAttackHostileLockfileSize(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "dev.lock")
	if err := os.Symlink("/dev/zero", dev); err == nil {
		if _, err := Read(dev); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Read(/dev/zero) = %v", err)
		}
	}
	big := filepath.Join(dir, "big.lock")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(8 << 30)
	f.Close()
	if _, err := Read(big); err == nil || !strings.Contains(err.Error(), "is larger than 16 MiB") {
		t.Errorf("Read(8 GiB) = %v", err)
	}
}
