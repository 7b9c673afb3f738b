// Package launch decides, without loading any plugin, which installed tool
// version a command should run and how: it reads the configuration, the
// environment, the store's manifests and small caches written when plugins
// last ran. It is shared by `tote run` and the tote-shim launcher, so it must
// stay light: no WASM runtime, no CLI framework.
//
// When a decision needs a plugin (a version file only the plugin can parse, a
// version that is not installed, a plugin with a pre_run hook), launch
// reports ErrNeedsPlugin and the caller takes the slow path.
//
// The implementation lives in package fastpath, which tote-shim links
// alone; launch adds [ResolveInstalled], which understands every version
// spec through package version (and so links the semver library).
package launch

import (
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/store"
)

// ErrNeedsPlugin means the fast path cannot decide without the tool's plugin.
var ErrNeedsPlugin = fastpath.ErrNeedsPlugin

// Detect strategies, with proto's names.
const (
	FirstAvailable   = fastpath.FirstAvailable
	PreferPrototools = fastpath.PreferPrototools
	OnlyPrototools   = fastpath.OnlyPrototools
)

// Kinds of detection sources; see [fastpath.FromEnv] and the others.
const (
	FromEnv          = fastpath.FromEnv
	FromPin          = fastpath.FromPin
	FromGlobalPin    = fastpath.FromGlobalPin
	FromToolVersions = fastpath.FromToolVersions
	FromVersionFile  = fastpath.FromVersionFile
	FromDefault      = fastpath.FromDefault
	FromCommandLine  = fastpath.FromCommandLine
)

type (
	// Detection is where a tool's version spec came from; see [fastpath.Detection].
	Detection = fastpath.Detection
	// Detector finds the version spec of a tool; see [fastpath.Detector].
	Detector = fastpath.Detector
	// Meta is what tote remembers about a tool's plugin; see [fastpath.Meta].
	Meta = fastpath.Meta
	// Plan is a process to start; see [fastpath.Plan].
	Plan = fastpath.Plan
	// Options customise a Plan; see [fastpath.Options].
	Options = fastpath.Options
	// Parent is a resolved parent executable; see [fastpath.Parent].
	Parent = fastpath.Parent
	// ShimRegistry maps shim names to their targets; see [fastpath.ShimRegistry].
	ShimRegistry = fastpath.ShimRegistry
	// ShimTarget is what one shim runs; see [fastpath.ShimTarget].
	ShimTarget = fastpath.ShimTarget
	// Locked is a lockfile's entry for a run; see [fastpath.Locked].
	Locked = fastpath.Locked
	// LockMismatchError is an installed version that does not match the
	// lockfile; see [fastpath.LockMismatchError].
	LockMismatchError = fastpath.LockMismatchError
)

// EnvVar returns the environment variable that overrides a tool's version;
// see [fastpath.EnvVar].
func EnvVar(id string) string { return fastpath.EnvVar(id) }

// RememberParse caches what the plugin parsed out of a version file; see
// [fastpath.RememberParse].
func RememberParse(st *store.Store, id, path, spec, checksum string) error {
	return fastpath.RememberParse(st, id, path, spec, checksum)
}

// ReadMeta returns the cached plugin metadata of a tool, or nil if there is
// none; see [fastpath.ReadMeta].
func ReadMeta(st *store.Store, id string) (*Meta, error) { return fastpath.ReadMeta(st, id) }

// WriteMeta stores the plugin metadata of a tool; see [fastpath.WriteMeta].
func WriteMeta(st *store.Store, m *Meta) error { return fastpath.WriteMeta(st, m) }

// RegistryPath is where the shim registry lives; see [fastpath.RegistryPath].
func RegistryPath(st *store.Store) string { return fastpath.RegistryPath(st) }

// ReadRegistry reads the shim registry; see [fastpath.ReadRegistry].
func ReadRegistry(st *store.Store) (*ShimRegistry, error) { return fastpath.ReadRegistry(st) }

// WriteRegistry stores the shim registry atomically; see [fastpath.WriteRegistry].
func WriteRegistry(st *store.Store, r *ShimRegistry) error { return fastpath.WriteRegistry(st, r) }

// NewPlan builds the process for running an installed tool version; see
// [fastpath.NewPlan].
func NewPlan(st *store.Store, id, ver string, opts Options) (*Plan, error) {
	return fastpath.NewPlan(st, id, ver, opts)
}

// UsedMarker is the file whose modification time records when a tool
// version was last run; see [fastpath.UsedMarker].
func UsedMarker(st *store.Store, id, ver string) string { return fastpath.UsedMarker(st, id, ver) }

// TouchUsed records that a tool version runs now; see [fastpath.TouchUsed].
func TouchUsed(st *store.Store, id, ver string) { fastpath.TouchUsed(st, id, ver) }
