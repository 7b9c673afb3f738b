package nodepm

import (
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// packageJSON is the part of package.json that pins a package manager.
type packageJSON struct {
	DevEngines *struct {
		PackageManager json.RawMessage `json:"packageManager"`
	} `json:"devEngines"`
	PackageManager string         `json:"packageManager"`
	Volta          map[string]any `json:"volta"`
	Engines        map[string]any `json:"engines"`
}

type devEngine struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// parseVersionFile reads package.json in proto's order: the
// devEngines.packageManager entry named after the tool, then corepack's
// packageManager ("pnpm@9.1.0+sha512.<hex>": the hash is returned as the
// checksum the download must have; "pnpm" alone is latest), then volta,
// then engines. Entries that are not versions or ranges ("workspace:*",
// tags) are skipped; a package.json that is not JSON pins nothing. A
// packageManager that names this tool with a malformed version or hash is
// an error naming the field.
func parseVersionFile(h pluginhost.Host, k Kind, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	if in.File != "package.json" {
		return api.ParseVersionFileOutput{}, nil
	}
	var pkg packageJSON
	if err := json.Unmarshal([]byte(strings.TrimPrefix(in.Content, "\ufeff")), &pkg); err != nil {
		h.Log(api.LogWarn, "package.json is not valid JSON, so it pins no "+k.String()+" version: "+err.Error())
		return api.ParseVersionFileOutput{}, nil
	}
	name := k.String()
	if pkg.DevEngines != nil {
		if v := devEngineVersion(pkg.DevEngines.PackageManager, name); v != "" {
			return api.ParseVersionFileOutput{Version: v}, nil
		}
	}
	if pm := strings.TrimSpace(pkg.PackageManager); pm != "" {
		out, ok, err := parsePackageManager(pm, name)
		if err != nil || ok {
			return out, err
		}
	}
	for _, m := range []map[string]any{pkg.Volta, pkg.Engines} {
		if s, ok := m[name].(string); ok && versionLike(s) {
			return api.ParseVersionFileOutput{Version: strings.TrimSpace(s)}, nil
		}
	}
	return api.ParseVersionFileOutput{}, nil
}

// parsePackageManager reads corepack's "<name>@<version>[+<algo>.<hex>]".
// ok is false when the field names another package manager.
func parsePackageManager(pm, name string) (api.ParseVersionFileOutput, bool, error) {
	pmName, rest, found := strings.Cut(pm, "@")
	if pmName != name {
		return api.ParseVersionFileOutput{}, false, nil
	}
	if !found || rest == "" {
		return api.ParseVersionFileOutput{Version: "latest"}, true, nil
	}
	ver, hash, hasHash := strings.Cut(rest, "+")
	s, err := sdk.ParseSpec(ver)
	if err != nil {
		return api.ParseVersionFileOutput{}, true, pluginhost.Errorf("package.json: packageManager %q: %q is not a %s version: %v", pm, ver, name, err)
	}
	if s.Kind == sdk.SpecAlias || s.Kind == sdk.SpecCanary {
		return api.ParseVersionFileOutput{Version: ver}, true, nil
	}
	out := api.ParseVersionFileOutput{Version: ver}
	if hasHash {
		if s.Kind != sdk.SpecExact {
			return out, true, pluginhost.Errorf("package.json: packageManager %q has a hash but %q is not one exact version", pm, ver)
		}
		algo, digest, ok := strings.Cut(hash, ".")
		algo = strings.ToLower(algo)
		want := map[string]int{"sha512": 128, "sha256": 64}[algo]
		if !ok || want == 0 {
			if algo == "sha1" || algo == "sha224" {
				// Valid for corepack, but a hash tote cannot check.
				return out, true, nil
			}
			return out, true, pluginhost.Errorf("package.json: packageManager %q: the hash must be sha512.<hex> or sha256.<hex>", pm)
		}
		if _, err := hex.DecodeString(digest); err != nil || len(digest) != want {
			return out, true, pluginhost.Errorf("package.json: packageManager %q: %s needs %d hex digits", pm, algo, want)
		}
		out.Checksum = api.Checksum(algo + ":" + strings.ToLower(digest))
	}
	return out, true, nil
}

// devEngineVersion finds the entry named name in a devEngines object or list.
func devEngineVersion(raw json.RawMessage, name string) string {
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
		if e.Name == name && versionLike(e.Version) {
			return strings.TrimSpace(e.Version)
		}
	}
	return ""
}

// versionLike accepts full and partial versions and ranges.
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
