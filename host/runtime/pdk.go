package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tote-dev/tote/host/vpath"
)

// PathsShape is the JSON shape of the virtual_paths config key a plugin's
// PDK reads.
type PathsShape string

// The shapes of virtual_paths.
const (
	// PathsPairs is proto ≥ 0.60's shape: a JSON array of [host, guest]
	// pairs, longest host path first (warpgate_pdk ≥ 0.17 reads it to
	// convert paths itself, as its from/to_virtual_path host functions are
	// gone).
	PathsPairs PathsShape = "pairs"
	// PathsObject is an object mapping each guest mount to its host
	// directory, the shape tote's Go SDK reads. Plugins built with a proto
	// PDK before 0.60 do not read virtual_paths at all (they call
	// from_virtual_path and to_virtual_path); they get this shape too.
	PathsObject PathsShape = "object"
)

// warpgatePDKRE finds the Cargo registry path of warpgate_pdk that rustc
// embeds in a module's data (panic locations), which carries its version.
// It compiles on first use, not in every tote process's start-up.
var warpgatePDKRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`warpgate_pdk-(\d+)\.(\d+)\.(\d+)`)
})

// pdkOf says which PDK a module was built with and so which virtual_paths
// shape it reads, with the evidence:
//
//  1. it imports from_virtual_path or to_virtual_path: those host functions
//     were removed from proto's PDK in 0.60, so it predates it → object;
//  2. its data names warpgate_pdk-X.Y.Z: before 0.17.0 (the release that
//     came with proto 0.60's path rework) → object, else → pairs;
//  3. it has a go:buildid custom section: a Go module, built with tote's
//     SDK, which reads the object → object;
//  4. otherwise proto's current shape → pairs.
func pdkOf(wasm []byte, imports []string, sections []string) (PathsShape, string) {
	for _, im := range imports {
		if im == "extism:host/user.from_virtual_path" || im == "extism:host/user.to_virtual_path" {
			return PathsObject, "imports " + strings.TrimPrefix(im, "extism:host/user.") + " (proto PDK before 0.60)"
		}
	}
	if m := warpgatePDKRE().FindSubmatch(wasm); m != nil {
		major, _ := strconv.Atoi(string(m[1]))
		minor, _ := strconv.Atoi(string(m[2]))
		if major == 0 && minor < 17 {
			return PathsObject, fmt.Sprintf("built with %s (proto PDK before 0.60)", m[0])
		}
		return PathsPairs, fmt.Sprintf("built with %s (proto PDK 0.60 or later)", m[0])
	}
	for _, s := range sections {
		if s == "go:buildid" {
			return PathsObject, "a Go module (tote's SDK)"
		}
	}
	return PathsPairs, "no PDK marker: proto's current shape"
}

// virtualPathsJSON encodes mounts in the given shape. Pairs are sorted by
// descending host path, as proto sorts them, so a prefix match in order
// finds the longest.
func virtualPathsJSON(m vpath.Mounts, shape PathsShape) ([]byte, error) {
	if shape != PathsPairs {
		return json.Marshal(m.Map())
	}
	pairs := make([][2]string, 0, len(m))
	for _, mt := range m {
		pairs = append(pairs, [2]string{mt.Real, mt.Virtual})
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] > pairs[j][0]
		}
		return pairs[i][1] > pairs[j][1]
	})
	return json.Marshal(pairs)
}

// moduleKind recognises binaries that are not Extism core modules, to
// tell the user what the file is and what to build instead.
func moduleKind(wasm []byte, imports []string) error {
	if len(wasm) >= 8 && bytes.Equal(wasm[:4], []byte("\x00asm")) && wasm[6] == 1 && wasm[7] == 0 {
		return fmt.Errorf("this is a WebAssembly component (component-model layer 1, such as a wasm32-wasip2 build), not a core module: " +
			"tote runs Extism plugins, which are core modules; build for wasm32-wasip1 (Rust: --target wasm32-wasip1; Go: GOOS=wasip1 GOARCH=wasm -buildmode=c-shared) with an Extism PDK")
	}
	for _, im := range imports {
		mod, name, _ := strings.Cut(im, ".")
		if mod == "env" && strings.HasPrefix(name, "extism_") {
			return fmt.Errorf("this module was built with a pre-1.0 Extism PDK (it imports %s): rebuild it with an Extism PDK 1.0 or later, whose host functions live in extism:host/env", im)
		}
	}
	return nil
}
