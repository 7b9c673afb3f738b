package gotest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	golang "github.com/tote-dev/tote/plugins/go"
)

// TestBuild checks that the mirror's index lists every sample and generated
// release, newest first, and that every file it lists exists with the
// stated sha256 and size.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	if _, err := Build(dir); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(dir, "dl", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	rels, err := golang.ParseIndex(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 7+len(Generated) {
		t.Errorf("%d releases, want %d", len(rels), 7+len(Generated))
	}
	if rels[0].Version != "go1.22.1" || rels[len(rels)-1].Version != "go1" {
		t.Errorf("order: first %s, last %s", rels[0].Version, rels[len(rels)-1].Version)
	}
	for _, r := range rels {
		for _, f := range r.Files {
			b, err := os.ReadFile(filepath.Join(dir, "go", f.Filename))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
				t.Errorf("%s: index says %s/%d, file is %x/%d", f.Filename, f.SHA256, f.Size, sum, len(b))
			}
		}
	}
}
