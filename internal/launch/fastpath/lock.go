package fastpath

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/lockfile"
)

// LockPath returns where the lockfile of the working directory's project
// is: next to the nearest .prototools on the way up (the global file does
// not count), else in cwd. It reads nothing beyond cfg.
func LockPath(cfg *config.Config, cwd, toteHome string) string {
	nearest := ""
	for _, f := range cfg.Files() {
		if f.Path != config.GlobalFile(toteHome) {
			nearest = f.Path
			break
		}
	}
	return lockfile.Locate(cwd, nearest)
}

// Locked is a lockfile's entry for the tool being run: the version that
// must run, and the checksum its install must have recorded.
type Locked struct {
	lockfile.Tool
	// Lockfile is the file's path, for messages.
	Lockfile string
}

// FindLocked returns the lockfile entry of tool id at spec, when the
// project has a lockfile that records it. A lockfile that cannot be read
// is an error: a lockfile, once present, is law.
func FindLocked(cfg *config.Config, cwd, toteHome, id, spec string) (*Locked, error) {
	path := LockPath(cfg, cwd, toteHome)
	lk, err := lockfile.Read(path)
	if err != nil {
		return nil, err
	}
	if t, ok := lk.Tool(id, spec); ok {
		return &Locked{Tool: t, Lockfile: path}, nil
	}
	return nil, nil
}

// LockMismatchError is an installed version whose recorded checksum is not
// the one the project's lockfile locks: it was installed from other bytes
// (another mirror, a tampered download) and must not run here.
type LockMismatchError struct {
	Tool, Version string
	// Locked is the lockfile's checksum, Installed the one the install
	// recorded ("" when it recorded none).
	Locked, Installed string
	// Source is where the installed copy was downloaded from.
	Source string
	// Lockfile is the lockfile's path.
	Lockfile string
}

// Error returns the message.
func (e *LockMismatchError) Error() string {
	inst := e.Installed
	if inst == "" {
		inst = "no checksum"
	}
	from := ""
	if e.Source != "" {
		from = " from " + e.Source
	}
	return fmt.Sprintf("installed %s %s does not match %s: it was installed%s with %s, the lockfile locks %s",
		e.Tool, e.Version, filepath.Base(e.Lockfile)+" ("+e.Lockfile+")", from, inst, e.Locked)
}

// Hint says how to get the locked bytes.
func (e *LockMismatchError) Hint() string {
	return fmt.Sprintf("reinstall it from upstream, checked against the lockfile: `tote install --force %s %s`; if upstream changed on purpose, add --update-lock", e.Tool, e.Version)
}

// checkLocked compares an installed version's recorded checksum with the
// lockfile's (a string compare: no file is hashed on the hot path).
func checkLocked(id, ver, recorded, source string, l *Locked) error {
	if l == nil || l.Checksum == "" || strings.EqualFold(recorded, l.Checksum) {
		return nil
	}
	return &LockMismatchError{Tool: id, Version: ver, Locked: l.Checksum, Installed: recorded, Source: source, Lockfile: l.Lockfile}
}
