package services

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/store"
)

// Files is how the services touch a plugin's files: download_file creates
// a file, exec_command makes one executable and runs in a directory. Paths
// are real paths already translated from inside the plugin's mounts. An
// error that wraps ErrDenied (or vpath.ErrOutsideMounts) is a denial.
//
// The default (Options.Files nil) works on the host's file system and
// refuses a path whose symbolic links lead out of its mount. The WASM
// runtime may pass its own sandbox, which also knows which mounts the
// plugin may write.
type Files interface {
	// CreateFile creates or atomically replaces the file at path with what
	// write writes, and returns the number of bytes written. A failed
	// write leaves no file behind.
	CreateFile(path string, write func(io.Writer) (int64, error)) (int64, error)
	// MakeExecutable adds the executable bits to the file at path.
	MakeExecutable(path string) error
	// CheckDir checks that path is a directory a command may run in.
	CheckDir(path string) error
}

// hostFiles is the default Files: the host's file system, confined to the
// mounts by resolving symbolic links before each use.
type hostFiles struct{ mounts vpath.Mounts }

// confine checks that no symbolic link takes path out of its mount.
func (f hostFiles) confine(path string) error {
	v, ok := f.mounts.ToVirtual(path)
	if !ok {
		return fmt.Errorf("%s: %w", path, vpath.ErrOutsideMounts)
	}
	_, err := f.mounts.Resolve(v)
	return err
}

func (f hostFiles) CreateFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	if err := f.confine(path); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	var n int64
	err := store.WriteAtomic(path, 0o644, func(w io.Writer) error {
		var err error
		n, err = write(w)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// MakeExecutable changes only files in tote's own directories (the /proto
// and /temp mounts), never a file of the user's home or project.
func (f hostFiles) MakeExecutable(path string) error {
	if err := f.confine(path); err != nil {
		return err
	}
	v, _ := f.mounts.ToVirtual(path)
	own := false
	for _, root := range []string{api.VirtualProto, api.VirtualTemp} {
		if v == root || strings.HasPrefix(v, root+"/") {
			own = true
		}
	}
	if !own {
		return fmt.Errorf("%s is not inside tote's own directories: %w", path, ErrDenied)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.Chmod(path, fi.Mode()|0o111)
}

func (f hostFiles) CheckDir(path string) error {
	if err := f.confine(path); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", path)
	}
	return nil
}

// deniedFile turns a Files error into a denial when it says the path is
// off limits.
func deniedFile(what string, err error) error {
	if errors.Is(err, ErrDenied) || errors.Is(err, vpath.ErrOutsideMounts) {
		return deny("%s: %v", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// WriteFile creates or replaces the file at the virtual path with data, for
// a built-in's core (pluginhost.FileWriter): only inside the plugin's own
// temp directory (<the /temp mount>/<plugin id>), the one place a WASM
// build may write outside an install, through Files.CreateFile.
func (s *Services) WriteFile(ctx context.Context, path string, data []byte) error {
	return fail(FuncWriteFile, s.writeFile(ctx, path, data))
}

func (s *Services) writeFile(ctx context.Context, path string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	real, err := s.mounts.ToReal(path)
	if err != nil {
		return deny("write %s: %v", path, err)
	}
	temp, ok := s.mounts.Map()[api.VirtualTemp]
	own := filepath.Join(temp, s.id)
	if rel, err := filepath.Rel(own, real); !ok || err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return deny("write %s: a plugin may write only in its temp directory (%s/%s)", path, api.VirtualTemp, s.id)
	}
	_, err = s.files.CreateFile(real, func(w io.Writer) (int64, error) {
		n, err := w.Write(data)
		return int64(n), err
	})
	if err != nil {
		return deniedFile("write "+path, err)
	}
	return nil
}
