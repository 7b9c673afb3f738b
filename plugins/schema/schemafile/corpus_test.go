package schemafile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every real third-party schema plugin in testdata/corpus (see its
// SOURCES.md) loads.
func TestCorpusLoads(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "corpus", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".md") {
			continue
		}
		n++
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Parse(path, data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, w := range res.Warnings {
			t.Logf("%s: %s", filepath.Base(path), w)
		}
	}
	if n < 90 {
		t.Fatalf("corpus has %d plugins", n)
	}
}
