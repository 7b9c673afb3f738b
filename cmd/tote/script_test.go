package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// binDir holds the real tote and tote-shim binaries, built once per run:
// the scripts drive the binaries a user runs, not an in-process stand-in.
var binDir string

// templatesDir holds what is built once per run and copied for every
// script that needs it (the upstream layouts of sharedMirror and demoMirror).
var templatesDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tote-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if templatesDir, err = os.MkdirTemp("", "tote-templates-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The binaries in one go build, which links them side by side (peakrss
	// is TestSoakRuns' measuring parent).
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), ".", "../tote-shim", "./testdata/peakrss")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "build tote, tote-shim and peakrss: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.RemoveAll(templatesDir)
	os.Exit(code)
}

// Demo versions the mirror publishes.
var (
	demoStable   = []string{"1.2.3", "1.2.0", "1.1.5", "1.0.0"}
	demoUnstable = []string{"2.0.0-rc.1"}
)

func TestScripts(t *testing.T) {
	t.Parallel()
	wasm := wasmbuild.Build(t, wasmbuild.Fixture("demo-tool"))
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupMirror(env, wasm); err != nil {
				return err
			}
			if err := setupAttacks(env); err != nil {
				return err
			}
			return setupExtensions(env)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mirror-fault":         cmdMirrorFault,
			"mirror-requests":      cmdMirrorRequests,
			"trojan-demo":          cmdTrojanDemo,
			"mirror-bomb":          cmdMirrorBomb,
			"redirect-target-hits": cmdRedirectTargetHits,
			"plain-text":           cmdPlainText,
			"interrupt":            cmdInterrupt,
		},
	})
}

// templateDir makes a directory under templatesDir, with the permissions
// a mirror root has (its copies get them).
func templateDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp(templatesDir, prefix)
	if err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o755)
}

// demoTemplate is the demo tool's upstream layout (mirror.BuildDemo),
// written once per run.
var demoTemplate = sync.OnceValues(func() (string, error) {
	dir, err := templateDir("demo-")
	if err != nil {
		return "", err
	}
	return dir, mirror.BuildDemo(dir, demoStable, demoUnstable)
})

// demoMirror writes the demo tool's upstream layout under root: a copy of
// demoTemplate (forty archives written once instead of for every script;
// a script may change its copy).
func demoMirror(root string) error {
	dir, err := demoTemplate()
	if err != nil {
		return err
	}
	return mirror.CopyTree(root, dir)
}

// setupMirror starts a mirror of the demo tool for one script and writes the
// global .prototools that points tote at it through url-rewrites.
func setupMirror(env *testscript.Env, wasm string) error {
	root := filepath.Join(env.WorkDir, "..", "mirror-"+filepath.Base(env.WorkDir))
	if err := demoMirror(root); err != nil {
		return err
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
	global := fmt.Sprintf(`# written by the test harness
[plugins]
demo = "file://%s"

[settings.url-rewrites]
"^https://demo\\.example\\.com/" = "%s/"
`, wasm, srv.URL)
	if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(global), 0o644); err != nil {
		return err
	}
	env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Setenv("TOTE_HOME", home)
	env.Setenv("HOME", env.WorkDir)
	setGoEnv(env)
	env.Setenv("DEMO_WASM", wasm)
	env.Setenv("MIRROR_URL", srv.URL)
	env.Setenv("MIRROR_ROOT", root)
	env.Setenv("TOTE_LOG", "warn")
	env.Values["mirror"] = srv
	return nil
}

// newHome creates a script's $TOTE_HOME ($WORK/.tote) with the shared
// compilation cache.
func newHome(env *testscript.Env) (string, error) {
	home := filepath.Join(env.WorkDir, ".tote")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", err
	}
	return home, shareWasmCache(home)
}

// rewriteLines renders [settings.url-rewrites] entries that send every
// upstream prefix in rewrites to its path on the local mirror at base, in
// a stable order.
func rewriteLines(rewrites map[string]string, base string) string {
	keys := make([]string, 0, len(rewrites))
	for k := range rewrites {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "%q = %q\n", "^"+regexp.QuoteMeta(k), base+"/"+strings.TrimPrefix(rewrites[k], "/"))
	}
	return sb.String()
}

// shareWasmCache points $TOTE_HOME/cache/wasm at one compilation cache for
// the whole run: compiling the demo plugin costs seconds on a busy machine,
// and every script would pay it again in its fresh home. wazero writes the
// cache with a temp file and a rename, so scripts share it safely.
func shareWasmCache(home string) error {
	shared := wasmbuild.CompileCacheDir()
	if err := os.MkdirAll(shared, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(home, "cache"), 0o755); err != nil {
		return err
	}
	return os.Symlink(shared, filepath.Join(home, "cache", "wasm"))
}

// cmdMirrorFault sets a fault on a mirror path: mirror-fault PATH KIND
// (KIND is drop-once, 404, 500-once, slow or none).
func cmdMirrorFault(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mirror-fault PATH KIND")
	}
	p := filepath.Join(ts.Getenv("MIRROR_ROOT"), ".faults.json")
	faults := map[string]string{}
	if b, err := os.ReadFile(p); err == nil {
		json.Unmarshal(b, &faults)
	}
	if args[1] == "none" {
		delete(faults, args[0])
	} else {
		faults[args[0]] = args[1]
	}
	b, _ := json.Marshal(faults)
	ts.Check(os.WriteFile(p, b, 0o644))
}

// cmdTrojanDemo writes an attacker's demo release: trojan-demo DIR VERSION
// (see mirror.BuildDemoTrojan).
func cmdTrojanDemo(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: trojan-demo DIR VERSION")
	}
	ts.Check(mirror.BuildDemoTrojan(ts.MkAbs(args[0]), args[1]))
}

// cmdMirrorBomb replaces the demo archives of a version with an archive
// bomb, and its SHASUMS256.txt to match (the attacker controls both):
// mirror-bomb KIND VERSION, KIND sparse (a 1 TiB sparse file in 1.5 KB),
// zeros (64 MiB of zeros) or entries (2,000 empty files).
func cmdMirrorBomb(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mirror-bomb KIND VERSION")
	}
	kind, v := args[0], args[1]
	dir := filepath.Join(ts.Getenv("MIRROR_ROOT"), "dist", "v"+v)
	var names []string
	for _, plat := range mirror.DemoPlatforms {
		prefix := fmt.Sprintf("demo-v%s-%s", v, plat)
		var tarball bytes.Buffer
		switch kind {
		case "sparse":
			tarball.Write(mirror.SparseTarBomb(prefix+"/bin/demo", 1<<40))
		case "zeros":
			ts.Check(mirror.ZerosTar(&tarball, prefix+"/bin", "demo", 64<<20))
		case "entries":
			tarball.Write(mirror.ManyEntriesTar(prefix+"/lib", 2000))
		default:
			ts.Fatalf("unknown bomb %q", kind)
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(tarball.Bytes())
		ts.Check(zw.Close())
		name := prefix + ".tar.gz"
		ts.Check(os.WriteFile(filepath.Join(dir, name), gz.Bytes(), 0o644))
		names = append(names, name)
	}
	ts.Check(mirror.WriteShasums(dir, names...))
}

// cmdMirrorRequests prints the mirror's request log, one request a line.
func cmdMirrorRequests(ts *testscript.TestScript, neg bool, args []string) {
	srv := ts.Value("mirror").(*mirror.Server)
	ts.Stdout().Write([]byte(strings.Join(srv.Requests(), "\n") + "\n"))
}

// goEnv keeps the Go toolchain's caches and proxy settings for scripts that
// run `go` (through `tote plugin build`) with HOME pointing into $WORK.
// (asked once, on first use: not at the start of every test process).
var goEnv = sync.OnceValue(func() map[string]string {
	out, err := exec.Command("go", "env", "-json", "GOMODCACHE", "GOCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GONOSUMDB", "GOSUMDB").Output()
	m := map[string]string{}
	if err == nil {
		json.Unmarshal(out, &m)
	}
	return m
})

func setGoEnv(env *testscript.Env) {
	for k, v := range goEnv() {
		if v != "" {
			env.Setenv(k, v)
		}
	}
}

// cmdInterrupt runs a command, waits until its standard error matches a
// pattern, sends it SIGINT (as Ctrl-C does), and reports what it printed
// and "exit code N": interrupt PATTERN COMMAND [ARGS...].
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: interrupt PATTERN COMMAND [ARGS...]")
	}
	re := regexp.MustCompile(args[0])
	env := os.Environ()
	for _, k := range []string{"PATH", "HOME", "TOTE_HOME", "TOTE_LOG", "TOTE_PROGRESS_INTERVAL", "TMPDIR", "WORK"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	bin, err := exec.LookPath(args[1])
	if p := ts.Getenv("PATH"); err != nil || p != "" {
		for _, dir := range filepath.SplitList(p) {
			if c := filepath.Join(dir, args[1]); fileExecutable(c) {
				bin = c
				break
			}
		}
	}
	cmd := exec.Command(bin, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = env
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ts.Check(cmd.Start())
	deadline := time.Now().Add(2 * time.Minute)
	for !re.MatchString(stderr.String()) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			ts.Fatalf("stderr never matched %q:\n%s", args[0], stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling the output, not a synchronisation
	}
	ts.Check(cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		ts.Fatalf("the command did not stop within a minute of SIGINT:\n%s", stderr.String())
	}
	ts.Stdout().Write([]byte(stdout.String()))
	ts.Stderr().Write([]byte(stderr.String()))
	fmt.Fprintf(ts.Stdout(), "exit code %d\n", cmd.ProcessState.ExitCode())
}

func fileExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
