package java

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// vendors maps the vendor names and SDKMAN codes this plugin accepts.
var vendors = map[string]bool{"temurin": true, "tem": true, "adoptium": true}

// otherVendors are vendors proto knows (foojay); naming one gets a clear
// refusal instead of "invalid version".
var otherVendors = map[string]bool{
	"zulu": true, "corretto": true, "amzn": true, "amazon": true, "liberica": true, "librca": true, "graalvm": true, "graal": true,
	"graalce": true, "oracle": true, "openjdk": true, "open": true, "microsoft": true, "ms": true, "semeru": true, "sem": true,
	"sapmachine": true, "sap": true, "dragonwell": true, "kona": true, "mandrel": true, "jetbrains": true, "redhat": true,
}

// splitVendor splits "temurin-21" (a vendor prefix, proto's style) or
// "21.0.5-tem" (a vendor suffix, SDKMAN's style) into vendor and version.
func splitVendor(spec string) (vendor, version string) {
	spec = strings.TrimSpace(spec)
	if v, rest, ok := strings.Cut(spec, "-"); ok && v != "" && (v[0] < '0' || v[0] > '9') {
		return strings.ToLower(v), rest
	}
	if i := strings.LastIndex(spec, "-"); i > 0 {
		v := strings.ToLower(spec[i+1:])
		if vendors[v] || otherVendors[v] {
			return v, spec[:i]
		}
	}
	return "", spec
}

// normalize turns a user's spec into one the version list answers: the
// Temurin vendor dropped, Java 8's "1.8" spelled "8", and a full version
// without build ("21.0.5") made a requirement matching every build of it.
func normalize(spec string) (string, error) {
	vendor, ver := splitVendor(spec)
	if vendor != "" && !vendors[vendor] {
		if otherVendors[vendor] {
			return "", pluginhost.Errorf("java: vendor %q is not supported: the built-in plugin installs Eclipse Temurin (temurin-<version>) from the Adoptium API", vendor)
		}
		return spec, nil // an alias such as "latest" or "lts-…"
	}
	ver = strings.TrimPrefix(ver, "v")
	if ver == "1.8" || strings.HasPrefix(ver, "1.8.") {
		ver = "8" + strings.TrimPrefix(ver, "1.8")
	}
	s, err := sdk.ParseSpec(ver)
	if err != nil {
		return "", pluginhost.Errorf("java: %q is not a Java version: %v", spec, err)
	}
	if s.Kind == sdk.SpecExact && !strings.Contains(ver, "+") {
		return ">=" + ver + " <=" + ver, nil
	}
	return ver, nil
}

// ResolveVersion rewrites vendor-prefixed specs and full versions without
// a build number into specs the version list resolves.
func ResolveVersion(ctx context.Context, h pluginhost.Host, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	if s, err := sdk.ParseSpec(in.Initial); err == nil && s.Kind == sdk.SpecAlias && !strings.Contains(in.Initial, "-") {
		return api.ResolveVersionOutput{}, nil // latest, lts, stable
	}
	c, err := normalize(in.Initial)
	if err != nil {
		return api.ResolveVersionOutput{}, err
	}
	if c == in.Initial {
		return api.ResolveVersionOutput{}, nil
	}
	return api.ResolveVersionOutput{Candidate: c}, nil
}

// ParseVersionFile reads .java-version (the first line that is not blank
// or a comment: "21", "temurin-21", "17.0.9+9") and .sdkmanrc (the
// "java=<version>-<vendor>" line). It returns plain specs ("21",
// "21.0.5") so that shims resolve them without the plugin.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	text := strings.TrimPrefix(in.Content, "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if in.File == ".sdkmanrc" {
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) != "java" {
				continue
			}
			line = strings.TrimSpace(v)
		}
		vendor, ver := splitVendor(line)
		if vendor != "" && !vendors[vendor] {
			if otherVendors[vendor] {
				return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: vendor %q is not supported: the built-in plugin installs Eclipse Temurin", in.File, i+1, vendor)
			}
			ver = line
		}
		ver = strings.TrimPrefix(ver, "v")
		if ver == "1.8" || strings.HasPrefix(ver, "1.8.") {
			ver = "8" + strings.TrimPrefix(ver, "1.8")
		}
		if _, err := sdk.ParseSpec(ver); err != nil {
			return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Java version: %v", in.File, i+1, line, err)
		}
		return api.ParseVersionFileOutput{Version: ver}, nil
	}
	return api.ParseVersionFileOutput{}, nil
}
