package zig

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Master is the index key of the nightly build.
const Master = "master"

// Artifact is one download of a release.
type Artifact struct {
	// Tarball is the download URL.
	Tarball string `json:"tarball"`
	// Shasum is the hex sha256 of the download.
	Shasum string `json:"shasum"`
	// Size is the size in bytes, written as a string by ziglang.org.
	Size string `json:"size"`
}

// Release is one entry of the index.
type Release struct {
	// Key is the entry's key: a version or "master".
	Key string
	// Version is the release's version: the key, or master's "version".
	Version string
	// Date is the release date.
	Date string
	// Artifacts maps targets ("x86_64-linux", "aarch64-macos", …) to
	// downloads. The pseudo-targets "src" and "bootstrap" are left out.
	Artifacts map[string]Artifact
}

// Index is the parsed download index.
type Index struct {
	// Releases are the entries in key order, master first.
	Releases []Release
}

// ParseIndex decodes a download index. Object-valued fields of an entry
// are artifacts; strings (date, docs, notes, version) are metadata.
func ParseIndex(url string, body []byte) (*Index, error) {
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, pluginhost.Errorf("cannot read the Zig download index %s: %w", url, err)
	}
	idx := &Index{}
	for key, fields := range raw {
		rel := Release{Key: key, Version: key, Artifacts: map[string]Artifact{}}
		for name, v := range fields {
			v = bytes.TrimSpace(v)
			switch {
			case name == "version" || name == "date":
				var s string
				if err := json.Unmarshal(v, &s); err != nil {
					return nil, pluginhost.Errorf("cannot read the Zig download index %s: %q.%s: %w", url, key, name, err)
				}
				if name == "version" && s != "" {
					rel.Version = s
				} else if name == "date" {
					rel.Date = s
				}
			case name == "src" || name == "bootstrap":
			case len(v) > 0 && v[0] == '{':
				var a Artifact
				if err := json.Unmarshal(v, &a); err != nil {
					return nil, pluginhost.Errorf("cannot read the Zig download index %s: %q.%q: %w", url, key, name, err)
				}
				if a.Tarball != "" {
					rel.Artifacts[name] = a
				}
			}
		}
		idx.Releases = append(idx.Releases, rel)
	}
	sort.Slice(idx.Releases, func(i, j int) bool {
		a, b := idx.Releases[i].Key, idx.Releases[j].Key
		if (a == Master) != (b == Master) {
			return a == Master
		}
		return sdk.CompareVersions(a, b) > 0
	})
	return idx, nil
}

func fetchIndex(ctx context.Context, h pluginhost.Host) (*Index, string, error) {
	cfg, err := config(h)
	if err != nil {
		return nil, "", err
	}
	body, err := h.Fetch(ctx, cfg.IndexURL)
	if err != nil {
		return nil, "", pluginhost.Errorf("cannot list Zig releases: %w", err)
	}
	idx, err := ParseIndex(cfg.IndexURL, body)
	return idx, cfg.IndexURL, err
}

// isRelease reports whether key is a release version (not master, not
// some other word).
func isRelease(key string) bool {
	if key == Master {
		return false
	}
	s, err := sdk.ParseSpec(key)
	return err == nil && s.Kind == sdk.SpecExact
}

// Versions returns the releases ascending and the newest without a
// prerelease.
func (idx *Index) Versions() (versions []string, latest string) {
	for _, r := range idx.Releases {
		if isRelease(r.Key) {
			versions = append(versions, r.Key)
		}
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

// Master returns the master build, if the index has one.
func (idx *Index) Master() (Release, bool) {
	for _, r := range idx.Releases {
		if r.Key == Master {
			return r, true
		}
	}
	return Release{}, false
}

// Find returns the release for version: "canary" and "master" are the
// master build, "latest" and "stable" the newest release, else the release
// of that key or the master build of that version.
func (idx *Index) Find(version string) (Release, bool) {
	switch version {
	case "canary", Master:
		return idx.Master()
	case "latest", "stable":
		_, version = idx.Versions()
	}
	for _, r := range idx.Releases {
		if r.Key != Master && r.Key == version {
			return r, true
		}
	}
	for _, r := range idx.Releases {
		if r.Version == version {
			return r, true
		}
	}
	return Release{}, false
}

// LoadVersions lists the index's releases; "latest" and "stable" are the
// newest, and the master build is the canary (also aliased "master").
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	idx, _, err := fetchIndex(ctx, h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := idx.Versions()
	if versions == nil {
		versions = []string{}
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest, Aliases: map[string]string{}}
	if latest != "" {
		out.Aliases["latest"] = latest
		out.Aliases["stable"] = latest
	}
	if m, ok := idx.Master(); ok {
		out.Canary = m.Version
		out.Aliases[Master] = "canary"
	}
	if len(out.Aliases) == 0 {
		out.Aliases = nil
	}
	return out, nil
}
