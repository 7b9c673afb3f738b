//go:build ignore

// testtimes reads `go test -json` output and lists where the time went: the
// slowest packages and the slowest tests, and every failure.
//
// Usage:
//
//	go test -json -count=1 ./cmd/tote > /tmp/t.json; go run scripts/testtimes.go [-n 30] /tmp/t.json
//	bash scripts/test.sh -json > /tmp/t.json; go run scripts/testtimes.go /tmp/t.json
//
// (test.sh passes its arguments to every go test; with -json its closing
// line cannot count the packages, but the file holds every event.)
//
// With no file it reads standard input. Lines that are not JSON (the
// output of go vet, fuzzing, build errors) are skipped.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
}

type row struct {
	name    string
	elapsed float64
	failed  bool
}

func main() {
	n := flag.Int("n", 25, "how many tests to list")
	flag.Parse()
	var in []io.Reader
	for _, f := range flag.Args() {
		fh, err := os.Open(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer fh.Close()
		in = append(in, fh)
	}
	if len(in) == 0 {
		in = append(in, os.Stdin)
	}
	var pkgs, tests []row
	for _, r := range in {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) == 0 || line[0] != '{' {
				continue
			}
			var e event
			if json.Unmarshal(line, &e) != nil || (e.Action != "pass" && e.Action != "fail") {
				continue
			}
			rw := row{elapsed: e.Elapsed, failed: e.Action == "fail"}
			if e.Test == "" {
				rw.name = e.Package
				pkgs = append(pkgs, rw)
			} else {
				rw.name = strings.TrimPrefix(e.Package, "github.com/tote-dev/tote/") + " " + e.Test
				tests = append(tests, rw)
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	bySlowest := func(rs []row) {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].elapsed > rs[j].elapsed })
	}
	bySlowest(pkgs)
	bySlowest(tests)
	var sum float64
	for _, p := range pkgs {
		sum += p.elapsed
	}
	fmt.Printf("%d packages, %.1f s of package time in all (packages run in parallel: this is not wall time)\n\n", len(pkgs), sum)
	fmt.Println("slowest packages:")
	for i, p := range pkgs {
		if i == *n {
			break
		}
		fmt.Printf("  %8.1f s  %s%s\n", p.elapsed, p.name, mark(p.failed))
	}
	fmt.Println("\nslowest tests (subtests included; parallel subtests overlap):")
	for i, t := range tests {
		if i == *n {
			break
		}
		fmt.Printf("  %8.1f s  %s%s\n", t.elapsed, t.name, mark(t.failed))
	}
	var failed []string
	for _, r := range append(pkgs, tests...) {
		if r.failed {
			failed = append(failed, r.name)
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		fmt.Println("\nfailed:")
		for _, f := range failed {
			fmt.Println("  " + f)
		}
	}
}

func mark(failed bool) string {
	if failed {
		return "  FAIL"
	}
	return ""
}
