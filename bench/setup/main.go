// Command setup prepares the sandbox that bench/run.sh measures: it builds
// the demo tool plugin, publishes one release of a "demo" tool whose
// executables are a given tiny binary on a local mirror (127.0.0.1 only),
// writes the global and project .prototools, installs the pinned tools with
// the real tote binary while the mirror runs, and stops the mirror.
//
// The sandbox it leaves behind:
//
//	<dir>/plugins/demo.wasm        the demo tool plugin (every tool uses it)
//	<dir>/home                     $HOME
//	<dir>/home/.tote               $TOTE_HOME (global .prototools, tools, shims)
//	<dir>/home/proj                a project pinning demo = "1.0", with a
//	                               .prototools.lock that locks it (so every
//	                               figure includes the lockfile check)
//	<dir>/home/proj20              a project pinning t01..t20 = "1.0" (and demo)
//
// Usage:
//
//	go run ./bench/setup -dir bench/out/sandbox -tote bench/out/tote -exe bench/out/noop
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// Version is the one demo release the mirror publishes and the projects pin.
const Version = "1.0.0"

func main() {
	dir := flag.String("dir", "bench/out/sandbox", "sandbox directory (must not exist or be empty)")
	tote := flag.String("tote", "bench/out/tote", "the tote binary")
	exe := flag.String("exe", "bench/out/noop", "the binary published as the demo tool's executables")
	tools := flag.Int("tools", 20, "how many extra tools (t01..tNN) to configure and install")
	flag.Parse()
	if err := run(*dir, *tote, *exe, *tools); err != nil {
		fmt.Fprintf(os.Stderr, "bench setup: %v\n", err)
		os.Exit(1)
	}
}

func run(dir, tote, exe string, tools int) error {
	for _, p := range []*string{&dir, &tote, &exe} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("sandbox %s is not empty; remove it first", dir)
	}
	body, err := os.ReadFile(exe)
	if err != nil {
		return fmt.Errorf("read the tool executable: %w", err)
	}

	built, err := wasmbuild.BuildE(wasmbuild.Fixture("demo-tool"))
	if err != nil {
		return fmt.Errorf("build the demo-tool plugin: %w", err)
	}
	wasm := filepath.Join(dir, "plugins", "demo.wasm")
	if err := copyFile(built, wasm); err != nil {
		return err
	}

	root := filepath.Join(dir, "mirror")
	if err := publish(root, body); err != nil {
		return fmt.Errorf("write the mirror: %w", err)
	}
	srv, err := mirror.Start(root)
	if err != nil {
		return fmt.Errorf("start the mirror: %w", err)
	}
	defer srv.Close()

	home := filepath.Join(dir, "home")
	toteHome := filepath.Join(home, ".tote")
	ids := []string{"demo"}
	for i := 1; i <= tools; i++ {
		ids = append(ids, fmt.Sprintf("t%02d", i))
	}
	var global strings.Builder
	global.WriteString("# written by bench/setup\n[plugins]\n")
	for _, id := range ids {
		fmt.Fprintf(&global, "%s = \"file://%s\"\n", id, wasm)
	}
	fmt.Fprintf(&global, "\n[settings.url-rewrites]\n\"^https://demo\\\\.example\\\\.com/\" = \"%s/\"\n", srv.URL)
	var pins20 strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&pins20, "%s = \"1.0\"\n", id)
	}
	files := map[string]string{
		filepath.Join(toteHome, ".prototools"):       global.String(),
		filepath.Join(home, "proj", ".prototools"):   "demo = \"1.0\"\n",
		filepath.Join(home, "proj20", ".prototools"): pins20.String(),
	}
	for p, content := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	env := append(os.Environ(), "TOTE_HOME="+toteHome, "HOME="+home, "TOTE_LOG=error")
	// demo first, so that the shims demo and demo-helper belong to it (the
	// t-tools publish the same executable names).
	steps := []struct {
		cwd  string
		args []string
	}{
		{filepath.Join(home, "proj"), []string{"install", "demo", "1.0", "--update-lock"}},
		{filepath.Join(home, "proj20"), []string{"install"}},
	}
	for _, s := range steps {
		cmd := exec.CommandContext(ctx, tote, s.args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = s.cwd, env, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("tote %s in %s: %w", strings.Join(s.args, " "), s.cwd, err)
		}
	}
	for _, id := range ids {
		p := filepath.Join(toteHome, "tools", id, Version, "bin", "demo")
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s %s was not installed: %w", id, Version, err)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "proj", ".prototools.lock")); err != nil {
		return fmt.Errorf("proj has no lockfile: %w", err)
	}
	fmt.Printf("sandbox ready: %s (%d tools installed from %s)\n", dir, len(ids), srv.URL)
	return nil
}

// publish writes the demo tool's upstream layout (as mirror.BuildDemo does)
// with one stable release whose executables are exe.
func publish(root string, exe []byte) error {
	dist := filepath.Join(root, "dist")
	rel := filepath.Join(dist, "v"+Version)
	var names []string
	for _, plat := range mirror.DemoPlatforms {
		prefix := fmt.Sprintf("demo-v%s-%s", Version, plat)
		entries := []mirror.Entry{
			{Name: prefix + "/", Dir: true},
			{Name: prefix + "/bin/demo", Body: string(exe), Mode: 0o755},
			{Name: prefix + "/bin/demo-helper", Body: string(exe), Mode: 0o755},
		}
		name := prefix + ".tar.gz"
		if err := mirror.WriteTarGz(filepath.Join(rel, name), entries); err != nil {
			return err
		}
		names = append(names, name)
	}
	if err := mirror.WriteShasums(rel, names...); err != nil {
		return err
	}
	index, err := json.Marshal([]map[string]any{{"version": "v" + Version, "stable": true}})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dist, "index.json"), index, 0o644)
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return errors.Join(fmt.Errorf("copy %s to %s", src, dst), err)
	}
	return nil
}
