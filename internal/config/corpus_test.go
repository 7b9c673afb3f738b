package config

import (
	"os"
	"path/filepath"
	"testing"
)

// Every real .prototools in testdata/prototools (see its SOURCES.md)
// parses; what tote ignores comes back as warnings, never as a failure.
func TestRealPrototools(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "prototools", "*.prototools"))
	if err != nil || len(files) < 10 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(path, data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(f.Pins) == 0 && len(f.Plugins) == 0 && len(f.Tools) == 0 && f.Settings.Lockfile == nil {
			t.Errorf("%s: nothing parsed", path)
		}
		for _, w := range f.Warnings {
			t.Logf("%s", w)
		}
		cfg := &Config{files: []*File{f}}
		for _, id := range cfg.PluginIDs() {
			l, ok := cfg.PluginLocator(id)
			if !ok || l.Supported() != nil {
				t.Errorf("%s: plugin %s: %+v %v", path, id, l, l.Supported())
			}
		}
	}
}
