package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tote-dev/tote/plugins/tote/totetest"
)

// NextVersion is the version of the real tote build the mirror serves as
// the newest release; BrokenVersion is a release whose tote does not start.
const (
	NextVersion   = "0.3.0"
	BrokenVersion = "0.2.9"
)

// nextBuild builds tote once per test process with -ldflags setting its
// version to NextVersion (go build's cache makes it a link step).
var nextBuild = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tote-next-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "tote")
	cmd := exec.Command("go", "build", "-ldflags", "-X github.com/tote-dev/tote/internal/cli.Version="+NextVersion, "-o", out, ".")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build tote %s: %v\n%s", NextVersion, err, b)
	}
	return out, nil
})

// forScript runs a mirror builder only for the script named name (the
// mirror's root is "mirror-script-<name>"): writing every upstream's
// archives for every script would slow the suite for nothing.
func forScript(name string, b MirrorBuilder) MirrorBuilder {
	return func(root string) (map[string]string, error) {
		if !strings.HasSuffix(filepath.Base(root), "-"+name) {
			return nil, nil
		}
		return b(root)
	}
}

// toteReleases writes the mirrored tote releases under root/tote (built
// once per run: two tests serve them, and the archives hold ~85 MB of
// executables).
var toteReleases = sharedMirror(writeToteReleases)

// writeToteReleases writes the mirrored tote releases under root/tote.
func writeToteReleases(root string) (map[string]string, error) {
	next, err := nextBuild()
	if err != nil {
		return nil, err
	}
	tote, err := os.ReadFile(next)
	if err != nil {
		return nil, err
	}
	shim, err := os.ReadFile(filepath.Join(binDir, "tote-shim"))
	if err != nil {
		return nil, err
	}
	broken := []byte("#!/bin/sh\necho 'tote " + BrokenVersion + ": cannot start: missing libfoo.so' >&2\nexit 127\n")
	return totetest.Mirror(root, []totetest.Build{
		{Version: "0.1.0", Tote: broken, Shim: shim},
		{Version: BrokenVersion, Tote: broken, Shim: shim},
		{Version: NextVersion, Tote: tote, Shim: shim},
	})
}

func init() { builtinMirrors = append(builtinMirrors, forScript("tote", toteReleases)) }
