package version

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseKinds(t *testing.T) {
	for _, tc := range []struct {
		in      string
		kind    Kind
		version string
		alias   string
	}{
		{"1.2.3", KindExact, "1.2.3", ""},
		{" v1.2.3 ", KindExact, "1.2.3", ""},
		{"V1.2.3-rc.1+build.5", KindExact, "1.2.3-rc.1", ""},
		{"1.2", KindPartial, "1.2", ""},
		{"20", KindPartial, "20", ""},
		{"v20", KindPartial, "20", ""},
		{"latest", KindAlias, "", "latest"},
		{"Stable", KindAlias, "", "stable"},
		{"lts", KindAlias, "", "lts"},
		{"lts/*", KindAlias, "", "lts/*"},
		{"lts/hydrogen", KindAlias, "", "lts/hydrogen"},
		{"hydrogen", KindAlias, "", "hydrogen"},
		{"canary", KindCanary, "", "canary"},
		{"CANARY", KindCanary, "", "canary"},
		{"^1.2", KindRange, "", ""},
		{"~1.2.3", KindRange, "", ""},
		{">=1.20 <1.23", KindRange, "", ""},
		{">=1.20, <1.23", KindRange, "", ""},
		{">= 1.20", KindRange, "", ""},
		{"18 || 20", KindRange, "", ""},
		{"1.2 - 1.4", KindRange, "", ""},
		{"1.x", KindRange, "", ""},
		{"1.2.*", KindRange, "", ""},
		{"*", KindRange, "", ""},
		{"x", KindAlias, "", "x"},
		{"1.21rc2", KindLiteral, "1.21rc2", ""},
		{"v1.2.3.4", KindLiteral, "1.2.3.4", ""},
		{"2024-01-02", KindExact, "2024-01-02", ""},
		{"2024-01", KindPartial, "2024-01", ""},
		{"=1.2.3", KindRange, "", ""},
	} {
		s, err := ParseSpec(tc.in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tc.in, err)
			continue
		}
		if s.Kind != tc.kind || s.Version != tc.version || s.Alias != tc.alias || s.Raw != strings.TrimSpace(tc.in) {
			t.Errorf("ParseSpec(%q) = %+v, want kind %v version %q alias %q", tc.in, s, tc.kind, tc.version, tc.alias)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":           `invalid version spec "": empty`,
		"   ":        `invalid version spec "   ": empty`,
		"1..2":       `invalid version spec "1..2": bad number ""`,
		">=1.2-rc":   `invalid version spec ">=1.2-rc": bad comparator ">=1.2-rc": a prerelease needs a full major.minor.patch version`,
		"2024-13-01": `invalid version spec "2024-13-01": bad calendar version "2024-13-01"`,
		"1.2.3-":     `invalid version spec "1.2.3-": bad prerelease "-"`,
		"1.2.3+":     `invalid version spec "1.2.3+": bad build metadata "+"`,
		">=abc":      `invalid version spec ">=abc": bad comparator ">=abc": bad number "abc"`,
		"^":          `invalid version spec "^": comparator "^" has no version`,
		"1.2 ||":     `invalid version spec "1.2 ||": empty alternative around "||"`,
		"!!":         `invalid version spec "!!": bad comparator "!!": bad number "!!"`,
		"1.x.3":      `invalid version spec "1.x.3": number "3" after a wildcard`,
		"<*":         `invalid version spec "<*": bad comparator "<*": a wildcard cannot follow "<"`,
		"!=1.2":      `invalid version spec "!=1.2": bad comparator "!=1.2": "!=" needs a full version`,
		"1.0 - abc":  `invalid version spec "1.0 - abc": bad range end "abc": bad number "abc"`,
		"node@20":    `invalid version spec "node@20": bad comparator "node@20": bad number "node@20"`,
		"18 || ~x.y": `invalid version spec "18 || ~x.y": bad comparator "~x.y": number "y" after a wildcard`,
	} {
		_, err := ParseSpec(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseSpec(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestSpecMatches(t *testing.T) {
	for _, tc := range []struct {
		spec string
		yes  []string
		no   []string
	}{
		{"1.2.3", []string{"1.2.3", "v1.2.3", "1.2.3+build"}, []string{"1.2.4", "1.2.3-rc.1", "garbage", ""}},
		{"1.2.3-rc.1", []string{"1.2.3-rc.1"}, []string{"1.2.3", "1.2.3-rc.2"}},
		{"20", []string{"20.0.0", "20.11.1"}, []string{"21.0.0", "2.0.0", "19.9.9", "20.1.0-rc.1"}},
		{"1.22", []string{"1.22.0", "1.22.7"}, []string{"1.23.0", "1.2.2"}},
		{"^1.2", []string{"1.2.0", "1.9.9"}, []string{"2.0.0", "1.1.9", "2.0.0-rc.1", "1.5.0-beta"}},
		{"^1.2.3", []string{"1.2.3", "1.99.0"}, []string{"1.2.2", "2.0.0"}},
		{"^0.2.3", []string{"0.2.3", "0.2.9"}, []string{"0.3.0", "0.2.2"}},
		{"^0.0.3", []string{"0.0.3"}, []string{"0.0.4"}},
		{"^0.2", []string{"0.2.0", "0.2.9"}, []string{"0.3.0"}},
		{"^0", []string{"0.0.1", "0.9.0"}, []string{"1.0.0"}},
		{"~1.2.3", []string{"1.2.3", "1.2.9"}, []string{"1.3.0", "1.2.2"}},
		{"~1.2", []string{"1.2.0", "1.2.9"}, []string{"1.3.0"}},
		{"~1", []string{"1.0.0", "1.9.0"}, []string{"2.0.0"}},
		{">=1.20 <1.23", []string{"1.20.0", "1.22.9"}, []string{"1.23.0", "1.19.9"}},
		{">=1.20, <1.23", []string{"1.21.3"}, []string{"1.23.1"}},
		{">1.2", []string{"1.3.0"}, []string{"1.2.9"}},
		{">1.2.3", []string{"1.2.4"}, []string{"1.2.3"}},
		{"<=1.2", []string{"1.2.9", "1.0.0"}, []string{"1.3.0"}},
		{"<=1.2.3", []string{"1.2.3"}, []string{"1.2.4"}},
		{"<2", []string{"1.99.99"}, []string{"2.0.0"}},
		{"!=1.2.3", []string{"1.2.4"}, []string{"1.2.3"}},
		{"18 || 20", []string{"18.1.0", "20.0.0"}, []string{"19.0.0"}},
		{"1.2 - 1.4", []string{"1.2.0", "1.4.9"}, []string{"1.5.0", "1.1.9"}},
		{"1.2.3 - 1.4.0", []string{"1.4.0"}, []string{"1.4.1"}},
		{"1.x", []string{"1.0.0", "1.99.0"}, []string{"2.0.0"}},
		{"1.2.*", []string{"1.2.5"}, []string{"1.3.0"}},
		{"*", []string{"0.0.1", "99.0.0"}, []string{"1.0.0-rc.1"}},
		{">=1.2.3-beta", []string{"1.2.3-rc.1", "1.2.3", "1.3.0"}, []string{"1.2.4-rc.1", "1.2.3-alpha"}},
		{"latest", nil, []string{"1.0.0", "latest"}},
		{"canary", nil, []string{"canary"}},
	} {
		s, err := ParseSpec(tc.spec)
		if err != nil {
			t.Fatalf("ParseSpec(%q): %v", tc.spec, err)
		}
		for _, v := range tc.yes {
			if !s.Matches(v) {
				t.Errorf("%q should match %q", tc.spec, v)
			}
		}
		for _, v := range tc.no {
			if s.Matches(v) {
				t.Errorf("%q should not match %q", tc.spec, v)
			}
		}
	}
}

func TestSpecResolve(t *testing.T) {
	versions := []string{"1.20.5", "1.22.1", "1.21.0", "1.22.0", "1.23.0-rc.1", "1.19.0"}
	for spec, want := range map[string]string{
		"1.22":         "1.22.1",
		">=1.20 <1.22": "1.21.0",
		"^1":           "1.22.1",
		"1.23.0-rc.1":  "1.23.0-rc.1",
		"2":            "",
	} {
		s, err := ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := s.Resolve(versions)
		if got != want || ok != (want != "") {
			t.Errorf("Resolve(%q) = %q, %v; want %q", spec, got, ok, want)
		}
	}
}

func TestSortVersions(t *testing.T) {
	vs := []string{
		"1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.11", "1.0.0-beta.2",
		"1.0.0-beta", "1.0.0-alpha.beta", "0.9.0", "10.0.0", "2.0.0", "v1.1.0", "zzz", "abc", "1.10.0",
	}
	Sort(vs)
	want := []string{
		"0.9.0",
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
		"1.0.0", "v1.1.0", "1.10.0", "2.0.0", "10.0.0", "abc", "zzz",
	}
	if !reflect.DeepEqual(vs, want) {
		t.Errorf("got  %v\nwant %v", vs, want)
	}
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.0.0", "1.0.0", 0},
		{"1.2", "1.2.0", -1}, // equal precedence: lexical tie-break keeps the order total
		{"1.0.0+a", "1.0.0+b", -1},
		{"2", "10", -1},
		{"1.0.0-2", "1.0.0-10", -1},
		{"1.0.0-10", "1.0.0-a", -1},
		{"x", "0.0.0", 1}, // versions first
		{"0.0.0", "x", -1},
	} {
		if got := Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestKindString(t *testing.T) {
	got := []string{KindExact.String(), KindPartial.String(), KindRange.String(), KindAlias.String(), KindCanary.String(), KindLiteral.String(), Kind(0).String()}
	want := []string{"exact", "partial", "range", "alias", "canary", "literal", "Kind(0)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
}

func TestZeroSpecMatchesNothing(t *testing.T) {
	if (Spec{}).Matches("1.0.0") {
		t.Error("zero Spec matched")
	}
}
