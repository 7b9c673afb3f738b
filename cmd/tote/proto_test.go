package main

import (
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
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/proto",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupBuiltinMirrors(env); err != nil {
				return err
			}
			env.Setenv("PROTO_WASM", protoWasmDir)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mirror-fault":    cmdMirrorFault,
			"mirror-requests": cmdMirrorRequests,
		},
	})
}
