package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
)

// moduleFunctions reads the names of the functions a WebAssembly binary
// imports ("module.name") and exports, from its import and export sections,
// without compiling it.
func moduleFunctions(wasm []byte) (imports, exports []string, err error) {
	imports, exports, _, err = moduleSections(wasm)
	return imports, exports, err
}

// moduleSections is moduleFunctions plus the names of the custom sections.
// A WebAssembly component, or a module built with a pre-1.0 Extism PDK, is
// an error that says what the file is and what to build instead.
func moduleSections(wasm []byte) (imports, exports, customSections []string, err error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, nil, nil, errors.New("not a WebAssembly module (bad magic number)")
	}
	if err := moduleKind(wasm, nil); err != nil {
		return nil, nil, nil, err
	}
	err = eachSection(wasm, func(id byte, _, body, end int) error {
		r := &wasmReader{b: wasm, off: body}
		switch id {
		case 0: // custom
			customSections = append(customSections, r.name())
		case 2: // import
			imports = r.imports()
		case 7: // export
			exports = r.exports()
		}
		if r.err != nil {
			return fmt.Errorf("section %d: %w", id, r.err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	sort.Strings(imports)
	sort.Strings(exports)
	if err := moduleKind(wasm, imports); err != nil {
		return nil, nil, nil, err
	}
	return imports, exports, customSections, nil
}

// eachSection calls fn for every section of a module, in order, with its
// id and the offsets of its first byte, of its body and of its end; a
// section that runs past the end of the module is an error.
func eachSection(wasm []byte, fn func(id byte, start, body, end int) error) error {
	r := &wasmReader{b: wasm, off: 8}
	for r.off < len(wasm) {
		start := r.off
		id := r.byte()
		size := r.u32()
		if r.err != nil {
			return r.err
		}
		end := r.off + int(size)
		if end > len(wasm) || end < r.off {
			return fmt.Errorf("section %d at byte %d runs past the end of the module", id, r.off)
		}
		if err := fn(id, start, r.off, end); err != nil {
			return err
		}
		r.off = end
	}
	return nil
}

// appendSection appends a section (or a name subsection): its id, the size
// of its body and the body.
func appendSection(b []byte, id byte, body []byte) []byte {
	return append(appendU32(append(b, id), uint32(len(body))), body...)
}

type wasmReader struct {
	b   []byte
	off int
	err error
}

func (r *wasmReader) fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s at byte %d", msg, r.off)
	}
}

func (r *wasmReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *wasmReader) u32() uint32 {
	var v uint32
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.fail("LEB128 too long")
	return 0
}

func (r *wasmReader) name() string {
	n := int(r.u32())
	if r.err != nil {
		return ""
	}
	if n < 0 || r.off+n > len(r.b) {
		r.fail("name runs past the end")
		return ""
	}
	s := string(r.b[r.off : r.off+n])
	r.off += n
	return s
}

func (r *wasmReader) limits() {
	flags := r.byte()
	r.u32()
	if flags&1 != 0 {
		r.u32()
	}
}

func (r *wasmReader) imports() []string {
	var out []string
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		mod, field := r.name(), r.name()
		if r.importDesc() == 0 {
			out = append(out, mod+"."+field)
		}
	}
	return out
}

// importDesc reads the kind and description of one import and returns the
// kind (0 for a function).
func (r *wasmReader) importDesc() byte {
	kind := r.byte()
	switch kind {
	case 0: // function
		r.u32()
	case 1: // table
		r.byte()
		r.limits()
	case 2: // memory
		r.limits()
	case 3: // global
		r.byte()
		r.byte()
	case 4: // tag
		r.byte()
		r.u32()
	default:
		r.fail(fmt.Sprintf("unknown import kind %d", kind))
	}
	return kind
}

// renameImports returns a copy of a module whose function imports from
// module from named by a key of to import from the module to maps it to
// instead; everything else is byte for byte the same. It lets the host
// provide its own version of a host function another library already
// defines (Extism's http_request, its kernel bridge) without touching that
// library.
func renameImports(wasm []byte, from string, to map[string]string) ([]byte, error) {
	out := append(make([]byte, 0, len(wasm)+1024), wasm[:8]...) // the import section grows by a few renamed names
	err := eachSection(wasm, func(id byte, start, body, end int) error {
		if id != 2 {
			out = append(out, wasm[start:end]...)
			return nil
		}
		r := &wasmReader{b: wasm, off: body}
		n := r.u32()
		sec := appendU32(nil, n)
		for i := uint32(0); i < n && r.err == nil; i++ {
			mod := r.name()
			fieldStart := r.off
			field := r.name()
			kind := r.importDesc()
			if m, ok := to[field]; ok && kind == 0 && mod == from {
				mod = m
			}
			sec = appendName(sec, mod)
			sec = append(sec, wasm[fieldStart:r.off]...)
		}
		if r.err != nil {
			return fmt.Errorf("import section: %w", r.err)
		}
		if r.off != end {
			return fmt.Errorf("import section: %d bytes left over", end-r.off)
		}
		out = appendSection(out, id, sec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// appendU32 appends v as unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func (r *wasmReader) exports() []string {
	var out []string
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		name := r.name()
		kind := r.byte()
		r.u32()
		if kind == 0 {
			out = append(out, name)
		}
	}
	return out
}
