package dlcache

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/ocimirror"
)

func file(t *testing.T, dir, name, data string) (string, ocimirror.ToolFile) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	return p, ocimirror.ToolFile{Tool: "go", Version: name, Platform: "linux-x64-gnu", Name: name + ".tar.gz", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

func TestPutGetListTrim(t *testing.T) {
	src := t.TempDir()
	c := &Cache{Dir: filepath.Join(t.TempDir(), "downloads"), Max: 25}
	p1, f1 := file(t, src, "1.0.0", "0123456789")
	if _, err := c.Put(p1, f1); err != nil {
		t.Fatal(err)
	}
	e, ok := c.Get("go", "1.0.0", "linux-x64-gnu")
	if !ok || e.ToolFile != f1 {
		t.Fatalf("get: %+v %v", e, ok)
	}
	if err := Verify(e); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("go", "1.0.0", "macos-arm64"); ok {
		t.Error("another platform hit")
	}
	// Make 1.0.0 the least recently used, then add two more: the cap (25
	// bytes) keeps the two newest.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(e.Path, old, old)
	p2, f2 := file(t, src, "2.0.0", "abcdefghij")
	c.Put(p2, f2)
	p3, f3 := file(t, src, "3.0.0", "ABCDEFGHIJ")
	c.Put(p3, f3)
	if _, ok := c.Get("go", "1.0.0", "linux-x64-gnu"); ok {
		t.Error("the least recently used archive was kept past the cap")
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "index", "go", "1.0.0")); !os.IsNotExist(err) {
		t.Errorf("the trimmed version's index directory is left: %v", err)
	}
	list, err := c.List()
	if err != nil || len(list) != 2 || list[0].Version != "2.0.0" || list[1].Version != "3.0.0" {
		t.Fatalf("list: %v %v", list, err)
	}
	// Larger than the whole cap: not kept.
	p4, f4 := file(t, src, "4.0.0", strings.Repeat("x", 26))
	if e, err := c.Put(p4, f4); err != nil || e != nil {
		t.Errorf("oversized put: %v %v", e, err)
	}
	// A wrong size is refused; the source file stays.
	f5 := f2
	f5.Size = 3
	if _, err := c.Put(p2, f5); err == nil {
		t.Error("a wrong size was cached")
	}
	if _, err := os.Stat(p2); err != nil {
		t.Error("Put moved the source file")
	}
	// A cached blob changed on disk fails Verify and is removed.
	e2, _ := c.Get("go", "2.0.0", "linux-x64-gnu")
	os.Remove(e2.Path)
	os.WriteFile(e2.Path, []byte("XXXXXXXXXX"), 0o644)
	if err := Verify(e2); err == nil {
		t.Error("a changed cached archive verified")
	}
	if _, ok := c.Get("go", "2.0.0", "linux-x64-gnu"); ok {
		t.Error("a changed cached archive is still served")
	}
}

// Hostile names never leave the cache directory, and the cache off keeps
// nothing.
func TestNamesAndOff(t *testing.T) {
	src := t.TempDir()
	c := &Cache{Dir: filepath.Join(t.TempDir(), "downloads"), Max: 1 << 20}
	p, f := file(t, src, "1.0.0", "data")
	for _, bad := range []ocimirror.ToolFile{
		{Tool: "../x", Version: "1", Platform: "p"}, {Tool: "go", Version: "../../1", Platform: "p"},
		{Tool: "go", Version: "1", Platform: "a/b"},
	} {
		bad.SHA256, bad.Size = f.SHA256, f.Size
		if _, err := c.Put(p, bad); err == nil {
			t.Errorf("%+v was cached", bad)
		}
	}
	bad := f
	bad.SHA256 = "../../../etc/passwd"
	if _, err := c.Put(p, bad); err == nil {
		t.Error("a path as sha256 was cached")
	}
	off := &Cache{Dir: filepath.Join(t.TempDir(), "off"), Max: 0}
	if e, err := off.Put(p, f); e != nil || err != nil {
		t.Errorf("cache off: %v %v", e, err)
	}
	if _, err := os.Stat(off.Dir); err == nil {
		t.Error("the cache off wrote its directory")
	}
}
