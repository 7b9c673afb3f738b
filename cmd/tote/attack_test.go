package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// setupAttacks prepares the attack-*.txtar scripts (issue 11): the
// hostile-tool fixture, built from source, is the plugin of tool "hostile"
// in the global .prototools beside demo. Its attack is chosen per command
// with $TOTE_HOSTILE_ATTACK (see testdata/fixtures/hostile-tool).
func setupAttacks(env *testscript.Env) error {
	if !strings.HasPrefix(filepath.Base(env.WorkDir), "script-attack-") {
		return nil
	}
	wasm, err := wasmbuild.BuildE(wasmbuild.Fixture("hostile-tool"))
	if err != nil {
		return err
	}
	global := filepath.Join(env.WorkDir, ".tote", ".prototools")
	b, err := os.ReadFile(global)
	if err != nil {
		return err
	}
	s := strings.Replace(string(b), "[plugins]\n", fmt.Sprintf("[plugins]\nhostile = \"file://%s\"\n", wasm), 1)
	env.Setenv("HOSTILE_WASM", wasm)
	return os.WriteFile(global, []byte(s), 0o644)
}
