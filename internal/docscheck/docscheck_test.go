package docscheck

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated part of docs/plugins/reference.md")

var (
	apiDir    = RepoFile("api")
	reference = RepoFile("docs", "plugins", "reference.md")
)

// TestReferenceUpToDate fails when api/ changed and the reference was not
// regenerated (go test ./internal/docscheck -update).
func TestReferenceUpToDate(t *testing.T) {
	c, err := Load(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(reference)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Splice(string(md), Render(c))
	if err != nil {
		t.Fatal(err)
	}
	if want == string(md) {
		return
	}
	if *update {
		if err := os.WriteFile(reference, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with api/: run `go test ./internal/docscheck -update` and review the diff", reference)
}

// TestReferenceCoversAPI checks every type, field and constant of api/ is
// documented in the reference.
func TestReferenceCoversAPI(t *testing.T) {
	c, err := Load(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Types) < 40 || len(c.Consts) < 30 {
		t.Fatalf("loaded only %d types and %d constants from %s", len(c.Types), len(c.Consts), apiDir)
	}
	md, err := os.ReadFile(reference)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Check(c, string(md)) {
		t.Error(p)
	}
}

// TestCheckCatchesNewField adds a field (and a function) to a copy of api/
// and checks that the current reference is reported as incomplete, and
// that a field without a doc comment is reported even once rendered.
func TestCheckCatchesNewField(t *testing.T) {
	dir := t.TempDir()
	entries, err := os.ReadDir(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			b, err := os.ReadFile(filepath.Join(apiDir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() == "tool.go" {
				b = []byte(strings.Replace(string(b),
					"\tPostScript string `json:\"post_script,omitempty\"`\n",
					"\tPostScript string `json:\"post_script,omitempty\"`\n\tMirrorURLs []string `json:\"mirror_urls,omitempty\"`\n", 1))
			}
			if e.Name() == "functions.go" {
				b = []byte(strings.Replace(string(b), "\tFuncPreRun              = \"pre_run\"\n",
					"\tFuncPreRun              = \"pre_run\"\n\tFuncPostRun = \"post_run_hook\"\n", 1))
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(reference)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Check(c, string(md)), "\n")
	for _, want := range []string{
		`type DownloadPrebuiltOutput: field MirrorURLs (wire "mirror_urls") is not documented`,
		`constant FuncPostRun = "post_run_hook" is not documented`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Check did not report %q; it reported:\n%s", want, got)
		}
	}
	regenerated, err := Splice(string(md), Render(c))
	if err != nil {
		t.Fatal(err)
	}
	got = strings.Join(Check(c, regenerated), "\n")
	if want := `type DownloadPrebuiltOutput: field MirrorURLs (wire "mirror_urls") has no description`; !strings.Contains(got, want) {
		t.Errorf("Check on the regenerated reference did not report %q; it reported:\n%s", want, got)
	}
}
