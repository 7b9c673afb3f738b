package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/trust"
)

const hostileProject = `node = "20"

[plugins]
evil = "file://./evil.wasm"

[tools.node]
aliases = { work = "20.11" }
dist-url = "http://127.0.0.1:1/node/v{version}/{file}"
env = { LD_PRELOAD = "/tmp/x.so" }

[env]
PATH = "/tmp/evil"
file = ".env"

[shell.aliases]
ls = "rm -rf"

[extensions.stats]
enabled = true
permissions = ["exec"]

[settings]
auto-install = true
url-rewrites = { "^https://nodejs\\.org/" = "http://127.0.0.1:1/" }
http = { proxy = "http://127.0.0.1:1", response-timeout = "100h" }
unpack = { max-size = "1000GiB" }
build = { install-system-packages = true }
`

// trustLayout is home/{proj, .tote} with the hostile file in proj.
func trustLayout(t *testing.T) (home, proj, tote string) {
	t.Setenv(trust.EnvVar, "")
	root := t.TempDir()
	home = filepath.Join(root, "home")
	proj = filepath.Join(home, "proj")
	tote = filepath.Join(home, ".tote")
	write(t, filepath.Join(proj, FileName), hostileProject)
	if err := os.MkdirAll(tote, 0o755); err != nil {
		t.Fatal(err)
	}
	return home, proj, tote
}

func TestTrustUntrustedProjectKeepsOnlyPins(t *testing.T) {
	home, proj, tote := trustLayout(t)
	c, err := Load(proj, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	if p, _, ok := c.Pin("node"); !ok || p.Spec != "20" {
		t.Errorf("pin lost: %+v %v", p, ok)
	}
	node := c.Tool("node")
	if !reflect.DeepEqual(node.Aliases, map[string]string{"work": "20.11"}) || node.Env != nil || node.Config != nil {
		t.Errorf("tools.node = %+v; want aliases only", node)
	}
	if _, ok := c.PluginLocator("evil"); ok {
		t.Error("an untrusted plugin locator applies")
	}
	if env, err := c.RunEnv("node"); err != nil || len(env) != 0 || len(c.Extensions()) != 0 {
		t.Errorf("env %v, extensions %v apply", c.Env(), c.Extensions())
	}
	s := c.Settings()
	if len(s.URLRewrites) != 0 || s.HTTP != nil || s.Unpack.MaxSize != 0 || s.HTTPLimits.ResponseTimeout != 0 || !s.Proxy.IsZero() || s.Build.InstallSystemPackages != nil {
		t.Errorf("settings %+v apply", s)
	}
	if s.AutoInstall == nil || !*s.AutoInstall {
		t.Error("auto-install (not trust-only) was dropped")
	}
	us := c.Untrusted()
	if len(us) != 1 {
		t.Fatalf("Untrusted = %+v, want one file", us)
	}
	canon, _ := filepath.EvalSymlinks(proj)
	u := us[0]
	want := []string{"[plugins]", "[settings] url-rewrites", "[settings.http]", "[settings.unpack]", "[settings.build]", "[env]", "[shell]", "[tools.node] dist-url, env", "[extensions.stats]"}
	if u.Dir != canon || u.Changed || !reflect.DeepEqual(u.Ignored, want) {
		t.Errorf("Untrusted = %+v\nwant dir %s, ignored %v", u, canon, want)
	}
	w := u.Warning()
	if !strings.Contains(w, filepath.Join(proj, FileName)) || !strings.HasSuffix(w, "tote trust "+canon) {
		t.Errorf("warning %q does not name the file and the command", w)
	}
}

func TestTrustGrantRevokeAndChange(t *testing.T) {
	home, proj, tote := trustLayout(t)
	f, err := ReadFile(filepath.Join(proj, FileName))
	if err != nil {
		t.Fatal(err)
	}
	canon, _ := trust.Canonical(proj)
	grant := func(digest string) {
		t.Helper()
		if err := trust.Set(context.Background(), tote, trust.Entry{Dir: canon, Digest: digest, TrustedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	grant(f.TrustDigest())
	load := func() *Config {
		t.Helper()
		c, err := Load(proj, home, tote)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := load()
	if len(c.Untrusted()) != 0 || len(c.Settings().URLRewrites) != 1 || c.Tool("node").Config["dist-url"] == nil {
		t.Fatalf("trusted file not applied: untrusted %+v", c.Untrusted())
	}

	// Pins and aliases may change: trust holds.
	write(t, filepath.Join(proj, FileName), strings.Replace(strings.Replace(hostileProject, `node = "20"`, "# bumped\nnode = \"22\"\ngo = \"1.22\"", 1), `work = "20.11"`, `work = "22.1"`, 1))
	if c := load(); len(c.Untrusted()) != 0 {
		t.Fatalf("a pin change lost trust: %+v", c.Untrusted())
	}

	// A new url-rewrite (a `git pull` by someone else) needs a new trust.
	write(t, filepath.Join(proj, FileName), strings.Replace(hostileProject, `http://127.0.0.1:1/"`, `http://127.0.0.1:2/"`, 1))
	c = load()
	if us := c.Untrusted(); len(us) != 1 || !us[0].Changed || len(c.Settings().URLRewrites) != 0 {
		t.Fatalf("a changed rewrite kept trust: %+v", us)
	} else if !strings.Contains(us[0].Warning(), "changed since you trusted it") {
		t.Errorf("warning %q", us[0].Warning())
	}

	// Revoked: untrusted again.
	if ok, err := trust.Remove(context.Background(), tote, canon); !ok || err != nil {
		t.Fatalf("Remove = %v, %v", ok, err)
	}
	if c := load(); len(c.Untrusted()) != 1 || c.Untrusted()[0].Changed {
		t.Fatalf("after revoke: %+v", c.Untrusted())
	}
}

func TestTrustThroughSymlinkAndEnv(t *testing.T) {
	home, proj, tote := trustLayout(t)
	link := filepath.Join(home, "link")
	if err := os.Symlink(proj, link); err != nil {
		t.Skip(err)
	}
	// TOTE_TRUSTED_PATHS trusts a directory and everything under it, and
	// matches through symlinks either way.
	t.Setenv(trust.EnvVar, "relative/ignored"+string(os.PathListSeparator)+link)
	sub := filepath.Join(proj, "sub")
	write(t, filepath.Join(sub, FileName), "[env]\nA = \"1\"\n")
	c, err := Load(sub, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Untrusted()) != 0 || c.Env()["A"] != "1" || len(c.Settings().URLRewrites) != 1 {
		t.Fatalf("TOTE_TRUSTED_PATHS not honoured: %+v", c.Untrusted())
	}
	// A sibling that merely shares a prefix is not under it.
	sib := proj + "x"
	write(t, filepath.Join(sib, FileName), "[env]\nA = \"1\"\n")
	c, err = Load(sib, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Untrusted()) != 1 {
		t.Fatalf("%s trusted by %s", sib, link)
	}

	// `tote trust` through a symlink trusts the canonical directory.
	t.Setenv(trust.EnvVar, "")
	f, _ := ReadFile(filepath.Join(link, FileName))
	canon, err := trust.Canonical(link)
	if err != nil || canon == link {
		t.Fatalf("Canonical(%s) = %s, %v", link, canon, err)
	}
	trust.Set(context.Background(), tote, trust.Entry{Dir: canon, Digest: f.TrustDigest()})
	for _, dir := range []string{proj, link} {
		c, err := Load(dir, home, tote)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Untrusted()) != 0 {
			t.Errorf("from %s: %+v", dir, c.Untrusted())
		}
	}
}

func TestTrustUserFilesAlwaysApply(t *testing.T) {
	home, _, tote := trustLayout(t)
	write(t, filepath.Join(home, FileName), "[env]\nH = \"home\"\n")
	write(t, GlobalFile(tote), "[env]\nG = \"global\"\n")
	c, err := Load(home, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Untrusted()) != 0 || c.Env()["H"] != "home" || c.Env()["G"] != "global" {
		t.Fatalf("user files: env %v, untrusted %+v", c.Env(), c.Untrusted())
	}
}

func TestTrustRecordReadOnlyWhenNeeded(t *testing.T) {
	home, proj, tote := trustLayout(t)
	// A corrupt record is never read for a project that only pins...
	canon, _ := trust.Canonical(proj)
	trust.Set(context.Background(), tote, trust.Entry{Dir: canon, Digest: "sha256:00"})
	ents, _ := os.ReadDir(trust.Dir(tote))
	for _, e := range ents {
		write(t, filepath.Join(trust.Dir(tote), e.Name()), "{not a record")
	}
	pins := filepath.Join(home, "pins")
	write(t, filepath.Join(pins, FileName), "node = \"20\"\n[tools.node]\naliases = { a = \"20\" }\n[settings]\noffline = true\n")
	c, err := Load(pins, home, tote)
	if err != nil || len(c.Untrusted()) != 0 {
		t.Fatalf("pins only: %v %+v", err, c.Untrusted())
	}
	// ...and fails closed, saying why, for one that needs it.
	c, err = Load(proj, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	us := c.Untrusted()
	if len(us) != 1 || us[0].Err == nil || !strings.Contains(us[0].Warning(), "corrupt") {
		t.Fatalf("corrupt trust record: %+v", us)
	}
	if len(c.Settings().URLRewrites) != 0 {
		t.Fatal("rewrites applied with an unreadable trust record")
	}
}

func TestTrustRecordBounded(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	canon, _ := trust.Canonical(dir)
	if err := trust.Set(context.Background(), home, trust.Entry{Dir: canon, Digest: "sha256:00"}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(trust.Dir(home))
	if len(ents) != 1 {
		t.Fatalf("records %v", ents)
	}
	p := filepath.Join(trust.Dir(home), ents[0].Name())
	write(t, p, "tote-trust 1\ndir "+canon+"\ndigest sha256:00\n"+strings.Repeat("x", trust.MaxRecordSize))
	if _, _, err := trust.Lookup(home, canon); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized trust record: %v", err)
	}
	os.Remove(p)
	if err := os.Symlink("/dev/zero", p); err == nil {
		if _, _, err := trust.Lookup(home, canon); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("trust record on /dev/zero: %v", err)
		}
	}
	if err := trust.Set(context.Background(), home, trust.Entry{Dir: canon + "\ndigest sha256:evil", Digest: "x"}); err == nil {
		t.Fatal("a directory name with a newline was recorded")
	}
}

func TestTrustDigestCanonical(t *testing.T) {
	a, err := Parse("/p/.prototools", []byte(`# one layout
[plugins]
a = "file://a.wasm"
b = "https://x/b.wasm"
[tools.n]
k = { y = 1, x = [1.5, "s", true] }
[settings.url-rewrites]
"^a" = "b"
"^c" = "d"
`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("/q/.prototools", []byte(`pin = "1"
plugins = { b = "https://x/b.wasm", a = "file://a.wasm" }
tools.n.k.x = [1.5, "s", true]
tools.n.k.y = 1
tools.n.aliases = { z = "1" }
settings.url-rewrites = { "^a" = "b", "^c" = "d" }
`))
	if err != nil {
		t.Fatal(err)
	}
	if a.TrustDigest() != b.TrustDigest() {
		t.Error("equal trust settings, different digests")
	}
	c, _ := Parse("/p/.prototools", []byte("[settings.url-rewrites]\n\"^c\" = \"d\"\n\"^a\" = \"b\"\n[plugins]\na = \"file://a.wasm\"\nb = \"https://x/b.wasm\"\n[tools.n]\nk = { y = 1, x = [1.5, \"s\", true] }\n"))
	if c.TrustDigest() == a.TrustDigest() {
		t.Error("rewrite order (which decides the result) does not change the digest")
	}
	d, _ := Parse("/p/.prototools", []byte("[tools.n]\nk = 1\n"))
	e, _ := Parse("/p/.prototools", []byte("[tools.n]\nk = \"1\"\n"))
	if d.TrustDigest() == e.TrustDigest() {
		t.Error("1 and \"1\" digest alike")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/a/b-c_d.e": "/a/b-c_d.e",
		"/a b":       "'/a b'",
		"/it's":      `'/it'\''s'`,
		"/$(x)":      "'/$(x)'",
		"":           "''",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// BenchmarkLoadTrust measures config.Load, the shim's first step, for a
// project that only pins (no trust check: the record is never read), and
// for one that sets [env] (a trust-only setting): trusted with tote trust
// (the record is read, the directory resolved and the digest compared),
// through TOTE_TRUSTED_PATHS, and untrusted (dropped).
//
//	go test -run '^$' -bench LoadTrust -benchtime 2000x -count 3 ./internal/config/
func BenchmarkLoadTrust(b *testing.B) {
	root := b.TempDir()
	home := filepath.Join(root, "home")
	tote := filepath.Join(home, ".tote")
	os.MkdirAll(tote, 0o755)
	os.WriteFile(GlobalFile(tote), []byte("[plugins]\ndemo = \"file:///x/demo.wasm\"\n[settings.url-rewrites]\n\"^https://a/\" = \"http://127.0.0.1:1/\"\n"), 0o644)
	mk := func(name, content string) string {
		d := filepath.Join(home, name)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, FileName), []byte(content), 0o644)
		return d
	}
	pins := mk("pins", "demo = \"1.0\"\n")
	env := "demo = \"1.0\"\n\n[env]\nBENCH = \"1\"\n"
	trusted, envPath, untrusted := mk("trusted", env), mk("envpath", env), mk("untrusted", env)
	f, _ := ReadFile(filepath.Join(trusted, FileName))
	canon, _ := trust.Canonical(trusted)
	for i := range 50 { // other trusted projects
		trust.Set(context.Background(), tote, trust.Entry{Dir: filepath.Join(root, "other", strings.Repeat("x", i%9), fmt.Sprint(i)), Digest: "sha256:00"})
	}
	trust.Set(context.Background(), tote, trust.Entry{Dir: canon, Digest: f.TrustDigest()})
	for _, c := range []struct {
		name, dir, env string
		untrusted      int
	}{
		{"pins-only", pins, "", 0},
		{"env-tote-trust", trusted, "", 0},
		{"env-TOTE_TRUSTED_PATHS", envPath, envPath, 0},
		{"env-untrusted", untrusted, "", 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.Setenv(trust.EnvVar, c.env)
			for b.Loop() {
				cfg, err := Load(c.dir, home, tote)
				if err != nil || len(cfg.Untrusted()) != c.untrusted {
					b.Fatalf("%v %+v", err, cfg.Untrusted())
				}
			}
		})
	}
}

// TestKeepTrust: an edit the user makes through tote (tote plugin add)
// keeps a trusted or new file trusted for the new content, leaves an
// untrusted one untrusted, and undo puts the previous record back.
func TestKeepTrust(t *testing.T) {
	home, proj, tote := trustLayout(t)
	ctx := context.Background()
	add := func(path string) func() error {
		return func() error { return SetPlugin(path, "mine", "file://./mine.wasm") }
	}
	trusted := func(dir string) bool {
		t.Helper()
		c, err := Load(dir, home, tote)
		if err != nil {
			t.Fatal(err)
		}
		_, ok := c.PluginLocator("mine")
		return ok && len(c.Untrusted()) == 0
	}
	// A new file.
	fresh := filepath.Join(home, "fresh")
	os.MkdirAll(fresh, 0o755)
	if _, err := KeepTrust(ctx, filepath.Join(fresh, FileName), home, tote, add(filepath.Join(fresh, FileName))); err != nil {
		t.Fatal(err)
	}
	if !trusted(fresh) {
		t.Error("a file tote created for the user is not trusted")
	}
	// An untrusted file stays untrusted (its other settings were never approved).
	if _, err := KeepTrust(ctx, filepath.Join(proj, FileName), home, tote, add(filepath.Join(proj, FileName))); err != nil {
		t.Fatal(err)
	}
	if trusted(proj) {
		t.Error("tote plugin add trusted a cloned project's settings")
	}
	// A trusted file stays trusted; undo restores the old record.
	f, _ := ReadFile(filepath.Join(proj, FileName))
	canon, _ := trust.Canonical(proj)
	trust.Set(ctx, tote, trust.Entry{Dir: canon, Digest: f.TrustDigest()})
	before, _, _ := trust.Lookup(tote, canon)
	path := filepath.Join(proj, FileName)
	undo, err := KeepTrust(ctx, path, home, tote, func() error { return SetPlugin(path, "other", "file://./other.wasm") })
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := Load(proj, home, tote); len(c.Untrusted()) != 0 {
		t.Errorf("the user's own edit lost the trust: %+v", c.Untrusted())
	}
	undo()
	if after, _, _ := trust.Lookup(tote, canon); after.Digest != before.Digest {
		t.Errorf("undo left %s, want %s", after.Digest, before.Digest)
	}
}
