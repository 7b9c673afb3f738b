package extension

import (
	"regexp"
	"strings"
	"testing"
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// FuzzValidID: the loop accepts exactly what the documented pattern does.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"", "a", "0", "-a", "_a", "a-b_c9", "A", "a.b", "a/b", "a\n", strings.Repeat("a", 64), strings.Repeat("a", 65), "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := validID(id), idRE.MatchString(id); got != want {
			t.Fatalf("validID(%q) = %v, the pattern says %v", id, got, want)
		}
	})
}
