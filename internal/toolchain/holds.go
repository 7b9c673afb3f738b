package toolchain

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/tote-dev/tote/internal/launch"
)

// Hold is a pin that keeps an installed version from being removed: the
// version is what the pin resolves to among the installed versions.
type Hold struct {
	Tool, Version string
	// Pin is the spec and where it is written.
	Pin launch.Detection
}

// String is e.g. `demo = "1.1" in /p/.prototools:3`.
func (h Hold) String() string {
	return fmt.Sprintf("%s = %q (%s)", h.Tool, h.Pin.Spec, h.Pin.Where())
}

// Holds returns, by "id@version", the pins that hold installed versions:
// every version detected for the working directory (pins, version files,
// .tool-versions, TOTE_<TOOL>_VERSION, as tote status shows them) and
// every pin of every .prototools file that applies here, the global one
// included, even when a nearer pin shadows it. Only installed versions are
// considered, and no plugin is loaded to resolve a pin.
func (m *Manager) Holds(ctx context.Context) map[string][]Hold {
	out := map[string][]Hold{}
	add := func(id string, det launch.Detection) {
		if det.Spec == "" || det.Kind == launch.FromDefault {
			return
		}
		v, err := launch.ResolveInstalled(m.Store, id, det.Spec, m.Config.Tool(id).Aliases)
		if err != nil {
			return
		}
		key := id + "@" + v
		for _, h := range out[key] {
			if h.Pin.Source == det.Source && h.Pin.Line == det.Line {
				return
			}
		}
		out[key] = append(out[key], Hold{Tool: id, Version: v, Pin: det})
	}
	for _, id := range m.DetectedTools(ctx) {
		if det, err := m.Detect(ctx, id); err == nil {
			add(id, det)
		}
	}
	d := &launch.Detector{Config: m.Config, Store: m.Store, Cwd: m.Cwd, UserHome: m.UserHome}
	for _, f := range m.Config.Files() {
		ids := make([]string, 0, len(f.Pins))
		for id := range f.Pins {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			p := f.Pins[id]
			add(id, launch.Detection{Spec: p.Spec, Source: f.Path, Line: p.Line, Kind: d.PinKind(f.Path)})
		}
	}
	return out
}

// HeldError says that pins hold versions asked to be removed.
type HeldError struct {
	Holds []Hold
}

func (e *HeldError) Error() string {
	var b strings.Builder
	for i, h := range e.Holds {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s is pinned by %s", h.Tool, h.Version, h.String())
	}
	b.WriteString(": not removed")
	return b.String()
}

// Hint says how to remove it anyway.
func (e *HeldError) Hint() string {
	return "unpin it first (`tote unpin " + e.Holds[0].Tool + "`), or pass --force to remove it anyway"
}

// UninstallTargets returns the installed versions [Manager.Uninstall]
// would remove for ver ("" = all), without removing anything.
func (m *Manager) UninstallTargets(id, ver string) ([]string, error) {
	installed, err := m.Store.InstalledVersions(id)
	if err != nil {
		return nil, err
	}
	return m.uninstallTargets(id, ver, installed)
}

// uninstallTargets picks from installed the versions an uninstall of ver
// ("" = all) removes: ver itself, else the installed version it resolves
// to.
func (m *Manager) uninstallTargets(id, ver string, installed []string) ([]string, error) {
	var targets []string
	if ver == "" {
		targets = installed
	} else {
		for _, v := range installed {
			if v == ver {
				targets = []string{v}
			}
		}
		if len(targets) == 0 {
			if v, err := launch.ResolveInstalled(m.Store, id, ver, m.Config.Tool(id).Aliases); err == nil {
				targets = []string{v}
			}
		}
	}
	if len(targets) == 0 {
		if len(installed) == 0 {
			return nil, fmt.Errorf("%s is not installed", id)
		}
		return nil, fmt.Errorf("%s %s is not installed (installed: %s)", id, ver, strings.Join(installed, ", "))
	}
	return targets, nil
}
