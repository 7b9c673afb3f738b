package toolchain

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/store"
)

// checkExpected compares an install's checksum with the one a lockfile
// recorded; a difference is a *install.ChecksumMismatchError naming the URL
// fetched (fetched, else the record's source).
func checkExpected(want string, rec store.InstalledVersion, fetched string) error {
	if want == "" || want == rec.Checksum {
		return nil
	}
	wantAlgo, wantHex, _ := strings.Cut(want, ":")
	gotAlgo, gotHex, _ := strings.Cut(rec.Checksum, ":")
	if gotAlgo == "" {
		gotAlgo, gotHex = wantAlgo, "(none)"
	}
	if wantAlgo != gotAlgo {
		gotHex = rec.Checksum
	}
	if fetched == "" {
		fetched = rec.SourceURL
	}
	return &install.ChecksumMismatchError{URL: fetched, Algo: wantAlgo, Expected: wantHex, Actual: gotHex}
}

// InstalledRecord returns what the manifest says about an installed version
// (its source URL and checksum among others).
func (m *Manager) InstalledRecord(id, ver string) (store.InstalledVersion, bool) {
	man, err := m.Store.ReadManifest(id)
	if err != nil || man == nil {
		return store.InstalledVersion{}, false
	}
	rec, ok := man.InstalledVersions[ver]
	return rec, ok
}

// PluginLocked is the locator and digest of a tool's plugin, for the
// lockfile; ok is false for tools served by a built-in.
func (m *Manager) PluginLocked(t *Tool) (locator, digest string, ok bool) {
	loc, declared := m.Config.PluginLocator(t.ID)
	if !declared || t.Meta == nil {
		return "", "", false
	}
	return loc.Raw, t.Meta.Digest, true
}

// linkBareBinary gives a download that was not an archive (a bare
// executable such as jq-linux-amd64, unpacked as itself) the tool's name
// too, as proto does: staging/<id> (plus .exe on Windows) becomes a hard
// link to it, so locate_executables may name either.
func (m *Manager) linkBareBinary(staging, name, id string) {
	entries, err := os.ReadDir(staging)
	if err != nil || len(entries) != 1 || entries[0].Name() != name || !entries[0].Type().IsRegular() {
		return
	}
	exe := id
	if m.HostEnv().OS == api.OSWindows {
		exe += ".exe"
	}
	if exe == name {
		return
	}
	if err := os.Link(filepath.Join(staging, name), filepath.Join(staging, exe)); err != nil {
		m.Logger.Debug("cannot link a bare binary under the tool's name", "tool", id, "file", name, "err", err)
	}
}
