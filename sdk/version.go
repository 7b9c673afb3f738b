package sdk

import "github.com/tote-dev/tote/api/version"

// SpecKind is the kind of a version [Spec]: the kinds of tote's one version
// library, package github.com/tote-dev/tote/api/version, which the host
// and the shim use too, so a spec means the same in a plugin as in tote.
type SpecKind = version.Kind

// Kinds of version specs (see package api/version for the syntax).
const (
	// SpecExact is a full version: "1.2.3", "v1.2.3", "1.2.3-rc.1",
	// "2024-01-02".
	SpecExact = version.KindExact
	// SpecPartial is a version with fewer than three parts: "20", "1.22",
	// "2024-01". It matches the stable versions that start with it.
	SpecPartial = version.KindPartial
	// SpecRequirement is a range: "^1.2", "~1.2.3", ">=1.20 <1.23",
	// ">=1.20, <1.23", "1.2 - 1.4", "1.x", "*", and any of these joined
	// with "||".
	SpecRequirement = version.KindRange
	// SpecAlias is a name resolved by the plugin or the host: "latest",
	// "stable", "lts", "lts/*", or a named alias such as "hydrogen".
	SpecAlias = version.KindAlias
	// SpecCanary is "canary", the tool's nightly or canary build.
	SpecCanary = version.KindCanary
	// SpecLiteral is other version-like text ("1.21rc2", "1.2.3.4") that
	// matches only itself.
	SpecLiteral = version.KindLiteral
)

// Spec is a parsed version spec, as a user writes it in .prototools or a
// version file (version.Spec). The zero Spec matches nothing.
//
// Versions follow semantic versioning 2.0.0 with an optional leading "v",
// and calendar versions (2024-01-02) count as year.month.day: prerelease
// versions sort before their release ("1.0.0-rc.1" < "1.0.0"), numeric
// prerelease identifiers compare as numbers, and build metadata
// ("+build") is ignored. As in proto, a partial ("1.22") is a tilde
// requirement, and a range matches a prerelease only when one of its
// comparators names a prerelease of the same major.minor.patch:
// ">=1.2.3-beta" matches "1.2.3-rc.1" but not "1.2.4-rc.1"; "^1.2"
// matches no prerelease.
type Spec = version.Spec

// ParseSpec parses a version spec. Accepted forms: full versions ("1.2.3",
// "v1.2.3", "2024-01-02"), partial versions ("20", "1.22", "2024-01"),
// requirements (see [SpecRequirement]), aliases ("latest", "stable",
// "lts", "lts/*", named), "canary", and other version-like text as a
// literal. Anything else is an error that quotes the offending text.
func ParseSpec(s string) (Spec, error) { return version.ParseSpec(s) }

// SortVersions sorts versions in ascending version order; strings that
// are not versions sort last, in lexical order.
func SortVersions(versions []string) { version.Sort(versions) }

// CompareVersions compares two versions by precedence and returns -1, 0 or
// +1. Strings that are not versions are higher than all versions and
// compare lexically among themselves; versions that differ only in build
// metadata or the "v" prefix also compare lexically, so the order is
// total.
func CompareVersions(a, b string) int { return version.Compare(a, b) }
