package install

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
)

func TestVerifyHashes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tool.tar.gz")
	data := []byte("the tool's bytes")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s256 := sha256.Sum256(data)
	s512 := sha512.Sum512(data)
	good256 := Checksum{AlgoSHA256, hex.EncodeToString(s256[:])}
	good512 := Checksum{AlgoSHA512, hex.EncodeToString(s512[:])}
	if err := Verify(file, good256, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := Verify(file, good512, "", ""); err != nil {
		t.Fatal(err)
	}

	wrong := Checksum{AlgoSHA256, strings.Repeat("0", 64)}
	err := Verify(file, wrong, "", "")
	var me *ChecksumMismatchError
	if !errors.As(err, &me) {
		t.Fatalf("error = %v, want *ChecksumMismatchError", err)
	}
	if me.Actual != good256.Value || me.Expected != wrong.Value || me.File != file || me.Algo != AlgoSHA256 {
		t.Fatalf("mismatch error fields %+v", me)
	}
	me.URL = "https://example.test/tool.tar.gz"
	want := "checksum mismatch for https://example.test/tool.tar.gz: expected sha256:" + wrong.Value + ", got sha256:" + good256.Value
	if me.Error() != want {
		t.Fatalf("message\n%s\nwant\n%s", me.Error(), want)
	}

	res := DownloadResult{URL: "https://example.test/t", Path: file, SHA256: good256.Value, SHA512: good512.Value}
	if err := VerifyDownload(res, good512); err != nil {
		t.Fatal(err)
	}
	if err := VerifyDownload(res, wrong); !errors.As(err, &me) || !strings.Contains(err.Error(), "https://example.test/t") {
		t.Fatalf("VerifyDownload error = %v", err)
	}
	if err := Verify(filepath.Join(dir, "missing"), good256, "", ""); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing file: %v", err)
	}
}

// minisignKey is a minisign key pair made from a stdlib ed25519 key, since
// go-minisign can verify but not generate.
//
// The formats written here (see minisign's documentation):
//
//	public key (base64):   "Ed" || key id (8 bytes, little endian) || ed25519 public key (32)
//	signature file:        "untrusted comment: <text>\n"
//	                       base64(algorithm (2) || key id (8) || ed25519 signature (64)) "\n"
//	                       "trusted comment: <text>\n"
//	                       base64(ed25519 signature of (signature || <text>)) "\n"
//
// The algorithm is "Ed" when the signature covers the file itself (legacy)
// and "ED" when it covers BLAKE2b-512 of the file (prehashed, the default
// since minisign 0.10).
type minisignKey struct {
	id   [8]byte
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newMinisignKey(t *testing.T) minisignKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var k minisignKey
	if _, err := rand.Read(k.id[:]); err != nil {
		t.Fatal(err)
	}
	k.pub, k.priv = pub, priv
	return k
}

func (k minisignKey) publicKey() string {
	b := append([]byte("Ed"), k.id[:]...)
	return base64.StdEncoding.EncodeToString(append(b, k.pub...))
}

func (k minisignKey) sign(data []byte, prehashed bool, trusted string) string {
	algo := "Ed"
	msg := data
	if prehashed {
		algo = "ED"
		h := blake2b.Sum512(data)
		msg = h[:]
	}
	sig := ed25519.Sign(k.priv, msg)
	line := append(append([]byte(algo), k.id[:]...), sig...)
	global := ed25519.Sign(k.priv, append(append([]byte{}, sig...), trusted...))
	return "untrusted comment: signature from tote test key\n" +
		base64.StdEncoding.EncodeToString(line) + "\n" +
		"trusted comment: " + trusted + "\n" +
		base64.StdEncoding.EncodeToString(global) + "\n"
}

func TestVerifyMinisign(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "zig-x86_64-linux-0.14.1.tar.xz")
	data := []byte(strings.Repeat("zig!", 10000))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	key := newMinisignKey(t)
	other := newMinisignKey(t)
	trusted := "timestamp:1747000000\tfile:zig-x86_64-linux-0.14.1.tar.xz\thashed"

	for _, prehashed := range []bool{true, false} {
		sig := filepath.Join(dir, "sig.minisig")
		if err := os.WriteFile(sig, []byte(key.sign(data, prehashed, trusted)), 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := ParseChecksum("minisign:" + key.publicKey())
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(file, want, "", sig); err != nil {
			t.Fatalf("prehashed=%v: %v", prehashed, err)
		}
		// pubKey given separately, together with a sha256 that matches.
		s := sha256.Sum256(data)
		if err := Verify(file, Checksum{AlgoSHA256, hex.EncodeToString(s[:])}, key.publicKey(), sig); err != nil {
			t.Fatalf("prehashed=%v with sha256: %v", prehashed, err)
		}

		var se *SignatureError
		if err := Verify(file, Checksum{}, other.publicKey(), sig); !errors.As(err, &se) || se.PublicKey != other.publicKey() {
			t.Fatalf("prehashed=%v: another key verified: %v", prehashed, err)
		}
		// A changed file fails.
		bad := filepath.Join(dir, "tampered")
		if err := os.WriteFile(bad, append([]byte("x"), data[1:]...), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Verify(bad, want, "", sig); !errors.As(err, &se) || !strings.Contains(err.Error(), "signature") {
			t.Fatalf("prehashed=%v: tampered file verified: %v", prehashed, err)
		}
		// A changed trusted comment fails (global signature).
		forged := strings.Replace(key.sign(data, prehashed, trusted), "timestamp:1747000000", "timestamp:1747000001", 1)
		if err := os.WriteFile(sig, []byte(forged), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Verify(file, want, "", sig); !errors.As(err, &se) || !strings.Contains(err.Error(), "global") {
			t.Fatalf("prehashed=%v: forged trusted comment verified: %v", prehashed, err)
		}
	}
	if err := Verify(file, Checksum{}, key.publicKey(), filepath.Join(dir, "none.minisig")); err == nil {
		t.Fatal("missing signature file verified")
	}
	if err := Verify(file, Checksum{}, "", ""); err == nil {
		t.Fatal("nothing to verify against was accepted")
	}
}
