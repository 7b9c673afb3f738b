package config

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// SetPlugin sets the plugin locator of tool id in the file at path,
// creating the file when it is missing. An existing declaration ([plugins],
// [plugins.tools] or [tools.<id>] plugin = ...) has its value replaced;
// otherwise `id = "locator"` is added at the end of the [plugins] table (or
// [plugins.tools]), or a [plugins] table is appended. Everything else is
// kept byte for byte. Like [SetPin], a file that does not parse is refused,
// the result is parsed back and checked, and the write is atomic.
func SetPlugin(path, id, locator string) error {
	if err := checkTool(id); err != nil {
		return err
	}
	if _, err := parseLocator(locator, id, path, path); err != nil {
		return err
	}
	target, data, mode, err := readForEdit(path)
	if err != nil {
		return err
	}
	before, err := Parse(path, data)
	if err != nil {
		return err
	}
	out, err := setPluginText(data, id, locator)
	if err != nil {
		return fmt.Errorf("set plugin %s in %s: %w", id, path, err)
	}
	if err := verifyPluginEdit(path, before, out, id, &locator); err != nil {
		return err
	}
	return writeAtomic(target, out, mode)
}

// RemovePlugin removes the [plugins] (or [plugins.tools], or
// [tools.<id>] plugin) entry of tool id from the file at path and reports
// whether there was one. A missing file is not an error.
func RemovePlugin(path, id string) (bool, error) {
	target, data, mode, err := readForEdit(path)
	if err != nil || data == nil {
		return false, err
	}
	before, err := Parse(path, data)
	if err != nil {
		return false, err
	}
	if _, ok := before.Plugins[id]; !ok {
		return false, nil
	}
	ps, err := scanPlugins(data, id)
	if err != nil {
		return false, &ParseError{Path: path, Msg: err.Error()}
	}
	if ps.entry == nil {
		return false, fmt.Errorf("remove plugin %s in %s: the entry is not a plain key = \"value\" line; edit the file by hand", id, path)
	}
	end := lineEnd(data, ps.entry.valueEnd)
	out := append(append([]byte{}, data[:ps.entry.lineStart]...), data[end:]...)
	if err := verifyPluginEdit(path, before, out, id, nil); err != nil {
		return false, err
	}
	return true, writeAtomic(target, out, mode)
}

// pluginEntry is a `key = "value"` line declaring a plugin.
type pluginEntry struct {
	lineStart, valueStart, valueEnd int
}

// pluginScan is what scanPlugins finds.
type pluginScan struct {
	entry *pluginEntry
	// tables: offset just past the last key/value line (or the header line)
	// of [plugins] and [plugins.tools]; -1 when absent.
	pluginsEnd, toolsEnd int
}

func scanPlugins(data []byte, id string) (*pluginScan, error) {
	ix := newIndex(data)
	ps := &pluginScan{pluginsEnd: -1, toolsEnd: -1}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, offs := keyOf(&p, e.Key())
			table = parts
			if len(offs) > 0 && e.Kind == unstable.Table {
				switch strings.Join(parts, ".") {
				case "plugins":
					ps.pluginsEnd = lineEnd(data, offs[len(offs)-1])
				case "plugins.tools":
					ps.toolsEnd = lineEnd(data, offs[len(offs)-1])
				}
			}
		case unstable.KeyValue:
			parts, offs := keyOf(&p, e.Key())
			if len(parts) == 0 {
				continue
			}
			full := append(append([]string(nil), table...), parts...)
			v := e.Value()
			end := -1
			if v.Raw.Length > 0 {
				end = int(v.Raw.Offset + v.Raw.Length)
			}
			tbl := strings.Join(table, ".")
			if end >= 0 && (tbl == "plugins" || tbl == "plugins.tools") {
				if tbl == "plugins" {
					ps.pluginsEnd = lineEnd(data, end)
				} else {
					ps.toolsEnd = lineEnd(data, end)
				}
			}
			fk := strings.Join(full, "\x1f")
			if fk == "plugins\x1f"+id || fk == "plugins\x1ftools\x1f"+id || fk == "tools\x1f"+id+"\x1fplugin" {
				if v.Kind == unstable.String && len(parts) == 1 && end >= 0 {
					ps.entry = &pluginEntry{lineStart: ix.lineStartOf(offs[0]), valueStart: int(v.Raw.Offset), valueEnd: end}
				}
			}
		}
	}
	return ps, p.Error()
}

func setPluginText(data []byte, id, locator string) ([]byte, error) {
	ps, err := scanPlugins(data, id)
	if err != nil {
		return nil, err
	}
	value := tomlString(locator)
	if ps.entry != nil {
		return splice(data, ps.entry.valueStart, ps.entry.valueEnd, value), nil
	}
	nl := "\n"
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		nl = "\r\n"
	}
	line := quoteKey(id) + " = " + value + nl
	at := ps.pluginsEnd
	if at < 0 {
		at = ps.toolsEnd
	}
	if at >= 0 {
		if at == len(data) && len(data) > 0 && data[len(data)-1] != '\n' {
			line = nl + line
		}
		return splice(data, at, at, line), nil
	}
	prefix := ""
	if len(data) > 0 {
		if data[len(data)-1] != '\n' {
			prefix = nl
		}
		prefix += nl
	}
	return splice(data, len(data), len(data), prefix+"[plugins]"+nl+line), nil
}

// verifyPluginEdit checks that out parses, that id's locator is want (or
// absent when want is nil) and that no pin or other plugin changed.
func verifyPluginEdit(path string, before *File, out []byte, id string, want *string) error {
	after, err := Parse(path, out)
	if err != nil {
		return fmt.Errorf("edit of %s refused: the result would not parse: %w", path, err)
	}
	got, ok := after.Plugins[id]
	switch {
	case want == nil && ok:
		return fmt.Errorf("edit of %s refused: plugin %s is still declared", path, id)
	case want != nil && got != *want:
		return fmt.Errorf("edit of %s refused: plugin %s reads back as %q, want %q", path, id, got, *want)
	}
	for k, v := range before.Plugins {
		if k != id && after.Plugins[k] != v {
			return fmt.Errorf("edit of %s refused: it would change the plugin of %s", path, k)
		}
	}
	n := len(before.Plugins)
	if _, had := before.Plugins[id]; had && want == nil {
		n--
	} else if !had && want != nil {
		n++
	}
	if len(after.Plugins) != n || len(after.Pins) != len(before.Pins) {
		return fmt.Errorf("edit of %s refused: it would change other entries", path)
	}
	for k, p := range before.Pins {
		if after.Pins[k].Spec != p.Spec {
			return fmt.Errorf("edit of %s refused: it would change the pin of %s", path, k)
		}
	}
	return nil
}
