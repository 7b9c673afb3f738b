package golang

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
)

// fakeHost serves Fetch from a map of URL → file.
type fakeHost = hosttest.Host

var (
	linux64 = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}
	mac64   = api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchX64}
	winArm  = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64}
)

// sampleHost serves one of the real go.dev samples as the index.
func sampleHost(env api.HostEnvironment, sample string) *fakeHost {
	return &fakeHost{ID: "go", HostEnv: env, Files: map[string]string{IndexURL: filepath.Join("testdata", sample)}}
}

func TestSemverFromGo(t *testing.T) {
	for in, want := range map[string]string{
		"go1.22.1": "1.22.1", "1.22.1": "1.22.1", "go1.20": "1.20.0", "go1": "1.0.0",
		"go1.21rc2": "1.21.0-rc2", "go1.18beta2": "1.18.0-beta2", "go1.9.2rc2": "1.9.2-rc2",
		"go1.21.0": "1.21.0", "1alpha1": "1.0.0-alpha1",
	} {
		if got, ok := SemverFromGo(in); !ok || got != want {
			t.Errorf("SemverFromGo(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "go", "1.2.3.4", "1.21-rc2", "1.21rc", "1.21gamma1", "1..2", "latest", "^1.21", "go1.4-bootstrap-20170518"} {
		if got, ok := SemverFromGo(in); ok {
			t.Errorf("SemverFromGo(%q) = %q, want not ok", in, got)
		}
	}
}

func TestResolveVersion(t *testing.T) {
	for in, want := range map[string]string{
		"go1.22.1": "1.22.1", "1.21rc2": "1.21.0-rc2", "go1.21rc2": "1.21.0-rc2", "go1.22": "1.22", "go1.20": "1.20",
		"1.9.2rc2": "1.9.2-rc2", " go1.18beta2 ": "1.18.0-beta2",
		"1.22": "", "1.22.1": "", "^1.21": "", "latest": "", "canary": "", "go": "", "golang": "", "1.21.0-rc2": "",
	} {
		out, err := ResolveVersion(context.Background(), nil, api.ResolveVersionInput{Initial: in})
		if err != nil || out.Candidate != want || out.Version != "" {
			t.Errorf("ResolveVersion(%q) = %+v, %v; want candidate %q", in, out, err, want)
		}
	}
}

func TestVersionsOfSamples(t *testing.T) {
	for _, c := range []struct {
		sample   string
		versions []string
		latest   string
	}{
		{"go-dl.json", []string{"1.16.10", "1.17.0-rc2", "1.17.3"}, "1.17.3"},
		{"go-dl-setup-go.json", []string{"1.13.7", "1.14.0-rc1", "1.18.0-beta2"}, "1.13.7"},
		{"go-dl-quirk-go1-bootstrap.json", []string{}, ""},
	} {
		out, err := LoadVersions(context.Background(), sampleHost(linux64, c.sample), api.LoadVersionsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out.Versions, c.versions) || out.Latest != c.latest {
			t.Errorf("%s: versions %v latest %q; want %v %q", c.sample, out.Versions, out.Latest, c.versions, c.latest)
		}
		if c.latest != "" && (out.Aliases["latest"] != c.latest || out.Aliases["stable"] != c.latest) {
			t.Errorf("%s: aliases %v", c.sample, out.Aliases)
		}
		b, _ := json.Marshal(out)
		if c.latest == "" && string(b) != `{"versions":[]}` {
			t.Errorf("%s: %s", c.sample, b)
		}
	}
}

func TestDownloadPrebuiltOfSamples(t *testing.T) {
	cases := []struct {
		env     api.HostEnvironment
		sample  string
		version string
		config  string
		want    api.DownloadPrebuiltOutput
		wantErr string
	}{
		{mac64, "go-dl.json", "1.17.3", "", api.DownloadPrebuiltOutput{
			DownloadURL: "https://dl.google.com/go/go1.17.3.darwin-amd64.tar.gz", DownloadName: "go1.17.3.darwin-amd64.tar.gz", ArchivePrefix: "go",
			Checksum: "sha256:765c021e372a87ce0bc58d3670ab143008dae9305a79e9fa83440425529bb636"}, ""},
		{winArm, "go-dl.json", "1.17.0-rc2", "", api.DownloadPrebuiltOutput{
			DownloadURL: "https://dl.google.com/go/go1.17rc2.windows-arm64.zip", DownloadName: "go1.17rc2.windows-arm64.zip", ArchivePrefix: "go",
			Checksum: "sha256:4de539dd74ca86cde5c2a21671ab88e301a5d7e63af30aedbf03cc7a2776cbd1"}, ""},
		{linux64, "go-dl-setup-go.json", "1.18.0-beta2", `{"dist-url":"https://example.test/{version}/{file}"}`, api.DownloadPrebuiltOutput{
			DownloadURL: "https://example.test/1.18beta2/go1.18beta2.linux-amd64.tar.gz", DownloadName: "go1.18beta2.linux-amd64.tar.gz", ArchivePrefix: "go",
			Checksum: "sha256:b5dacafa59737cfb0d657902b70c2ad1b6bb4ed15e85ea2806f72ce3d4824688"}, ""},
		{linux64, "go-dl.json", "latest", "", api.DownloadPrebuiltOutput{
			DownloadURL: "https://dl.google.com/go/go1.17.3.linux-amd64.tar.gz", DownloadName: "go1.17.3.linux-amd64.tar.gz", ArchivePrefix: "go",
			Checksum: "sha256:550f9845451c0c94be679faf116291e7807a8d78b43149f9506c1b15eb89008c"}, ""},
		{winArm, "go-dl.json", "1.16.10", "", api.DownloadPrebuiltOutput{}, "go 1.16.10 is not available for windows/arm64; go.dev publishes it for linux/arm64, linux/x64, macos/arm64, macos/x64, windows/x64"},
		{linux64, "go-dl-quirk-go1-bootstrap.json", "1.0.0", "", api.DownloadPrebuiltOutput{}, "go 1.0.0 is not a Go release listed by " + IndexURL + "; run `tote versions go` to see them"},
	}
	for _, c := range cases {
		h := sampleHost(c.env, c.sample)
		h.Config = c.config
		out, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: c.version}})
		switch {
		case c.wantErr != "":
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%s %s: error %v, want %q", c.sample, c.version, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%s %s: %v", c.sample, c.version, err)
		case !reflect.DeepEqual(out, c.want):
			t.Errorf("%s %s:\n got  %+v\n want %+v", c.sample, c.version, out, c.want)
		}
	}
}

func TestDownloadPrebuiltIndexErrors(t *testing.T) {
	h := &fakeHost{ID: "go", HostEnv: linux64, Files: map[string]string{}}
	_, err := DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.22.1"}})
	if err == nil || !strings.Contains(err.Error(), "cannot list Go releases: fetch "+IndexURL+": HTTP status 404") {
		t.Errorf("missing index: %v", err)
	}
	h.Files[IndexURL] = filepath.Join("testdata", "README.md")
	_, err = DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "1.22.1"}})
	if err == nil || !strings.Contains(err.Error(), "cannot read the Go release index") {
		t.Errorf("bad index: %v", err)
	}
}

func TestLocateExecutables(t *testing.T) {
	out, err := LocateExecutables(context.Background(), &fakeHost{ID: "go", HostEnv: winArm}, api.LocateExecutablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	want := api.LocateExecutablesOutput{
		Exes: map[string]api.ExecutableConfig{
			"go":    {ExePath: "bin/go.exe", Primary: true},
			"gofmt": {ExePath: "bin/gofmt.exe"},
		},
		GlobalsLookupDirs: []string{"$GOBIN", "$GOPATH/bin", "$HOME/go/bin"},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v", out)
	}
	out, err = LocateExecutables(context.Background(), &fakeHost{ID: "go", HostEnv: linux64, Config: `{"gobin": false}`}, api.LocateExecutablesInput{})
	if err != nil || out.Exes["go"].ExePath != "bin/go" || !reflect.DeepEqual(out.GlobalsLookupDirs, []string{"$GOBIN", "$GOPATH/bin"}) {
		t.Errorf("gobin off: %+v %v", out, err)
	}
}

func TestParseVersionFile(t *testing.T) {
	cases := []struct{ file, content, want, wantErr string }{
		{"go.mod", "module example.com/m\n\ngo 1.21\n\ntoolchain go1.22.1\n", "1.22.1", ""},
		{"go.mod", "module m\ntoolchain go1.21rc2\ngo 1.20\n", "1.21.0-rc2", ""},
		{"go.mod", "module m\n\ngo 1.22\n", "^1.22.0", ""},
		{"go.mod", "module m\n\ngo 1.21.3\n", "^1.21.3", ""},
		{"go.mod", "module m\ngo 1.21rc2\n", "^1.21.0-rc2", ""},
		{"go.mod", "module m\ngo 1.22.0\ntoolchain default\n", "^1.22.0", ""},
		{"go.mod", "module m\ngo 1.22.0\ntoolchain go1.22.1-corp\n", "1.22.1", ""},
		{"go.mod", "// go 1.10\r\nmodule m // go 1.11\r\n\r\ngo 1.22 // min\r\ntoolchain go1.22.1 // pin\r\n", "1.22.1", ""},
		{"go.mod", "module m\n\nrequire (\n\tgo.example/x v1.0.0\n)\n", "", ""},
		{"go.mod", "\ufeffgo 1.22.1\n", "^1.22.1", ""},
		{"go.work", "go 1.22.0\n\ntoolchain go1.22.1\n\nuse ./a\n", "1.22.1", ""},
		{"go.mod", "module m\n\ngo one.two\n", "", "go.mod:3: the go directive \"one.two\" is not a Go version such as 1.22 or 1.22.1"},
		{"go.mod", "go 1.22\ntoolchain 1.22.1\n", "", "go.mod:2: the toolchain \"1.22.1\" is not a Go toolchain name such as go1.22.1"},
		{".go-version", "1.22.1\n", "1.22.1", ""},
		{".go-version", "1.22\n", "1.22", ""},
		{".go-version", "go1.21rc2\r\n", "1.21.0-rc2", ""},
		{".go-version", "# ops\n\n  go1.20  \n", "1.20", ""},
		{".go-version", "\n\n", "", ""},
		{"other", "1.22.1\n", "", ""},
	}
	for _, c := range cases {
		out, err := ParseVersionFile(context.Background(), nil, api.ParseVersionFileInput{File: c.file, Content: c.content})
		switch {
		case c.wantErr != "":
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%s %q: error %v, want %q", c.file, c.content, err, c.wantErr)
			}
		case err != nil || out.Version != c.want:
			t.Errorf("%s %q: %q, %v; want %q", c.file, c.content, out.Version, err, c.want)
		}
	}
}

func TestDetectVersionFiles(t *testing.T) {
	out, _ := DetectVersionFiles(context.Background(), nil, api.DetectVersionInput{})
	if !reflect.DeepEqual(out.Files, []string{"go.work", "go.mod", ".go-version"}) {
		t.Errorf("files %v", out.Files)
	}
}
