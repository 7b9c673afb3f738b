package node

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// VersionFiles are the files that pin a Node.js version, in precedence
// order within one directory (proto's order).
var VersionFiles = []string{".nvmrc", ".node-version", "package.json"}

// DetectVersionFiles lists .nvmrc, .node-version and package.json, and
// skips node_modules.
func DetectVersionFiles(ctx context.Context, h pluginhost.Host, in api.DetectVersionInput) (api.DetectVersionOutput, error) {
	return api.DetectVersionOutput{Files: append([]string(nil), VersionFiles...), Ignore: []string{"node_modules"}}, nil
}

// ParseVersionFile reads a version from .nvmrc or .node-version (the
// first line that is not blank or a comment; "node" means latest, "system"
// pins nothing) or from package.json (devEngines.runtime named node, then
// volta.node, then engines.node; the first valid one wins).
func ParseVersionFile(ctx context.Context, h pluginhost.Host, in api.ParseVersionFileInput) (api.ParseVersionFileOutput, error) {
	if in.File == "package.json" {
		v, err := parsePackageJSON(h, in.Content)
		return api.ParseVersionFileOutput{Version: v}, err
	}
	v, err := parseText(in.File, in.Content)
	return api.ParseVersionFileOutput{Version: v}, err
}

// parseText reads an .nvmrc or .node-version.
func parseText(file, content string) (string, error) {
	content = strings.TrimPrefix(content, "\ufeff")
	for line := range strings.SplitSeq(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		// A trailing comment, as nvm allows: "20 # the LTS we test on".
		if i := strings.Index(line, "#"); i > 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch strings.ToLower(line) {
		case "node":
			return "latest", nil
		case "system":
			return "", nil
		}
		s, err := sdk.ParseSpec(line)
		if err != nil {
			return "", pluginhost.Errorf("%s: %q is not a Node.js version: %w", file, line, err)
		}
		return normalize(s), nil
	}
	return "", nil
}

// normalize writes exact and partial versions without their "v".
func normalize(s sdk.Spec) string {
	if s.Kind == sdk.SpecExact || s.Kind == sdk.SpecPartial {
		return s.Version
	}
	return s.Raw
}

// packageJSON is the part of package.json that pins Node.js.
type packageJSON struct {
	DevEngines struct {
		// Runtime is one {name, version} object or a list of them.
		Runtime json.RawMessage `json:"runtime"`
	} `json:"devEngines"`
	Volta   map[string]json.RawMessage `json:"volta"`
	Engines map[string]json.RawMessage `json:"engines"`
}

type devEngine struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// parsePackageJSON reads package.json's pins in proto's order. A file that
// is not JSON pins nothing (with a warning), like proto.
func parsePackageJSON(h pluginhost.Host, content string) (string, error) {
	var pkg packageJSON
	if err := json.Unmarshal([]byte(content), &pkg); err != nil {
		h.Log(api.LogWarn, "package.json is not valid JSON, so it pins no Node.js version: "+err.Error())
		return "", nil
	}
	type candidate struct{ where, value string }
	var cands []candidate
	if v := devEngineVersion(pkg.DevEngines.Runtime); v != "" {
		cands = append(cands, candidate{"devEngines.runtime", v})
	}
	if v := stringField(pkg.Volta, "node"); v != "" {
		cands = append(cands, candidate{"volta.node", v})
	}
	if v := stringField(pkg.Engines, "node"); v != "" {
		cands = append(cands, candidate{"engines.node", v})
	}
	var firstErr error
	for _, c := range cands {
		s, err := sdk.ParseSpec(c.value)
		if err != nil {
			if firstErr == nil {
				firstErr = pluginhost.Errorf("package.json: %s %q is not a Node.js version: %w", c.where, c.value, err)
			}
			continue
		}
		// devEngines and engines take semver ranges only; a word such as
		// "latest" there is not a version (volta pins may be aliases).
		if c.where != "volta.node" && (s.Kind == sdk.SpecAlias || s.Kind == sdk.SpecCanary) {
			continue
		}
		return normalize(s), nil
	}
	return "", firstErr
}

// devEngineVersion finds the version of the runtime named node in
// devEngines.runtime, an object or a list of objects.
func devEngineVersion(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var list []devEngine
	if err := json.Unmarshal(raw, &list); err != nil {
		var one devEngine
		if json.Unmarshal(raw, &one) != nil {
			return ""
		}
		list = []devEngine{one}
	}
	for _, e := range list {
		if e.Name == "node" && strings.TrimSpace(e.Version) != "" {
			return strings.TrimSpace(e.Version)
		}
	}
	return ""
}

// stringField returns m[key] when it is a JSON string.
func stringField(m map[string]json.RawMessage, key string) string {
	raw, ok := m[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}
