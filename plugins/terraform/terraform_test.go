package terraform_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/terraform"
	"github.com/tote-dev/tote/plugins/terraform/terraformtest"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The embedded key is the one recorded in testdata, with HashiCorp's
// published fingerprint.
func TestEmbeddedKeyIsHashiCorps(t *testing.T) {
	if string(read(t, "hashicorp-security.asc")) != terraform.HashiCorpKey {
		t.Fatal("plugins/terraform/hashicorp.asc differs from testdata/hashicorp-security.asc")
	}
	// A valid key with another fingerprint in its place is refused: Verify
	// with "" pins the fingerprint. (Checked by feeding a real signature by
	// another key: it must fail on the signer, not pass.)
	sums, sig := read(t, "hc-install_terraform_0.14.11_SHA256SUMS"), read(t, "hc-install_terraform_0.14.11_SHA256SUMS.sig")
	if err := terraform.Verify("", sums, sig); err == nil || !strings.Contains(err.Error(), "signature check failed") {
		t.Errorf("a signature by hc-install's test key passed HashiCorp's key: %v", err)
	}
}

// A real third-party signature: hc-install's SHA256SUMS signed by its test
// key 2FCA0A85 (binary .sig), verified with that key's public part.
func TestRealSignature(t *testing.T) {
	pub := string(read(t, "hc-install_2FCA0A85.pub"))
	sums := read(t, "hc-install_terraform_0.14.11_SHA256SUMS")
	for _, name := range []string{"hc-install_terraform_0.14.11_SHA256SUMS.sig", "hc-install_terraform_0.14.11_SHA256SUMS.2FCA0A85.sig"} {
		if err := terraform.Verify(pub, sums, read(t, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	tampered := []byte(strings.Replace(string(sums), "87a881f7", "87a881f8", 1))
	if err := terraform.Verify(pub, tampered, read(t, "hc-install_terraform_0.14.11_SHA256SUMS.sig")); err == nil {
		t.Error("a tampered SHA256SUMS verified")
	}
	for name, bad := range map[string]string{"empty": "", "junk": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"} {
		if err := terraform.Verify(bad, sums, read(t, "hc-install_terraform_0.14.11_SHA256SUMS.sig")); err == nil && name != "empty" {
			t.Errorf("%s key accepted", name)
		}
	}
	if err := terraform.Verify(pub, sums, []byte("not a signature")); err == nil {
		t.Error("garbage signature accepted")
	}
}

// A key generated in the test signs; armored and binary signatures verify
// with it, and a signature by another generated key does not.
func TestGeneratedKey(t *testing.T) {
	k1, err := terraformtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := terraformtest.NewKey()
	pub1, _ := terraformtest.ArmoredPublic(k1)
	content := []byte("abc  terraform_1.9.8_linux_amd64.zip\n")
	sig1, _ := terraformtest.Sign(k1, content)
	sig2, _ := terraformtest.Sign(k2, content)
	if err := terraform.Verify(pub1, content, sig1); err != nil {
		t.Fatal(err)
	}
	if err := terraform.Verify(pub1, content, sig2); err == nil {
		t.Error("another key's signature verified")
	}
}

func TestDownloadPrebuiltVerifies(t *testing.T) {
	root := t.TempDir()
	if _, err := terraformtest.Mirror(root); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	filepath.Walk(filepath.Join(root, "terraform"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(root, "terraform"), p)
			files[terraformtest.Upstream+filepath.ToSlash(rel)] = p
		}
		return nil
	})
	keyTOML, _ := os.ReadFile(filepath.Join(root, "terraform", "key.toml"))
	pub := strings.TrimSuffix(strings.SplitN(string(keyTOML), "'''\n", 3)[1], "")
	cfg := `{"pgp-public-key": ` + quote(pub) + `}`
	h := &hosttest.Host{ID: "terraform", HostEnv: conformance.Linux64, Files: files, Config: cfg}
	out, err := terraform.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.9.8"}})
	if err != nil {
		t.Fatal(err)
	}
	zip, _ := os.ReadFile(files[out.DownloadURL])
	if out.Checksum != api.Checksum("sha256:"+terraformtest.SHA256(zip)) || out.DownloadName != "terraform_1.9.8_linux_amd64.zip" {
		t.Errorf("%+v", out)
	}
	if !strings.HasSuffix(h.Fetched[len(h.Fetched)-1], "_SHA256SUMS.sig") {
		t.Errorf("a configured key checks the unqualified .sig; fetched %v", h.Fetched)
	}
	// HashiCorp's key (no configuration) rejects the mirror's signature.
	h2 := &hosttest.Host{ID: "terraform", HostEnv: conformance.Linux64, Files: files}
	if _, err := terraform.DownloadPrebuilt(context.Background(), h2, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.9.8"}}); err == nil || !strings.Contains(err.Error(), "signature check failed") {
		t.Errorf("want a signature failure, got %v", err)
	}
	if !strings.HasSuffix(h2.Fetched[len(h2.Fetched)-1], "_SHA256SUMS.72D7468F.sig") {
		t.Errorf("HashiCorp's key checks the .72D7468F.sig; fetched %v", h2.Fetched)
	}
	// Unsigned release: a warning, and the checksum still comes from SHA256SUMS.
	h3 := &hosttest.Host{ID: "terraform", HostEnv: conformance.Linux64, Files: files}
	if _, err := terraform.DownloadPrebuilt(context.Background(), h3, api.DownloadPrebuiltInput{Context: api.Context{Version: terraformtest.Unsigned}}); err != nil {
		t.Fatal(err)
	}
	if len(h3.Logs) != 1 || !strings.Contains(h3.Logs[0], "not authenticated") {
		t.Errorf("logs %v", h3.Logs)
	}
}

// Hostile version indexes: traversal in file names, a doc for another
// version, garbage.
func TestHostileVersionIndex(t *testing.T) {
	base := terraform.DefaultDistURL + "1.9.8/"
	for name, doc := range map[string]string{
		"traversal":     `{"version":"1.9.8","shasums":"../../x_SHA256SUMS","builds":[{"os":"linux","arch":"amd64","filename":"t.zip"}]}`,
		"zip-traversal": `{"version":"1.9.8","shasums":"S","builds":[{"os":"linux","arch":"amd64","filename":"../evil.zip"}]}`,
		"other-version": `{"version":"1.9.9","shasums":"S","builds":[]}`,
		"garbage":       `<html>`,
		"no-build":      `{"version":"1.9.8","shasums":"S","builds":[{"os":"plan9","arch":"amd64","filename":"t.zip"}]}`,
	} {
		h := &hosttest.Host{ID: "terraform", HostEnv: conformance.Linux64, Pages: map[string]string{base + "index.json": doc}}
		if _, err := terraform.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.9.8"}}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParseVersionFile(t *testing.T) {
	for content, want := range map[string]string{"1.9.8\n": "1.9.8", "\ufeff# pinned\r\nv1.5.7\r\n": "1.5.7", "latest\n": "latest", "~> 1.9": "", "": ""} {
		out, err := terraform.ParseVersionFile(context.Background(), nil, api.ParseVersionFileInput{File: ".terraform-version", Content: content})
		if content == "~> 1.9" {
			if err == nil {
				t.Errorf("%q accepted", content)
			}
			continue
		}
		if err != nil || out.Version != want {
			t.Errorf("%q: %q %v", content, out.Version, err)
		}
	}
	if _, err := terraform.ParseVersionFile(context.Background(), nil, api.ParseVersionFileInput{File: ".terraform-version", Content: "\nlatest:^1.9\n"}); err == nil || !strings.Contains(err.Error(), ".terraform-version:2:") {
		t.Errorf("tfenv regex: %v", err)
	}
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
