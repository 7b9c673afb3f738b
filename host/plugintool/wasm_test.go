package plugintool

// A tiny WebAssembly binary encoder for tests: enough to make modules with
// chosen imports and exports, so inspect can be tested on shapes no
// compiler would produce (unknown imports, wrong signatures).

type wasmFunc struct {
	export  string
	params  []byte // value types: 0x7f i32, 0x7e i64
	results []byte
}

type wasmImport struct {
	module, name string
}

// wasmModule returns a module that imports the given functions (all of type
// () -> ()), defines funcs (each returning zero, exported under its name)
// and exports a memory named "memory" if withMemory.
func wasmModule(imports []wasmImport, funcs []wasmFunc, withMemory bool) []byte {
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	section := func(id byte, body []byte) {
		out = append(out, id)
		out = append(out, uleb(len(body))...)
		out = append(out, body...)
	}
	// Types: 0 is () -> () for imports, then one per function.
	types := [][]byte{{0x60, 0x00, 0x00}}
	for _, f := range funcs {
		t := []byte{0x60}
		t = append(t, uleb(len(f.params))...)
		t = append(t, f.params...)
		t = append(t, uleb(len(f.results))...)
		t = append(t, f.results...)
		types = append(types, t)
	}
	section(1, vec(types))
	if len(imports) > 0 {
		var items [][]byte
		for _, im := range imports {
			b := str(im.module)
			b = append(b, str(im.name)...)
			b = append(b, 0x00, 0x00) // func, type 0
			items = append(items, b)
		}
		section(2, vec(items))
	}
	var fidx [][]byte
	for i := range funcs {
		fidx = append(fidx, uleb(i+1))
	}
	section(3, vec(fidx))
	if withMemory {
		section(5, vec([][]byte{{0x00, 0x01}}))
	}
	var exports [][]byte
	for i, f := range funcs {
		b := str(f.export)
		b = append(b, 0x00)
		b = append(b, uleb(len(imports)+i)...)
		exports = append(exports, b)
	}
	if withMemory {
		exports = append(exports, append(str("memory"), 0x02, 0x00))
	}
	section(7, vec(exports))
	var bodies [][]byte
	for _, f := range funcs {
		var code []byte
		for _, r := range f.results {
			switch r {
			case 0x7e:
				code = append(code, 0x42, 0x00)
			default:
				code = append(code, 0x41, 0x00)
			}
		}
		code = append(code, 0x0b)
		body := append([]byte{0x00}, code...) // no locals
		bodies = append(bodies, append(uleb(len(body)), body...))
	}
	section(10, vec(bodies))
	return out
}

func uleb(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func vec(items [][]byte) []byte {
	b := uleb(len(items))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func str(s string) []byte { return append(uleb(len(s)), s...) }
