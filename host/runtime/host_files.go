package runtime

import (
	"errors"
	"io"

	"github.com/tote-dev/tote/host/services"
)

// sandboxFiles is the services.Files of a WASM plugin: its instance's
// sandbox, so that download_file and exec_command's set_executable and cwd
// obey the same roots and writable directories as the guest's own WASI
// calls. Host functions run inside a call, when the instance (and its
// sandbox) exists.
type sandboxFiles struct{ p *Plugin }

var _ services.Files = sandboxFiles{}

// readOnly marks the sandbox's refusal to write as a denial.
type readOnly struct{ error }

func (e readOnly) Unwrap() error        { return e.error }
func (e readOnly) Is(target error) bool { return target == services.ErrDenied }

func denial(err error) error {
	if errors.Is(err, errReadOnly) {
		return readOnly{err}
	}
	return err
}

func (f sandboxFiles) sandbox() (*sandbox, error) {
	if f.p.sandbox == nil {
		return nil, errors.New("the plugin has no instance")
	}
	return f.p.sandbox, nil
}

// Writable reports whether the plugin may write the host path.
func (f sandboxFiles) Writable(path string) bool {
	sb, err := f.sandbox()
	return err == nil && sb.writable(path)
}

func (f sandboxFiles) CreateFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	sb, err := f.sandbox()
	if err != nil {
		return 0, err
	}
	n, err := sb.createFile(path, write)
	return n, denial(err)
}

func (f sandboxFiles) MakeExecutable(path string) error {
	sb, err := f.sandbox()
	if err != nil {
		return err
	}
	return denial(sb.makeExecutable(path))
}

func (f sandboxFiles) CheckDir(path string) error {
	sb, err := f.sandbox()
	if err != nil {
		return err
	}
	return sb.statDir(path)
}
