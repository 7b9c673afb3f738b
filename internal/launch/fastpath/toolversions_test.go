package fastpath

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseToolVersions(t *testing.T) {
	in := "# asdf\r\nnodejs 20.11.1 18.0.0\r\n  golang\t1.22.1 # trailing\npython system\nruby ref:abc\nzig path:/opt/zig\nnodejs 16.0.0\nlonely\n\n"
	got := ParseToolVersions([]byte(in))
	want := []ToolVersionsEntry{
		{Tool: "node", Name: "nodejs", Spec: "20.11.1", Line: 2},
		{Tool: "go", Name: "golang", Spec: "1.22.1", Line: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseToolVersions = %+v\nwant %+v", got, want)
	}
}

// TestReadToolVersionsHostile feeds files a hostile repository could hold:
// a huge file is read only up to its bound, binary content yields nothing
// usable, and a directory named .tool-versions is ignored.
func TestReadToolVersionsHostile(t *testing.T) {
	dir := t.TempDir()
	big := "demo 1.0.0\n" + strings.Repeat("x", 2*maxToolVersionsSize) + " 9\nother 2.0.0\n"
	if err := os.WriteFile(filepath.Join(dir, ToolVersionsFile), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	got := ReadToolVersions(dir)
	if len(got) != 1 || got[0].Tool != "demo" {
		t.Errorf("huge file: got %+v, want only demo (the rest is past the bound)", got)
	}
	bin := bytes.Repeat([]byte{0, 0xff, '\n', 0x80, ' ', 0x01}, 1000)
	if err := os.WriteFile(filepath.Join(dir, ToolVersionsFile), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, e := range ReadToolVersions(dir) {
		if e.Tool == "" || e.Spec == "" {
			t.Errorf("binary file: empty entry %+v", e)
		}
	}
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(sub, ToolVersionsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := ReadToolVersions(sub); got != nil {
		t.Errorf("directory: got %+v, want nil", got)
	}
}

func FuzzParseToolVersions(f *testing.F) {
	f.Add([]byte("nodejs 20\ngolang 1.22 # c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[string]bool{}
		for _, e := range ParseToolVersions(data) {
			if e.Tool == "" || e.Spec == "" || e.Line < 1 || strings.ContainsAny(e.Spec, " \t\n#") {
				t.Fatalf("bad entry %+v", e)
			}
			if seen[e.Tool] {
				t.Fatalf("duplicate %q", e.Tool)
			}
			seen[e.Tool] = true
		}
	})
}
