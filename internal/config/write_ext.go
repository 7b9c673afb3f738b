package config

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/pelletier/go-toml/v2/unstable"
)

// SetExtensionEnabled sets `enabled = true|false` in the [extensions.<id>]
// table of the file at path (normally the global $TOTE_HOME/.prototools),
// creating the file or the table when missing. Like [SetPin] the edit is
// textual (an existing `enabled` value is replaced, else the line is added
// under the table header, else the table is appended), refuses a file that
// does not parse or whose extension table is written in another form
// (inline or dotted keys), checks that nothing else changed, and writes
// atomically.
func SetExtensionEnabled(path, id string, enabled bool) error {
	if id == "" {
		return fmt.Errorf("edit %s: empty extension id", path)
	}
	target, data, mode, err := readForEdit(path)
	if err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	before, err := Parse(path, data)
	if err != nil {
		return err
	}
	value := "false"
	if enabled {
		value = "true"
	}
	out, err := setExtensionEnabledText(data, id, value)
	if err != nil {
		return fmt.Errorf("edit [extensions.%s] in %s: %w", id, path, err)
	}
	after, err := Parse(path, out)
	if err != nil {
		return fmt.Errorf("edit of %s refused: the result would not parse: %w", path, err)
	}
	got := after.Extensions[id]
	if got.Enabled == nil || *got.Enabled != enabled {
		return fmt.Errorf("edit of %s refused: [extensions.%s] enabled does not read back as %s", path, id, value)
	}
	want := before.Extensions[id]
	want.Enabled = got.Enabled
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(before.Pins, after.Pins) ||
		!reflect.DeepEqual(before.Tools, after.Tools) || !reflect.DeepEqual(before.Plugins, after.Plugins) ||
		len(before.Extensions) > len(after.Extensions) {
		return fmt.Errorf("edit of %s refused: it would change more than [extensions.%s] enabled", path, id)
	}
	for other, t := range before.Extensions {
		if other != id && !reflect.DeepEqual(t, after.Extensions[other]) {
			return fmt.Errorf("edit of %s refused: it would change [extensions.%s]", path, other)
		}
	}
	return writeAtomic(target, out, mode)
}

// setExtensionEnabledText returns data with [extensions.<id>] enabled set
// to value ("true" or "false"). data must parse.
func setExtensionEnabledText(data []byte, id, value string) ([]byte, error) {
	var p unstable.Parser
	p.Reset(data)
	var table []string
	headerEnd := -1 // offset just past the [extensions.<id>] header line
	inTable := false
	valueStart, valueEnd := -1, -1
	otherForm := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, offs := keyOf(&p, e.Key())
			table = parts
			inTable = len(parts) == 2 && parts[0] == "extensions" && parts[1] == id && e.Kind == unstable.Table
			if inTable {
				headerEnd = lineEnd(data, offs[len(offs)-1])
			} else if len(parts) > 2 && parts[0] == "extensions" && parts[1] == id && headerEnd < 0 {
				otherForm = true // only sub-tables such as [extensions.<id>.config]
			}
		case unstable.KeyValue:
			parts, offs := keyOf(&p, e.Key())
			full := append(append([]string(nil), table...), parts...)
			if (len(full) == 1 && full[0] == "extensions") || (len(full) >= 2 && full[0] == "extensions" && full[1] == id && !inTable) {
				otherForm = true
			}
			if inTable && len(parts) == 1 && parts[0] == "enabled" {
				if e.Value().Kind != unstable.Bool {
					return nil, fmt.Errorf("enabled is not a boolean")
				}
				valueStart, valueEnd = boolAfterKey(data, offs[0])
				if valueStart < 0 {
					return nil, fmt.Errorf("cannot find the value of enabled")
				}
			}
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	nl := "\n"
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		nl = "\r\n"
	}
	switch {
	case valueStart >= 0:
		return splice(data, valueStart, valueEnd, value), nil
	case headerEnd >= 0:
		line := "enabled = " + value + nl
		if headerEnd == len(data) && (len(data) == 0 || data[len(data)-1] != '\n') {
			line = nl + line
		}
		return splice(data, headerEnd, headerEnd, line), nil
	case otherForm:
		return nil, fmt.Errorf("the table is written with dotted keys, inline or only as sub-tables; set enabled = %s by hand", value)
	}
	block := "[extensions." + quoteKey(id) + "]" + nl + "enabled = " + value + nl
	switch {
	case len(data) == 0:
	case data[len(data)-1] != '\n':
		block = nl + nl + block
	default:
		block = nl + block
	}
	return splice(data, len(data), len(data), block), nil
}

// boolAfterKey finds the `true` or `false` after the key starting at off
// ("enabled = true") and returns its offsets, or -1, -1.
func boolAfterKey(data []byte, off int) (int, int) {
	eq := bytes.IndexByte(data[off:], '=')
	if eq < 0 {
		return -1, -1
	}
	i := off + eq + 1
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	for _, lit := range []string{"true", "false"} {
		if bytes.HasPrefix(data[i:], []byte(lit)) {
			return i, i + len(lit)
		}
	}
	return -1, -1
}
