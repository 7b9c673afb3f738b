package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// protoWasmDir holds proto's own tool plugins as moonrepo compiled them
// (see its SOURCES.md): the compatibility fixtures the scripts in
// testdata/proto load unchanged.
var protoWasmDir, _ = filepath.Abs(filepath.Join("..", "..", "testdata", "proto-wasm"))

// TestProtoScripts drives the real tote binary through proto's compiled
// plugins and proto's configuration files (testdata/proto/*.txtar), offline
// against the same local mirror as the built-in scripts.
func TestProtoScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/proto",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupBuiltinMirrors(env); err != nil {
				return err
			}
			env.Setenv("PROTO_WASM", protoWasmDir)
			return setupProtoGit(env)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mirror-fault":    cmdMirrorFault,
			"mirror-requests": cmdMirrorRequests,
		},
	})
}

// setupProtoGit serves bun's Git repository (real tags made by git, the
// tag names oven-sh/bun uses) over Git's dumb HTTP protocol from the
// mirror, where the url-rewrites send the URL proto's bun plugin gives
// `git ls-remote` (https://github.com/oven-sh/bun, no trailing slash).
func setupProtoGit(env *testscript.Env) error {
	root := env.Getenv("MIRROR_ROOT")
	if err := gitMirror(root, "git/oven-sh/bun", "bun-v1.3.2", "bun-v1.3.5", "bun-v1.3.14", "bun-v1.4.0-rc1", "canary"); err != nil {
		return err
	}
	rc := filepath.Join(env.Getenv("TOTE_HOME"), ".prototools")
	f, err := os.OpenFile(rc, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%q = %q\n", `^https://github\.com/oven-sh/bun$`, env.Getenv("MIRROR_URL")+"/git/oven-sh/bun")
	return err
}
