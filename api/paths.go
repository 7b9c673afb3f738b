package api

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// VirtualPath is a path as a plugin sees it, such as "/proto/tools/node/20.1.0".
//
// On the wire it is proto's untagged VirtualPath: either a plain string (the
// virtual path only), or an object {"path", "virtual_prefix", "real_prefix"}
// that also carries the real prefix of the mount the path lives in. The host
// sends the object form; both forms are accepted when decoding.
type VirtualPath struct {
	// Path is the virtual path (wire: "path", or the whole string).
	Path string
	// VirtualPrefix is the mount point, such as "/proto" (wire: "virtual_prefix").
	VirtualPrefix string
	// RealPrefix is the host directory behind the mount (wire: "real_prefix").
	RealPrefix string
}

// NewVirtualPath returns a VirtualPath with only a virtual path.
func NewVirtualPath(p string) VirtualPath { return VirtualPath{Path: p} }

// String returns the virtual path.
func (v VirtualPath) String() string { return v.Path }

// IsZero reports whether the path is empty.
func (v VirtualPath) IsZero() bool { return v.Path == "" }

// Join appends elements to the path, keeping the prefixes.
func (v VirtualPath) Join(elem ...string) VirtualPath {
	v.Path = path.Join(append([]string{v.Path}, elem...)...)
	return v
}

// RealPath returns the host path when the prefixes are known, and "" if not.
func (v VirtualPath) RealPath() string {
	if v.VirtualPrefix == "" || v.RealPrefix == "" {
		return ""
	}
	rest, ok := strings.CutPrefix(v.Path, v.VirtualPrefix)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return ""
	}
	return v.RealPrefix + rest
}

type virtualPathWire struct {
	Path          string `json:"path"`
	VirtualPrefix string `json:"virtual_prefix"`
	RealPrefix    string `json:"real_prefix"`
}

// MarshalJSON encodes the object form when prefixes are set, else a string.
func (v VirtualPath) MarshalJSON() ([]byte, error) {
	if v.VirtualPrefix == "" && v.RealPrefix == "" {
		return json.Marshal(v.Path)
	}
	return json.Marshal(virtualPathWire{v.Path, v.VirtualPrefix, v.RealPrefix})
}

// UnmarshalJSON accepts a string or the object form.
func (v *VirtualPath) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = VirtualPath{Path: s}
		return nil
	}
	var w struct {
		Path          string `json:"path"`
		VirtualPrefix string `json:"virtual_prefix"`
		RealPrefix    string `json:"real_prefix"`
		V             string `json:"v"`
		R             string `json:"r"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("virtual path: want a string or {path, virtual_prefix, real_prefix}: %w", err)
	}
	if w.VirtualPrefix == "" {
		w.VirtualPrefix = w.V
	}
	if w.RealPrefix == "" {
		w.RealPrefix = w.R
	}
	*v = VirtualPath{Path: w.Path, VirtualPrefix: w.VirtualPrefix, RealPrefix: w.RealPrefix}
	return nil
}

// StringOrSlice is proto's StringOrVec: on the wire either one string or a
// list of strings. It always decodes to a slice and encodes a one-element
// slice as a plain string.
type StringOrSlice []string

// MarshalJSON encodes one element as a string, otherwise a list.
func (s StringOrSlice) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// UnmarshalJSON accepts a string or a list of strings.
func (s *StringOrSlice) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = StringOrSlice{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}
