package toolchain

import (
	"fmt"
	"sort"
	"sync"

	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Builtin is a plugin compiled into tote: one core Table served natively
// (and, for builtin+wasm:// locators, the WASM build of the same core).
type Builtin struct {
	// ID is the tool id, such as "node": a lowercase letter, then lowercase
	// letters, digits, '-' or '_', at most 64 bytes.
	ID string
	// Table is the core's contract functions. Required.
	Table pluginhost.Table
	// Exec lets the native build run commands without a permissions grant
	// in [tools.<id>] (rust runs rustup-init and rustup): a built-in is
	// tote's own code. The WASM build of the same core is a guest and still
	// needs the grant.
	Exec bool
}

// validBuiltinID is what RegisterBuiltin accepts as an id:
// [a-z][a-z0-9_-]{0,63} (a loop: compiling that regular expression cost
// every tote command about 700 allocations at start-up, when the
// built-ins register).
func validBuiltinID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || i > 0 && ('0' <= c && c <= '9' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

// registry holds the built-ins registered by their native adapters. It is
// filled from init functions (blank imports in plugins/all) and read by
// every Manager; the lock makes late registration (tests) safe too.
var registry = struct {
	mu sync.RWMutex
	m  map[string]Builtin
}{m: map[string]Builtin{}}

// RegisterBuiltin adds a built-in tool plugin to the registry. A native
// adapter calls it from init:
//
//	func init() { toolchain.RegisterBuiltin(toolchain.Builtin{ID: "node", Table: node.Table}) }
//
// It panics on an invalid id, an empty table or a duplicate id: these are
// programming errors, found the first time tote starts.
func RegisterBuiltin(b Builtin) {
	if !validBuiltinID(b.ID) {
		panic(fmt.Sprintf("toolchain.RegisterBuiltin: invalid id %q: want a lowercase letter, then lowercase letters, digits, '-' or '_'", b.ID))
	}
	if len(b.Table) == 0 {
		panic(fmt.Sprintf("toolchain.RegisterBuiltin: built-in %q has no functions", b.ID))
	}
	for name, fn := range b.Table {
		if fn == nil {
			panic(fmt.Sprintf("toolchain.RegisterBuiltin: built-in %q: function %s is nil", b.ID, name))
		}
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if _, dup := registry.m[b.ID]; dup {
		panic(fmt.Sprintf("toolchain.RegisterBuiltin: duplicate built-in %q", b.ID))
	}
	registry.m[b.ID] = b
}

// RegisteredBuiltins returns a copy of the registry: every built-in
// registered so far, by id.
func RegisteredBuiltins() map[string]Builtin {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	out := make(map[string]Builtin, len(registry.m))
	for id, b := range registry.m {
		out[id] = b
	}
	return out
}

// BuiltinIDs returns the ids of the registered built-ins, sorted.
func BuiltinIDs() []string {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	ids := make([]string, 0, len(registry.m))
	for id := range registry.m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
