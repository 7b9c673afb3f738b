package npmreg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRealDocuments(t *testing.T) {
	dir := filepath.Join("..", "..", "nodepm", "testdata", "registry")
	for _, c := range []struct {
		file, name, latest, version, tarball string
		n                                    int
	}{
		{"npm.json", "npm", "12.2.3", "10.9.0", "https://registry.npmjs.org/npm/-/npm-10.9.0.tgz", 7},
		{"pnpm.json", "pnpm", "12.26.0", "9.1.0", "https://registry.npmjs.org/pnpm/-/pnpm-9.1.0.tgz", 8},
		{"yarnpkg-cli-dist.json", "@yarnpkg/cli-dist", "4.18.1", "4.5.0", "https://registry.npmjs.org/@yarnpkg/cli-dist/-/cli-dist-4.5.0.tgz", 3},
	} {
		body, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(body)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if d.Name != c.name || d.Tags()["latest"] != c.latest || len(d.SortedVersions()) != c.n {
			t.Errorf("%s: name %q latest %q versions %v", c.file, d.Name, d.Tags()["latest"], d.SortedVersions())
		}
		if got := d.Versions[c.version].Dist.Tarball; got != c.tarball {
			t.Errorf("%s: tarball %q", c.file, got)
		}
		if got := TarballURL(DefaultRegistry, c.name, c.version); got != c.tarball {
			t.Errorf("TarballURL = %q, want %q", got, c.tarball)
		}
	}
}

func TestChecksum(t *testing.T) {
	// The registry's integrity of pnpm 9.1.0 and corepack's hash of the
	// same tarball (package.json "pnpm@9.1.0+sha512.67f5…").
	got, err := Checksum("sha512-Z/WHmRapKT5c8FnCOFPVcb6vT3U8cH9AyyK+1fsVeMaq07bEEHzLO6CzW+AD62IaFkcayDbIe+tT+dVLtGEnJA==")
	want := "sha512:67f5879916a9293e5cf059c23853d571beaf4f753c707f40cb22bed5fb1578c6aad3b6c4107ccb3ba0b35be003eb621a16471ac836c87beb53f9d54bb4612724"
	if err != nil || got != want {
		t.Fatalf("Checksum = %q, %v; want %q", got, err, want)
	}
	for in, want := range map[string]string{
		"":                                  "",
		"sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=": "",
		"sha1-x sha256-" + strings.Repeat("A", 43) + "=": "sha256:" + strings.Repeat("0", 64),
	} {
		if got, err := Checksum(in); err != nil || got != want {
			t.Errorf("Checksum(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"sha512", "sha512-!!!", "sha512-AAAA"} {
		if _, err := Checksum(bad); err == nil {
			t.Errorf("Checksum(%q): want an error", bad)
		}
	}
}

func TestParseHostile(t *testing.T) {
	// Raw control characters in strings (old yarn documents) are dropped.
	doc, err := Parse([]byte("{\"name\":\"yarn\",\"dist-tags\":{\"latest\":\"1.0.0\"},\"versions\":{\"1.0.0\":{\"version\":\"1.0.0\",\"description\":\"a\x01b\",\"deprecated\":false,\"dist\":{\"tarball\":\"t\"}}}}"))
	if err != nil || doc.Tags()["latest"] != "1.0.0" || doc.Versions["1.0.0"].Deprecated != "" {
		t.Fatalf("doc %+v, %v", doc, err)
	}
	for _, bad := range []string{"", "[]", "{}", `{"versions": 3}`, "<html>rate limited</html>"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q): want an error", bad)
		}
	}
	// A dist-tag naming an unpublished version is not an alias.
	doc, err = Parse([]byte(`{"name":"x","dist-tags":{"latest":"9.9.9","next":"1.0.0"},"versions":{"1.0.0":{"version":"1.0.0"},"not-semver":{"version":"not-semver"}}}`))
	if err != nil || len(doc.Tags()) != 1 || len(doc.SortedVersions()) != 1 {
		t.Fatalf("tags %v versions %v %v", doc.Tags(), doc.SortedVersions(), err)
	}
	if got := DocumentURL("https://r.example/", "@yarnpkg/cli-dist"); got != "https://r.example/@yarnpkg%2fcli-dist" {
		t.Errorf("DocumentURL = %q", got)
	}
}

// TestParseIndexAgreesWithParse: the skipping reader gives the same
// versions and dist-tags as encoding/json on the real documents, and
// refuses what is not a document.
func TestParseIndexAgreesWithParse(t *testing.T) {
	dir := filepath.Join("..", "..", "nodepm", "testdata", "registry")
	for _, f := range []string{"npm.json", "pnpm.json", "yarn.json", "yarnpkg-cli-dist.json", "pnpm-exe.linux-x64.json"} {
		body, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		a, err1 := Parse(body)
		b, err2 := ParseIndex(body)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v / %v", f, err1, err2)
		}
		if a.Name != b.Name || strings.Join(a.SortedVersions(), " ") != strings.Join(b.SortedVersions(), " ") || len(a.Tags()) != len(b.Tags()) {
			t.Errorf("%s: Parse %v %v, ParseIndex %v %v", f, a.SortedVersions(), a.Tags(), b.SortedVersions(), b.Tags())
		}
	}
	ok, err := ParseIndex([]byte("{\"versions\": {\"1.0.0\": {\"description\": \"a \\\"}\\\" b\x01\", \"x\": [1, {\"y\": \"]\"}]}, \"2.0.0\": {}}, \"dist-tags\": {\"latest\": \"2.0.0\"}}"))
	if err != nil || strings.Join(ok.SortedVersions(), " ") != "1.0.0 2.0.0" || ok.Tags()["latest"] != "2.0.0" {
		t.Errorf("escaped brackets and control bytes: %+v %v", ok, err)
	}
	for _, bad := range []string{"", "[]", "{}", "<html>", `{"versions": {"1.0.0": {`, `{"versions": {"1.0.0" {}}}`, `{"name": "x" "versions": {}}`, `{"versions": {"a": "unterminated}}`, `{"dist-tags": [1]}`} {
		if d, err := ParseIndex([]byte(bad)); err == nil {
			t.Errorf("ParseIndex(%q) = %+v; want an error", bad, d)
		}
	}
}

// FuzzParseIndex: whatever the bytes, ParseIndex returns or errors, and a
// document both readers accept lists the same versions.
func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(`{"name":"x","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"version":"1.0.0"}}}`))
	f.Add([]byte(`{"versions":{"1.0.0":{"a":"}\"{"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ParseIndex(b)
		y, err2 := Parse(b)
		if err == nil && err2 == nil && strings.Join(x.SortedVersions(), " ") != strings.Join(y.SortedVersions(), " ") {
			t.Fatalf("ParseIndex %v, Parse %v", x.SortedVersions(), y.SortedVersions())
		}
	})
}
