package version

import (
	"strings"
	"testing"
)

// The expected tables below are proto's semantics, written from its
// sources (moonrepo/proto, crates/version-spec: unresolved_parser.rs and
// its tests, unresolved_spec.rs, version_types.rs; proto before the custom
// parser of #1050, which resolves requirements with Rust's semver crate)
// and from the semver crate's documented matching rules (default caret
// operator inside a requirement, prereleases matched only through a
// comparator on the same major.minor.patch). Each row names what proto
// turns the spec into. The test is the differential: tote's one version
// library must give proto's answer for every row.

// protoKinds: how proto's UnresolvedVersionSpec::parse classifies a spec
// (Canary, Alias, Semantic/Calendar = exact, Req/ReqAny = partial or range).
var protoKinds = []struct {
	spec string
	kind Kind
}{
	{"canary", KindCanary},
	{"latest", KindAlias},
	{"stable", KindAlias},
	{"lts-hydrogen", KindAlias}, // a dashed alias stays an alias
	{"lts/*", KindAlias},
	{"future/202x", KindAlias},
	{"x", KindAlias}, // is_alias_name("x")
	{"1.2.3", KindExact},
	{"v1.2.3", KindExact},
	{"01.02.03", KindExact}, // leading zeros stripped
	{"1.2.3-alpha", KindExact},
	{"v1.2.3-a-b-c", KindExact},
	{"1.2.3+build", KindExact},
	{"2000-02-03", KindExact}, // calver
	{"12-2-03", KindExact},    // short year: 2012-02-03
	{"1", KindPartial},        // ~1
	{"1.2", KindPartial},      // ~1.2
	{"v1.2", KindPartial},
	{"2000-02", KindPartial}, // ~2000.2
	{"2000", KindPartial},    // a year alone is semver: ~2000
	{"1.*", KindRange},       // ~1
	{"1.2.*", KindRange},     // ~1.2
	{"1.x", KindRange},       // ~1
	{"*", KindRange},
	{"2000-*", KindRange},
	{"^1.2", KindRange},
	{"~1", KindRange},
	{"=1.2.3", KindRange},
	{">1.2.0", KindRange},
	{"<1", KindRange},
	{"> 10", KindRange},
	{">=1.2.7 <1.3.0", KindRange},
	{">=1.2.0, <1.3.0", KindRange},
	{">=1.2 && <1.5", KindRange},
	{"^1.2 || ~1 || 3,4", KindRange},
	{"~2000-2", KindRange},
	{">2000-10", KindRange},
}

func TestProtoKinds(t *testing.T) {
	t.Parallel()
	for _, c := range protoKinds {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", c.spec, err)
			continue
		}
		if s.Kind != c.kind {
			t.Errorf("ParseSpec(%q).Kind = %v, proto: %v", c.spec, s.Kind, c.kind)
		}
	}
}

// protoMatches: spec, what proto makes of it, and versions that match (+)
// or do not (-).
var protoMatches = []struct {
	spec, proto string
	versions    string
}{
	// Partials are tilde requirements; prereleases never match them.
	{"20", "~20", "+20.0.0 +20.11.1 +v20.5.0 -21.0.0 -19.9.9 -20.1.0-rc.1"},
	{"1.22", "~1.22", "+1.22.0 +1.22.7 -1.23.0 -1.21.9 -1.22.0-rc.1"},
	{"v1.22", "~1.22", "+1.22.3 -1.23.0"},
	{"1.02", "~1.2", "+1.2.9 -1.3.0"},
	// Exact versions.
	{"1.2.3", "1.2.3", "+1.2.3 +v1.2.3 -1.2.4 -1.2.2 -1.2.3-rc.1"},
	{"v1.2.3-rc.1", "1.2.3-rc.1", "+1.2.3-rc.1 -1.2.3 -1.2.3-rc.2"},
	// Tilde.
	{"~1.2.3", ">=1.2.3, <1.3.0", "+1.2.3 +1.2.9 -1.3.0 -1.2.2"},
	{"~1.2", ">=1.2.0, <1.3.0", "+1.2.0 +1.2.9 -1.3.0"},
	{"~1", ">=1.0.0, <2.0.0", "+1.0.0 +1.9.9 -2.0.0"},
	// Caret.
	{"^1.2.3", ">=1.2.3, <2.0.0", "+1.2.3 +1.9.0 -2.0.0 -1.2.2"},
	{"^1.2", ">=1.2.0, <2.0.0", "+1.2.0 +1.99.0 -2.0.0 -1.1.9"},
	{"^0.2.3", ">=0.2.3, <0.3.0", "+0.2.3 +0.2.9 -0.3.0"},
	{"^0.0.3", "=0.0.3", "+0.0.3 -0.0.4"},
	{"^0.0", ">=0.0.0, <0.1.0", "+0.0.5 -0.1.0"},
	{"^0", ">=0.0.0, <1.0.0", "+0.9.9 -1.0.0"},
	// Comparisons with partial versions (the semver crate's rules).
	{">1.2", ">=1.3.0", "-1.2.9 +1.3.0"},
	{">1", ">=2.0.0", "-1.9.0 +2.0.0"},
	{">=1.2", ">=1.2.0", "+1.2.0 -1.1.9"},
	{"<=1.2", "<1.3.0", "+1.2.9 -1.3.0"},
	{"<1.2", "<1.2.0", "+1.1.9 -1.2.0"},
	{"=1.2", ">=1.2.0, <1.3.0", "+1.2.5 -1.3.0"},
	{"> 10", ">=11.0.0", "-10.9.0 +11.0.0"},
	// Lists: space, comma or && mean AND.
	{">=1.20 <1.23", ">=1.20, <1.23", "+1.20.0 +1.22.9 -1.23.0 -1.19.9"},
	{">=1.20, <1.23", ">=1.20, <1.23", "+1.21.0 -1.23.0"},
	{">=1.20 && <1.23", ">=1.20, <1.23", "+1.21.0 -1.23.0"},
	{">= 1.2, < 1.5", ">=1.2, <1.5", "+1.4.9 -1.5.0"},
	// A bare version in a list is a caret requirement.
	{"1.2 <1.9", "^1.2, <1.9", "+1.8.0 -1.9.0 -1.1.0"},
	{"1.2, 4.5", "^1.2, ^4.5", "-1.2.0 -4.5.0"},
	// Wildcards are partials.
	{"1.x", "~1", "+1.5.0 -2.0.0"},
	{"1.2.*", "~1.2", "+1.2.8 -1.3.0"},
	{"1.*.*", "~1", "+1.0.0 -2.0.0"},
	{"*", "*", "+1.0.0 +0.0.1 -1.0.0-rc.1"},
	// Alternatives.
	{"^18 || ^20", "^18 || ^20", "+18.1.0 -19.0.0 +20.3.0 -21.0.0"},
	{"^1.2 || ~1 || 3,4", "^1.2 || ~1 || ^3,^4", "+1.0.0 +1.9.0 -3.0.0 -4.0.0"},
	// Prereleases match only through a comparator on the same triple.
	{">=1.2.3-beta", ">=1.2.3-beta", "+1.2.3-rc.1 -1.2.4-rc.1 +1.2.4 -1.2.3-alpha"},
	{"~1.2.3-beta.2", ">=1.2.3-beta.2, <1.3.0", "+1.2.3-beta.4 +1.2.3-beta.10 -1.2.4-beta -1.2.3-beta.1 +1.2.3"},
	{"^1.2.3-rc.1", ">=1.2.3-rc.1, <2.0.0", "+1.2.3-rc.2 -1.3.0-rc.1 +1.3.0"},
	{"^1.2", ">=1.2.0, <2.0.0", "-1.5.0-rc.1"},
	{">=1.2.3 <2.4.0-0", ">=1.2.3, <2.4.0-0", "+2.3.9 -2.4.0-rc.1 -2.4.0"},
	// Calendar versions are year.month.day.
	{"2024-02", "~2024.2", "+2024-02-15 +2024-2-3 -2024-03-01 -2024-01-31"},
	{"2024-01-02", "2024.1.2", "+2024-01-02 +2024-1-2 -2024-01-03"},
	{"2024", "~2024", "+2024-06-01 -2025-01-01"},
	{"~2000-2", "~2000.2", "+2000-02-28 -2000-03-01"},
	{">2000-10", ">=2000.11.0", "+2000-11-01 -2000-10-30"},
	{"<=2000-12-12", "<=2000.12.12", "+2000-12-12 -2000-12-13"},
	{"24-02", "~2024.2", "+2024-02-10 -2024-03-10"},
	{"2000-*", "~2000", "+2000-05-05 -2001-01-01"},
	{"2000-02-*", "~2000.2", "+2000-02-05 -2000-03-01"},
	// Aliases and canary match no version (they are resolved first).
	{"latest", "alias", "-1.0.0 -latest"},
	{"canary", "canary", "-1.0.0 -canary"},
}

func TestProtoMatches(t *testing.T) {
	t.Parallel()
	for _, c := range protoMatches {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Errorf("ParseSpec(%q) (proto: %s): %v", c.spec, c.proto, err)
			continue
		}
		for _, v := range strings.Fields(c.versions) {
			want, ver := v[0] == '+', v[1:]
			if got := s.Matches(ver); got != want {
				t.Errorf("%q (proto: %s) matches %q = %v, proto says %v", c.spec, c.proto, ver, got, want)
			}
		}
	}
}

// protoErrors are specs proto refuses; tote refuses them too.
var protoErrors = []string{">=abc", "^", "node@20", "<*", ">=", "~>1.2"}

func TestProtoErrors(t *testing.T) {
	t.Parallel()
	for _, spec := range protoErrors {
		if s, err := ParseSpec(spec); err == nil {
			t.Errorf("ParseSpec(%q) = %v %+v, proto refuses it", spec, s.Kind, s)
		}
	}
}

// toteExtensions are where tote deliberately accepts more than proto, each
// with its reason; they are listed so that the difference is a decision.
var toteExtensions = []struct {
	spec, why string
	kind      Kind
	versions  string
}{
	{"1.2 - 1.4", "npm's inclusive hyphen range (proto: ^1.2 AND ^1.4)", KindRange, "+1.2.0 +1.4.9 -1.5.0 -1.1.9"},
	{"1.2.3 - 2", "npm's hyphen range with a partial end", KindRange, "+1.9.0 +2.9.9 -3.0.0"},
	{"!=1.2.3", "Masterminds' and npm's not-equal", KindRange, "-1.2.3 +1.2.4"},
	{"==1.2.3", "npm's double equals", KindRange, "+1.2.3 -1.2.4"},
	{"CANARY", "canary in any case", KindCanary, "-1.0.0"},
	{"1.21rc2", "Go's old version names: a literal that matches only itself", KindLiteral, "+1.21rc2 +v1.21rc2 -1.21.0 -1.21.0-rc.2"},
	{"1.2.3.4", "four-part versions: a literal", KindLiteral, "+1.2.3.4 -1.2.3"},
}

func TestToteExtensions(t *testing.T) {
	t.Parallel()
	for _, c := range toteExtensions {
		s, err := ParseSpec(c.spec)
		if err != nil || s.Kind != c.kind {
			t.Errorf("ParseSpec(%q) = %v, %v; want %v (%s)", c.spec, s.Kind, err, c.kind, c.why)
			continue
		}
		for _, v := range strings.Fields(c.versions) {
			want, ver := v[0] == '+', v[1:]
			if got := s.Matches(ver); got != want {
				t.Errorf("%q (%s) matches %q = %v, want %v", c.spec, c.why, ver, got, want)
			}
		}
	}
}

func TestSortOrder(t *testing.T) {
	t.Parallel()
	got := []string{"foo", "1.10.0", "2024-01-02", "1.2.0", "v1.3.0", "1.2.0-rc.10", "1.2.0-rc.2", "1.2.0-alpha", "1.2.0-rc.1", "2.0.0", "1.21rc2", "1.2.0+b"}
	Sort(got)
	want := []string{"1.2.0-alpha", "1.2.0-rc.1", "1.2.0-rc.2", "1.2.0-rc.10", "1.2.0", "1.2.0+b", "v1.3.0", "1.10.0", "2.0.0", "2024-01-02", "1.21rc2", "foo"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Sort:\n got %v\nwant %v", got, want)
	}
	for i := range want {
		for j := range want {
			c := Compare(want[i], want[j])
			if (i < j && c >= 0) || (i > j && c <= 0) || (i == j && c != 0) {
				t.Errorf("Compare(%q, %q) = %d, not the Sort order", want[i], want[j], c)
			}
		}
	}
}
