package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestShimStaysLight keeps the launcher free of the CLI framework and the
// WebAssembly runtime, which would slow every shimmed command down.
func TestShimStaysLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/spf13/cobra", "github.com/tetratelabs/wazero", "github.com/extism/go-sdk", "github.com/tote-dev/tote/internal/runtime", "github.com/tote-dev/tote/internal/toolchain"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("tote-shim depends on %s", dep)
			}
		}
	}
}
