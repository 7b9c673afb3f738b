package version

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// nodeVersions is a slice of Node.js's real release list (newest first, as
// the index lists them) plus one release candidate.
var nodeVersions = []string{
	"23.4.0", "23.3.0", "23.0.0", "23.0.0-rc.1", "22.12.0", "22.11.0", "22.0.0",
	"21.7.3", "20.18.1", "20.18.0", "20.11.1", "20.0.0", "19.9.0",
	"18.20.5", "18.20.4", "16.20.2", "14.1.0", "12.16.3", "10.20.1",
}

var nodeAliases = map[string]string{
	"lts-*":        "22.12.0",
	"lts-jod":      "22.12.0",
	"lts-iron":     "20.18.1",
	"lts-hydrogen": "18.20.5",
	"stable":       "latest",
}

// goVersions are Go releases as the go plugin normalises them, plus one
// version string left in Go's own form.
var goVersions = []string{
	"1.23.4", "1.23.0", "1.23.0-rc.1", "1.22.10", "1.22.1", "1.22.0",
	"1.21.13", "1.21.0", "1.21.0-rc.2", "1.20.14", "1.24.0-rc.1", "1.25rc1",
}

func TestResolve(t *testing.T) {
	node := Available{Tool: "node", Versions: nodeVersions, Latest: "23.4.0", Aliases: nodeAliases}
	with := func(a Available, f func(*Available)) Available { f(&a); return a }
	golang := Available{Tool: "go", Versions: goVersions}

	tests := []struct {
		name  string
		spec  string
		avail Available
		want  string
	}{
		{"partial major", "20", node, "20.18.1"},
		{"partial with v", "v20", node, "20.18.1"},
		{"partial minor", "20.11", node, "20.11.1"},
		{"partial prefers installed", "20", with(node, func(a *Available) { a.Installed = []string{"20.11.1", "18.20.4"} }), "20.11.1"},
		{"installed highest match wins", "20", with(node, func(a *Available) { a.Installed = []string{"20.0.0", "20.11.1", "22.0.0"} }), "20.11.1"},
		{"installed non-match ignored", "18", with(node, func(a *Available) { a.Installed = []string{"20.11.1"} }), "18.20.5"},
		{"installed only (offline, no list)", "^20", Available{Installed: []string{"20.0.0", "20.11.1"}}, "20.11.1"},
		{"partial skips prerelease", "23", node, "23.4.0"},
		{"full", "22.12.0", node, "22.12.0"},
		{"full with v", "v22.12.0", node, "22.12.0"},
		{"full not listed short-circuits", "99.0.0", node, "99.0.0"},
		{"full with no list", "v1.2.3", Available{}, "1.2.3"},
		{"full returns listed spelling", "14.1.0", Available{Versions: []string{"v14.1.0"}}, "v14.1.0"},
		{"full prerelease", "23.0.0-rc.1", node, "23.0.0-rc.1"},
		{"caret", "^20.11", node, "20.18.1"},
		{"tilde", "~20.11.0", node, "20.11.1"},
		{"space and", ">=18 <21", node, "20.18.1"},
		{"comma and", ">=18, <20", node, "19.9.0"},
		{"or", "^16 || ^18", node, "18.20.5"},
		{"hyphen", "18 - 20.11", node, "20.11.1"},
		{"x wildcard", "20.x", node, "20.18.1"},
		{"star", "*", node, "23.4.0"},
		{"range naming prerelease", ">=23.0.0-rc.0 <23.0.0", node, "23.0.0-rc.1"},
		{"latest", "latest", node, "23.4.0"},
		{"latest without Latest", "latest", with(node, func(a *Available) { a.Latest = "" }), "23.4.0"},
		{"latest skips prerelease", "latest", Available{Versions: []string{"1.0.0", "2.0.0-beta.1"}}, "1.0.0"},
		{"latest is not installed preference", "latest", with(node, func(a *Available) { a.Installed = []string{"20.11.1"} }), "23.4.0"},
		{"stable through plugin alias", "stable", node, "23.4.0"},
		{"stable without alias", "stable", Available{Versions: nodeVersions}, "23.4.0"},
		{"lts", "lts", node, "22.12.0"},
		{"lts/*", "lts/*", node, "22.12.0"},
		{"lts-*", "lts-*", node, "22.12.0"},
		{"lts/codename", "lts/iron", node, "20.18.1"},
		{"lts-codename", "lts-hydrogen", node, "18.20.5"},
		{"lts codename any case", "LTS/Iron", node, "20.18.1"},
		{"user alias", "work", with(node, func(a *Available) { a.UserAliases = map[string]string{"work": "20.11"} }), "20.11.1"},
		{"user alias beats plugin alias", "lts/*", with(node, func(a *Available) { a.UserAliases = map[string]string{"lts": "18"} }), "18.20.5"},
		{"user alias to plugin alias", "prod", with(node, func(a *Available) { a.UserAliases = map[string]string{"prod": "lts/iron"} }), "20.18.1"},
		{"alias to range prefers installed", "work", with(node, func(a *Available) {
			a.UserAliases = map[string]string{"work": "^20"}
			a.Installed = []string{"20.0.0"}
		}), "20.0.0"},
		{"canary", "canary", with(node, func(a *Available) { a.Canary = "24.0.0-nightly20241201" }), "canary"},
		{"canary installed", "canary", Available{Installed: []string{"canary"}}, "canary"},
		{"word version listed", "nightly", Available{Versions: []string{"nightly", "1.0.0"}}, "nightly"},
		{"go partial", "1.22", golang, "1.22.10"},
		{"go partial skips rc", "1.23", golang, "1.23.4"},
		{"go tilde", "~1.21.0", golang, "1.21.13"},
		{"go range", ">=1.20 <1.23", golang, "1.22.10"},
		{"go installed", "1.21", with(golang, func(a *Available) { a.Installed = []string{"1.21.0"} }), "1.21.0"},
		{"go latest", "latest", golang, "1.23.4"},
		{"go rc full", "1.24.0-rc.1", golang, "1.24.0-rc.1"},
		{"go literal", "1.25rc1", golang, "1.25rc1"},
		{"calendar partial", "2024-01", Available{Versions: []string{"2023-12-31", "2024-01-02", "2024-01-15", "2024-02-10"}}, "2024-01-15"},
		{"calendar latest", "latest", Available{Versions: []string{"2023-12-31", "2024-02-10", "2024-01-02"}}, "2024-02-10"},
		{"calendar full", "2024-01-02", Available{Versions: []string{"2024-01-02"}}, "2024-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(MustParseSpec(tt.spec), tt.avail)
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tt.spec, err)
			}
			if got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.spec, got, tt.want)
			}
		})
	}
}

func TestResolveNotFound(t *testing.T) {
	node := Available{Tool: "node", Versions: nodeVersions, Latest: "23.4.0", Aliases: nodeAliases}
	tests := []struct {
		spec  string
		avail Available
		msg   string
		near  []string
	}{
		{"99", node, `no version of node matches "99"; nearest: 23.4.0, 22.12.0, 21.7.3, 20.18.1, 19.9.0`,
			[]string{"23.4.0", "22.12.0", "21.7.3", "20.18.1", "19.9.0"}},
		{"17", node, `no version of node matches "17"; nearest: 18.20.5, 16.20.2, 19.9.0, 20.18.1, 14.1.0`,
			[]string{"18.20.5", "16.20.2", "19.9.0", "20.18.1", "14.1.0"}},
		{"20.12", node, "", []string{"20.11.1", "20.18.1", "20.0.0", "19.9.0", "21.7.3"}},
		{"^24", node, "", []string{"23.4.0", "22.12.0", "21.7.3", "20.18.1", "19.9.0"}},
		{"lts/argon", node, `no version of node matches "lts/argon"; nearest: 23.4.0, 23.3.0, 23.0.0, 22.12.0, 22.11.0`, nil},
		{"1.24", Available{Tool: "go", Versions: goVersions}, "", []string{"1.23.4", "1.22.10", "1.21.13", "1.20.14"}},
		{"1.25rc2", Available{Tool: "go", Versions: goVersions}, "", []string{"1.23.4", "1.22.10", "1.21.13", "1.20.14"}},
		{"canary", node, `no version of node matches "canary"; nearest: 23.4.0, 23.3.0, 23.0.0, 22.12.0, 22.11.0`, nil},
		{"20", Available{}, `no version matches "20"`, nil},
		{"latest", Available{Tool: "deno", Versions: []string{"2.0.0-rc.1"}}, `no version of deno matches "latest"; nearest: 2.0.0-rc.1`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := Resolve(MustParseSpec(tt.spec), tt.avail)
			var nf *NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("Resolve(%q) error = %v, want *NotFoundError", tt.spec, err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message = %q\nwant      %q", err, tt.msg)
			}
			if tt.near != nil && !reflect.DeepEqual(nf.Near, tt.near) {
				t.Errorf("Near = %v, want %v", nf.Near, tt.near)
			}
			if len(nf.Near) > 5 {
				t.Errorf("Near has %d entries", len(nf.Near))
			}
		})
	}
}

func TestResolveAliasErrors(t *testing.T) {
	tests := []struct {
		name  string
		spec  string
		avail Available
		want  string
	}{
		{"cycle", "a", Available{Tool: "node", UserAliases: map[string]string{"a": "b", "b": "a"}}, "alias cycle: a -> b -> a"},
		{"self", "latest", Available{Tool: "node", Aliases: map[string]string{"latest": "latest"}}, "alias cycle: latest -> latest"},
		{"bad target", "work", Available{Tool: "node", UserAliases: map[string]string{"work": ">=>1"}}, `alias "work": invalid version spec ">=>1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(MustParseSpec(tt.spec), tt.avail)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "node") {
				t.Errorf("error %q does not name the tool", err)
			}
		})
	}
	if _, err := Resolve(Spec{}, Available{}); err == nil {
		t.Error("resolving the zero Spec should fail")
	}
}

// TestResolveNodeIndex derives Node's LTS aliases from the real
// index.json (as a node plugin does) and resolves against it.
func TestResolveNodeIndex(t *testing.T) {
	data, err := os.ReadFile("testdata/node-index.json")
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		Version string `json:"version"`
		LTS     any    `json:"lts"`
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	avail := Available{Tool: "node", Aliases: map[string]string{}}
	for _, e := range index {
		avail.Versions = append(avail.Versions, e.Version)
		if name, ok := e.LTS.(string); ok {
			key := "lts-" + strings.ToLower(name)
			if cur, ok := avail.Aliases[key]; !ok || Compare(e.Version, cur) > 0 {
				avail.Aliases[key] = e.Version
			}
			if cur, ok := avail.Aliases["lts-*"]; !ok || Compare(e.Version, cur) > 0 {
				avail.Aliases["lts-*"] = e.Version
			}
		}
	}
	for spec, want := range map[string]string{
		"latest":      "v14.1.0",
		"lts/*":       "v12.16.3",
		"lts/erbium":  "v12.16.3",
		"lts-carbon":  "v8.17.0",
		"lts/Dubnium": "v10.20.1",
		"12":          "v12.16.3",
		"0.12":        "v0.12.17",
		"^7 || ^8":    "v8.17.0",
		"v13.14.0":    "v13.14.0",
		"13.14.0":     "v13.14.0",
		"<10":         "v8.17.0",
	} {
		got, err := Resolve(MustParseSpec(spec), avail)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", spec, got, err, want)
		}
	}
	_, err = Resolve(MustParseSpec("11"), avail)
	if err == nil || err.Error() != `no version of node matches "11"; nearest: v12.16.3, v10.20.1, v13.14.0, v14.1.0, v8.17.0` {
		t.Errorf("Resolve(11) error = %v", err)
	}
}
