package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
			"git-requests":    cmdGitRequests,
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
	base := env.Getenv("MIRROR_URL") + "/git"
	if strings.Contains(filepath.Base(env.WorkDir), "smart") {
		// Git's smart HTTP protocol, served by git itself (git http-backend
		// as a CGI program, as a real Git host serves it).
		var err error
		if base, err = startSmartGit(env, filepath.Join(root, "git")); err != nil {
			return err
		}
	}
	rc := filepath.Join(env.Getenv("TOTE_HOME"), ".prototools")
	f, err := os.OpenFile(rc, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%q = %q\n", `^https://github\.com/oven-sh/bun$`, base+"/oven-sh/bun")
	return err
}

// startSmartGit serves the repositories under dir with git http-backend on
// 127.0.0.1 and returns its URL; the `git-requests` command prints what it
// was asked ("METHOD path service protocol").
func startSmartGit(env *testscript.Env, dir string) (string, error) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return "", err
	}
	backend := &cgi.Handler{Path: gitBin, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + dir, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir}}
	var mu sync.Mutex
	var log []string
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", r.Method, r.URL.Path, r.URL.Query().Get("service"), r.Header.Get("Git-Protocol"))))
		mu.Unlock()
		// The Git-Protocol header reaches http-backend as HTTP_GIT_PROTOCOL.
		backend.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	env.Defer(func() { srv.Close() })
	env.Values["git-requests"] = func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), log...)
	}
	return "http://" + ln.Addr().String(), nil
}

// cmdGitRequests prints the smart Git server's request log.
func cmdGitRequests(ts *testscript.TestScript, neg bool, args []string) {
	get, _ := ts.Value("git-requests").(func() []string)
	if get == nil {
		ts.Fatalf("no smart Git server in this script")
	}
	ts.Stdout().Write([]byte(strings.Join(get(), "\n") + "\n"))
}
