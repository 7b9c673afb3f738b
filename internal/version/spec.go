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

// Kind classifies a Spec: the shared library's kinds.
type Kind = vlib.Kind

// Spec kinds.
const (
	// KindFull is a complete version: 1.2.3, v1.2.3-rc.1, 2024-01-02.
	KindFull = vlib.KindExact
	// KindPartial is a version prefix such as 20 or 1.22.
	KindPartial = vlib.KindPartial
	// KindRange is a requirement such as ^1.2 or >=1.20 <1.23.
	KindRange = vlib.KindRange
	// KindAlias is a name such as latest, lts or a user alias.
	KindAlias = vlib.KindAlias
	// KindCanary is the canary build.
	KindCanary = vlib.KindCanary
	// KindLiteral is version-like text that is not semver (1.2.3.4); it
	// matches only an identical version string.
	KindLiteral = vlib.KindLiteral
)

// Spec is a parsed version spec. The zero value is invalid.
type Spec struct {
	s   vlib.Spec
	raw string // as written (trimmed); "canary" for the canary
	// canonical is, for a full or literal spec, raw without a leading "v"
	// (build metadata kept: it is part of the version installed).
	canonical string
}

// Kind returns the spec's kind.
func (s Spec) Kind() Kind { return s.s.Kind }

// String returns the spec as written (trimmed).
func (s Spec) String() string { return s.raw }

// Alias returns the alias name for KindAlias specs, else "".
func (s Spec) Alias() string {
	if s.Kind() == KindAlias {
		return s.raw
	}
	return ""
}

// Version returns the version a full spec names, without a leading "v"
// (calendar versions as written), else "".
func (s Spec) Version() string {
	if s.Kind() == KindFull {
		return s.canonical
	}
	return ""
}

// Lib returns the spec of the shared version library.
func (s Spec) Lib() vlib.Spec { return s.s }

// IsFull reports whether s names one exact version, so resolving it needs
// no version list.
func IsFull(s Spec) bool { return s.Kind() == KindFull }

// ParseSpec parses a version spec. Errors quote the input.
func ParseSpec(s string) (Spec, error) {
	ls, err := vlib.ParseSpec(s)
	if err != nil {
		return Spec{}, err
	}
	spec := Spec{s: ls, raw: ls.Raw}
	switch ls.Kind {
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
