package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetPluginText(t *testing.T) {
	tests := []struct {
		name, in, id, loc, want string
	}{
		{"new file", "", "jq", "https://example.com/jq.toml", "[plugins]\njq = \"https://example.com/jq.toml\"\n"},
		{"append table", "node = \"20\" # keep\n", "jq", "file://./jq.toml", "node = \"20\" # keep\n\n[plugins]\njq = \"file://./jq.toml\"\n"},
		{"no trailing newline", "node = \"20\"", "jq", "file://./jq.toml", "node = \"20\"\n\n[plugins]\njq = \"file://./jq.toml\"\n"},
		{"into plugins", "[plugins]\n# first\na = \"file://a.wasm\"\n\n[settings]\noffline = false\n", "jq", "file://jq.toml",
			"[plugins]\n# first\na = \"file://a.wasm\"\njq = \"file://jq.toml\"\n\n[settings]\noffline = false\n"},
		{"empty plugins", "[plugins]\n[settings]\n", "jq", "file://jq.toml", "[plugins]\njq = \"file://jq.toml\"\n[settings]\n"},
		{"replace", "[plugins]\njq = \"file://old.toml\"   # comment stays\nb = \"file://b.wasm\"\n", "jq", "github://acme/jq@v1",
			"[plugins]\njq = \"github://acme/jq@v1\"   # comment stays\nb = \"file://b.wasm\"\n"},
		{"plugins.tools", "[plugins.tools]\nx = 'file://x.wasm'\n", "jq", "file://jq.toml", "[plugins.tools]\nx = 'file://x.wasm'\njq = \"file://jq.toml\"\n"},
		{"tools table", "[tools.jq]\nplugin = \"file://a.toml\"\nfoo = 1\n", "jq", "file://b.toml", "[tools.jq]\nplugin = \"file://b.toml\"\nfoo = 1\n"},
		{"crlf", "[plugins]\r\na = \"file://a.wasm\"\r\n", "jq", "file://jq.toml", "[plugins]\r\na = \"file://a.wasm\"\r\njq = \"file://jq.toml\"\r\n"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		p := filepath.Join(dir, FileName)
		if tt.name != "new file" {
			os.WriteFile(p, []byte(tt.in), 0o600)
		}
		if err := SetPlugin(p, tt.id, tt.loc); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got, _ := os.ReadFile(p)
		if string(got) != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if st, _ := os.Stat(p); tt.name != "new file" && st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", tt.name, st.Mode())
		}
	}
}

func TestRemovePlugin(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	in := "node = \"20\"\n[plugins]\na = \"file://a.wasm\" # a\njq = \"file://jq.toml\"\n"
	os.WriteFile(p, []byte(in), 0o644)
	ok, err := RemovePlugin(p, "a")
	if err != nil || !ok {
		t.Fatalf("RemovePlugin = %v, %v", ok, err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "node = \"20\"\n[plugins]\njq = \"file://jq.toml\"\n" {
		t.Errorf("got %q", got)
	}
	if ok, err := RemovePlugin(p, "a"); ok || err != nil {
		t.Errorf("second remove = %v, %v", ok, err)
	}
	if ok, err := RemovePlugin(filepath.Join(dir, "missing"), "a"); ok || err != nil {
		t.Errorf("missing file = %v, %v", ok, err)
	}
}

func TestSetPluginRefusals(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	bad := "[plugins\nx = 1\n"
	os.WriteFile(p, []byte(bad), 0o644)
	if err := SetPlugin(p, "jq", "file://jq.toml"); err == nil {
		t.Error("an unparsable file was edited")
	}
	if got, _ := os.ReadFile(p); string(got) != bad {
		t.Errorf("file changed: %q", got)
	}
	if err := SetPlugin(filepath.Join(dir, "b"), "jq", "ftp://x"); err == nil || !strings.Contains(err.Error(), "unknown plugin locator") {
		t.Errorf("bad locator: %v", err)
	}
	if err := SetPlugin(filepath.Join(dir, "c"), "settings", "file://x.wasm"); err == nil {
		t.Error("a reserved id was accepted")
	}
}
