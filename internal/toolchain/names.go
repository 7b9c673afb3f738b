package toolchain

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/host/plaintext"
)

// Names a plugin returns that become file names or paths under tote's
// directories (executable, bin and shim names, version directories, the
// download and checksum file names, exes_dirs, exe_path, archive_prefix,
// version files) are checked before use: a plugin is untrusted, and a name
// such as ".." once made tote write $TOTE_HOME.tmp outside its home.

// checkComponent reports what is wrong with s as one path component: empty,
// "." or "..", a path separator or colon, a control character, or longer
// than 255 bytes.
func checkComponent(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case s == "." || s == "..":
		return errors.New(`is "." or ".."`)
	case strings.ContainsAny(s, `/\:`):
		return errors.New("holds a path separator")
	case len(s) > 255:
		return errors.New("is longer than 255 bytes")
	}
	return checkControl(s)
}

// checkControl refuses control characters (and the bidirectional overrides
// that make a printed name lie).
func checkControl(s string) error {
	if plaintext.Line(s, len(s)+1) != s {
		return errors.New("holds a control character")
	}
	return nil
}

// localPath cleans a relative, slash-separated path that must stay inside a
// directory (exe_path, exes_dirs, archive_prefix…) and returns it in the
// host's form: after cleaning it must be local (not absolute, no ".."
// leading out, not empty) and hold no control character.
func localPath(p string) (string, error) {
	if p == "" {
		return "", errors.New("is empty")
	}
	if err := checkControl(p); err != nil {
		return "", err
	}
	if strings.Contains(p, `\`) {
		return "", errors.New("holds a backslash")
	}
	clean := path.Clean(p)
	if path.IsAbs(p) || !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", errors.New("leads out of its directory")
	}
	return filepath.FromSlash(clean), nil
}

// badValue is the error for a plugin's value that failed a check: it names
// the plugin, the function, what the value is for and the value.
func badValue(id, fn, what, value string, err error) error {
	return fmt.Errorf("plugin %q function %s: %s %s %w", id, fn, what, quote(value), err)
}

// quote shows a plugin's value in an error: quoted, at most 200 bytes.
func quote(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q… [%d more bytes]", s[:200], len(s)-200)
	}
	return fmt.Sprintf("%q", s)
}

// validNames reports whether every name passes checkComponent.
func validNames(names []string) bool {
	for _, n := range names {
		if checkComponent(n) != nil {
			return false
		}
	}
	return true
}
