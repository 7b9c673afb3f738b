// Package version resolves version specs against the versions a plugin
// offers and the versions installed: aliases (the user's, then the
// plugin's), latest/stable, lts names, canary, and the "nearest versions"
// of a failed resolution.
//
// Parsing, matching and ordering are tote's one version library,
// github.com/tote-dev/tote/api/version, shared with the shim's fast path
// and the guest SDK; see its documentation for the syntax, which mirrors
// proto's UnresolvedVersionSpec:
//
//	1.2.3, v1.2.3, 1.2.3-rc.1, 1.2.3+build   full version (KindFull)
//	2024-01-02                               calendar version (KindFull)
//	20, 1.22, v20, 2024-01                   partial: highest match (KindPartial)
//	^1.2, ~1.2.3, >=1.20 <1.23, >=1.2, <2,
//	1.x, 1.2 - 1.4, ^18 || ^20               requirement or range (KindRange)
//	latest, stable, lts, lts/*, lts-*,
//	lts/iron, any-other-word                 alias (KindAlias)
//	canary                                   canary build (KindCanary)
//	1.2.3.4, 1.21rc2                         other version-like text: matches
//	                                         only that exact version (KindLiteral)
package version

import (
	"strings"

	vlib "github.com/tote-dev/tote/api/version"
)

// Kind classifies a Spec.
type Kind int

// Spec kinds.
const (
	// KindFull is a complete version: 1.2.3, v1.2.3-rc.1, 2024-01-02.
	KindFull Kind = iota + 1
	// KindPartial is a version prefix such as 20 or 1.22.
	KindPartial
	// KindRange is a requirement such as ^1.2 or >=1.20 <1.23.
	KindRange
	// KindAlias is a name such as latest, lts or a user alias.
	KindAlias
	// KindCanary is the canary build.
	KindCanary
	// KindLiteral is version-like text that is not semver (1.2.3.4); it
	// matches only an identical version string.
	KindLiteral
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindFull:
		return "full"
	case KindPartial:
		return "partial"
	case KindRange:
		return "range"
	case KindAlias:
		return "alias"
	case KindCanary:
		return "canary"
	case KindLiteral:
		return "literal"
	}
	return "invalid"
}

var kinds = map[vlib.Kind]Kind{
	vlib.KindExact: KindFull, vlib.KindPartial: KindPartial, vlib.KindRange: KindRange,
	vlib.KindAlias: KindAlias, vlib.KindCanary: KindCanary, vlib.KindLiteral: KindLiteral,
}

// Spec is a parsed version spec. The zero value is invalid.
type Spec struct {
	s    vlib.Spec
	kind Kind
	raw  string // as written (trimmed); "canary" for the canary
	// canonical is, for a full or literal spec, raw without a leading "v"
	// (build metadata kept: it is part of the version installed).
	canonical string
}

// Kind returns the spec's kind.
func (s Spec) Kind() Kind { return s.kind }

// String returns the spec as written (trimmed).
func (s Spec) String() string { return s.raw }

// Alias returns the alias name for KindAlias specs, else "".
func (s Spec) Alias() string {
	if s.kind == KindAlias {
		return s.raw
	}
	return ""
}

// Version returns the version a full spec names, without a leading "v"
// (calendar versions as written), else "".
func (s Spec) Version() string {
	if s.kind == KindFull {
		return s.canonical
	}
	return ""
}

// Lib returns the spec of the shared version library.
func (s Spec) Lib() vlib.Spec { return s.s }

// IsFull reports whether s names one exact version, so resolving it needs
// no version list.
func IsFull(s Spec) bool { return s.kind == KindFull }

// ParseSpec parses a version spec. Errors quote the input.
func ParseSpec(s string) (Spec, error) {
	ls, err := vlib.ParseSpec(s)
	if err != nil {
		return Spec{}, err
	}
	spec := Spec{s: ls, kind: kinds[ls.Kind], raw: ls.Raw}
	switch spec.kind {
	case KindCanary:
		spec.raw = "canary"
	case KindFull, KindLiteral:
		spec.canonical = trimV(ls.Raw)
	}
	return spec, nil
}

// MustParseSpec is ParseSpec for constants; it panics on error.
func MustParseSpec(s string) Spec {
	spec, err := ParseSpec(s)
	if err != nil {
		panic(err)
	}
	return spec
}

// trimV removes one leading "v" or "V" that is followed by a digit.
func trimV(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && s[1] >= '0' && s[1] <= '9' {
		return s[1:]
	}
	return s
}

// Matches reports whether version satisfies s. Aliases and canary match
// nothing (resolve them first); a literal matches only itself (ignoring a
// leading "v").
func (s Spec) Matches(version string) bool { return s.s.Matches(strings.TrimSpace(version)) }
