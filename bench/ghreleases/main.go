// Command ghreleases writes a GitHub "list releases" response in the shape
// api.github.com returns (package ghrelease), for benchmarks of plugins that
// read one: ripgrep's releases page (per_page=100) is about 2 MB.
//
// Usage: go run ./bench/ghreleases -releases 45 -o DIR/repos/BurntSushi/ripgrep/releases
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tote-dev/tote/internal/testutil/ghrelease"
)

func main() {
	n := flag.Int("releases", 45, "how many releases (newest first)")
	out := flag.String("o", "releases.json", "file to write")
	flag.Parse()
	err := os.MkdirAll(filepath.Dir(*out), 0o755)
	if err == nil {
		err = os.WriteFile(*out, ghrelease.List(*n), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ghreleases:", err)
		os.Exit(1)
	}
}
