package zigtest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tote-dev/tote/plugins/zig"
)

// TestBuild checks that the mirror's index keeps the sample's entries and
// that every tarball it lists exists with the stated shasum and size.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	body, err := Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile(filepath.Join(TestdataDir(), Sample))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(string(body), "\n"), strings.Count(string(sample), "\n"); got != want {
		t.Errorf("index has %d lines, the sample %d", got, want)
	}
	idx, err := zig.ParseIndex(zig.IndexURL, body)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range idx.Releases {
		for target, a := range r.Artifacts {
			p := filepath.Join(dir, strings.TrimPrefix(a.Tarball, Upstream))
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%s %s: %v", r.Key, target, err)
			}
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != a.Shasum || strconv.Itoa(len(b)) != a.Size {
				t.Errorf("%s %s: index says %s/%s, file is %x/%d", r.Key, target, a.Shasum, a.Size, sum, len(b))
			}
			n++
		}
	}
	if n < 30 {
		t.Errorf("only %d artifacts", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "builds", "zig-linux-x86_64-0.15.0-dev.621+a63f7875f.tar.xz")); err != nil {
		t.Errorf("master build missing: %v", err)
	}
}
