package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tote-dev/tote/internal/plugincache/registrytest"
	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// schemaPlugins are the recorded third-party schema plugins (see
// plugins/schema/testdata/proto-toml/SOURCES.md).
var schemaPlugins = filepath.Join("..", "..", "plugins", "schema", "testdata", "proto-toml")

// TestSchemaScripts drives the real tote binary through third-party schema
// plugins (testdata/schema/*.txtar): their TOML is used as published, their
// GitHub releases and Git repositories are mirrored locally, and the
// upstream URLs reach the mirror through url-rewrites (git reads the
// mirrored repositories over the dumb HTTP protocol).
func TestSchemaScripts(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/schema",
		RequireExplicitExec: true,
		Setup:               setupSchemaMirror,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mirror-fault":    cmdMirrorFault,
			"mirror-requests": cmdMirrorRequests,
			"mirror-tag":      cmdMirrorTag,
			"mirror-release":  cmdMirrorRelease,
			"registry-start":  cmdRegistryStart,
			"registry-push":   cmdRegistryPush,
		},
		Condition: func(cond string) (bool, error) {
			if cond == "registry" {
				return registrytest.Available(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// schemaArch returns the names jq and uv give the test machine's CPU.
func schemaArch() (jq, uv string) {
	if runtime.GOARCH == "arm64" {
		return "arm64", "aarch64"
	}
	return "amd64", "x86_64"
}

func script(name, version string) string {
	return (fmt.Sprintf("#!/bin/sh\necho \"%s-%s\"\nfor a in \"$@\"; do echo \"arg: $a\"; done\n", name, version))
}

// writeJQRelease publishes jq-<version>/jq-linux-<arch> (a bare executable).
func writeJQRelease(root, version string) error {
	jqArch, _ := schemaArch()
	dir := filepath.Join(root, "github.com", "jqlang", "jq", "releases", "download", "jq-"+version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "jq-linux-"+jqArch), []byte(script("jq", version)), 0o755)
}

// writeUVRelease publishes uv's archives (gnu and musl) with their .sha256.
func writeUVRelease(root, version string) error {
	_, uvArch := schemaArch()
	dir := filepath.Join(root, "github.com", "astral-sh", "uv", "releases", "download", version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, libc := range []string{"gnu", "musl"} {
		base := "uv-" + uvArch + "-unknown-linux-" + libc
		archive := filepath.Join(dir, base+".tar.gz")
		err := mirror.WriteTarGz(archive, []mirror.Entry{
			{Name: base + "/", Dir: true},
			{Name: base + "/uv", Body: script("uv", version), Mode: 0o755},
			{Name: base + "/uvx", Body: script("uvx", version), Mode: 0o755},
		})
		if err != nil {
			return err
		}
		sum, err := mirror.SHA256File(archive)
		if err != nil {
			return err
		}
		// uv publishes "<hex> *<name>" per archive.
		if err := os.WriteFile(archive+".sha256", []byte(sum+" *"+base+".tar.gz\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// gitMirror makes root/<rel> a bare repository with tags, readable over
// dumb HTTP.
func gitMirror(root, rel string, tags ...string) error {
	work, err := os.MkdirTemp("", "tote-git-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bare := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(bare), 0o755); err != nil {
		return err
	}
	steps := [][]string{{"init", "-q", work}, {"-C", work, "commit", "-q", "--allow-empty", "-m", "init"}}
	for _, tag := range tags {
		steps = append(steps, []string{"-C", work, "tag", tag})
	}
	steps = append(steps, []string{"clone", "-q", "--bare", work, bare}, []string{"-C", bare, "update-server-info"})
	for _, s := range steps {
		if err := runGit(s...); err != nil {
			return err
		}
	}
	return nil
}

func runGit(args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

func setupSchemaMirror(env *testscript.Env) error {
	root := filepath.Join(env.WorkDir, "..", "mirror-"+filepath.Base(env.WorkDir))
	// The repositories first: git clones into empty directories only.
	if err := gitMirror(root, "github.com/jqlang/jq", "jq-1.7.1", "jq-1.7.0", "jq-1.6", "jq-1.5rc2"); err != nil {
		return err
	}
	if err := gitMirror(root, "github.com/astral-sh/uv", "0.6.5", "0.6.4", "0.6.5-alpha.1"); err != nil {
		return err
	}
	for _, v := range []string{"1.7.1", "1.7.0"} {
		if err := writeJQRelease(root, v); err != nil {
			return err
		}
	}
	if err := writeUVRelease(root, "0.6.5"); err != nil {
		return err
	}
	// uv's registry locator is the raw file in its author's repository.
	abs, err := filepath.Abs(schemaPlugins)
	if err != nil {
		return err
	}
	if err := copyFile(filepath.Join(abs, "uv.toml"), filepath.Join(root, "raw.githubusercontent.com", "Phault", "proto-toml-plugins", "main", "uv", "plugin.toml")); err != nil {
		return err
	}
	// A GitHub release carrying jq's TOML as an asset, and the API's
	// answer for its tag.
	if err := copyFile(filepath.Join(abs, "jq.toml"), filepath.Join(root, "github.com", "appthrust", "proto-toml-plugins", "releases", "download", "v1.0.0", "jq.toml")); err != nil {
		return err
	}
	release := `{"tag_name":"v1.0.0","draft":false,"prerelease":false,"assets":[` +
		`{"name":"jq.toml","browser_download_url":"https://github.com/appthrust/proto-toml-plugins/releases/download/v1.0.0/jq.toml"}]}`
	relPath := filepath.Join(root, "api.github.com", "repos", "appthrust", "proto-toml-plugins", "releases", "tags", "v1.0.0")
	if err := os.MkdirAll(filepath.Dir(relPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(relPath, []byte(release), 0o644); err != nil {
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
jq = "file://%s"
uv = "https://raw.githubusercontent.com/Phault/proto-toml-plugins/main/uv/plugin.toml"

[settings.url-rewrites]
"^https://github\\.com/" = "%s/github.com/"
"^https://raw\\.githubusercontent\\.com/" = "%s/raw.githubusercontent.com/"
"^https://api\\.github\\.com/" = "%s/api.github.com/"
"^https://dl\\.k8s\\.io/" = "%s/dl.k8s.io/"
`, filepath.Join(abs, "jq.toml"), srv.URL, srv.URL, srv.URL, srv.URL)
	if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(global), 0o644); err != nil {
		return err
	}
	env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Setenv("TOTE_HOME", home)
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("MIRROR_URL", srv.URL)
	env.Setenv("MIRROR_ROOT", root)
	env.Setenv("SCHEMA_PLUGINS", abs)
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	jqArch, uvArch := schemaArch()
	env.Setenv("JQ_ARCH", jqArch)
	env.Setenv("UV_ARCH", uvArch)
	env.Setenv("TOTE_LOG", "warn")
	env.Values["mirror"] = srv
	return nil
}

// cmdMirrorTag adds tags to a mirrored repository: mirror-tag REPO TAG...
func cmdMirrorTag(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: mirror-tag REPO TAG...")
	}
	root := ts.Getenv("MIRROR_ROOT")
	work := ts.MkAbs("git-work-" + strings.ReplaceAll(args[0], "/", "-"))
	bare := filepath.Join(root, filepath.FromSlash(args[0]))
	ts.Check(runGit("clone", "-q", bare, work))
	for _, tag := range args[1:] {
		ts.Check(runGit("-C", work, "tag", tag))
	}
	ts.Check(runGit("-C", work, "push", "-q", "--tags", "origin"))
	ts.Check(runGit("-C", bare, "update-server-info"))
	os.RemoveAll(work)
}

// cmdMirrorRelease publishes a release: mirror-release jq|uv VERSION.
func cmdMirrorRelease(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mirror-release jq|uv VERSION")
	}
	switch args[0] {
	case "jq":
		ts.Check(writeJQRelease(ts.Getenv("MIRROR_ROOT"), args[1]))
	case "uv":
		ts.Check(writeUVRelease(ts.Getenv("MIRROR_ROOT"), args[1]))
	default:
		ts.Fatalf("unknown tool %s", args[0])
	}
}

// cmdRegistryStart starts a real OCI registry (docker-registry) for the
// script and sets $REGISTRY to its host:port.
func cmdRegistryStart(ts *testscript.TestScript, neg bool, args []string) {
	reg, err := registrytest.Start(context.Background(), ts.MkAbs("registry"))
	ts.Check(err)
	ts.Defer(reg.Stop)
	ts.Setenv("REGISTRY", reg.Host)
	ts.Value("mirror") // keep the mirror referenced
	registries.Store(ts, reg)
}

// registries maps a script to its registry.
var registries sync.Map

// cmdRegistryPush pushes a plugin file: registry-push FILE REPO TAG.
func cmdRegistryPush(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: registry-push FILE REPO TAG")
	}
	v, ok := registries.Load(ts)
	if !ok {
		ts.Fatalf("registry-start first")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	reg := v.(*registrytest.Registry)
	dg, err := reg.Push(context.Background(), args[1], args[2], "application/vnd.tote.plugin.v1",
		registrytest.Layer{MediaType: registrytest.MediaTypeFor(args[0]), Title: filepath.Base(args[0]), Data: data})
	ts.Check(err)
	fmt.Fprintln(ts.Stdout(), dg)
}
