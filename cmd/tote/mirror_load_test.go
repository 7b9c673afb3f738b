package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tote-dev/tote/internal/plugincache/registrytest"
	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// TestLoadMirrorInstalls: 16 tote processes, each with its own
// $TOTE_HOME, install the same lockfile at once from one registry
// (docker-registry on 127.0.0.1). All succeed with the locked bytes, and
// the upstream sees no request at all: no archive, no release index, no
// version list.
func TestLoadMirrorInstalls(t *testing.T) {
	t.Parallel()
	reg := registrytest.StartT(t)
	root := t.TempDir()
	if err := gitMirror(root, "github.com/jqlang/jq", "jq-1.7.1"); err != nil {
		t.Fatal(err)
	}
	if err := writeJQRelease(root, "1.7.1"); err != nil {
		t.Fatal(err)
	}
	rewrites, err := goMirror(root)
	if err != nil {
		t.Fatal(err)
	}
	rewrites["https://github.com/"] = "github.com/"
	srv, err := mirror.Start(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	abs, err := filepath.Abs(filepath.Join(schemaPlugins, "jq.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var global strings.Builder
	fmt.Fprintf(&global, "[plugins]\njq = %q\n\n[settings.url-rewrites]\n", "file://"+abs)
	global.WriteString(rewriteLines(rewrites, srv.URL))

	work := t.TempDir()
	project := filepath.Join(work, "project")
	os.MkdirAll(project, 0o755)
	os.WriteFile(filepath.Join(project, ".prototools"), []byte("go = \"1.22\"\njq = \"1.7\"\n"), 0o644)
	homeOf := func(name string) string {
		h := filepath.Join(work, name)
		os.MkdirAll(h, 0o755)
		if err := shareWasmCache(h); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(h, ".prototools"), []byte(global.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return h
	}
	base := append(os.Environ(), "HOME="+work, "TOTE_LOG=warn", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "DOCKER_CONFIG="+filepath.Join(work, ".docker"))
	mirrorURL := "registry://" + reg.Host + "/fleet"

	// One runner locks and pushes.
	env := append(base, "TOTE_HOME="+homeOf("first"))
	if out, err := runTote(t, project, env, "install", "--update-lock"); err != nil {
		t.Fatalf("install --update-lock: %v\n%s", err, out)
	}
	if out, err := runTote(t, project, env, "mirror", "push", mirrorURL, "--lock", ".prototools.lock"); err != nil || !strings.Contains(out, "pushed 2 artifacts") {
		t.Fatalf("mirror push: %v\n%s", err, out)
	}
	before := len(srv.Requests())

	const procs = 16
	var wg sync.WaitGroup
	errs := make(chan string, procs)
	for i := range procs {
		home := homeOf(fmt.Sprintf("runner%02d", i))
		wg.Go(func() {
			env := append(append([]string(nil), base...), "TOTE_HOME="+home, "TOTE_MIRRORS="+mirrorURL)
			out, err := runTote(t, project, env, "install")
			if err != nil {
				errs <- fmt.Sprintf("runner %d: %v\n%s", i, err, out)
				return
			}
			for _, want := range []string{"installed go 1.22.1", "tools/go:1.22.1-", "installed jq 1.7.1", "tools/jq:1.7.1-"} {
				if !strings.Contains(out, want) {
					errs <- fmt.Sprintf("runner %d: output lacks %q:\n%s", i, want, out)
				}
			}
			out, err = runTote(t, project, env, "run", "go", "--", "version")
			if err != nil || !strings.HasPrefix(out, "go version go1.22.1 ") {
				errs <- fmt.Sprintf("runner %d: tote run go: %v\n%s", i, err, out)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	after := srv.Requests()[before:]
	archives := 0
	for _, r := range after {
		if strings.Contains(r, ".tar.gz") || strings.Contains(r, "jq-linux-") {
			archives++
		}
	}
	if archives != 0 || len(after) != 0 {
		t.Errorf("upstream saw %d requests (%d for archives) during the fleet's installs: %q", len(after), archives, after)
	}
}
