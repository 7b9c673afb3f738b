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
