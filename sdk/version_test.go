package sdk

import (
	"testing"

	"github.com/tote-dev/tote/api/version"
)

// The version library has its own tests (api/version); the SDK only
// re-exports it. This checks that the SDK's names are that library's.
func TestVersionIsTheSharedLibrary(t *testing.T) {
	s, err := ParseSpec(">=1.2.3-beta")
	if err != nil {
		t.Fatal(err)
	}
	lib := version.MustParseSpec(">=1.2.3-beta")
	for _, v := range []string{"1.2.3-rc.1", "1.2.4-rc.1", "1.2.4", "2024-01-02"} {
		if s.Matches(v) != lib.Matches(v) {
			t.Errorf("SDK and library disagree on %q", v)
		}
	}
	if s.Kind != SpecRequirement || SpecRequirement != version.KindRange {
		t.Errorf("kind %v", s.Kind)
	}
	vs := []string{"b", "1.10.0", "1.2.0"}
	SortVersions(vs)
	if vs[0] != "1.2.0" || vs[2] != "b" || CompareVersions("1.2.0", "1.10.0") != -1 {
		t.Errorf("SortVersions/CompareVersions: %v", vs)
	}
}
