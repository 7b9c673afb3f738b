package bun

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// packageJSON is the part of package.json that can pin Bun.
type packageJSON struct {
	DevEngines *struct {
		Runtime        json.RawMessage `json:"runtime"`
		PackageManager json.RawMessage `json:"packageManager"`
	} `json:"devEngines"`
	Volta          map[string]any `json:"volta"`
	Engines        map[string]any `json:"engines"`
	PackageManager string         `json:"packageManager"`
}

// devEngine is one devEngines.runtime / devEngines.packageManager entry.
type devEngine struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ParseVersionFile reads a version file:
//
//   - .bumrc, .bun-version: the first line that is not blank or a comment
//     ("#", "//"); it must be a version spec, else the error names the file
//     and line;
//   - package.json, in proto's order: devEngines.runtime, then
//     devEngines.packageManager (an object or a list of {name, version}
//     entries named "bun"), volta.bun, engines.bun, packageManager
//     ("bun@1.1.0+sha512...", the hash dropped; "bun" alone means latest).
//     Entries that are not versions or ranges (workspace:, tags) are
//     skipped, and so is a package.json that is not valid JSON.
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	if in.File == "package.json" {
		return api.ParseVersionFileOutput{Version: fromPackageJSON(in.Content)}, nil
	}
	spec, line := firstSpecLine(in.Content)
	if spec == "" {
		return api.ParseVersionFileOutput{}, nil
	}
	if _, err := sdk.ParseSpec(spec); err != nil {
		return api.ParseVersionFileOutput{}, pluginhost.Errorf("%s:%d: %q is not a Bun version: %w", in.File, line, spec, err)
	}
	return api.ParseVersionFileOutput{Version: spec}, nil
}

func fromPackageJSON(content string) string {
	var pkg packageJSON
	if err := json.Unmarshal([]byte(strings.TrimPrefix(content, "\ufeff")), &pkg); err != nil {
		return ""
	}
	if pkg.DevEngines != nil {
		for _, raw := range []json.RawMessage{pkg.DevEngines.Runtime, pkg.DevEngines.PackageManager} {
			if v := devEngineVersion(raw); v != "" {
				return v
			}
		}
	}
	if s, ok := pkg.Volta["bun"].(string); ok && versionLike(s) {
		return strings.TrimSpace(s)
	}
	if s, ok := pkg.Engines["bun"].(string); ok && versionLike(s) {
		return strings.TrimSpace(s)
	}
	if name, v, found := strings.Cut(pkg.PackageManager, "@"); name == "bun" {
		if !found {
			return "latest"
		}
		v, _, _ = strings.Cut(v, "+")
		if v == "latest" || versionLike(v) {
			return v
		}
	}
	return ""
}

// devEngineVersion finds the "bun" entry of a devEngines object or list.
func devEngineVersion(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var list []devEngine
	if err := json.Unmarshal(raw, &list); err != nil {
		var one devEngine
		if err := json.Unmarshal(raw, &one); err != nil {
			return ""
		}
		list = []devEngine{one}
	}
	for _, e := range list {
		if e.Name == "bun" && versionLike(e.Version) {
			return strings.TrimSpace(e.Version)
		}
	}
	return ""
}

// versionLike accepts full and partial versions and ranges, not aliases,
// tags or protocols such as "workspace:*".
func versionLike(s string) bool {
	spec, err := sdk.ParseSpec(s)
	if err != nil {
		return false
	}
	switch spec.Kind {
	case sdk.SpecExact, sdk.SpecPartial, sdk.SpecRequirement:
		return true
	}
	return false
}

// firstSpecLine returns the first meaningful line of a version file and its
// 1-based line number; a UTF-8 byte order mark and CR endings are ignored.
func firstSpecLine(content string) (string, int) {
	content = strings.TrimPrefix(content, "\ufeff")
	for i, l := range strings.Split(content, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") {
			continue
		}
		return l, i + 1
	}
	return "", 0
}
