package fastpath

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
)

// ToolVersionsFile is the name of the asdf/mise version file that pins
// several tools, one per line: `nodejs 20.11.1`.
const ToolVersionsFile = ".tool-versions"

// maxToolVersionsSize bounds how much of a .tool-versions file is read: the
// file comes from any repository a user cds into.
const maxToolVersionsSize = 64 << 10

// asdfNames maps asdf plugin names that differ from tote's tool ids.
var asdfNames = map[string]string{
	"nodejs": "node",
	"golang": "go",
}

// ToolID maps a name written in .tool-versions to tote's tool id:
// asdf's names such as nodejs and golang become node and go; other names
// are kept.
func ToolID(asdfName string) string {
	if id, ok := asdfNames[asdfName]; ok {
		return id
	}
	return asdfName
}

// ToolVersionsEntry is one tool's line in a .tool-versions file.
type ToolVersionsEntry struct {
	// Tool is tote's id for the name written (see [ToolID]).
	Tool string
	// Name is the name as written, such as "nodejs".
	Name string
	// Spec is the first version on the line.
	Spec string
	// Line is the 1-based line number.
	Line int
}

// ParseToolVersions reads .tool-versions content: one `name version...` per
// line, `#` starting a comment. The first version of each tool is kept
// (asdf's fallbacks are not); entries asdf resolves outside any version
// list — `system`, `ref:…`, `path:…` — are skipped, as are a tool's later
// duplicate lines.
func ParseToolVersions(data []byte) []ToolVersionsEntry {
	var out []ToolVersionsEntry
	seen := map[string]bool{}
	for n, line := range bytes.Split(data, []byte{'\n'}) {
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := bytes.Fields(line)
		if len(fields) < 2 {
			continue
		}
		name, spec := string(fields[0]), string(fields[1])
		if spec == "system" || bytes.HasPrefix(fields[1], []byte("ref:")) || bytes.HasPrefix(fields[1], []byte("path:")) {
			continue
		}
		id := ToolID(name)
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, ToolVersionsEntry{Tool: id, Name: name, Spec: spec, Line: n + 1})
	}
	return out
}

// ReadToolVersions reads dir/.tool-versions; nil when there is none or it
// cannot be read. At most 64 KiB are read.
func ReadToolVersions(dir string) []ToolVersionsEntry {
	f, err := os.Open(filepath.Join(dir, ToolVersionsFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxToolVersionsSize))
	if err != nil {
		return nil
	}
	return ParseToolVersions(data)
}

// toolVersionsIn finds tool id in dir/.tool-versions.
func toolVersionsIn(dir, id string) (Detection, bool) {
	for _, e := range ReadToolVersions(dir) {
		if e.Tool == id {
			return Detection{Spec: e.Spec, Source: filepath.Join(dir, ToolVersionsFile), Line: e.Line, Kind: FromToolVersions}, true
		}
	}
	return Detection{}, false
}
