package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/plugins/pluginhost"
)

func testTable() pluginhost.Table {
	return pluginhost.Table{"register_tool": func(context.Context, pluginhost.Host, []byte) ([]byte, error) { return []byte("{}"), nil }}
}

func TestRegisterBuiltinChecks(t *testing.T) {
	mustPanic := func(name, want string, fn func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil {
				t.Errorf("%s: no panic", name)
				return
			}
			if msg, _ := r.(string); !strings.Contains(msg, want) {
				t.Errorf("%s: panic %v, want it to mention %q", name, r, want)
			}
		}()
		fn()
	}
	mustPanic("empty id", "invalid id", func() { RegisterBuiltin(Builtin{Table: testTable()}) })
	mustPanic("upper case", "invalid id", func() { RegisterBuiltin(Builtin{ID: "Node", Table: testTable()}) })
	mustPanic("path", "invalid id", func() { RegisterBuiltin(Builtin{ID: "../node", Table: testTable()}) })
	mustPanic("too long", "invalid id", func() { RegisterBuiltin(Builtin{ID: "a" + strings.Repeat("b", 64), Table: testTable()}) })
	mustPanic("no table", "has no functions", func() { RegisterBuiltin(Builtin{ID: "reg-test-empty"}) })
	mustPanic("nil function", "is nil", func() {
		RegisterBuiltin(Builtin{ID: "reg-test-nil", Table: pluginhost.Table{"register_tool": nil}})
	})
	RegisterBuiltin(Builtin{ID: "reg-test-dup", Table: testTable()})
	mustPanic("duplicate", "duplicate built-in", func() { RegisterBuiltin(Builtin{ID: "reg-test-dup", Table: testTable()}) })

	got := RegisteredBuiltins()
	if _, ok := got["reg-test-dup"]; !ok {
		t.Fatalf("registered built-in missing from %v", BuiltinIDs())
	}
	for _, id := range []string{"reg-test-empty", "reg-test-nil", "Node"} {
		if _, ok := got[id]; ok {
			t.Errorf("rejected built-in %q was registered", id)
		}
	}
	delete(got, "reg-test-dup") // a copy: the registry is unchanged
	if _, ok := RegisteredBuiltins()["reg-test-dup"]; !ok {
		t.Error("RegisteredBuiltins returned the registry itself, not a copy")
	}
}

func TestExecutableDigest(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "tote")
	cache := filepath.Join(dir, "cache")
	write := func(content string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(exe, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(exe, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	self := func() (string, error) { return exe, nil }

	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	write("core v1", t0)
	d1, err := executableDigest(self, cache)
	if err != nil || d1 != sum("core v1") {
		t.Fatalf("digest = %q, %v; want the sha256 of the executable", d1, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "self.json")); err != nil {
		t.Fatalf("digest not cached: %v", err)
	}

	// A rebuilt executable (new content, new mtime) gets a new digest.
	write("core v2 changed", t0.Add(time.Second))
	if d2, err := executableDigest(self, cache); err != nil || d2 != sum("core v2 changed") {
		t.Fatalf("after a rebuild: digest = %q, %v; want the new content's", d2, err)
	}

	// The cache is reused while path, size and mtime match: forging the
	// cached sum shows the file was not hashed again.
	forged := strings.Repeat("ab", 32)
	b, _ := os.ReadFile(filepath.Join(cache, "self.json"))
	os.WriteFile(filepath.Join(cache, "self.json"), []byte(strings.Replace(string(b), sum("core v2 changed"), forged, 1)), 0o644)
	if d, _ := executableDigest(self, cache); d != forged {
		t.Fatalf("cache not reused: %q", d)
	}
	// A corrupt cache record is ignored, not trusted.
	os.WriteFile(filepath.Join(cache, "self.json"), []byte(`{"path":"`+exe+`","size":15,"mod_time_ns":1,"sha256":"zz"}`), 0o644)
	if d, _ := executableDigest(self, cache); d != sum("core v2 changed") {
		t.Fatalf("corrupt cache record trusted: %q", d)
	}

	// No executable: an error, never a shared constant digest.
	if _, err := executableDigest(func() (string, error) { return "", errors.New("no /proc") }, cache); err == nil {
		t.Fatal("want an error when the executable is unknown")
	}
	if _, err := executableDigest(func() (string, error) { return filepath.Join(dir, "missing"), nil }, cache); err == nil {
		t.Fatal("want an error when the executable is missing")
	}
}
