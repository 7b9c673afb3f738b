package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tote-dev/tote/internal/store"
)

// SetPin pins tool to spec in the file at path, creating the file when it
// is missing. The edit is textual: the value of an existing top-level
// `tool = ...` entry is replaced, or a new line is added after the last
// top-level pin (or, when there is none, before the first table header and
// the comment lines directly above it; or at the end). Everything else is
// kept byte for byte. An existing file that does not parse is refused with
// its *ParseError and left untouched. The write is atomic (temporary file
// in the same directory, fsync, rename) and keeps the file's mode.
func SetPin(path, tool, spec string) error {
	if err := checkTool(tool); err != nil {
		return err
	}
	if strings.TrimSpace(spec) == "" {
		return fmt.Errorf("pin %s in %s: empty version spec", tool, path)
	}
	if !utf8.ValidString(spec) {
		return fmt.Errorf("pin %s in %s: version spec %q is not valid UTF-8", tool, path, spec)
	}
	defer lockDir(filepath.Dir(path))()
	target, data, mode, err := readForEdit(path)
	if err != nil {
		return err
	}
	before, err := Parse(path, data)
	if err != nil {
		return err
	}
	out, err := setPinText(data, tool, spec)
	if err != nil {
		return fmt.Errorf("pin %s in %s: %w", tool, path, err)
	}
	if err := verifyEdit(path, before, out, tool, &Pin{Spec: spec}); err != nil {
		return err
	}
	return writeAtomic(target, out, mode)
}

// RemovePin removes the top-level `tool = ...` line from the file at path
// (with its trailing comment) and reports whether there was one. A missing
// file is not an error. Like [SetPin], it refuses a file that does not
// parse and writes atomically.
func RemovePin(path, tool string) (bool, error) {
	defer lockDir(filepath.Dir(path))()
	target, data, mode, err := readForEdit(path)
	if err != nil {
		return false, err
	}
	if data == nil {
		return false, nil
	}
	before, err := Parse(path, data)
	if err != nil {
		return false, err
	}
	if _, ok := before.Pins[tool]; !ok {
		return false, nil
	}
	ix, err := scan(data)
	if err != nil {
		return false, &ParseError{Path: path, Msg: err.Error()}
	}
	kv, ok := findTop(ix, tool)
	if !ok {
		return false, fmt.Errorf("unpin %s in %s: pin not found in the document", tool, path)
	}
	end := lineEnd(data, kv.valueEnd)
	out := append(append([]byte{}, data[:kv.lineStart]...), data[end:]...)
	if err := verifyEdit(path, before, out, tool, nil); err != nil {
		return false, err
	}
	return true, writeAtomic(target, out, mode)
}

// readForEdit resolves a symlinked path to its target and reads it. A
// missing file yields nil data and mode 0644.
func readForEdit(path string) (target string, data []byte, mode fs.FileMode, err error) {
	target = path
	if st, lerr := os.Lstat(path); lerr == nil && st.Mode()&fs.ModeSymlink != 0 {
		if t, eerr := filepath.EvalSymlinks(path); eerr == nil {
			target = t
		}
	}
	st, err := os.Stat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return target, nil, 0o644, nil
	}
	if err != nil {
		return "", nil, 0, fmt.Errorf("edit config: %w", err)
	}
	if st.IsDir() {
		return "", nil, 0, fmt.Errorf("edit config: %s is a directory", path)
	}
	data, err = readConfig(target)
	if err != nil {
		return "", nil, 0, fmt.Errorf("edit config: %w", err)
	}
	if data == nil {
		data = []byte{}
	}
	return target, data, st.Mode().Perm(), nil
}

// verifyEdit checks that out parses, that tool's pin is want (or absent
// when want is nil) and that every other pin is unchanged.
func verifyEdit(path string, before *File, out []byte, tool string, want *Pin) error {
	after, err := Parse(path, out)
	if err != nil {
		return fmt.Errorf("edit of %s refused: the result would not parse: %w", path, err)
	}
	got, ok := after.Pins[tool]
	switch {
	case want == nil && ok:
		return fmt.Errorf("edit of %s refused: pin %s is still present", path, tool)
	case want != nil && (!ok || got.Spec != want.Spec):
		return fmt.Errorf("edit of %s refused: pin %s reads back as %q, want %q", path, tool, got.Spec, want.Spec)
	}
	for id, p := range before.Pins {
		if id == tool {
			continue
		}
		if q, ok := after.Pins[id]; !ok || q.Spec != p.Spec {
			return fmt.Errorf("edit of %s refused: it would change the pin of %s", path, id)
		}
	}
	wantN := len(before.Pins)
	switch {
	case want == nil && hasPin(before, tool):
		wantN--
	case want != nil && !hasPin(before, tool):
		wantN++
	}
	if len(after.Pins) != wantN {
		return fmt.Errorf("edit of %s refused: it would change the set of pins", path)
	}
	return nil
}

func hasPin(f *File, tool string) bool {
	_, ok := f.Pins[tool]
	return ok
}

// setPinText returns data with tool pinned to spec. data must parse.
func setPinText(data []byte, tool, spec string) ([]byte, error) {
	ix, err := scan(data)
	if err != nil {
		return nil, err
	}
	value := tomlString(spec)
	if kv, ok := findTop(ix, tool); ok {
		if !kv.isString {
			return nil, fmt.Errorf("the existing entry for %s is not a string", tool)
		}
		return splice(data, kv.valueStart, kv.valueEnd, value), nil
	}
	nl := "\n"
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		nl = "\r\n"
	}
	line := quoteKey(tool) + " = " + value + nl
	var last *topKeyval
	for i := range ix.top {
		if !reservedKeys[ix.top[i].key] {
			last = &ix.top[i]
		}
	}
	switch {
	case last != nil:
		at := lineEnd(data, last.valueEnd)
		if at == len(data) && (len(data) == 0 || data[len(data)-1] != '\n') {
			line = nl + line
		}
		return splice(data, at, at, line), nil
	case ix.firstTable >= 0:
		at := commentBlockStart(data, ix.firstTable)
		return splice(data, at, at, line+nl), nil
	default:
		if len(data) > 0 && data[len(data)-1] != '\n' {
			line = nl + line
		}
		return splice(data, len(data), len(data), line), nil
	}
}

func findTop(ix *docIndex, tool string) (topKeyval, bool) {
	for _, kv := range ix.top {
		if kv.key == tool {
			return kv, true
		}
	}
	return topKeyval{}, false
}

func splice(data []byte, from, to int, s string) []byte {
	out := make([]byte, 0, len(data)-(to-from)+len(s))
	out = append(out, data[:from]...)
	out = append(out, s...)
	return append(out, data[to:]...)
}

// lineEnd returns the offset just past the newline ending the line that
// contains off, or len(data).
func lineEnd(data []byte, off int) int {
	if off < 0 {
		off = 0
	}
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(data)
}

// commentBlockStart moves back from the line starting at off over the
// comment lines directly above it, so that a table's leading comment stays
// with the table.
func commentBlockStart(data []byte, off int) int {
	for off > 0 {
		prevEnd := off - 1 // the '\n' ending the previous line
		prevStart := bytes.LastIndexByte(data[:prevEnd], '\n') + 1
		if !strings.HasPrefix(strings.TrimSpace(string(data[prevStart:prevEnd])), "#") {
			break
		}
		off = prevStart
	}
	return off
}

func checkTool(tool string) error {
	switch {
	case strings.TrimSpace(tool) == "":
		return errors.New("pin: empty tool id")
	case !utf8.ValidString(tool):
		return fmt.Errorf("pin: tool id %q is not valid UTF-8", tool)
	case reservedKeys[tool]:
		return fmt.Errorf("pin: %q is a reserved table name in .prototools, not a tool id", tool)
	}
	return nil
}

// quoteKey returns k as a TOML key: bare when possible, else quoted.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return tomlString(k)
		}
	}
	return k
}

// tomlString returns s as a TOML basic string. s must be valid UTF-8.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// writeAtomic replaces path with data (see store.WriteFileAtomic),
// creating its directory first.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return store.WriteFileAtomic(path, data, mode)
}
