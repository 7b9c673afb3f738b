package config

import (
	"errors"
	"sort"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// position is a 1-based line and column plus a byte offset.
type position struct {
	line, col, off int
}

// topKeyval is a top-level `key = value` found before the first table header.
type topKeyval struct {
	key        string
	keyStart   int // offset of the key's first byte
	lineStart  int // offset of the start of the key's line
	valueStart int // offset of the value's first byte (strings only, else -1)
	valueEnd   int // offset just past the value (strings only, else -1)
	isString   bool
}

// expression is one top-level TOML expression (a key/value or a header).
type expression struct {
	lineStart int
	pos       position
}

// docIndex records where things are in a TOML document: the position of
// every key path, the top-level key/values, and the first table header.
type docIndex struct {
	data       []byte
	lineStarts []int
	keys       map[string]position // joinPath(path) → first definition
	exprs      []expression
	top        []topKeyval
	// firstTable is the offset of the start of the line of the first table
	// header, or -1.
	firstTable int
}

func joinPath(path []string) string { return strings.Join(path, "\x1f") }

func newIndex(data []byte) *docIndex {
	ix := &docIndex{data: data, keys: map[string]position{}, firstTable: -1, lineStarts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			ix.lineStarts = append(ix.lineStarts, i+1)
		}
	}
	return ix
}

// at returns the position of byte offset off.
func (ix *docIndex) at(off int) position {
	i := sort.Search(len(ix.lineStarts), func(i int) bool { return ix.lineStarts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return position{line: i + 1, col: off - ix.lineStarts[i] + 1, off: off}
}

func (ix *docIndex) lineStartOf(off int) int {
	return ix.lineStarts[ix.at(off).line-1]
}

func (ix *docIndex) record(path []string, p position) {
	k := joinPath(path)
	if _, ok := ix.keys[k]; !ok {
		ix.keys[k] = p
	}
}

// lookup returns the position of path or of its longest recorded prefix.
func (ix *docIndex) lookup(path []string) (position, bool) {
	for n := len(path); n > 0; n-- {
		if p, ok := ix.keys[joinPath(path[:n])]; ok {
			return p, true
		}
	}
	return position{}, false
}

// scan indexes data, which must be syntactically valid TOML.
func scan(data []byte) (*docIndex, error) {
	ix := newIndex(data)
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, offs := keyOf(&p, e.Key())
			if len(parts) == 0 {
				continue
			}
			ls := ix.lineStartOf(offs[0])
			if ix.firstTable < 0 {
				ix.firstTable = ls
			}
			ix.exprs = append(ix.exprs, expression{lineStart: ls, pos: ix.at(offs[0])})
			for i := range parts {
				ix.record(parts[:i+1], ix.at(offs[i]))
			}
			table = parts
		case unstable.KeyValue:
			parts, offs := keyOf(&p, e.Key())
			if len(parts) == 0 {
				continue
			}
			ls := ix.lineStartOf(offs[0])
			ix.exprs = append(ix.exprs, expression{lineStart: ls, pos: ix.at(offs[0])})
			full := append(append([]string(nil), table...), parts...)
			for i := range parts {
				ix.record(full[:len(table)+i+1], ix.at(offs[i]))
			}
			v := e.Value()
			ix.indexValue(&p, full, v)
			if len(table) == 0 && len(parts) == 1 && ix.firstTable < 0 {
				kv := topKeyval{key: parts[0], keyStart: offs[0], lineStart: ls, valueStart: -1, valueEnd: -1}
				if v.Kind == unstable.String && v.Raw.Length > 0 {
					kv.isString = true
					kv.valueStart = int(v.Raw.Offset)
					kv.valueEnd = int(v.Raw.Offset + v.Raw.Length)
				}
				ix.top = append(ix.top, kv)
			}
		}
	}
	if err := p.Error(); err != nil {
		return ix, err
	}
	return ix, nil
}

// indexValue records the keys of inline tables nested in v.
func (ix *docIndex) indexValue(p *unstable.Parser, path []string, v *unstable.Node) {
	if v == nil || v.Kind != unstable.InlineTable {
		return
	}
	it := v.Children()
	for it.Next() {
		kv := it.Node()
		if kv.Kind != unstable.KeyValue {
			continue
		}
		parts, offs := keyOf(p, kv.Key())
		full := append(append([]string(nil), path...), parts...)
		for i := range parts {
			ix.record(full[:len(path)+i+1], ix.at(offs[i]))
		}
		ix.indexValue(p, full, kv.Value())
	}
}

// keyOf returns the decoded parts of a key and the offset of each.
func keyOf(p *unstable.Parser, it unstable.Iterator) ([]string, []int) {
	var parts []string
	var offs []int
	for it.Next() {
		n := it.Node()
		parts = append(parts, string(n.Data))
		offs = append(offs, int(n.Raw.Offset))
	}
	return parts, offs
}

// decode unmarshals data into a generic map, turning every failure into a
// *ParseError with a position. go-toml reports syntax errors with a
// position but semantic ones (a key or table defined twice) without; for
// those the failing expression is found by decoding ever longer prefixes of
// the document, cut at expression boundaries.
func decode(path string, data []byte) (map[string]any, *docIndex, error) {
	raw := map[string]any{}
	err := toml.Unmarshal(data, &raw)
	if err == nil {
		ix, serr := scan(data)
		if serr != nil {
			// Unreachable in practice: both use the same parser.
			return nil, nil, &ParseError{Path: path, Msg: serr.Error()}
		}
		return raw, ix, nil
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return nil, nil, &ParseError{Path: path, Line: line, Column: col, Msg: tomlMsg(err)}
	}
	ix, _ := scan(data)
	pe := &ParseError{Path: path, Msg: tomlMsg(err)}
	if ix != nil && len(ix.exprs) > 0 {
		// Smallest k such that the prefix holding expressions 0..k fails.
		k := sort.Search(len(ix.exprs), func(k int) bool {
			end := len(data)
			if k+1 < len(ix.exprs) {
				end = ix.exprs[k+1].lineStart
			}
			var m map[string]any
			return toml.Unmarshal(data[:end], &m) != nil
		})
		if k < len(ix.exprs) {
			pe.Line, pe.Column = ix.exprs[k].pos.line, ix.exprs[k].pos.col
		}
	}
	return nil, nil, pe
}

func tomlMsg(err error) string {
	return strings.TrimPrefix(err.Error(), "toml: ")
}
