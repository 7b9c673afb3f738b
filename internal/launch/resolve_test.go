package launch

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	vlib "github.com/tote-dev/tote/api/version"
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

// checkFast asserts that fastpath.Resolve, which the shim uses, agrees
// with version.Resolve whenever it answers, and answers whenever
// version.Resolve picks an installed version for a spec that is not an
// alias (mustDecide).
func checkFast(t *testing.T, spec string, installed []string, mustDecide bool) {
	t.Helper()
	got, err := fastpath.Resolve(spec, installed)
	want, werr := reference(spec, installed)
	switch {
	case err == nil && (werr != nil || got != want):
		t.Errorf("fastpath.Resolve(%q, %q) = %q, but version.Resolve says %q (%v)", spec, installed, got, want, werr)
	case err != nil && !errors.Is(err, fastpath.ErrNeedsPlugin):
		t.Errorf("fastpath.Resolve(%q, %q): error %v, want ErrNeedsPlugin", spec, installed, err)
	case err != nil && mustDecide && werr == nil:
		t.Errorf("fastpath.Resolve(%q, %q) gave up; version.Resolve answers %q", spec, installed, want)
	}
}

func TestFastResolveAgreesWithVersionResolve(t *testing.T) {
	t.Parallel()
	installed := []string{"1.2.3", "1.10.0", "1.2.10", "2.0.0", "0.9.1", "20.18.1", "20.9.0", "v3.1.0", "1.2.4-rc.1", "2024-01-02", "1.21rc2", "4.0.0+b1"}
	for _, spec := range []string{
		"1", "1.2", "1.2.3", "v1.2.3", "V1", " 1.2 ", "1.10", "1.1", "2", "2.0.0", "0", "0.9", "20", "20.9",
		"^1.2", "~1.2.3", ">=1.2 <2", "1.x", "1.2 - 1.4", "^1 || ^2", "3", "3.1.0", "v3.1.0", ">=1.2.4-rc.0",
		"1.2.4-rc.1", "2024-01", "2024-01-02", "2024", "1.21rc2", "4.0.0", "4.0.0+b1", "*",
		"3.2", "1.2.5", "1.3", "5", "4.0.0+b2", // nothing installed matches
	} {
		checkFast(t, spec, installed, true)
	}
	// Aliases, canary and invalid specs hand over to tote run.
	for _, spec := range []string{"latest", "lts", "stable", "canary", "", "v", "1.", ".1", "99999999999999999999", "node@20"} {
		checkFast(t, spec, installed, false)
		if _, err := fastpath.Resolve(spec, installed); err == nil {
			t.Errorf("fastpath.Resolve(%q) answered; it should hand over", spec)
		}
	}
	if _, err := fastpath.Resolve("1", nil); !errors.Is(err, fastpath.ErrNeedsPlugin) {
		t.Errorf("fastpath.Resolve with nothing installed: %v, want ErrNeedsPlugin", err)
	}
}

func TestFastResolveRandomised(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	num := func() string { return fmt.Sprint([]int{0, 1, 2, 3, 9, 10, 11, 20, 100}[r.IntN(9)]) }
	ops := []string{"", "", "", "^", "~", ">=", "<", "=", "v"}
	for range 3000 {
		var installed []string
		for range 1 + r.IntN(6) {
			v := num() + "." + num() + "." + num()
			if r.IntN(6) == 0 {
				v += "-rc." + num()
			}
			if !slices.Contains(installed, v) {
				installed = append(installed, v)
			}
		}
		spec := num()
		for range r.IntN(3) {
			spec += "." + num()
		}
		spec = ops[r.IntN(len(ops))] + spec
		checkFast(t, spec, installed, true)
	}
}

// FuzzResolveFast checks that the shim's resolution (fastpath.Resolve),
// tote run's (version.Resolve) and the guest SDK's (sdk.ParseSpec +
// Resolve, here through the shared library) agree on any spec and list.
func FuzzResolveFast(f *testing.F) {
	f.Add("1.2", "1.2.3,1.2.10,1.3.0")
	f.Add("v2", "2.0.0,2.1.0-rc.1")
	f.Add("^1", "1.0.0")
	f.Add(">=1.2.3-beta", "1.2.3-rc.1,1.2.4-rc.1")
	f.Add("2024-01", "2024-01-02,2024-02-01")
	f.Add("1.21rc2", "1.21rc2,1.21.0")
	f.Fuzz(func(t *testing.T, spec, list string) {
		var installed []string
		for _, v := range strings.Split(list, ",") {
			if v != "" && !slices.Contains(installed, v) {
				installed = append(installed, v)
			}
		}
		checkFast(t, spec, installed, true)
		s, err := vlib.ParseSpec(spec)
		if err != nil {
			return
		}
		if k := s.Kind; k == vlib.KindPartial || k == vlib.KindRange {
			guest, gok := s.Resolve(installed)
			host, herr := reference(spec, installed)
			if gok != (herr == nil) || gok && guest != host {
				t.Errorf("guest SDK resolves %q in %q to %q (%v), tote run to %q (%v)", spec, installed, guest, gok, host, herr)
			}
		}
	})
}
