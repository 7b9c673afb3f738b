package api

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStdlibOnly keeps the contract package free of dependencies: it is
// compiled into every plugin and shared by host, SDK and tests.
func TestStdlibOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/tote-dev/tote/api" {
			t.Errorf("api depends on %s; it must use the standard library only", dep)
		}
	}
}
