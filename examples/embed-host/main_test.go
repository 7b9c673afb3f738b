package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/sdk/plugintest"
)

// minipkg runs the program in-process with a fresh home per test.
type minipkg struct {
	t    *testing.T
	home string
}

func newMinipkg(t *testing.T, config string) *minipkg {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "minipkg.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return &minipkg{t: t, home: home}
}

// withPolicy deploys examples/policy-extension, built from source with
// tote's SDK, as <home>/extensions/policy.wasm.
func (m *minipkg) withPolicy() *minipkg {
	m.t.Helper()
	wasm := plugintest.Build(m.t, "../policy-extension")
	b, err := os.ReadFile(wasm)
	if err != nil {
		m.t.Fatal(err)
	}
	dir := filepath.Join(m.home, "extensions")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "policy.wasm"), b, 0o644); err != nil {
		m.t.Fatal(err)
	}
	return m
}

func (m *minipkg) run(args ...string) (stdout, stderr string, code int, err error) {
	var out, errOut bytes.Buffer
	code, err = run(context.Background(), append([]string{"-home", m.home}, args...), &out, &errOut)
	return out.String(), errOut.String(), code, err
}

const config = `{"extensions": {
	"policy": {"config": {"minimum": {"node": "18.0.0"}}},
	"audit":  {"enabled": true},
	"crashy": {"enabled": true, "max_restarts": 1}
}}`

// TestEventsPrioritiesCommandsFaults: the WASM policy extension (priority
// EARLY) denies an old version and the native audit listener (LAST) sees
// the denial; an allowed install goes through every listener; extension
// commands of both kinds run; the panicking crashy listener is contained
// on every install and quarantined after its budget, minipkg unharmed.
func TestEventsPrioritiesCommandsFaults(t *testing.T) {
	t.Parallel()
	m := newMinipkg(t, config).withPolicy()

	_, _, _, err := m.run("install", "node", "16.20.0")
	if err == nil || !strings.Contains(err.Error(), "policy") || !strings.Contains(err.Error(), "node 16.20.0 is below the minimum version 18.0.0") {
		t.Fatalf("an old node must be denied by the policy extension: %v", err)
	}
	if _, err := os.Stat(filepath.Join(m.home, "pkgs", "node", "16.20.0")); err == nil {
		t.Fatal("a denied install was installed")
	}

	for i, v := range []string{"20.1.0", "22.0.0"} {
		out, stderr, _, err := m.run("install", "node", v)
		if err != nil || out != "installed node "+v+"\n" {
			t.Fatalf("install %s: %q %v (stderr %s)", v, out, err, stderr)
		}
		// The panic is contained: the install succeeded, and the
		// second fault (max_restarts 1) quarantines crashy.
		if i == 1 && !strings.Contains(stderr, "crashy") {
			t.Errorf("no word about the quarantined extension: %s", stderr)
		}
	}
	out, _, _, err := m.run("extensions")
	if err != nil || !strings.Contains(out, "crashy\tquarantined") || !strings.Contains(out, "policy\tenabled") || !strings.Contains(out, "audit\tenabled") {
		t.Fatalf("extensions: %q %v", out, err)
	}

	// The native command prints the log kept in audit's data directory:
	// pre-install ran after the policy (priority 255 after 64).
	out, _, code, err := m.run("audit")
	want := []string{
		"pre-install node 16.20.0: denied by an earlier listener: node 16.20.0 is below the minimum version 18.0.0 allowed by policy",
		"pre-install node 20.1.0", "post-install node 20.1.0", "pre-install node 22.0.0", "post-install node 22.0.0",
	}
	if err != nil || code != 0 || strings.TrimSpace(out) != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s\n(%v)", out, strings.Join(want, "\n"), err)
	}
	// The WASM extension's command.
	if out, _, _, err := m.run("policy"); err != nil || out != "node >= 18.0.0\n" {
		t.Fatalf("policy command: %q %v", out, err)
	}
	if _, _, _, err := m.run("nonsense"); err == nil {
		t.Fatal("an unknown command ran")
	}
}

// TestCapabilities: grants come from minipkg's configuration, and an
// extension keeps running without what it was denied. Denied the command
// capability, audit still logs (its command is refused), while the policy
// extension, whose on_enable needs its command, is refused as a whole.
// Denied data-dir, audit cannot keep its log: its pre-install listener
// fails, and an access event fails closed, naming it.
func TestCapabilities(t *testing.T) {
	t.Parallel()
	m := newMinipkg(t, `{"extensions": {
		"policy": {"deny": ["command"], "config": {"minimum": {"node": "18.0.0"}}},
		"audit":  {"enabled": true, "deny": ["command"]}
	}}`).withPolicy()
	if out, _, _, err := m.run("install", "node", "16.20.0"); err != nil || out != "installed node 16.20.0\n" {
		t.Fatalf("install with the policy refused: %q %v", out, err)
	}
	out, _, _, err := m.run("extensions")
	if err != nil || !strings.Contains(out, "policy\trefused") || !strings.Contains(out, "audit\tenabled") {
		t.Fatalf("extensions: %q %v", out, err)
	}
	for _, cmd := range []string{"policy", "audit"} {
		if _, _, _, err := m.run(cmd); err == nil {
			t.Errorf("%s: a command ran without the command capability", cmd)
		}
	}
	if b, err := os.ReadFile(filepath.Join(m.home, "extensions", "audit", "audit.log")); err != nil || !strings.Contains(string(b), "post-install node 16.20.0") {
		t.Fatalf("audit's log in its data directory: %q %v", b, err)
	}

	m = newMinipkg(t, `{"extensions": {"audit": {"enabled": true, "deny": ["data-dir"]}}}`)
	_, _, _, err = m.run("install", "node", "20.1.0")
	if err == nil || !strings.Contains(err.Error(), `extension "audit" failed on pre-install`) || !strings.Contains(err.Error(), "data-dir capability is denied") {
		t.Fatalf("a failing access listener must deny, naming the extension: %v", err)
	}
}
