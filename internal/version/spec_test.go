package version

import (
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		kind    Kind
		str     string // String(); "" means the trimmed input
		version string // Version() for full specs
	}{
		// Full versions.
		{in: "1.2.3", kind: KindFull, version: "1.2.3"},
		{in: "v1.2.3", kind: KindFull, version: "1.2.3"},
		{in: "V20.18.1", kind: KindFull, version: "20.18.1"},
		{in: "  22.12.0 ", kind: KindFull, str: "22.12.0", version: "22.12.0"},
		{in: "1.2.3-rc.1", kind: KindFull, version: "1.2.3-rc.1"},
		{in: "1.23.0-rc.1", kind: KindFull, version: "1.23.0-rc.1"},
		{in: "1.2.3+build.5", kind: KindFull, version: "1.2.3+build.5"},
		{in: "1.2.3-beta.2+exp.sha.5114f85", kind: KindFull, version: "1.2.3-beta.2+exp.sha.5114f85"},
		{in: "2024-01-02", kind: KindFull, version: "2024-01-02"},
		// Partials.
		{in: "20", kind: KindPartial},
		{in: "v20", kind: KindPartial},
		{in: "1.22", kind: KindPartial},
		{in: "0", kind: KindPartial},
		{in: "2024-01", kind: KindPartial},
		// Requirements and ranges.
		{in: "^1.2", kind: KindRange},
		{in: "~1.2.3", kind: KindRange},
		{in: ">=1.20 <1.23", kind: KindRange},
		{in: ">=1.2, <2", kind: KindRange},
		{in: "^18 || ^20", kind: KindRange},
		{in: "1.2 - 1.4", kind: KindRange},
		{in: "1.x", kind: KindRange},
		{in: "20.X", kind: KindRange},
		{in: "1.22.*", kind: KindRange},
		{in: "*", kind: KindRange},
		{in: "=1.22.1", kind: KindRange},
		{in: "<21", kind: KindRange},
		{in: ">=1.23.0-rc.0", kind: KindRange},
		// Aliases.
		{in: "latest", kind: KindAlias},
		{in: "stable", kind: KindAlias},
		{in: "lts", kind: KindAlias},
		{in: "lts/*", kind: KindAlias},
		{in: "lts-*", kind: KindAlias},
		{in: "lts/iron", kind: KindAlias},
		{in: "lts-hydrogen", kind: KindAlias},
		{in: "work", kind: KindAlias},
		{in: "nightly_2024.01", kind: KindAlias},
		{in: "vnext", kind: KindAlias},
		// Canary.
		{in: "canary", kind: KindCanary},
		{in: "Canary", kind: KindCanary, str: "canary"},
		// Version-like but not semver: exact match only.
		{in: "1.2.3.4", kind: KindLiteral},
		{in: "1.23rc1", kind: KindLiteral},
		{in: "1.21rc2", kind: KindLiteral},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := ParseSpec(tt.in)
			if err != nil {
				t.Fatalf("ParseSpec(%q): %v", tt.in, err)
			}
			if s.Kind() != tt.kind {
				t.Errorf("kind = %v, want %v", s.Kind(), tt.kind)
			}
			want := tt.str
			if want == "" {
				want = strings.TrimSpace(tt.in)
			}
			if s.String() != want {
				t.Errorf("String() = %q, want %q", s.String(), want)
			}
			if s.Version() != tt.version {
				t.Errorf("Version() = %q, want %q", s.Version(), tt.version)
			}
			if IsFull(s) != (tt.kind == KindFull) {
				t.Errorf("IsFull = %v", IsFull(s))
			}
			if (s.Alias() != "") != (tt.kind == KindAlias) {
				t.Errorf("Alias() = %q", s.Alias())
			}
		})
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, in := range []string{
		"", "   ", ">=>1", "1.2.3 ||", "^x.y", "@foo", "%%%", "node@20", "1.2.3 garbage", "<", "99999999999999999999",
		"-1", ".5", "2024-13", "1.x.3",
	} {
		t.Run(in, func(t *testing.T) {
			s, err := ParseSpec(in)
			if err == nil {
				t.Fatalf("ParseSpec(%q) = %v (%v), want an error", in, s, s.Kind())
			}
			if !strings.Contains(err.Error(), "invalid version spec "+quote(in)) {
				t.Errorf("error %q does not quote the input", err)
			}
		})
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func TestMatches(t *testing.T) {
	tests := []struct {
		spec string
		yes  []string
		no   []string
	}{
		{"20", []string{"20.0.0", "v20.18.1", "20.11.1"}, []string{"21.0.0", "2.0.0", "20.0.0-rc.1", "v200.1.0", "banana"}},
		{"1.22", []string{"1.22.0", "1.22.10"}, []string{"1.2.2", "1.23.0", "1.22.0-rc.1", "1.22rc1"}},
		{"1.22.1", []string{"1.22.1", "v1.22.1", "1.22.1+meta"}, []string{"1.22.10", "1.22.1-rc.1"}},
		{"1.2.3+b1", []string{"1.2.3+b1"}, []string{"1.2.3", "1.2.3+b2"}},
		{"^1.2", []string{"1.2.0", "1.99.3"}, []string{"1.1.9", "2.0.0", "1.3.0-beta.1"}},
		{"~1.2.3", []string{"1.2.3", "1.2.9"}, []string{"1.3.0", "1.2.2"}},
		{">=1.20 <1.23", []string{"1.20.0", "1.22.10"}, []string{"1.23.0", "1.19.13"}},
		{">=1.2, <2", []string{"1.2.0", "1.9.9"}, []string{"2.0.0", "1.1.0"}},
		{"^18 || ^20", []string{"18.20.5", "20.0.0"}, []string{"19.0.0", "22.12.0"}},
		{"1.2 - 1.4", []string{"1.2.0", "1.4.9"}, []string{"1.5.0", "1.1.9"}},
		{">=1.23.0-rc.0", []string{"1.23.0-rc.1", "1.23.0", "1.24.2"}, []string{"1.22.10"}},
		{"2024-01", []string{"2024-01-02", "2024-01-31"}, []string{"2024-02-01", "2023-01-05"}},
		{"2024-01-02", []string{"2024-01-02", "2024.1.2"}, []string{"2024-01-03"}},
		{"1.23rc1", []string{"1.23rc1", "v1.23rc1"}, []string{"1.23.0-rc.1", "1.23rc2"}},
		{"latest", nil, []string{"1.0.0", "latest"}},
		{"canary", nil, []string{"canary"}},
	}
	for _, tt := range tests {
		s := MustParseSpec(tt.spec)
		for _, v := range tt.yes {
			if !s.Matches(v) {
				t.Errorf("%q should match %q", tt.spec, v)
			}
		}
		for _, v := range tt.no {
			if s.Matches(v) {
				t.Errorf("%q should not match %q", tt.spec, v)
			}
		}
	}
}
