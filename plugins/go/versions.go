package golang

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Release is one entry of go.dev's download index.
type Release struct {
	// Version is Go's name of the release, such as "go1.22.1".
	Version string `json:"version"`
	// Stable is go.dev's flag; the plugin decides stability from the
	// version itself (a prerelease is not stable).
	Stable bool `json:"stable"`
	// Files are the release's downloads.
	Files []File `json:"files"`
}

// File is one download of a release.
type File struct {
	// Filename is the file's name under the download host.
	Filename string `json:"filename"`
	// OS is a GOOS value ("darwin", "linux", …); "" for the source.
	OS string `json:"os"`
	// Arch is a GOARCH value ("amd64", "arm64", "armv6l", …).
	Arch string `json:"arch"`
	// Version repeats the release's version.
	Version string `json:"version"`
	// SHA256 is the file's hex sha256.
	SHA256 string `json:"sha256"`
	// Size is the file's size in bytes.
	Size int64 `json:"size"`
	// Kind is "archive", "installer" or "source".
	Kind string `json:"kind"`
}

// usable reports whether f is an archive tote can install. The "go1" entry
// of the index carries go1.4 bootstrap tarballs with os "4" and arch
// "bootstrap"; they are not releases.
func (f File) usable() bool {
	return f.Kind == "archive" && f.OS != "" && f.Arch != "" && f.Arch != "bootstrap"
}

// ParseIndex decodes go.dev's download index.
func ParseIndex(body []byte) ([]Release, error) {
	var rels []Release
	if err := json.Unmarshal(body, &rels); err != nil {
		return nil, pluginhost.Errorf("cannot read the Go release index %s: %w", IndexURL, err)
	}
	return rels, nil
}

// fetchIndex downloads and decodes the index.
func fetchIndex(ctx context.Context, h pluginhost.Host) ([]Release, error) {
	body, err := h.Fetch(ctx, IndexURL)
	if err != nil {
		return nil, pluginhost.Errorf("cannot list Go releases: %w", err)
	}
	return ParseIndex(body)
}

// SemverFromGo maps a Go release name, with or without its "go" prefix,
// onto the plugin's semantic version (see the package documentation). It
// reports false for text that is not a Go release name.
func SemverFromGo(name string) (string, bool) {
	s := strings.TrimPrefix(strings.TrimSpace(name), "go")
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, pre := s[:i], s[i:]
	parts := strings.Split(num, ".")
	if len(parts) > 3 {
		return "", false
	}
	for _, p := range parts {
		if !digits(p) {
			return "", false
		}
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	v := strings.Join(parts, ".")
	if pre == "" {
		return v, true
	}
	if !isGoPrerelease(pre) {
		return "", false
	}
	return v + "-" + pre, true
}

// isGoPrerelease reports whether s is Go's prerelease suffix: alpha, beta
// or rc followed by a number.
func isGoPrerelease(s string) bool {
	for _, id := range []string{"alpha", "beta", "rc"} {
		if rest, ok := strings.CutPrefix(s, id); ok && digits(rest) {
			return true
		}
	}
	return false
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Versions lists the installable releases of the index as semantic
// versions, ascending, and the newest stable one.
func Versions(rels []Release) (versions []string, latest string) {
	seen := map[string]bool{}
	for _, r := range rels {
		v, ok := SemverFromGo(r.Version)
		if !ok || seen[v] || !hasArchive(r) {
			continue
		}
		seen[v] = true
		versions = append(versions, v)
	}
	sdk.SortVersions(versions)
	for i := len(versions) - 1; i >= 0; i-- {
		if !strings.Contains(versions[i], "-") {
			latest = versions[i]
			break
		}
	}
	return versions, latest
}

func hasArchive(r Release) bool {
	for _, f := range r.Files {
		if f.usable() {
			return true
		}
	}
	return false
}

// LoadVersions lists every Go release that has a downloadable archive;
// "latest" and "stable" name the newest release that is not a prerelease.
// Go has no canary build.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	rels, err := fetchIndex(ctx, h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := Versions(rels)
	if versions == nil {
		versions = []string{}
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}

// ResolveVersion rewrites Go's own release names into the plugin's scheme
// (see fromGoSpec). Other specs pass unchanged.
func ResolveVersion(ctx context.Context, h pluginhost.Host, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	if v, ok := fromGoSpec(in.Initial); ok {
		return api.ResolveVersionOutput{Candidate: v}, nil
	}
	return api.ResolveVersionOutput{}, nil
}

// fromGoSpec rewrites a spec written in Go's naming: "go1.22.1" → "1.22.1",
// "1.21rc2" and "go1.21rc2" → "1.21.0-rc2", "go1.22" → "1.22" (the newest
// 1.22.x). It reports false for anything else, such as "1.22" or "^1.21".
func fromGoSpec(spec string) (string, bool) {
	s := strings.TrimSpace(spec)
	t, prefixed := strings.CutPrefix(s, "go")
	v, ok := SemverFromGo(t)
	switch {
	case !ok:
		return "", false
	case strings.Contains(v, "-"):
		return v, true
	case prefixed:
		return t, true
	}
	return "", false
}
