package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseChecksum(t *testing.T) {
	h256 := strings.Repeat("ab", 32)
	h512 := strings.Repeat("cd", 64)
	key := "RWSGOq2NVecA2UPNdBUZykf1CCb147pkmdtYxgb3Ti+JO/wCYvhbAb/U" // zig's public key
	good := []struct {
		in   string
		want Checksum
	}{
		{"sha256:" + h256, Checksum{AlgoSHA256, h256}},
		{"SHA256:" + strings.ToUpper(h256), Checksum{AlgoSHA256, h256}},
		{"sha512:" + h512, Checksum{AlgoSHA512, h512}},
		{h256, Checksum{AlgoSHA256, h256}},
		{strings.ToUpper(h512), Checksum{AlgoSHA512, h512}},
		{"  " + h256 + "\n", Checksum{AlgoSHA256, h256}},
		{"minisign:" + key, Checksum{AlgoMinisign, key}},
	}
	for _, c := range good {
		got, err := ParseChecksum(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseChecksum(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if got := (Checksum{AlgoSHA256, h256}).String(); got != "sha256:"+h256 {
		t.Errorf("String() = %q", got)
	}
	bad := []string{"", "abc", "sha256:" + h256[:63], "sha256:" + h512, "sha512:" + h256,
		"md5:" + h256, "sha256:" + strings.Repeat("zz", 32), "minisign:notakey", strings.Repeat("a", 96)}
	for _, in := range bad {
		if _, err := ParseChecksum(in); err == nil {
			t.Errorf("ParseChecksum(%q) accepted", in)
		} else if !strings.Contains(err.Error(), "invalid checksum") {
			t.Errorf("ParseChecksum(%q): error %q does not say what is wrong", in, err)
		}
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "checksums", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFindInChecksumFileRealFormats(t *testing.T) {
	node := readTestdata(t, "node-v22.12.0-SHASUMS256.txt")
	node14 := readTestdata(t, "node-v14.1.0-SHASUMS256.txt")
	bun := readTestdata(t, "bun-v1.3.2-SHASUMS256.txt")
	denoLinux := readTestdata(t, "deno-v2.7.7/deno-x86_64-unknown-linux-gnu.zip.sha256sum")
	denoWin := readTestdata(t, "deno-v2.1.2/deno-x86_64-pc-windows-msvc.zip.sha256sum")

	cases := []struct {
		name    string
		content []byte
		file    string
		want    string // hex, as printed in the file
	}{
		{"node tar.xz", node, "node-v22.12.0-linux-x64.tar.xz", "22982235e1b71fa8850f82edd09cdae7e3f32df1764a9ec298c72d25ef2c164f"},
		{"node tar.gz", node, "node-v22.12.0-linux-x64.tar.gz", "e05a4d65232ae2b27b3d77da2e368522fb46b923335b8e0d5f77624c32484044"},
		{"node subdir exact", node, "win-x64/node.exe", "b3b117a08ee61efee09e6fd523ab33c0c018da1b570bde08e4fd914dc1170ed6"},
		{"node subdir dot-slash", node, "./win-x86/node.exe", "ab2390e667e9abfa16b97a27adf84cd9f08a4788816db54f56bc25893f76e9d1"},
		{"node14 tar.xz", node14, "node-v14.1.0-linux-x64.tar.xz", "959fab0c"},
		{"bun first line", bun, "bun-darwin-aarch64-profile.zip", "892416505a3458f6a6d362905cebf3d7ce26825bdc4fe0a23468716e5700725c"},
		{"bun last line, no newline", bun, "bun-windows-x64.zip", "5e73b4eba0cc09085df141e1167609b100570f1a0d538d87f9b9c0da54af58d6"},
		{"bun prefix of another name", bun, "bun-darwin-aarch64.zip", "d85847982db574518130a45582bcf14d8e2be9610b66cb5046c20348578b0fe2"},
		{"deno linux", denoLinux, "deno-x86_64-unknown-linux-gnu.zip", "0cd918870657ccc3d96ac682290e894dda374e2a742424aae9118b258a6cf7a3"},
		{"deno windows powershell", denoWin, "deno-x86_64-pc-windows-msvc.zip", "e107bdd19cd38314c6ec934b7345e3139739c3a1106f951f6f70f8fb04f293e8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := FindInChecksumFile(c.content, c.file)
			if err != nil {
				t.Fatal(err)
			}
			if got.Algo != AlgoSHA256 || len(got.Value) != 64 || !strings.HasPrefix(got.Value, c.want) {
				t.Fatalf("got %v, want sha256:%s", got, c.want)
			}
			// The hash must be the one on the line that names the file.
			for _, line := range strings.Split(string(c.content), "\n") {
				if strings.Contains(strings.ToLower(line), got.Value) && !strings.Contains(line, filepath.Base(c.file)) &&
					!strings.HasPrefix(line, "Hash") {
					t.Fatalf("hash %s comes from line %q", got.Value, line)
				}
			}
		})
	}
}

func TestFindInChecksumFileErrors(t *testing.T) {
	node := readTestdata(t, "node-v22.12.0-SHASUMS256.txt")
	denoWin := readTestdata(t, "deno-v2.1.2/deno-x86_64-pc-windows-msvc.zip.sha256sum")
	denoLinux := readTestdata(t, "deno-v2.7.7/deno-x86_64-unknown-linux-gnu.zip.sha256sum")

	_, err := FindInChecksumFile(node, "node-v20.1.0-linux-x64.tar.gz")
	if err == nil || err.Error() != "checksum file has no entry for node-v20.1.0-linux-x64.tar.gz" {
		t.Errorf("missing name: %v", err)
	}
	_, err = FindInChecksumFile(node, "node.exe")
	if err == nil || !strings.Contains(err.Error(), "win-x64/node.exe") || !strings.Contains(err.Error(), "3 different entries") {
		t.Errorf("ambiguous base name: %v", err)
	}
	// A single named line for another file is not taken.
	if _, err := FindInChecksumFile(denoLinux, "deno-aarch64-unknown-linux-gnu.zip"); err == nil {
		t.Error("deno linux line matched another asset")
	}
	if _, err := FindInChecksumFile(denoWin, "deno-aarch64-pc-windows-msvc.zip"); err == nil {
		t.Error("PowerShell record matched another asset")
	}
	if _, err := FindInChecksumFile([]byte("\n\r\n# nothing\n"), "x"); err == nil || !strings.Contains(err.Error(), "no checksums") {
		t.Errorf("empty file: %v", err)
	}
}

func TestFindInChecksumFileStyles(t *testing.T) {
	h := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	H := strings.ToUpper(h)
	h512 := strings.Repeat("0123456789abcdef", 8)
	other := strings.Repeat("1", 64)
	cases := []struct {
		name, content, file string
		want                Checksum
	}{
		{"hex alone", h + "\n", "tool.tar.gz", Checksum{AlgoSHA256, h}},
		{"hex alone CRLF blank lines", "\r\n" + H + "\r\n\r\n", "tool.tar.gz", Checksum{AlgoSHA256, h}},
		{"sha512 hex alone", h512, "x", Checksum{AlgoSHA512, h512}},
		{"binary marker", other + " *a.zip\n" + h + " *tool.zip\n", "tool.zip", Checksum{AlgoSHA256, h}},
		{"dot slash", other + "  ./a\n" + h + "  ./tool\n", "tool", Checksum{AlgoSHA256, h}},
		{"exact beats base", other + "  x/tool\n" + h + "  tool\n", "tool", Checksum{AlgoSHA256, h}},
		{"base name match", other + "  a\n" + h + "  dist/linux/tool\n", "tool", Checksum{AlgoSHA256, h}},
		{"BSD", "SHA256 (a) = " + other + "\nSHA256 (tool.tgz) = " + H + "\n", "tool.tgz", Checksum{AlgoSHA256, h}},
		{"BSD sha512", "SHA512 (tool.tgz) = " + h512 + "\n", "tool.tgz", Checksum{AlgoSHA512, h512}},
		{"tab separator", h + "\ttool\n", "tool", Checksum{AlgoSHA256, h}},
		{"escaped name", `\` + h + `  dir\\tool` + "\n", `dir\tool`, Checksum{AlgoSHA256, h}},
		{"PGP clearsigned", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + h + "  tool\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n", "tool", Checksum{AlgoSHA256, h}},
		{"BOM", "\ufeff" + h + "  tool\n", "tool", Checksum{AlgoSHA256, h}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := FindInChecksumFile([]byte(c.content), c.file)
			if err != nil || got != c.want {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}
