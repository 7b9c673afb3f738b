package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/plugins/node/nodetest"
)

// A MirrorBuilder writes one upstream's layout under root and returns the
// upstream URL prefixes it serves, each mapped to the sub-path of root that
// holds it (e.g. "https://nodejs.org/dist/" → "node/dist/").
type MirrorBuilder func(root string) (map[string]string, error)

// builtinMirrors are registered by builtin_<tool>_test.go files.
var builtinMirrors []MirrorBuilder

// TestBuiltinScripts drives the real tote binary through the built-in
// plugins (testdata/builtins/*.txtar) against one local mirror that serves
// every upstream layout, reached through url-rewrites.
func TestBuiltinScripts(t *testing.T) {
	t.Parallel()
	if len(builtinMirrors) == 0 {
		t.Skip("no built-in mirrors registered")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/builtins",
		RequireExplicitExec: true,
		Setup:               setupBuiltinMirrors,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mirror-fault":    cmdMirrorFault,
			"mirror-requests": cmdMirrorRequests,
			"trojan-node":     cmdTrojanNode,
			"interrupt":       cmdInterrupt,
		},
	})
}

// setupBuiltinMirrors writes every registered upstream layout under one
// mirror root, serves it on 127.0.0.1 and writes the global .prototools
// whose url-rewrites send tote there.
func setupBuiltinMirrors(env *testscript.Env) error {
	root := filepath.Join(env.WorkDir, "..", "mirror-"+filepath.Base(env.WorkDir))
	rewrites := map[string]string{}
	for _, b := range builtinMirrors {
		ups, err := b(root)
		if err != nil {
			return err
		}
		for k, v := range ups {
			rewrites[k] = v
		}
	}
	srv, err := mirror.Start(root)
	if err != nil {
		return err
	}
	env.Defer(func() { srv.Close() })
	home, err := newHome(env)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString("[settings.url-rewrites]\n")
	sb.WriteString(rewriteLines(rewrites, srv.URL))
	if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(sb.String()), 0o644); err != nil {
		return err
	}
	env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Setenv("TOTE_HOME", home)
	env.Setenv("HOME", env.WorkDir)
	setGoEnv(env)
	env.Setenv("MIRROR_URL", srv.URL)
	env.Setenv("MIRROR_HOST", strings.TrimPrefix(srv.URL, "http://"))
	env.Setenv("MIRROR_ROOT", root)
	env.Values["mirror"] = srv
	return nil
}

// cmdTrojanNode writes an attacker's node release: trojan-node DIR VERSION
// puts under DIR/v<VERSION> archives whose bin/node prints "pwned", with a
// SHASUMS256.txt that matches them.
func cmdTrojanNode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: trojan-node DIR VERSION")
	}
	ts.Check(nodetest.WriteTrojan(ts.MkAbs(args[0]), args[1], "#!/bin/sh\necho pwned\n"))
}
