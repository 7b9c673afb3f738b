// Package javatest writes the Adoptium API and Temurin's GitHub release
// downloads for tests: /v3/info/available_releases,
// /v3/assets/feature_releases/<N>/ga (the query string is ignored: every
// platform's binaries are listed, as a mirror that ignores filters would),
// and the archives at each package's link, whose sha256 the listing gives.
// Entries have the keys of the real sample in plugins/java/testdata.
package javatest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// Upstreams are the URL prefixes Mirror serves.
var Upstreams = map[string]string{
	"https://api.adoptium.net/":    "java/api/",
	"https://github.com/adoptium/": "java/gh/",
}

// Release is one mirrored Temurin release.
type Release struct {
	Feature int
	Semver  string // version_data.semver
	Name    string // release_name, the archive's top directory
	OpenJDK string // version_data.openjdk_version
}

// Releases are the mirrored releases, newest first per feature.
var Releases = []Release{
	{21, "21.0.2+13", "jdk-21.0.2+13", "21.0.2+13-LTS"},
	{21, "21.0.1+12", "jdk-21.0.1+12", "21.0.1+12-LTS"},
	{17, "17.0.10+7", "jdk-17.0.10+7", "17.0.10+7"},
	{17, "17.0.9+9", "jdk-17.0.9+9", "17.0.9+9"},
	{11, "11.0.22+7", "jdk-11.0.22+7", "11.0.22+7"},
	{8, "8.0.402+6", "jdk8u402-b06", "1.8.0_402-b06"},
}

var platforms = [][2]string{{"linux", "x64"}, {"linux", "aarch64"}, {"alpine-linux", "x64"}, {"mac", "x64"}, {"mac", "aarch64"}, {"windows", "x64"}}

// Script is the fake java (and javac, jar, jshell): it prints its version
// and the JAVA_HOME it runs with.
func Script(name, version string) string {
	return fmt.Sprintf("#!/bin/sh\necho \"%s %s JAVA_HOME=$JAVA_HOME args=$*\"\n", name, version)
}

// Mirror writes the layout under root/java.
func Mirror(root string) (map[string]string, error) {
	api := filepath.Join(root, "java", "api", "v3")
	gh := filepath.Join(root, "java", "gh")
	byFeature := map[int][]map[string]any{}
	for _, r := range Releases {
		repo := fmt.Sprintf("temurin%d-binaries", r.Feature)
		tag := url.PathEscape(r.Name)
		var bins []map[string]any
		for _, p := range platforms {
			os_, arch := p[0], p[1]
			verPart := strings.ReplaceAll(strings.TrimPrefix(r.Name, "jdk-"), "+", "_")
			if r.Feature == 8 {
				verPart = strings.ReplaceAll(strings.TrimPrefix(r.Name, "jdk"), "-", "")
			}
			ext := "tar.gz"
			if os_ == "windows" {
				ext = "zip"
			}
			name := fmt.Sprintf("OpenJDK%dU-jdk_%s_%s_hotspot_%s.%s", r.Feature, arch, os_, verPart, ext)
			bin := r.Name + "/bin/"
			if os_ == "mac" {
				bin = r.Name + "/Contents/Home/bin/"
			}
			exe := ""
			if os_ == "windows" {
				exe = ".exe"
			}
			entries := []mirror.Entry{{Name: r.Name + "/release", Body: fmt.Sprintf("JAVA_VERSION=%q\n", r.OpenJDK)}}
			for _, tool := range []string{"java", "javac", "jar", "jshell"} {
				entries = append(entries, mirror.Entry{Name: bin + tool + exe, Body: Script(tool, r.Semver), Mode: 0o755})
			}
			path := filepath.Join(gh, repo, "releases", "download", r.Name, name)
			var err error
			if ext == "zip" {
				err = mirror.WriteZip(path, entries)
			} else {
				err = mirror.WriteTarGz(path, entries)
			}
			if err != nil {
				return nil, err
			}
			sum, err := mirror.SHA256File(path)
			if err != nil {
				return nil, err
			}
			fi, _ := os.Stat(path)
			link := "https://github.com/adoptium/" + repo + "/releases/download/" + tag + "/" + name
			bins = append(bins, map[string]any{
				"architecture": arch, "download_count": 1, "heap_size": "normal", "image_type": "jdk", "jvm_impl": "hotspot", "os": os_,
				"package": map[string]any{
					"checksum": sum, "checksum_link": link + ".sha256.txt", "download_count": 1, "link": link,
					"metadata_link": link + ".json", "name": name, "size": fi.Size(), "signature_link": link + ".sig",
				},
				"project": "jdk", "scm_ref": r.Name, "updated_at": "2024-01-17T00:00:00Z",
			})
		}
		var major, security, build int
		fmt.Sscanf(strings.ReplaceAll(strings.ReplaceAll(r.Semver, ".", " "), "+", " "), "%d %d %d %d", &major, new(int), &security, &build)
		byFeature[r.Feature] = append(byFeature[r.Feature], map[string]any{
			"binaries": bins, "download_count": 6, "id": "placeholder-" + r.Name,
			"release_link": "https://github.com/adoptium/" + repo + "/releases/tag/" + tag, "release_name": r.Name,
			"release_type": "ga", "timestamp": "2024-01-17T00:00:00Z", "updated_at": "2024-01-17T00:00:00Z", "vendor": "eclipse",
			"version_data": map[string]any{"build": build, "major": major, "minor": 0, "openjdk_version": r.OpenJDK, "security": security, "semver": r.Semver},
		})
	}
	for f, rels := range byFeature {
		b, err := json.MarshalIndent(rels, "", "  ")
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(api, "assets", "feature_releases", fmt.Sprint(f))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "ga"), b, 0o644); err != nil {
			return nil, err
		}
	}
	av := map[string]any{"available_lts_releases": []int{8, 11, 17, 21}, "available_releases": []int{8, 11, 17, 21},
		"most_recent_feature_release": 21, "most_recent_feature_version": 22, "most_recent_lts": 21, "tip_version": 23}
	b, _ := json.MarshalIndent(av, "", "    ")
	if err := os.MkdirAll(filepath.Join(api, "info"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(api, "info", "available_releases"), b, 0o644); err != nil {
		return nil, err
	}
	return Upstreams, nil
}
