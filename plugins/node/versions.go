package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Release is one entry of the release index (index.json). Only the fields
// the plugin uses are decoded; the index has more (date, npm, v8, …).
type Release struct {
	// Version is the version with its "v", such as "v20.11.1".
	Version string `json:"version"`
	// LTS is the LTS codename ("Iron"), or "" when the release is not LTS
	// (the index writes false).
	LTS LTSName `json:"lts"`
}

// LTSName is the index's "lts" field: false or a codename string.
type LTSName string

// UnmarshalJSON accepts false (no LTS), null or a codename.
func (n *LTSName) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("false")), bytes.Equal(b, []byte("null")):
		*n = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = LTSName(s)
		return nil
	}
	return fmt.Errorf("lts: want false or a codename, got %s", b)
}

// ParseIndex decodes a release index (the body of index.json).
func ParseIndex(body []byte) ([]Release, error) {
	var rel []Release
	if err := json.Unmarshal(body, &rel); err != nil {
		return nil, err
	}
	return rel, nil
}

// Versions turns releases into load_versions' answer: every version
// without its "v", in index order (newest first); latest is the highest
// version; "stable" is the highest LTS version; each codename (lower case,
// such as "iron") names the highest version of its LTS line; "latest"
// names latest.
func Versions(rel []Release) api.LoadVersionsOutput {
	out := api.LoadVersionsOutput{Versions: make([]string, 0, len(rel)), Aliases: map[string]string{}}
	var stable string
	for _, r := range rel {
		v := strings.TrimPrefix(strings.TrimSpace(r.Version), "v")
		if v == "" {
			continue
		}
		out.Versions = append(out.Versions, v)
		if out.Latest == "" || sdk.CompareVersions(v, out.Latest) > 0 {
			out.Latest = v
		}
		if r.LTS == "" {
			continue
		}
		if stable == "" || sdk.CompareVersions(v, stable) > 0 {
			stable = v
		}
		name := strings.ToLower(string(r.LTS))
		if cur, ok := out.Aliases[name]; !ok || sdk.CompareVersions(v, cur) > 0 {
			out.Aliases[name] = v
		}
	}
	if out.Latest != "" {
		out.Aliases["latest"] = out.Latest
	}
	if stable != "" {
		out.Aliases["stable"] = stable
	}
	return out
}

// LoadVersions reads the release index.
func LoadVersions(h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	body, err := h.Fetch(IndexURL)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	rel, err := ParseIndex(body)
	if err != nil {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("the Node.js release index %s is not valid: %v", IndexURL, err)
	}
	out := Versions(rel)
	if len(out.Versions) == 0 {
		return out, pluginhost.Errorf("the Node.js release index %s lists no versions", IndexURL)
	}
	return out, nil
}

// ResolveVersion maps nvm's aliases onto the ones load_versions defines:
// "node" is "latest"; "lts", "lts/*", "lts-*" and "lts-latest" are
// "stable"; "lts/<codename>" and "lts-<codename>" are the codename (any
// case). Other specs are left to the host.
func ResolveVersion(h pluginhost.Host, in api.ResolveVersionInput) (api.ResolveVersionOutput, error) {
	s := strings.ToLower(strings.TrimSpace(in.Initial))
	switch {
	case s == "node":
		return api.ResolveVersionOutput{Candidate: "latest"}, nil
	case s == "lts" || s == "lts/*" || s == "lts-*" || s == "lts-latest" || s == "lts/latest":
		return api.ResolveVersionOutput{Candidate: "stable"}, nil
	case (strings.HasPrefix(s, "lts/") || strings.HasPrefix(s, "lts-")) && len(s) > 4:
		return api.ResolveVersionOutput{Candidate: s[4:]}, nil
	}
	return api.ResolveVersionOutput{}, nil
}
