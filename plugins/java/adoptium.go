package java

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// AvailableReleases is /v3/info/available_releases.
type AvailableReleases struct {
	LTS             []int `json:"available_lts_releases"`
	Releases        []int `json:"available_releases"`
	MostRecent      int   `json:"most_recent_feature_release"`
	MostRecentLTS   int   `json:"most_recent_lts"`
	MostRecentFeatV int   `json:"most_recent_feature_version"`
}

// Release is one entry of /v3/assets/feature_releases/<N>/ga.
type Release struct {
	ReleaseName string   `json:"release_name"`
	ReleaseType string   `json:"release_type"`
	Vendor      string   `json:"vendor"`
	Binaries    []Binary `json:"binaries"`
	VersionData struct {
		Major    int    `json:"major"`
		Semver   string `json:"semver"`
		OpenJDK  string `json:"openjdk_version"`
		Security int    `json:"security"`
	} `json:"version_data"`
}

// Binary is one build of a release.
type Binary struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	ImageType    string   `json:"image_type"`
	JVMImpl      string   `json:"jvm_impl"`
	HeapSize     string   `json:"heap_size"`
	Package      *Package `json:"package"`
}

// Package is the archive of a binary.
type Package struct {
	Name     string `json:"name"`
	Link     string `json:"link"`
	Checksum string `json:"checksum"`
	Size     int64  `json:"size"`
}

// platform is Adoptium's os and architecture naming.
func platform(env api.HostEnvironment) (string, string, error) {
	os, ok := map[api.HostOS]string{api.OSLinux: "linux", api.OSMacOS: "mac", api.OSWindows: "windows"}[env.OS]
	if env.OS == api.OSLinux && env.Libc == api.LibcMusl {
		os = "alpine-linux"
	}
	arch, ok2 := map[api.HostArch]string{
		api.ArchX64: "x64", api.ArchArm64: "aarch64", api.ArchX86: "x86", api.ArchArm: "arm",
		api.ArchPowerPC64: "ppc64le", api.ArchS390x: "s390x",
	}[env.Arch]
	if !ok || !ok2 {
		return "", "", pluginhost.Errorf("java: Eclipse Temurin is not built for %s/%s", env.OS, env.Arch)
	}
	return os, arch, nil
}

// maxPages bounds a feature's listing (50 releases a page).
const maxPages = 5

// featureReleases lists the GA releases of one feature version, newest
// first, with binaries for the host (the API's filters are asked for, and
// applied again here: a mirror may ignore them).
func featureReleases(ctx context.Context, h pluginhost.Host, cfg Config, feature int) ([]Release, error) {
	os, arch, err := platform(h.Env())
	if err != nil {
		return nil, err
	}
	q := url.Values{
		"architecture": {arch}, "os": {os}, "image_type": {cfg.ImageType}, "jvm_impl": {"hotspot"},
		"heap_size": {"normal"}, "vendor": {"eclipse"}, "project": {"jdk"}, "page_size": {"50"}, "sort_order": {"DESC"},
	}
	var out []Release
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		q.Set("page", strconv.Itoa(page))
		u := fmt.Sprintf("%sv3/assets/feature_releases/%d/ga?%s", cfg.APIURL, feature, q.Encode())
		body, err := h.Fetch(ctx, u)
		if err != nil {
			if page > 0 {
				break // the API answers 404 past the last page
			}
			return nil, err
		}
		var rels []Release
		if err := json.Unmarshal(body, &rels); err != nil {
			return nil, pluginhost.Errorf("%s is not an Adoptium release list: %v", u, err)
		}
		added := 0
		for _, r := range rels {
			if seen[r.VersionData.Semver] || r.ReleaseType != "ga" {
				continue
			}
			seen[r.VersionData.Semver] = true
			added++
			if _, ok := pick(r, os, arch, cfg.ImageType); ok {
				out = append(out, r)
			}
		}
		if len(rels) < 50 || added == 0 {
			break
		}
	}
	return out, nil
}

// pick finds the host's archive in a release.
func pick(r Release, os, arch, image string) (Binary, bool) {
	for _, b := range r.Binaries {
		if b.OS == os && b.Architecture == arch && b.ImageType == image && b.JVMImpl == "hotspot" && b.HeapSize == "normal" && b.Package != nil &&
			(strings.HasSuffix(b.Package.Name, ".tar.gz") || strings.HasSuffix(b.Package.Name, ".zip")) {
			return b, true
		}
	}
	return Binary{}, false
}

// LoadVersions lists every GA Temurin version built for the host, with
// latest = the newest of the most recent feature release and lts = the
// newest of the most recent LTS.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	u := cfg.APIURL + "v3/info/available_releases"
	body, err := h.Fetch(ctx, u)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	var av AvailableReleases
	if err := json.Unmarshal(body, &av); err != nil || len(av.Releases) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s is not Adoptium's available_releases (%v)", u, err)
	}
	if len(av.Releases) > 64 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists %d feature releases", u, len(av.Releases))
	}
	newest := map[int]string{}
	var versions []string
	for _, f := range av.Releases {
		rels, err := featureReleases(ctx, h, cfg, f)
		if err != nil {
			return api.LoadVersionsOutput{}, err
		}
		for _, r := range rels {
			v := r.VersionData.Semver
			if s, err := sdk.ParseSpec(v); err != nil || s.Kind != sdk.SpecExact {
				continue
			}
			versions = append(versions, v)
		}
	}
	sdk.SortVersions(versions)
	for _, v := range versions {
		if major, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0]); err == nil {
			newest[major] = v
		}
	}
	out := api.LoadVersionsOutput{Versions: versions, Aliases: map[string]string{}}
	if v := newest[av.MostRecent]; v != "" {
		out.Latest = v
		out.Aliases["latest"] = v
	}
	if v := newest[av.MostRecentLTS]; v != "" {
		out.Aliases["lts"] = v
	}
	lts := append([]int(nil), av.LTS...)
	sort.Ints(lts)
	for _, f := range lts {
		if v := newest[f]; v != "" {
			out.Aliases[fmt.Sprintf("lts-%d", f)] = v
		}
	}
	return out, nil
}

// DownloadPrebuilt returns the host's archive of a version ("21.0.5+11"),
// its sha256 from the API and its top directory as prefix.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	s, err := sdk.ParseSpec(ver)
	if err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download java: %q is not a full version", in.Context.Version)
	}
	feature, err := strconv.Atoi(strings.SplitN(ver, ".", 2)[0])
	if err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download java: %q has no feature number", ver)
	}
	os, arch, err := platform(h.Env())
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	rels, err := featureReleases(ctx, h, cfg, feature)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	var match *Release
	for i, r := range rels {
		if r.VersionData.Semver == ver || (!strings.Contains(ver, "+") && strings.SplitN(r.VersionData.Semver, "+", 2)[0] == ver) {
			match = &rels[i]
			break // newest build first
		}
	}
	if match == nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("java %s: Adoptium lists no GA Temurin %s build of it for %s/%s", ver, cfg.ImageType, os, arch)
	}
	b, _ := pick(*match, os, arch, cfg.ImageType)
	sum := strings.ToLower(b.Package.Checksum)
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("java %s: the API gives no valid sha256 for %s (%q)", ver, b.Package.Name, b.Package.Checksum)
	}
	if strings.ContainsAny(b.Package.Name, `/\`) || !strings.HasPrefix(b.Package.Link, "https://") {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("java %s: the API names an unusable package %q at %q", ver, b.Package.Name, b.Package.Link)
	}
	prefix := match.ReleaseName
	if cfg.ImageType == "jre" {
		prefix += "-jre"
	}
	if prefix == "" || strings.ContainsAny(prefix, `/\`) || strings.Contains(prefix, "..") {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("java %s: the API gives an unusable release name %q", ver, match.ReleaseName)
	}
	return api.DownloadPrebuiltOutput{
		DownloadURL: b.Package.Link, DownloadName: b.Package.Name, ArchivePrefix: prefix,
		Checksum: api.Checksum("sha256:" + sum),
	}, nil
}
