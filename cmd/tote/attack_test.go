package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

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
	recurse := filepath.Join(env.WorkDir, "recurse.wasm")
	if err := os.WriteFile(recurse, recurseModule, 0o644); err != nil {
		return err
	}
	env.Setenv("RECURSE_WASM", recurse)
	if strings.HasPrefix(filepath.Base(env.WorkDir), "script-attack-redirect") {
		extra, err := setupRedirect(env)
		if err != nil {
			return err
		}
		s += extra
	}
	return os.WriteFile(global, []byte(s), 0o644)
}

// recurseModule is a tool plugin whose register_tool calls a function that
// calls itself twice, 62 deep (2^62 calls), and contains no loop: wazero's
// own time-limit check sits only at loop heads and never saw it
// (attack-recursion.txtar). Assembled by hand, section by section.
var recurseModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
	// types: 0 () -> i32, 1 (i64) -> ()
	0x01, 0x09, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x00,
	// functions: 0 of type 0, 1 of type 1
	0x03, 0x03, 0x02, 0x00, 0x01,
	// exports: "register_tool" = function 0
	0x07, 0x11, 0x01, 0x0d, 'r', 'e', 'g', 'i', 's', 't', 'e', 'r', '_', 't', 'o', 'o', 'l', 0x00, 0x00,
	// code
	0x0a, 0x22, 0x02,
	// 0: i64.const 62; call 1; i32.const 0; end
	0x08, 0x00, 0x42, 0x3e, 0x10, 0x01, 0x41, 0x00, 0x0b,
	// 1: local.get 0; i64.eqz; if return end;
	//    local.get 0; i64.const 1; i64.sub; call 1; (the same again); end
	0x17, 0x00, 0x20, 0x00, 0x50, 0x04, 0x40, 0x0f, 0x0b,
	0x20, 0x00, 0x42, 0x01, 0x7d, 0x10, 0x01,
	0x20, 0x00, 0x42, 0x01, 0x7d, 0x10, 0x01, 0x0b,
}

// setupRedirect serves the redirect attack (issue 11, item 6): a server on
// 127.0.0.1 whose /hop redirects to a second server on 127.0.0.2 (also
// loopback on Linux, but another host to an allow-list), and the ext-redirect
// extension's configuration: network for 127.0.0.1 only, fetching /hop. The
// `redirect-target-hits` command prints how many requests reached 127.0.0.2.
func setupRedirect(env *testscript.Env) (string, error) {
	wasm, err := wasmbuild.BuildE(wasmbuild.Fixture("ext-redirect"))
	if err != nil {
		return "", err
	}
	env.Setenv("REDIRECT_EXT_WASM", wasm)
	target, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		return "", fmt.Errorf("listen on 127.0.0.2 (loopback beyond 127.0.0.1 is needed): %w", err)
	}
	hits := &atomic.Int64{}
	env.Values["redirect-hits"] = hits
	targetSrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("secret from 127.0.0.2"))
	})}
	go targetSrv.Serve(target)
	env.Defer(func() { targetSrv.Close() })
	hop, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	targetURL := "http://" + target.Addr().String() + "/secret"
	hopSrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hop":
			http.Redirect(w, r, targetURL, http.StatusFound)
		case "/hop-inside":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			w.Write([]byte("fine"))
		}
	})}
	go hopSrv.Serve(hop)
	env.Defer(func() { hopSrv.Close() })
	return fmt.Sprintf(`
[extensions.redirect]
permissions = ["network:127.0.0.1"]
config = { url = "http://%s/hop", inside = "http://%s/hop-inside" }
`, hop.Addr(), hop.Addr()), nil
}

// cmdRedirectTargetHits prints the requests 127.0.0.2 received.
func cmdRedirectTargetHits(ts *testscript.TestScript, neg bool, args []string) {
	fmt.Fprintln(ts.Stdout(), ts.Value("redirect-hits").(*atomic.Int64).Load())
}

// cmdPlainText checks that what tote printed is bounded and printable:
// plain-text stdout|stderr MAXBYTES fails if the output is longer than
// MAXBYTES or holds a control character other than newline and tab (an
// escape sequence from a plugin reaching the terminal).
func cmdPlainText(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || (args[0] != "stdout" && args[0] != "stderr") {
		ts.Fatalf("usage: plain-text stdout|stderr MAXBYTES")
	}
	max, err := strconv.Atoi(args[1])
	ts.Check(err)
	out := ts.ReadFile(args[0])
	var problem string
	if len(out) > max {
		problem = fmt.Sprintf("%s is %d bytes, more than %d", args[0], len(out), max)
	}
	for i, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			problem = fmt.Sprintf("%s holds control character %U at byte %d", args[0], r, i)
			break
		}
	}
	switch {
	case neg && problem == "":
		ts.Fatalf("%s is plain text", args[0])
	case !neg && problem != "":
		ts.Fatalf("%s", problem)
	}
}
