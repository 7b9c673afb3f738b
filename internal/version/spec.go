// Package version parses version specs and resolves them against the
// versions a plugin offers and the versions installed.
//
// A spec is what a user writes in a pin or on the command line; the syntax
// mirrors proto's UnresolvedVersionSpec:
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
//
// Requirements use github.com/Masterminds/semver/v3 syntax: a comma or a
// space means AND, "||" means OR. Prereleases match only a spec that names
// a prerelease.
package version

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
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

// Spec is a parsed version spec. The zero value is invalid.
type Spec struct {
	kind      Kind
	raw       string
	canonical string // full: raw without a leading "v"; literal: likewise
	ver       *semver.Version
	parts     int // partial: number of components written (1 or 2)
	cons      *semver.Constraints
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

// IsFull reports whether s names one exact version, so resolving it needs
// no version list.
func IsFull(s Spec) bool { return s.kind == KindFull }

var (
	fullRE     = regexp.MustCompile(`^[vV]?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	calFullRE  = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	calPartRE  = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	partialRE  = regexp.MustCompile(`^[vV]?(\d+)(?:\.(\d+))?$`)
	wildcardRE = regexp.MustCompile(`^[vV]?\d+(\.(\d+|[xX*]))*$`)
	literalRE  = regexp.MustCompile(`^[vV]?\d[0-9A-Za-z.+_-]*$`)
	aliasRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.\-/*]*$`)
)

// ParseSpec parses a version spec. Errors quote the input.
func ParseSpec(s string) (Spec, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Spec{}, fmt.Errorf("invalid version spec %q: empty", s)
	}
	if strings.EqualFold(raw, "canary") {
		return Spec{kind: KindCanary, raw: "canary"}, nil
	}
	if m := calFullRE.FindStringSubmatch(raw); m != nil {
		if v, ok := calendar(m[1], m[2], m[3]); ok {
			return Spec{kind: KindFull, raw: raw, canonical: raw, ver: v}, nil
		}
	}
	if m := calPartRE.FindStringSubmatch(raw); m != nil {
		if v, ok := calendar(m[1], m[2], ""); ok {
			return Spec{kind: KindPartial, raw: raw, ver: v, parts: 2}, nil
		}
	}
	bare := trimV(raw)
	if fullRE.MatchString(raw) {
		v, err := semver.NewVersion(bare)
		if err != nil {
			return Spec{}, fmt.Errorf("invalid version spec %q: %w", s, err)
		}
		return Spec{kind: KindFull, raw: raw, canonical: bare, ver: v}, nil
	}
	if m := partialRE.FindStringSubmatch(raw); m != nil {
		v, err := semver.NewVersion(bare)
		if err != nil {
			return Spec{}, fmt.Errorf("invalid version spec %q: %w", s, err)
		}
		parts := 1
		if m[2] != "" {
			parts = 2
		}
		return Spec{kind: KindPartial, raw: raw, ver: v, parts: parts}, nil
	}
	if aliasRE.MatchString(raw) && bare == raw {
		return Spec{kind: KindAlias, raw: raw}, nil
	}
	if strings.ContainsAny(raw, "<>=^~*|, ") || (wildcardRE.MatchString(raw) && strings.ContainsAny(raw, "xX")) {
		c, err := semver.NewConstraint(raw)
		if err != nil {
			return Spec{}, fmt.Errorf("invalid version spec %q: %w", s, err)
		}
		return Spec{kind: KindRange, raw: raw, cons: c}, nil
	}
	if literalRE.MatchString(raw) {
		return Spec{kind: KindLiteral, raw: raw, canonical: bare}, nil
	}
	return Spec{}, fmt.Errorf("invalid version spec %q: not a version, a range or an alias", s)
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

func calendar(y, m, d string) (*semver.Version, bool) {
	year, _ := strconv.ParseUint(y, 10, 64)
	month, _ := strconv.ParseUint(m, 10, 64)
	day := uint64(0)
	if d != "" {
		day, _ = strconv.ParseUint(d, 10, 64)
		if day < 1 || day > 31 {
			return nil, false
		}
	}
	if month < 1 || month > 12 {
		return nil, false
	}
	return semver.New(year, month, day, "", ""), true
}

// parseVersion parses an available or installed version: semver with an
// optional "v" (missing components count as 0) or a calendar date.
func parseVersion(s string) (*semver.Version, bool) {
	if m := calFullRE.FindStringSubmatch(s); m != nil {
		return calendar(m[1], m[2], m[3])
	}
	if m := calPartRE.FindStringSubmatch(s); m != nil {
		return calendar(m[1], m[2], "")
	}
	v, err := semver.NewVersion(trimV(s))
	if err != nil {
		return nil, false
	}
	return v, true
}

// Matches reports whether version satisfies s. Aliases and canary match
// nothing (resolve them first); a literal matches only itself (ignoring a
// leading "v").
func (s Spec) Matches(version string) bool {
	switch s.kind {
	case KindLiteral:
		return version == s.raw || trimV(version) == s.canonical
	case KindFull, KindPartial, KindRange:
	default:
		return false
	}
	v, ok := parseVersion(version)
	if !ok {
		return false
	}
	return s.matches(v)
}

func (s Spec) matches(v *semver.Version) bool {
	switch s.kind {
	case KindFull:
		if v.Compare(s.ver) != 0 {
			return false
		}
		return s.ver.Metadata() == "" || v.Metadata() == s.ver.Metadata()
	case KindPartial:
		if v.Prerelease() != "" || v.Major() != s.ver.Major() {
			return false
		}
		return s.parts < 2 || v.Minor() == s.ver.Minor()
	case KindRange:
		return s.cons.Check(v)
	}
	return false
}
