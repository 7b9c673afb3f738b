package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// sharedMirror builds b's layout once per run, into a directory of its
// own, and copies it into every mirror root it is asked for: the built-in
// and proto scripts (31 of them) each serve every upstream, and writing
// python's or node's archives costs ~0.7 s where a copy costs a few ms.
// Only for a builder whose files do not name the root they are written
// under (poetry's installer does): the template is checked for its own
// path.
func sharedMirror(b MirrorBuilder) MirrorBuilder {
	type built struct {
		dir string
		ups map[string]string
	}
	once := sync.OnceValues(func() (built, error) {
		dir, err := templateDir("mirror-")
		if err != nil {
			return built{}, err
		}
		ups, err := b(dir)
		if err != nil {
			return built{}, err
		}
		return built{dir, ups}, namesNot(dir, dir)
	})
	return func(root string) (map[string]string, error) {
		t, err := once()
		if err != nil {
			return nil, err
		}
		return maps.Clone(t.ups), mirror.CopyTree(root, t.dir)
	}
}

// namesNot fails if a file under dir contains s.
func namesNot(dir, s string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(s)) {
			err = fmt.Errorf("%s names the directory it was written in: its builder cannot be a sharedMirror", p)
		}
		return err
	})
}

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
