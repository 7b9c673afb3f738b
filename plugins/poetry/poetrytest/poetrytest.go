// Package poetrytest writes what installing Poetry reaches for tests: the
// GitHub tags listing of python-poetry/poetry, an installer served as
// https://install.python-poetry.org, and a directory of Poetry wheels.
//
// The installer is a stand-in of the real one's shape (a Python script
// driven by POETRY_HOME and POETRY_VERSION, --yes and --force, creating
// <POETRY_HOME>/venv with venv.EnvBuilder(..., symlinks=False) and
// installing poetry==<version> into it with pip, and linking
// <POETRY_HOME>/bin/poetry): it really creates the environment and really
// runs pip, offline, from the mirrored wheels instead of PyPI. Each wheel
// is a real installable "poetry" distribution whose `python -m poetry
// --version` prints "Poetry (version X)".
package poetrytest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/tote-dev/tote/plugins/python/pythontest"
)

// Versions are the wheels mirrored (PEP 440 names).
var Versions = []string{"1.8.3", "1.8.5", "2.1.3"}

// TestdataDir is plugins/poetry/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Installer is the stand-in installer; wheels is the directory pip reads.
func Installer(wheels string) string {
	return fmt.Sprintf(`#!/usr/bin/env python3
"""Stand-in for https://install.python-poetry.org in tote's tests."""
import os
import subprocess
import sys
import venv

WHEELS = %q


def main():
    if "--yes" not in sys.argv and "-y" not in sys.argv:
        print("refusing to install without --yes", file=sys.stderr)
        return 1
    home = os.environ.get("POETRY_HOME")
    version = os.environ.get("POETRY_VERSION")
    if not home or not version:
        print("POETRY_HOME and POETRY_VERSION are required", file=sys.stderr)
        return 1
    env = os.path.join(home, "venv")
    builder = venv.EnvBuilder(clear=True, with_pip=True, symlinks=False)
    builder.create(env)
    python = os.path.join(env, "bin", "python")
    r = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-index", "--find-links", WHEELS, "poetry==" + version])
    if r.returncode != 0:
        print("poetry-installer-error: pip failed", file=sys.stderr)
        return r.returncode
    os.makedirs(os.path.join(home, "bin"), exist_ok=True)
    link = os.path.join(home, "bin", "poetry")
    if not os.path.exists(link):
        os.symlink(os.path.join(env, "bin", "poetry"), link)
    print("Poetry (" + version + ") is installed now. Great!")
    return 0


sys.exit(main())
`, wheels)
}

// Mirror writes root/poetry and returns the upstream prefixes.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "poetry")
	tags, err := os.ReadFile(filepath.Join(TestdataDir(), "github-tags.json"))
	if err != nil {
		return nil, err
	}
	wheels := filepath.Join(base, "wheels")
	for _, v := range Versions {
		name, body, err := pythontest.WheelOf("poetry", v, [][2]string{
			{"poetry/__init__.py", "import sys\n\n\ndef main():\n    if sys.argv[1:2] == ['--version']:\n        print('Poetry (version " + v + ")')\n    else:\n        print('poetry " + v + "', *sys.argv[1:])\n"},
			{"poetry/__main__.py", "from poetry import main\n\nmain()\n"},
		})
		if err != nil {
			return nil, err
		}
		if err := write(filepath.Join(wheels, name), body); err != nil {
			return nil, err
		}
	}
	if err := write(filepath.Join(base, "tags"), tags); err != nil {
		return nil, err
	}
	if err := write(filepath.Join(base, "installer", "index.html"), []byte(Installer(wheels))); err != nil {
		return nil, err
	}
	return map[string]string{
		"https://install.python-poetry.org":                  "poetry/installer/",
		"https://api.github.com/repos/python-poetry/poetry/": "poetry/",
	}, nil
}

func write(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}
