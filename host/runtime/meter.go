package runtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	extism "github.com/extism/go-sdk"
	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/store"
)

// Metering: how a runaway guest is stopped without slowing every loop.
//
// wazero stops a guest whose context ends (a time limit, Ctrl-C) only if
// the module was compiled with WithCloseOnContextDone, which makes every
// loop iteration leave the compiled code for Go to check the context: a Go
// plugin, whose functions are loops over their basic blocks, then spends
// most of its time in those exits (parsing a 2 MB JSON document took 10×
// longer than without them; see BENCHMARKS.md).
//
// meter rewrites the module instead: a counter in a global of its own
// ("fuel") is decremented at the start of every function and of every loop
// iteration, a few instructions that stay in compiled code, and when it
// reaches zero the guest calls the host function tote:meter.refill. The
// host checks the call's context there — failing the call when it has
// ended, exactly as wazero's own check would — and hands out the next
// meterFuel units. Every unbounded execution of WebAssembly repeats a loop
// or a call, so a guest reaches refill within meterFuel steps of its
// deadline (about a millisecond of work), and it is also where Go's garbage
// collector can stop the guest's goroutine, as at any host call.
//
// meter knows every instruction of WebAssembly 2.0 (SIMD included),
// threads, tail calls and exception handling. A module it cannot read (GC
// types, say, which wazero does not run either) is refused: wazero's own
// check would stop its loops but not a recursion that never loops.
const (
	meterModule = "tote:meter"
	meterFunc   = "refill"
	// meterFuel is how many function entries and loop iterations a guest
	// runs between two checks of its call's context.
	meterFuel = 1 << 20
)

// refill is the tote:meter.refill host function: it fails the call whose
// context has ended and returns the next allowance of fuel.
func refill(ctx context.Context) int32 {
	if err := ctx.Err(); err != nil {
		panic(err)
	}
	return meterFuel
}

// section ids of the WebAssembly binary format.
const (
	secCustom   = 0
	secType     = 1
	secImport   = 2
	secTable    = 4
	secMemory   = 5
	secGlobal   = 6
	secExport   = 7
	secStart    = 8
	secElement  = 9
	secCode     = 10
	secData     = 11
	secTag      = 13
	typeFuncI32 = "\x60\x00\x01\x7f" // func () -> i32
)

// Bounds on what a module may declare in a few bytes and make the engine
// allocate in gigabytes while it compiles or instantiates: wazero 1.12
// allocates every declared local (up to 2^32) and table element (up to
// 2^27). The bounds are V8's for locals and parameters; no plugin comes
// near them.
const (
	maxLocals     = 50_000
	maxTypeValues = 1_000
	maxTableMin   = 1 << 20
)

// errTooLarge marks a module refused for what it declares, not for what
// meter cannot read.
var errTooLarge = errors.New("more than a plugin may declare")

// sectionRank is the order non-custom sections must appear in.
var sectionRank = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// meter returns a copy of a core WebAssembly module with fuel checks at
// the start of every function body and every loop, a new function import
// tote:meter.refill and a new mutable i32 global holding the fuel. The
// indices of the module's own functions move up by one (the import comes
// after the other function imports); every reference to them is renumbered:
// calls, ref.func, exports, the start function, element segments, global
// initialisers and the name section. DWARF sections, whose code offsets no
// longer hold, are dropped. An error means the module is outside what meter
// understands, or declares more than a plugin may (errTooLarge): tote
// refuses it (see prepare).
func meter(wasm []byte) ([]byte, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:8], []byte("\x00asm\x01\x00\x00\x00")) {
		return nil, errors.New("not a core WebAssembly module")
	}
	type section struct {
		id   byte
		body []byte
	}
	var secs []section
	have := map[byte]bool{}
	err := eachSection(wasm, func(id byte, _, start, end int) error {
		if _, ok := sectionRank[id]; !ok && id != secCustom {
			return fmt.Errorf("unknown section %d", id)
		}
		body := wasm[start:end]
		if err := checkCount(id, body); err != nil {
			return err
		}
		secs = append(secs, section{id, body})
		have[id] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !have[secCode] {
		return wasm, nil // nothing runs
	}

	// What the new import, type and global are numbered.
	var types, funcImports, globals uint32
	for _, s := range secs {
		sr := &wasmReader{b: s.body}
		switch s.id {
		case secType:
			types = sr.u32()
		case secImport:
			n := sr.u32()
			for i := uint32(0); i < n && sr.err == nil; i++ {
				sr.name()
				sr.name()
				switch sr.importDesc() {
				case 0:
					funcImports++
				case 3:
					globals++
				}
			}
		case secGlobal:
			globals += sr.u32()
		}
		if sr.err != nil {
			return nil, fmt.Errorf("section %d: %w", s.id, sr.err)
		}
	}
	m := &meterer{types: types, refill: funcImports, fuel: globals, imported: funcImports}
	m.check = m.checkCode()

	out := append(make([]byte, 0, len(wasm)+len(wasm)/8), wasm[:8]...)
	// Sections the module lacks but meter needs, in their places.
	pending := map[byte][]byte{}
	if !have[secType] {
		pending[secType] = append([]byte{1}, typeFuncI32...)
	}
	if !have[secImport] {
		pending[secImport] = m.importEntry([]byte{1})
	}
	if !have[secGlobal] {
		pending[secGlobal] = m.globalEntry([]byte{1})
	}
	flush := func(before int) {
		for _, id := range []byte{secType, secImport, secGlobal} {
			if b, ok := pending[id]; ok && sectionRank[id] < before {
				out = appendSection(out, id, b)
				delete(pending, id)
			}
		}
	}
	for _, s := range secs {
		if s.id != secCustom {
			flush(sectionRank[s.id])
		}
		body, keep, err := m.section(s.id, s.body)
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", s.id, err)
		}
		if keep {
			out = appendSection(out, s.id, body)
		}
	}
	flush(len(sectionRank) + 1)
	return out, nil
}

// checkCount refuses a vector section that declares more entries than it
// has bytes (every entry takes at least one): wazero 1.12 believes the count
// and spends minutes and gigabytes on a 21-byte module whose export section
// declares 250 million exports (the FuzzMeter corpus, 540030f9ed767568).
func checkCount(id byte, body []byte) error {
	switch id {
	case secCustom, secStart, 12: // not vectors
		return nil
	}
	r := &wasmReader{b: body}
	n := r.u32()
	if r.err != nil {
		return fmt.Errorf("section %d: entry count: %v: %w", id, r.err, errTooLarge)
	}
	if int64(n) > int64(len(body)-r.off) {
		return fmt.Errorf("section %d declares %d entries in %d bytes: %w", id, n, len(body)-r.off, errTooLarge)
	}
	return nil
}

// meterer rewrites the sections of one module.
type meterer struct {
	types    uint32 // the module's own types
	refill   uint32 // function index of tote:meter.refill
	fuel     uint32 // global index of the fuel
	imported uint32 // function imports before refill
	check    []byte // the fuel check
}

// checkCode is the fuel check:
//
//	global.get $fuel; i32.eqz; if; call $refill; global.set $fuel; end
//	global.get $fuel; i32.const 1; i32.sub; global.set $fuel
func (m *meterer) checkCode() []byte {
	g, f := appendU32(nil, m.fuel), appendU32(nil, m.refill)
	var b []byte
	b = append(append(append(b, 0x23), g...), 0x45, 0x04, 0x40)
	b = append(append(b, 0x10), f...)
	b = append(append(append(b, 0x24), g...), 0x0b)
	b = append(append(append(b, 0x23), g...), 0x41, 0x01, 0x6b)
	return append(append(b, 0x24), g...)
}

// global reads a global index, which must name one of the module's own
// globals: an index past them is invalid in the module as it came, and must
// not become valid by naming the fuel (a guest that could set its fuel
// would never reach refill).
func (m *meterer) global(r *wasmReader) {
	if i := r.u32(); i >= m.fuel && r.err == nil {
		r.fail(fmt.Sprintf("global index %d out of range (%d globals)", i, m.fuel))
	}
}

// typeIndex checks that a type index names one of the module's own types
// (the type meter adds is not theirs to use).
func (m *meterer) typeIndex(r *wasmReader, i uint32) {
	if i >= m.types && r.err == nil {
		r.fail(fmt.Sprintf("type index %d out of range (%d types)", i, m.types))
	}
}

// blockType reads a block type; a type index must be the module's own.
func (m *meterer) blockType(r *wasmReader) {
	if r.off < len(r.b) {
		if t := r.b[r.off]; t != 0x40 && (t < 0x60 || t >= 0x80) {
			start := r.off
			i := r.u32()
			if r.b[r.off-1]&0x40 != 0 { // negative: not a type index
				r.off = start
				r.fail("bad block type")
				return
			}
			m.typeIndex(r, i)
			return
		}
	}
	r.blockType()
}

// fn renumbers a function index: the module's own functions move up by one.
func (m *meterer) fn(i uint32) uint32 {
	if i >= m.imported {
		return i + 1
	}
	return i
}

// importEntry appends the import of tote:meter.refill, of the type meter
// adds after the module's own.
func (m *meterer) importEntry(prefix []byte) []byte {
	b := appendName(prefix, meterModule)
	b = appendName(b, meterFunc)
	return appendU32(append(b, 0x00), m.types)
}

func (m *meterer) globalEntry(prefix []byte) []byte {
	b := append(prefix, 0x7f, 0x01, 0x41) // mut i32, i32.const
	return append(appendS32(b, meterFuel), 0x0b)
}

// section rewrites one section; keep false drops it.
func (m *meterer) section(id byte, body []byte) (_ []byte, keep bool, err error) {
	r := &wasmReader{b: body}
	var out []byte
	switch id {
	case secCustom:
		name := r.name()
		if r.err != nil {
			return nil, false, r.err
		}
		if strings.HasPrefix(name, ".debug_") || name == "sourceMappingURL" {
			return nil, false, nil
		}
		if name == "name" {
			// Names only label stack traces: a name section meter cannot
			// read is dropped, not a reason to refuse the module.
			out, err = m.names(body, r.off)
			return out, err == nil, nil
		}
		return body, true, nil
	case secType:
		n := r.u32()
		start := r.off
		for i := uint32(0); i < n && r.err == nil; i++ {
			if form := r.byte(); form != 0x60 {
				r.fail(fmt.Sprintf("type form 0x%02x", form))
			}
			for _, what := range []string{"parameters", "results"} {
				k := r.count()
				if k > maxTypeValues && r.err == nil {
					r.err = fmt.Errorf("a function type with %d %s (at most %d): %w", k, what, maxTypeValues, errTooLarge)
				}
				for ; k > 0 && r.err == nil; k-- {
					r.valType()
				}
			}
		}
		out = append(appendU32(nil, n+1), body[start:r.off]...)
		out = append(out, typeFuncI32...)
	case secImport:
		n := r.u32()
		out = m.importEntry(append(appendU32(nil, n+1), body[r.off:]...))
		r.off = len(body)
	case secGlobal:
		n := r.u32()
		out = appendU32(nil, n+1)
		for i := uint32(0); i < n && r.err == nil; i++ {
			start := r.off
			r.valType()
			r.byte() // mutability
			out = append(out, body[start:r.off]...)
			out = m.constExpr(r, out)
		}
		out = m.globalEntry(out)
	case secExport:
		n := r.u32()
		out = appendU32(nil, n)
		for i := uint32(0); i < n && r.err == nil; i++ {
			start := r.off
			r.name()
			kind := r.byte()
			out = append(out, body[start:r.off]...)
			idx := r.u32()
			if kind == 0 {
				idx = m.fn(idx)
			}
			out = appendU32(out, idx)
		}
	case secTable:
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.valType()
			if flags := r.byte(); r.u32() > maxTableMin && r.err == nil {
				r.err = fmt.Errorf("a table of more than %d elements: %w", maxTableMin, errTooLarge)
			} else if flags&1 != 0 {
				r.u32()
			}
		}
		out = body
	case secStart:
		out = appendU32(nil, m.fn(r.u32()))
	case secElement:
		out, err = m.elements(r)
	case secCode:
		out, err = m.code(r)
	case secData: // copied; offsets checked like every constant expression
		n := r.count()
		for i := uint32(0); i < n && r.err == nil; i++ {
			switch flags := r.u32(); flags {
			case 0:
				m.constExpr(r, nil)
			case 1:
			case 2:
				r.u32()
				m.constExpr(r, nil)
			default:
				r.fail(fmt.Sprintf("data segment flags %d", flags))
			}
			r.skip(int(r.count()))
		}
		out = body
	default:
		return body, true, nil
	}
	if err == nil {
		err = r.err
	}
	if err == nil && r.off != len(body) {
		err = fmt.Errorf("%d bytes left over", len(body)-r.off)
	}
	return out, true, err
}

// elements rewrites the element section (all eight segment encodings).
func (m *meterer) elements(r *wasmReader) ([]byte, error) {
	n := r.count()
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		out = appendU32(out, flags)
		if flags > 7 {
			return nil, fmt.Errorf("element segment flags %d", flags)
		}
		if flags&2 != 0 && flags&1 == 0 { // explicit table index
			out = appendU32(out, r.u32())
		}
		if flags&1 == 0 { // active: offset
			out = m.constExpr(r, out)
		}
		if flags&3 != 0 { // element kind or reference type
			out = append(out, r.byte())
		}
		count := r.count()
		out = appendU32(out, count)
		for j := uint32(0); j < count && r.err == nil; j++ {
			if flags&4 == 0 {
				out = appendU32(out, m.fn(r.u32()))
			} else {
				out = m.constExpr(r, out)
			}
		}
	}
	return out, r.err
}

// constExpr copies a constant expression up to and including its end,
// renumbering ref.func.
func (m *meterer) constExpr(r *wasmReader, out []byte) []byte {
	for r.err == nil {
		start := r.off
		switch op := r.byte(); op {
		case 0x0b:
			return append(out, op)
		case 0x41, 0x42: // i32.const, i64.const
			r.leb()
		case 0x23: // global.get
			m.global(r)
		case 0x43:
			r.skip(4)
		case 0x44:
			r.skip(8)
		case 0xd0: // ref.null
			r.byte()
		case 0xd2: // ref.func
			out = append(out, op)
			out = appendU32(out, m.fn(r.u32()))
			continue
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constants
		default:
			r.fail(fmt.Sprintf("opcode 0x%02x in a constant expression", op))
		}
		out = append(out, r.b[start:r.off]...)
	}
	return out
}

// code rewrites every function body: the fuel check first, and again at
// the top of every loop.
func (m *meterer) code(r *wasmReader) ([]byte, error) {
	n := r.count()
	out := appendU32(make([]byte, 0, len(r.b)+len(r.b)/8), n)
	var body []byte
	for i := uint32(0); i < n && r.err == nil; i++ {
		size := int(r.u32())
		end := r.off + size
		if r.err != nil || size < 0 || end > len(r.b) {
			return nil, fmt.Errorf("function body %d runs past the end: %w", i, errTooLarge)
		}
		fr := &wasmReader{b: r.b[:end], off: r.off}
		body = body[:0]
		var sum uint64
		for j := fr.count(); j > 0 && fr.err == nil; j-- {
			sum += uint64(fr.u32())
			fr.valType()
		}
		if sum > maxLocals {
			return nil, fmt.Errorf("function body %d declares %d locals (at most %d): %w", i, sum, maxLocals, errTooLarge)
		}
		body = append(body, r.b[r.off:fr.off]...)
		body = append(body, m.check...)
		body = m.instructions(fr, body)
		if fr.err != nil {
			return nil, fmt.Errorf("function body %d: %w", i, fr.err)
		}
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
		r.off = end
	}
	return out, r.err
}

// instructions copies the instructions of one body.
func (m *meterer) instructions(r *wasmReader, out []byte) []byte {
	from := r.off // what is not copied yet
	for r.off < len(r.b) && r.err == nil {
		op := r.byte()
		switch {
		case op <= 0x01, op == 0x05, op == 0x0b, op == 0x0f, op == 0x1a, op == 0x1b,
			op >= 0x45 && op <= 0xc4, op == 0xd1:
			// no immediate
		case op == 0x02, op == 0x04: // block, if
			m.blockType(r)
		case op == 0x03: // loop
			m.blockType(r)
			out = append(out, r.b[from:r.off]...)
			out = append(out, m.check...)
			from = r.off
		case op == 0x23, op == 0x24: // global.get, global.set
			m.global(r)
		case op == 0x0c, op == 0x0d, op >= 0x20 && op <= 0x26, op == 0x3f, op == 0x40:
			r.u32()
		case op == 0x0e: // br_table
			for k := r.count(); k > 0 && r.err == nil; k-- {
				r.u32()
			}
			r.u32()
		case op == 0x10, op == 0x12, op == 0xd2: // call, return_call, ref.func
			at := r.off
			if i := r.u32(); i >= m.imported {
				out = append(out, r.b[from:at]...)
				out = appendU32(out, i+1)
				from = r.off
			}
		case op == 0x11, op == 0x13: // call_indirect, return_call_indirect
			m.typeIndex(r, r.u32())
			r.u32()
		case op == 0x1c: // select t*
			for k := r.count(); k > 0 && r.err == nil; k-- {
				r.valType()
			}
		case op >= 0x28 && op <= 0x3e:
			r.memArg()
		case op == 0x41, op == 0x42:
			r.leb()
		case op == 0x43:
			r.skip(4)
		case op == 0x44:
			r.skip(8)
		case op == 0xd0:
			r.byte()
		case op == 0x08: // throw
			r.u32()
		case op == 0x0a: // throw_ref
		case op == 0x1f: // try_table
			m.blockType(r)
			for k := r.count(); k > 0 && r.err == nil; k-- {
				if kind := r.byte(); kind <= 1 {
					r.u32() // tag
				} else if kind > 3 {
					r.fail(fmt.Sprintf("catch clause kind %d", kind))
				}
				r.u32() // label
			}
		case op == 0xfc:
			switch sub := r.u32(); {
			case sub <= 7:
			case sub == 8, sub == 10, sub == 12, sub == 14:
				r.u32()
				r.u32()
			case sub == 9, sub == 11, sub == 13, sub >= 15 && sub <= 17:
				r.u32()
			default:
				r.fail(fmt.Sprintf("opcode 0xfc %d", sub))
			}
		case op == 0xfd: // SIMD
			switch sub := r.u32(); {
			case sub <= 11, sub == 92, sub == 93: // loads and stores
				r.memArg()
			case sub == 12, sub == 13: // v128.const, i8x16.shuffle
				r.skip(16)
			case sub >= 21 && sub <= 34: // extract and replace lane
				r.skip(1)
			case sub >= 84 && sub <= 91: // load and store lane
				r.memArg()
				r.skip(1)
			case sub <= 0x113:
			default:
				r.fail(fmt.Sprintf("opcode 0xfd %d", sub))
			}
		case op == 0xfe: // threads
			switch sub := r.u32(); {
			case sub == 3: // atomic.fence
				r.skip(1)
			case sub <= 2, sub >= 0x10 && sub <= 0x4e:
				r.memArg()
			default:
				r.fail(fmt.Sprintf("opcode 0xfe %d", sub))
			}
		default:
			r.fail(fmt.Sprintf("opcode 0x%02x", op))
		}
	}
	return append(out, r.b[from:r.off]...)
}

// names rewrites the name section: function names, local names and label
// names are keyed by function index. Other subsections are copied.
func (m *meterer) names(body []byte, off int) ([]byte, error) {
	r := &wasmReader{b: body, off: off}
	out := append([]byte(nil), body[:off]...)
	for r.off < len(body) && r.err == nil {
		id := r.byte()
		size := int(r.u32())
		end := r.off + size
		if r.err != nil || size < 0 || end > len(body) {
			return nil, errors.New("name subsection runs past the end")
		}
		sub := body[r.off:end]
		if id >= 1 && id <= 3 {
			sr := &wasmReader{b: sub}
			n := sr.count()
			nb := appendU32(nil, n)
			for i := uint32(0); i < n && sr.err == nil; i++ {
				nb = appendU32(nb, m.fn(sr.u32()))
				start := sr.off
				if id == 1 {
					sr.name()
				} else {
					for k := sr.count(); k > 0 && sr.err == nil; k-- {
						sr.u32()
						sr.name()
					}
				}
				nb = append(nb, sub[start:sr.off]...)
			}
			if sr.err != nil || sr.off != len(sub) {
				return nil, errors.New("malformed name subsection")
			}
			sub = nb
		}
		out = appendSection(out, id, sub)
		r.off = end
	}
	return out, r.err
}

// count reads the length of a vector: every entry takes at least a byte,
// so more entries than bytes left is a module built to make the engine
// allocate for them (errTooLarge).
func (r *wasmReader) count() uint32 {
	n := r.u32()
	if left := len(r.b) - r.off; r.err == nil && int64(n) > int64(left) {
		r.err = fmt.Errorf("a vector of %d entries in %d bytes: %w", n, left, errTooLarge)
	}
	return n
}

// leb skips one LEB128 number of up to 64 bits, signed or not.
func (r *wasmReader) leb() {
	for i := 0; i < 10; i++ {
		if r.byte()&0x80 == 0 || r.err != nil {
			return
		}
	}
	r.fail("LEB128 too long")
}

func (r *wasmReader) skip(n int) {
	if r.err == nil && r.off+n > len(r.b) {
		r.fail("unexpected end")
		return
	}
	r.off += n
}

// valType reads a value type: a number type, v128 or funcref/externref.
func (r *wasmReader) valType() {
	switch t := r.byte(); t {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f:
	default:
		r.fail(fmt.Sprintf("value type 0x%02x", t))
	}
}

// blockType reads a block type: empty, a value type or a type index.
func (r *wasmReader) blockType() {
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return
	}
	switch t := r.b[r.off]; {
	case t == 0x40:
		r.off++
	case t >= 0x60 && t < 0x80: // a value type (one byte, negative as s33)
		r.valType()
	default:
		r.leb()
	}
}

// memArg reads a load or store's alignment (with its memory index under
// multi-memory) and offset.
func (r *wasmReader) memArg() {
	if r.u32()&0x40 != 0 {
		r.u32()
	}
	r.leb()
}

func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s string) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}

// prepareVersion names what prepare writes; it is part of the key of every
// prepared module kept in the cache directory, so a tote whose meter or
// renameImports write something else never uses an older result.
const prepareVersion = "tote-prepared-2\x00"

// prepared is a module made ready to compile.
type prepared struct {
	code    []byte // what to compile
	metered bool   // false only under Config.unmetered (benchmarks)
	// memo is the file code was read from, "" when it was made now.
	memo string
}

// prepare renames Extism's http_request import (tote serves it; see
// extismHTTPModule) and meters the module. With a cache directory the
// result is kept there, keyed by the hash of the module as it came, so that
// a warm load reads 4 MB instead of rewriting them (the compiled code in
// the same directory is trusted no less); fresh skips that file. A module
// meter cannot read is refused: run unmetered, it could outlast every time
// limit (see meter).
func (r *Runtime) prepare(wasm []byte, fresh bool) (prepared, error) {
	memo := ""
	if r.cfg.cacheDir != "" && !r.cfg.unmetered {
		h := sha256.New()
		h.Write([]byte(prepareVersion))
		h.Write(wasm)
		memo = filepath.Join(r.cfg.cacheDir, "tote-prepared", hex.EncodeToString(h.Sum(nil))+".wasm")
		if !fresh {
			if b, err := readlimit.File(memo, 2*MaxWasmFile, "prepared module"); err == nil {
				return prepared{code: b, metered: true, memo: memo}, nil
			}
		}
	}
	code, err := renameImports(wasm, "extism:host/env", kernelFieldModules())
	if err != nil {
		return prepared{}, fmt.Errorf("parse module: %w", err)
	}
	if r.cfg.unmetered {
		return prepared{code: code}, nil
	}
	if code, err = meter(code); err != nil {
		return prepared{}, fmt.Errorf("tote cannot meter this module, so no time limit could stop it: %w", err)
	}
	if memo != "" {
		err := os.MkdirAll(filepath.Dir(memo), 0o755)
		if err == nil {
			err = store.WriteFileAtomic(memo, code, 0o644)
		}
		if err != nil && r.cfg.logger != nil {
			r.cfg.logger.Debug("prepared module not cached", "error", err)
		}
	}
	return prepared{code: code, metered: true}, nil
}

// compilePrepared prepares a module and compiles it with compile; a
// prepared module read from the cache that does not compile (a damaged
// file) is removed and the module prepared afresh.
func compilePrepared[T any](r *Runtime, wasm []byte, compile func(code []byte, metered bool) (T, error)) (T, error) {
	var zero T
	prep, err := r.prepare(wasm, false)
	if err != nil {
		return zero, err
	}
	out, err := compile(prep.code, prep.metered)
	if err != nil && prep.memo != "" {
		os.Remove(prep.memo)
		if prep, err = r.prepare(wasm, true); err != nil {
			return zero, err
		}
		out, err = compile(prep.code, prep.metered)
	}
	if err != nil {
		return zero, fmt.Errorf("compile: %w", err)
	}
	return out, nil
}

// refillFunction is tote:meter.refill for Extism.
func refillFunction() extism.HostFunction {
	f := extism.NewHostFunctionWithStack(meterFunc, func(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
		stack[0] = uint64(uint32(refill(ctx)))
	}, nil, []extism.ValueType{extism.ValueTypeI32})
	f.SetNamespace(meterModule)
	return f
}
