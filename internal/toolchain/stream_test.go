package toolchain

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// TestStreamedInstallMismatch: an upstream archive is unpacked while it
// downloads; when its bytes then fail the checksum, the install fails
// naming the URL and both checksums, nothing of it is left (no version
// directory, no staging directory, no download), and the version installed
// before — here the same version, reinstalled with --force — still works.
func TestStreamedInstallMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0", "2.0.0"}})
	ctx := context.Background()
	m := e.manager()
	var log bytes.Buffer
	m.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := m.InstallVersion(ctx, "alpha", "1.0.0", InstallOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "unpacked while downloading") {
		t.Fatalf("the archive was not unpacked while it downloaded:\n%s", log.String())
	}
	exe := filepath.Join(e.home, "tools", "alpha", "1.0.0", "bin", "alpha")
	before, err := os.ReadFile(exe)
	if err != nil || !strings.Contains(string(before), "alpha 1.0.0") {
		t.Fatalf("installed executable: %q, %v", before, err)
	}

	// Upstream's archives change under their published checksums.
	for _, v := range []string{"1.0.0", "2.0.0"} {
		err := mirror.WriteTarGz(filepath.Join(e.mirror.Root, "dl", "alpha", v, "alpha-"+v+".tar.gz"), []mirror.Entry{
			{Name: "alpha-" + v + "/", Dir: true},
			{Name: "alpha-" + v + "/bin/alpha", Body: "#!/bin/sh\necho evil\n", Mode: 0o755},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		ver   string
		force bool
	}{{"1.0.0", true}, {"2.0.0", false}} {
		m := e.manager()
		_, err := m.InstallVersion(ctx, "alpha", c.ver, InstallOptions{Quiet: true, Force: c.force})
		var mm *install.ChecksumMismatchError
		if !errors.As(err, &mm) || !strings.Contains(err.Error(), "alpha-"+c.ver+".tar.gz") {
			t.Fatalf("install of a tampered %s: %v", c.ver, err)
		}
	}
	if after, err := os.ReadFile(exe); err != nil || !bytes.Equal(after, before) {
		t.Errorf("the installed 1.0.0 changed: %q, %v", after, err)
	}
	if !m.IsInstalled("alpha", "1.0.0") || m.IsInstalled("alpha", "2.0.0") {
		t.Error("installed versions changed")
	}
	if _, err := os.Stat(filepath.Join(e.home, "tools", "alpha", "2.0.0")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a directory for the refused 2.0.0: %v", err)
	}
	// No staging directory and no download is left behind.
	filepath.WalkDir(e.home, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), "evil") || strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".part")) {
			t.Errorf("left behind: %s", p)
		}
		if err == nil && d.IsDir() && filepath.Dir(p) == m.Store.TempDir() && strings.HasPrefix(d.Name(), "install-") {
			t.Errorf("staging directory left behind: %s", p)
		}
		return nil
	})
}
