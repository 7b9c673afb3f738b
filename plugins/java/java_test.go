package java_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/internal/hosttest"
	"github.com/tote-dev/tote/plugins/java"
)

const featureURL = "https://api.adoptium.net/v3/assets/feature_releases/16/ga?architecture=x64&heap_size=normal&image_type=jdk&jvm_impl=hotspot&os=linux&page=0&page_size=50&project=jdk&sort_order=DESC&vendor=eclipse"

// The real Adoptium listing (actions/setup-java's recorded response) gives
// the package link, its sha256 and the release's top directory.
func TestRealFeatureListing(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "adoptium-feature-releases-16-ga.json"))
	if err != nil {
		t.Fatal(err)
	}
	for env, want := range map[*api.HostEnvironment]string{
		&conformance.Linux64: "OpenJDK16U-jdk_x64_linux_hotspot_16.0.2_7.tar.gz 323d6d74",
		&conformance.MacX64:  "OpenJDK16U-jdk_x64_mac_hotspot_16.0.2_7.tar.gz 27975d9e",
		&conformance.Win64:   "OpenJDK16U-jdk_x64_windows_hotspot_16.0.2_7.zip 40191ffb",
	} {
		u := featureURL
		if env.OS == api.OSMacOS {
			u = strings.Replace(u, "os=linux", "os=mac", 1)
		} else if env.OS == api.OSWindows {
			u = strings.Replace(u, "os=linux", "os=windows", 1)
		}
		h := &hosttest.Host{ID: "java", HostEnv: *env, Pages: map[string]string{u: string(sample)}}
		for _, v := range []string{"16.0.2+7", "16.0.2"} {
			out, err := java.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: v}})
			if err != nil {
				t.Fatalf("%s %s: %v", env.OS, v, err)
			}
			name, sum, _ := strings.Cut(want, " ")
			if out.DownloadName != name || !strings.HasPrefix(string(out.Checksum), "sha256:"+sum) || out.ArchivePrefix != "jdk-16.0.2+7" ||
				out.DownloadURL != "https://github.com/adoptium/temurin16-binaries/releases/download/jdk-16.0.2%2B7/"+name {
				t.Errorf("%s %s: %+v", env.OS, v, out)
			}
		}
	}
}

func TestHostileListing(t *testing.T) {
	for name, body := range map[string]string{
		"bad-checksum": `[{"release_name":"jdk-16.0.2+7","release_type":"ga","version_data":{"semver":"16.0.2+7"},"binaries":[{"os":"linux","architecture":"x64","image_type":"jdk","jvm_impl":"hotspot","heap_size":"normal","package":{"name":"a.tar.gz","link":"https://x/a.tar.gz","checksum":"md5"}}]}]`,
		"traversal":    `[{"release_name":"../../etc","release_type":"ga","version_data":{"semver":"16.0.2+7"},"binaries":[{"os":"linux","architecture":"x64","image_type":"jdk","jvm_impl":"hotspot","heap_size":"normal","package":{"name":"a.tar.gz","link":"https://x/a.tar.gz","checksum":"` + strings.Repeat("a", 64) + `"}}]}]`,
		"http-link":    `[{"release_name":"jdk-16.0.2+7","release_type":"ga","version_data":{"semver":"16.0.2+7"},"binaries":[{"os":"linux","architecture":"x64","image_type":"jdk","jvm_impl":"hotspot","heap_size":"normal","package":{"name":"a.tar.gz","link":"file:///etc/passwd","checksum":"` + strings.Repeat("a", 64) + `"}}]}]`,
		"ea-only":      `[{"release_name":"jdk-16.0.2+7","release_type":"ea","version_data":{"semver":"16.0.2+7"},"binaries":[]}]`,
		"not-json":     `{"errorMessage":"rate limited"}`,
	} {
		h := &hosttest.Host{ID: "java", HostEnv: conformance.Linux64, Pages: map[string]string{featureURL: body}}
		if out, err := java.DownloadPrebuilt(context.Background(), h, api.DownloadPrebuiltInput{Context: api.Context{Version: "16.0.2+7"}}); err == nil {
			t.Errorf("%s: accepted %+v", name, out)
		}
	}
}

func TestSpecs(t *testing.T) {
	for in, want := range map[string]string{
		"temurin-21": "21", "tem-17.0.9": ">=17.0.9 <=17.0.9", "21.0.2": ">=21.0.2 <=21.0.2", "1.8": "8", "latest": "", "lts": "",
		"21.0.2+13": "", "21": "", "temurin-21.0.2+13": "21.0.2+13",
	} {
		out, err := java.ResolveVersion(context.Background(), nil, api.ResolveVersionInput{Initial: in})
		if err != nil || out.Candidate != want {
			t.Errorf("%q: candidate %q %v, want %q", in, out.Candidate, err, want)
		}
	}
	if _, err := java.ResolveVersion(context.Background(), nil, api.ResolveVersionInput{Initial: "zulu-21"}); err == nil || !strings.Contains(err.Error(), "Eclipse Temurin") {
		t.Errorf("zulu: %v", err)
	}
	for file, c := range map[string][2]string{
		".java-version":         {"temurin-21\n", "21"},
		".java-version ":        {"\ufeff# team\r\n17.0.9\r\n", "17.0.9"},
		".sdkmanrc":             {"# sdk env\ngradle=8.5\njava=21.0.2-tem\n", "21.0.2"},
		".sdkmanrc ":            {"gradle=8.5\n", ""},
		".java-version  ":       {"1.8\n", "8"},
		".java-version   ":      {"21.0.2+13\n", "21.0.2+13"},
		".sdkmanrc  (zulu)":     {"java=21.0.2-zulu\n", "error"},
		".java-version (junk) ": {"java!\n", "error"},
	} {
		name := strings.Fields(file)[0]
		out, err := java.ParseVersionFile(context.Background(), nil, api.ParseVersionFileInput{File: name, Content: c[0]})
		if c[1] == "error" {
			if err == nil || !strings.Contains(err.Error(), name+":") {
				t.Errorf("%s: want an error with file and line, got %v", file, err)
			}
			continue
		}
		if err != nil || out.Version != c[1] {
			t.Errorf("%s %q: %q %v, want %q", file, c[0], out.Version, err, c[1])
		}
	}
}

func TestLocateSetsJavaHome(t *testing.T) {
	h := &hosttest.Host{ID: "java", HostEnv: conformance.MacArm64}
	out, err := java.LocateExecutables(context.Background(), h, api.LocateExecutablesInput{InstallDir: api.NewVirtualPath("/proto/tools/java/21.0.2+13")})
	if err != nil {
		t.Fatal(err)
	}
	if j := out.Exes["javac"]; j.ExePath != "Contents/Home/bin/javac" || j.ShimEnvVars["JAVA_HOME"] != "/proto/tools/java/21.0.2+13/Contents/Home" {
		t.Errorf("%+v", j)
	}
	h.Config = `{"image-type":"jre"}`
	out, _ = java.LocateExecutables(context.Background(), h, api.LocateExecutablesInput{})
	if _, ok := out.Exes["javac"]; ok || len(out.Exes) != 1 {
		t.Errorf("a JRE has only java: %v", out.Exes)
	}
}
