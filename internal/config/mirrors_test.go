package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/internal/trust"
)

func TestParseMirror(t *testing.T) {
	dir := t.TempDir()
	good := []struct {
		raw, str, host, base, path string
	}{
		{"registry://registry.corp/tote", "registry://registry.corp/tote", "registry.corp", "tote", ""},
		{"registry://127.0.0.1:5000/a/b-c/d_e", "registry://127.0.0.1:5000/a/b-c/d_e", "127.0.0.1:5000", "a/b-c/d_e", ""},
		{"registry://ghcr.io", "registry://ghcr.io", "ghcr.io", "", ""},
		{"registry://localhost:5000/tote/", "registry://localhost:5000/tote", "localhost:5000", "tote", ""},
		{"registry://[::1]:5000/tote", "registry://[::1]:5000/tote", "[::1]:5000", "tote", ""},
		{"oci-layout:///srv/bundle.tar", "oci-layout:///srv/bundle.tar", "", "", "/srv/bundle.tar"},
		{"oci-layout://bundle", "oci-layout://" + filepath.Join(dir, "bundle"), "", "", filepath.Join(dir, "bundle")},
	}
	for _, g := range good {
		m, err := ParseMirror(g.raw, dir, "f:1")
		if err != nil {
			t.Errorf("%s: %v", g.raw, err)
			continue
		}
		if m.String() != g.str || m.Host != g.host || m.Base != g.base || m.Path != g.path || m.Source != "f:1" {
			t.Errorf("%s: got %+v (%s)", g.raw, m, m)
		}
	}
	bad := []struct{ raw, want string }{
		{"registry.corp/tote", "want registry://"},
		{"https://registry.corp/tote", "unknown scheme"},
		{"registry://", "is not a registry host"},
		{"registry://reg.corp/Tote", "not a valid repository path"},
		{"registry://reg.corp/tote:1.0", "not a tag or digest"},
		{"registry://reg.corp/tote@sha256:00", "not a tag or digest"},
		{"registry://reg.corp:99999/tote", "is not a registry host"},
		{"registry://reg corp/tote", "is not a registry host"},
		{"registry://reg.corp/a//b", "not a valid repository path"},
		{"oci-layout://", "has no path"},
	}
	for _, b := range bad {
		_, err := ParseMirror(b.raw, dir, "f:1")
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err %v, want %q", b.raw, err, b.want)
		}
	}
}

// A password in a mirror URL is refused, and never repeated in the error.
func TestParseMirrorRefusesCredentials(t *testing.T) {
	for _, raw := range []string{
		"registry://ci:s3cr3t-pass@registry.corp/tote",
		"registry://s3cr3t-pass@registry.corp",
		"ftp://ci:s3cr3t-pass@registry.corp/tote",
	} {
		_, err := ParseMirror(raw, "/", "f:1")
		if err == nil {
			t.Fatalf("%s: accepted", raw)
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the error repeats the password: %v", raw, err)
		}
	}
	_, err := Parse("p/.prototools", []byte("[settings]\nmirrors = [\"registry://u:s3cr3t@reg.corp/tote\"]\n"))
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "p/.prototools:2") || !strings.Contains(err.Error(), "docker login") {
		t.Errorf("parse error %v: want file:line, a docker login hint, and no password", err)
	}
}

func TestMirrorSettingsMergeAndEnv(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	proj := filepath.Join(home, "proj")
	tote := filepath.Join(root, "tote")
	t.Setenv(trust.EnvVar, proj) // the project is trusted
	write(t, filepath.Join(proj, FileName), `[settings]
mirrors = ["registry://proj.corp/tote", "oci-layout://bundle.tar"]
mirror-push = true
`)
	write(t, GlobalFile(tote), `[settings]
mirrors = ["registry://global.corp/tote", "registry://proj.corp/tote"]
mirror-only = true
mirror-push = false
download-cache-size = "1GiB"
`)
	c, err := Load(proj, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	var got []string
	for _, m := range s.Mirrors {
		got = append(got, m.String())
	}
	want := []string{"registry://proj.corp/tote", "oci-layout://" + filepath.Join(proj, "bundle.tar"), "registry://global.corp/tote"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("mirrors %q, want %q", got, want)
	}
	if !s.MirrorOnlyOn() || !s.MirrorPushOn() {
		t.Errorf("mirror-only %v, mirror-push %v: want true, true (the nearest file wins)", s.MirrorOnly, s.MirrorPush)
	}
	if s.DownloadCacheSize == nil || *s.DownloadCacheSize != 1<<30 {
		t.Errorf("download-cache-size %v", s.DownloadCacheSize)
	}

	t.Setenv("TOTE_MIRRORS", "registry://ci.corp/cache, oci-layout://rel")
	t.Setenv("TOTE_MIRROR_ONLY", "0")
	t.Setenv("TOTE_MIRROR_PUSH", "0")
	t.Setenv("TOTE_DOWNLOAD_CACHE_SIZE", "0")
	c, err = Load(proj, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	s = c.Settings()
	if len(s.Mirrors) != 2 || s.Mirrors[0].String() != "registry://ci.corp/cache" || s.Mirrors[1].Path != filepath.Join(proj, "rel") || s.Mirrors[0].Source != "TOTE_MIRRORS" {
		t.Errorf("TOTE_MIRRORS: %+v", s.Mirrors)
	}
	if s.MirrorOnlyOn() || s.MirrorPushOn() || *s.DownloadCacheSize != 0 {
		t.Errorf("the variables did not win: %+v", s)
	}
	t.Setenv("TOTE_MIRRORS", "")
	if c, err = Load(proj, home, tote); err != nil {
		t.Fatal(err)
	}
	if n := len(c.Settings().Mirrors); n != 0 {
		t.Errorf("TOTE_MIRRORS= (empty) leaves %d mirrors; want none", n)
	}
	t.Setenv("TOTE_MIRRORS", "registry://u:pw@x.corp/t")
	if _, err := Load(proj, home, tote); err == nil || strings.Contains(err.Error(), "pw@") {
		t.Errorf("TOTE_MIRRORS with credentials: %v", err)
	}
	os.Unsetenv("TOTE_MIRRORS")
}

// An untrusted project cannot choose the mirrors, forbid upstream, or make
// tote push the user's downloads with the user's credentials.
func TestMirrorSettingsAreTrustOnly(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	proj := filepath.Join(home, "proj")
	tote := filepath.Join(home, ".tote")
	t.Setenv(trust.EnvVar, "")
	write(t, filepath.Join(proj, FileName), `node = "20"
[settings]
mirrors = ["registry://evil.example/tote"]
mirror-only = true
mirror-push = true
`)
	c, err := Load(proj, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	if len(s.Mirrors) != 0 || s.MirrorOnly != nil || s.MirrorPush != nil {
		t.Errorf("untrusted mirror settings apply: %+v", s)
	}
	us := c.Untrusted()
	if len(us) != 1 || !strings.Contains(us[0].Warning(), "[settings] mirrors, [settings] mirror-only, [settings] mirror-push") {
		t.Errorf("untrusted: %+v", us)
	}
	// Trusting the directory applies them.
	t.Setenv(trust.EnvVar, proj)
	if c, err = Load(proj, home, tote); err != nil {
		t.Fatal(err)
	}
	if s := c.Settings(); len(s.Mirrors) != 1 || !s.MirrorOnlyOn() || !s.MirrorPushOn() {
		t.Errorf("trusted mirror settings do not apply: %+v", s)
	}
}

// A change of mirror settings changes the trust digest: a trusted project
// that starts pointing at another mirror must be trusted again. (Mirror
// settings enter the digest only when set, so the trust records of files
// without them stay valid.)
func TestMirrorSettingsTrustDigest(t *testing.T) {
	var digests []string
	for _, src := range []string{
		"[settings]\nurl-rewrites = { \"^a\" = \"b\" }\n",
		"[settings]\nmirrors = [\"registry://a.corp/t\"]\n",
		"[settings]\nmirrors = [\"registry://b.corp/t\"]\n",
		"[settings]\nmirrors = [\"registry://b.corp/t\"]\nmirror-only = true\n",
		"[settings]\nmirrors = [\"registry://b.corp/t\"]\nmirror-only = false\n",
		"[settings]\nmirrors = [\"registry://b.corp/t\"]\nmirror-push = true\n",
	} {
		f, err := Parse("p", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		d := f.TrustDigest()
		for i, o := range digests {
			if o == d {
				t.Errorf("%q has the digest of entry %d", src, i)
			}
		}
		digests = append(digests, d)
	}
}
