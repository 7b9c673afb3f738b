package launch

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/version"
)

// reference is ResolveInstalled without the store: what tote run answers.
func reference(spec string, installed []string) (string, error) {
	if len(installed) == 0 {
		return "", ErrNeedsPlugin
	}
	s, err := version.ParseSpec(spec)
	if err != nil {
		return "", err
	}
	if k := s.Kind(); k == version.KindAlias || k == version.KindCanary {
		return "", ErrNeedsPlugin
	}
	v, err := version.Resolve(s, version.Available{Versions: installed, Installed: installed})
	if err != nil || !slices.Contains(installed, v) {
		return "", ErrNeedsPlugin
	}
	return v, nil
}

// checkPlain asserts that fastpath.ResolvePlain, which the shim uses
// without the semver library, agrees with version.Resolve whenever it
// answers, and answers whenever the spec and the installed versions are
// plain and something matches.
func checkPlain(t *testing.T, spec string, installed []string, mustDecide bool) {
	t.Helper()
	got, err := fastpath.ResolvePlain(spec, installed)
	want, werr := reference(spec, installed)
	switch {
	case err == nil && (werr != nil || got != want):
		t.Errorf("ResolvePlain(%q, %q) = %q, but version.Resolve says %q (%v)", spec, installed, got, want, werr)
	case err != nil && !errors.Is(err, fastpath.ErrNeedsPlugin):
		t.Errorf("ResolvePlain(%q, %q): error %v, want ErrNeedsPlugin", spec, installed, err)
	case err != nil && mustDecide && werr == nil:
		t.Errorf("ResolvePlain(%q, %q) gave up; version.Resolve answers %q", spec, installed, want)
	}
}

func TestResolvePlainAgreesWithVersionResolve(t *testing.T) {
	installed := []string{"1.2.3", "1.10.0", "1.2.10", "2.0.0", "0.9.1", "20.18.1", "20.9.0"}
	for _, spec := range []string{
		"1", "1.2", "1.2.3", "v1.2.3", "V1", " 1.2 ", "1.10", "1.1", "2", "2.0.0", "0", "0.9", "20", "20.9",
		"3", "1.2.4", "1.3", // nothing installed matches
	} {
		checkPlain(t, spec, installed, true)
	}
	// Not plain: the shim must hand over (or agree, were it to answer).
	for _, spec := range []string{
		"^1.2", "~1.2.3", ">=1.2 <2", "1.x", "1.2 - 1.4", "^1 || ^2", "latest", "lts", "stable", "canary",
		"1.2.3-rc.1", "1.2.3+build", "01", "1.02", "2024-01", "2024-01-02", "1.2.3.4", "1.21rc2", "", "v", "1.", ".1",
		"1234567890", "1.2.3 ",
	} {
		checkPlain(t, spec, installed, false)
	}
	// Installed versions that are not plain make it hand over.
	for _, inst := range [][]string{
		{"1.2.3", "1.2.4-rc.1"}, {"v1.2.3"}, {"1.2"}, {"1.2.3+b"}, {"canary", "1.2.3"}, {"2024-01-02"}, {"01.2.3"},
	} {
		for _, spec := range []string{"1", "1.2", "1.2.3", "1.2.4"} {
			checkPlain(t, spec, inst, false)
			if _, err := fastpath.ResolvePlain(spec, inst); err == nil {
				t.Errorf("ResolvePlain(%q, %q) answered; installed versions are not all plain", spec, inst)
			}
		}
	}
	if _, err := fastpath.ResolvePlain("1", nil); !errors.Is(err, fastpath.ErrNeedsPlugin) {
		t.Errorf("ResolvePlain with nothing installed: %v, want ErrNeedsPlugin", err)
	}
}

func TestResolvePlainRandomised(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	num := func() string { return fmt.Sprint([]int{0, 1, 2, 3, 9, 10, 11, 20, 100}[r.IntN(9)]) }
	for range 3000 {
		var installed []string
		for range 1 + r.IntN(6) {
			v := num() + "." + num() + "." + num()
			if !slices.Contains(installed, v) {
				installed = append(installed, v)
			}
		}
		spec := num()
		for range r.IntN(3) {
			spec += "." + num()
		}
		if r.IntN(5) == 0 {
			spec = "v" + spec
		}
		checkPlain(t, spec, installed, true)
	}
}

func FuzzResolvePlain(f *testing.F) {
	f.Add("1.2", "1.2.3,1.2.10,1.3.0")
	f.Add("v2", "2.0.0,2.1.0-rc.1")
	f.Add("^1", "1.0.0")
	f.Fuzz(func(t *testing.T, spec, list string) {
		var installed []string
		for _, v := range strings.Split(list, ",") {
			if v != "" && !slices.Contains(installed, v) {
				installed = append(installed, v)
			}
		}
		checkPlain(t, spec, installed, false)
	})
}
