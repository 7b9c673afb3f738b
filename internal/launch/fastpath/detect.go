package fastpath

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
)

// Detect strategies, with proto's names.
const (
	FirstAvailable   = "first-available"
	PreferPrototools = "prefer-prototools"
	OnlyPrototools   = "only-prototools"
)

// Kinds of [Detection] sources.
const (
	// FromEnv is TOTE_<ID>_VERSION; Source is the variable's name.
	FromEnv = "env"
	// FromPin is a .prototools pin on the way from the working directory
	// up to the user's home; Source is the file, Line its line.
	FromPin = "pin"
	// FromGlobalPin is a pin in the global $TOTE_HOME/.prototools.
	FromGlobalPin = "global-pin"
	// FromToolVersions is an asdf/mise .tool-versions entry (Line is set).
	FromToolVersions = "tool-versions"
	// FromVersionFile is a plugin's version file, such as .nvmrc or go.mod.
	FromVersionFile = "version-file"
	// FromDefault is the plugin's default version (nothing pins the tool).
	FromDefault = "default"
	// FromCommandLine is a spec given on the command line.
	FromCommandLine = "command-line"
)

// Detection is where a tool's version spec came from.
type Detection struct {
	// Spec is the version spec found; empty when nothing pins the tool or
	// when VersionFile must be parsed by the plugin first.
	Spec string
	// Source names the origin: a file path, or an environment variable.
	Source string
	// Kind is one of the From* constants ("" when nothing pins the tool).
	Kind string
	// Line is the 1-based line of the pin in Source, 0 when not known.
	Line int
	// VersionFile is the path of the nearest plugin version file whose parsed
	// result is not cached; the caller must ask the plugin.
	VersionFile string
	// Checksum is the checksum the version file pins for the download of
	// Spec ("sha512:<hex>", from corepack's packageManager hash), if any.
	Checksum string
}

// Where describes the source for people: "/p/.prototools:3",
// "TOTE_NODE_VERSION", "global pin /h/.tote/.prototools:1",
// "version file /p/.nvmrc".
func (d Detection) Where() string {
	loc := d.Source
	if d.Line > 0 {
		loc += ":" + strconv.Itoa(d.Line)
	}
	switch d.Kind {
	case FromEnv:
		return "environment variable " + loc
	case FromGlobalPin:
		return "global pin " + loc
	case FromVersionFile:
		return "version file " + loc
	case FromDefault:
		return "the plugin's default version"
	case FromCommandLine:
		return "the command line"
	}
	return loc
}

// EnvVar returns the environment variable that overrides a tool's version:
// TOTE_<ID>_VERSION, upper case, with '-' turned into '_'.
func EnvVar(id string) string {
	return "TOTE_" + strings.ToUpper(strings.ReplaceAll(id, "-", "_")) + "_VERSION"
}

// ProtoEnvVar is proto's name of the same variable, PROTO_<ID>_VERSION,
// read when TOTE_<ID>_VERSION is unset.
func ProtoEnvVar(id string) string {
	return "PROTO_" + strings.ToUpper(strings.ReplaceAll(id, "-", "_")) + "_VERSION"
}

// Detector finds the version spec of a tool for a working directory.
type Detector struct {
	Config   *config.Config
	Store    *store.Store
	Cwd      string
	UserHome string
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
}

// Detect finds the spec of tool id, in order: TOTE_<ID>_VERSION (or
// proto's PROTO_<ID>_VERSION); then, per
// directory from the working directory upward, the .prototools pin and the
// plugin's version files (as the detect strategy says); then the global
// .prototools. meta may be nil when the plugin was never loaded; then only
// .prototools files are consulted.
func (d *Detector) Detect(id string, meta *Meta) (Detection, error) {
	getenv := d.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, name := range [...]string{EnvVar(id), ProtoEnvVar(id)} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return Detection{Spec: v, Source: name, Kind: FromEnv}, nil
		}
	}
	strategy := d.Config.Settings().DetectStrategy
	switch strategy {
	case "", FirstAvailable, PreferPrototools, OnlyPrototools:
	default:
		return Detection{}, fmt.Errorf("unknown detect-strategy %q in [settings]: use %s, %s or %s", strategy, FirstAvailable, PreferPrototools, OnlyPrototools)
	}
	byDir := map[string]*config.File{}
	for _, f := range d.Config.Files() {
		if _, ok := byDir[filepath.Dir(f.Path)]; !ok {
			byDir[filepath.Dir(f.Path)] = f
		}
	}
	dirs := walkDirs(d.Cwd, d.UserHome)
	onWalk := map[string]bool{}
	for _, dir := range dirs {
		onWalk[dir] = true
	}
	pinIn := func(dir string) (Detection, bool) {
		f := byDir[dir]
		if f == nil {
			return Detection{}, false
		}
		if p, ok := f.Pins[id]; ok {
			return Detection{Spec: p.Spec, Source: f.Path, Line: p.Line, Kind: d.PinKind(f.Path)}, true
		}
		return Detection{}, false
	}
	fileIn := func(dir string) (Detection, bool, error) {
		if strategy == OnlyPrototools {
			return Detection{}, false, nil
		}
		if det, ok := toolVersionsIn(dir, id); ok {
			return det, true, nil
		}
		if meta == nil {
			return Detection{}, false, nil
		}
		for _, name := range meta.VersionFiles {
			p := filepath.Join(dir, name)
			if ignored(p, meta.VersionIgnore) {
				continue
			}
			fi, err := os.Stat(p)
			if err != nil || fi.IsDir() {
				continue
			}
			pr, ok := cachedParse(d.Store, id, p, fi)
			if !ok {
				return Detection{VersionFile: p, Source: p, Kind: FromVersionFile}, true, nil
			}
			if pr.Spec == "" {
				continue // the file pins nothing for this tool
			}
			return Detection{Spec: pr.Spec, Source: p, Kind: FromVersionFile, Checksum: pr.Checksum}, true, nil
		}
		return Detection{}, false, nil
	}
	if strategy == PreferPrototools {
		for _, dir := range dirs {
			if det, ok := pinIn(dir); ok {
				return det, nil
			}
		}
	}
	for _, dir := range dirs {
		if strategy != PreferPrototools {
			if det, ok := pinIn(dir); ok {
				return det, nil
			}
		}
		det, ok, err := fileIn(dir)
		if err != nil {
			return Detection{}, err
		}
		if ok {
			return det, nil
		}
	}
	// Files off the walk: the global $TOTE_HOME/.prototools.
	for _, f := range d.Config.Files() {
		if onWalk[filepath.Dir(f.Path)] {
			continue
		}
		if p, ok := f.Pins[id]; ok {
			return Detection{Spec: p.Spec, Source: f.Path, Line: p.Line, Kind: d.PinKind(f.Path)}, nil
		}
	}
	return Detection{}, nil
}

// PinKind is FromGlobalPin for the global $TOTE_HOME/.prototools and
// FromPin for any other file.
func (d *Detector) PinKind(path string) string {
	if d.Store != nil && path == config.GlobalFile(d.Store.Home) {
		return FromGlobalPin
	}
	return FromPin
}

// WalkDirs lists the directories detection visits, nearest first: cwd and
// its parents up to and including home (or up to the filesystem root when
// cwd is not under home).
func WalkDirs(cwd, home string) []string { return walkDirs(cwd, home) }

// walkDirs lists cwd and its parents up to and including home (or up to the
// filesystem root when cwd is not under home).
func walkDirs(cwd, home string) []string {
	var dirs []string
	for d := filepath.Clean(cwd); ; {
		dirs = append(dirs, d)
		if home != "" && d == filepath.Clean(home) {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return dirs
}

func ignored(path string, fragments []string) bool {
	for _, f := range fragments {
		if f != "" && strings.Contains(filepath.ToSlash(path), f) {
			return true
		}
	}
	return false
}

type parsed struct {
	Size     int64  `json:"size"`
	ModTime  int64  `json:"mod_time_ns"`
	Spec     string `json:"spec"`
	Checksum string `json:"checksum,omitempty"`
}

// parsePath is the cache file of one tool's parse of one version file:
// files such as package.json pin several tools, each read by its own
// plugin.
func parsePath(st *store.Store, id, path string) string {
	sum := sha256.Sum256([]byte(id + "\x00" + path))
	return filepath.Join(st.CacheDir("version-files"), hex.EncodeToString(sum[:12])+".json")
}

func cachedParse(st *store.Store, id, path string, fi os.FileInfo) (parsed, bool) {
	b, err := os.ReadFile(parsePath(st, id, path))
	if err != nil {
		return parsed{}, false
	}
	var p parsed
	if json.Unmarshal(b, &p) != nil || p.Size != fi.Size() || p.ModTime != fi.ModTime().UnixNano() {
		return parsed{}, false
	}
	return p, true
}

// RememberParse caches what tool id's plugin parsed out of a version file,
// keyed by the tool, the file's path, size and modification time, so the next run needs no
// plugin. An empty spec records that the file pins nothing; checksum is
// what the file pins for the download of spec ("" for none).
func RememberParse(st *store.Store, id, path, spec, checksum string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	b, err := json.Marshal(parsed{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Spec: spec, Checksum: checksum})
	if err != nil {
		return err
	}
	p := parsePath(st, id, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return store.WriteFileAtomic(p, b, 0o644)
}
