// Command initorder lists the packages Go initialises before a given
// package of a program, in the order the linker initialises them: the
// language specification's order (repeatedly, the first package sorted by
// import path whose imports are all initialised), computed from
// `go list -deps`. BENCHMARKS.md uses it to say what `tote run`'s fast
// path (cmd/tote/internal/early) still waits for.
//
// Usage:
//
//	go run ./bench/initorder [-without IMPORT,...] [-v] MAIN-PACKAGE TARGET-PACKAGE
//
// -without drops the named imports from the main module's packages (what
// if internal/config did not import net/url?). -v lists the packages.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
)

func main() {
	without := flag.String("without", "", "comma-separated imports to drop from the main module's packages")
	verbose := flag.Bool("v", false, "list the packages initialised before the target")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: initorder [-without IMPORT,...] [-v] MAIN-PACKAGE TARGET-PACKAGE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *without, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "initorder:", err)
		os.Exit(1)
	}
}

func run(mainPkg, target, without string, verbose bool) error {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{with .Module}}{{.Path}}{{else}}std{{end}} {{join .Imports \",\"}}", mainPkg).Output()
	if err != nil {
		return fmt.Errorf("go list: %w", err)
	}
	mainMod, err := exec.Command("go", "list", "-f", "{{.Module.Path}}", mainPkg).Output()
	if err != nil {
		return fmt.Errorf("go list: %w", err)
	}
	mod := strings.TrimSpace(string(mainMod))
	drop := map[string]bool{}
	for _, d := range strings.Split(without, ",") {
		if d != "" {
			drop[d] = true
		}
	}
	imports := map[string][]string{}
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		lines = append(lines, f)
		imports[f[0]] = nil
	}
	for _, f := range lines {
		if len(f) < 3 {
			continue
		}
		own := f[1] == mod
		for _, imp := range strings.Split(f[2], ",") {
			if _, ok := imports["vendor/"+imp]; ok {
				imp = "vendor/" + imp
			}
			if _, ok := imports[imp]; !ok || own && drop[imp] {
				continue // "C", or dropped
			}
			imports[f[0]] = append(imports[f[0]], imp)
		}
	}
	if _, ok := imports[target]; !ok {
		return fmt.Errorf("%s is not a dependency of %s", target, mainPkg)
	}
	closure := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		if closure[p] {
			return
		}
		closure[p] = true
		for _, i := range imports[p] {
			walk(i)
		}
	}
	walk(target)
	pending := make([]string, 0, len(imports))
	for p := range imports {
		pending = append(pending, p)
	}
	slices.Sort(pending)
	done := map[string]bool{}
	var before []string
	for len(pending) > 0 {
		i := slices.IndexFunc(pending, func(p string) bool {
			return !slices.ContainsFunc(imports[p], func(d string) bool { return !done[d] })
		})
		if i < 0 {
			return fmt.Errorf("import cycle among %v", pending)
		}
		p := pending[i]
		pending = slices.Delete(pending, i, i+1)
		if p == target {
			break
		}
		done[p] = true
		if !closure[p] {
			before = append(before, p)
		}
	}
	fmt.Printf("%d packages outside %s's dependencies (%d) are initialised before it\n", len(before), target, len(closure))
	if verbose {
		for _, p := range before {
			fmt.Println(" ", p)
		}
	}
	return nil
}
