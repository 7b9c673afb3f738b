package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestAttackHostileConfigShapes feeds the shapes that exhausted memory on
// 2ce2bbd (200 KB of nested inline tables used > 13 GB; a 200 KB dotted key
// 10 GB and 68 s) and their relatives. Each is refused before parsing with
// a *ParseError at file:line, using little memory.
func TestAttackHostileConfigShapes(t *testing.T) {
	const size = 200 << 10
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	cases := []struct {
		name, doc, want string
	}{
		{"nested inline tables", "x = " + rep("{a=", size/3) + "1" + rep("}", size/3) + "\n", ":1: nesting deeper than 32 levels"},
		{"nested arrays", "\n\nx = " + rep("[", size) + rep("]", size) + "\n", ":3: nesting deeper than 32 levels"},
		{"dotted key", rep("a.", size/2) + "a = 1\n", ":1: a dotted key of more than 32 parts"},
		{"dotted key in an inline table", "x = { " + rep("a.", size/2) + "a = 1 }\n", ":1: a dotted key of more than 32 parts"},
		{"dotted table header", "[" + rep("a.", size/2) + "a]\n", ":1: a dotted key of more than 32 parts"},
		{"many keys", rep("k = 1\n", 1) + strings.Repeat("x", 0) + manyKeys(MaxKeys+1), "more than 10000 keys"},
		{"many values", "x = [" + rep("1,", MaxValues+1) + "]\n", "more than 100000 values"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.doc)
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse("/p/.prototools", data)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "/p/.prototools") {
				t.Fatalf("err = %v, want a *ParseError containing %q", err, c.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("refusing it allocated %d MiB", grew>>20)
			}
		})
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("[t")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("]\n")
	}
	return b.String()
}

// TestPrescanPassesRealFiles: strings, comments, multi-line strings, dotted
// keys, inline tables and arrays at real depths pass the pre-scan and
// parse.
func TestPrescanPassesRealFiles(t *testing.T) {
	docs := []string{
		fullFile,
		`# comment with { [ = . "
node = "20" # { [
"quoted.key.with.dots" = "1"
a.b.c = "2"
s = """
multi { [ = .
line"""
l = '''x { [ '''
e = "esc \" { ["
arr = [ [1, 2], [3, [4, [5]]], { x = { y = { z = 1.5e3 } } } ]
d = 1979-05-27T07:32:00Z
[tools."node"]
aliases = { "a.b" = "20" }
[[x.y]]
z = 1
`,
		"k = \"\"\n" + "j = ''\n" + "q = \"\"\"\"\"\"\n",
		strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1),
	}
	docs[3] = "x = " + docs[3] + "\n"
	for i, d := range docs {
		if err := prescan("/p/.prototools", []byte(d)); err != nil {
			t.Errorf("doc %d: %v", i, err)
		}
	}
	if _, _, err := decode("/p/.prototools", []byte(docs[1])); err != nil {
		t.Errorf("the shapes are not valid TOML: %v", err)
	}
}

// TestAttackDevZeroConfig: a .prototools that is /dev/zero (or any device
// or a huge file) is refused without reading it all.
func TestAttackDevZeroConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	if err := os.Symlink("/dev/zero", p); err != nil {
		t.Skip(err)
	}
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFile(/dev/zero) = %v", err)
	}
	if _, err := Load(dir, "", ""); err == nil {
		t.Error("Load read a device as configuration")
	}
	if err := SetPin(p, "node", "20"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("SetPin on /dev/zero = %v", err)
	}
	big := filepath.Join(t.TempDir(), FileName)
	f, _ := os.Create(big)
	f.Truncate(10 << 30) // sparse
	f.Close()
	if _, err := ReadFile(big); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Errorf("ReadFile(10 GiB) = %v", err)
	}
}

// TestAttackLimitDomains: every [extensions.<id>.limits] value is checked
// at parse time with file:line; 8GiB used to panic the runtime
// (memoryLimitPages invalid).
func TestAttackLimitDomains(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"[extensions.x.limits]\nmemory = \"8GiB\"\n", ":2:1: extensions.x.limits.memory = \"8GiB\" is out of range: a WebAssembly memory is from 64KiB to 4GiB"},
		{"[extensions.x.limits]\nmemory = 1024\n", ":2:1: extensions.x.limits.memory = 1024 is out of range"},
		{"[extensions.x.limits]\ncall-timeout = \"100h\"\n", ":2:1: extensions.x.limits.call-timeout = \"100h\" is out of range: at most 1h0m0s"},
		{"[extensions.x.limits]\nrun-timeout = \"-1s\"\n", ":2:1: extensions.x.limits.run-timeout: timeout must be positive"},
		{"[extensions.x.limits]\nmax-restarts = 100000\n", ":2:1: extensions.x.limits.max-restarts must be an integer from 0 to 1000"},
	} {
		_, err := Parse("/p/.prototools", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.doc, err, c.want)
		}
	}
	f, err := Parse("/p/.prototools", []byte("[extensions.x.limits]\nmemory = \"4GiB\"\nrun-timeout = \"100ms\"\n"))
	if err != nil || f.Extensions["x"].Limits.Memory != 4<<30 || f.Extensions["x"].Limits.RunTimeout.Milliseconds() != 100 {
		t.Errorf("the largest memory and a run-timeout: %+v, %v", f, err)
	}
}
