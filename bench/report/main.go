// Command report turns the raw results of bench/run.sh (hyperfine JSON
// exports and `go test -bench` output in bench/out) into the Markdown tables
// of BENCHMARKS.md: each figure with its target and whether it is met.
//
// Usage:
//
//	go run ./bench/report -out bench/out
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "bench/out", "directory holding the results of bench/run.sh")
	flag.Parse()
	if err := report(os.Stdout, *out); err != nil {
		fmt.Fprintf(os.Stderr, "bench report: %v\n", err)
		os.Exit(1)
	}
}

// result is one command of a hyperfine JSON export (times in seconds).
type result struct {
	Command string  `json:"command"`
	Mean    float64 `json:"mean"`
	Stddev  float64 `json:"stddev"`
	Median  float64 `json:"median"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	User    float64 `json:"user"`
	System  float64 `json:"system"`
	Times   []float64
}

func readHyperfine(path string) (map[string]result, []string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc struct {
		Results []result `json:"results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	m := map[string]result{}
	var order []string
	for _, r := range doc.Results {
		m[r.Command] = r
		order = append(order, r.Command)
	}
	return m, order, nil
}

// readGoBench returns the ns/op figures of each benchmark (the -N suffix
// dropped) in a `go test -bench` output.
func readGoBench(path string) (map[string][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || fields[3] != "ns/op" {
			continue
		}
		ns, err := strconv.ParseFloat(fields[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
		}
		name := fields[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		m[name] = append(m[name], ns)
	}
	return m, sc.Err()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(sec float64) string { return fmt.Sprintf("%.2f ms", sec*1e3) }

func dur(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func verdict(ok bool) string {
	if ok {
		return "**pass**"
	}
	return "**FAIL**"
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

func cmdOut(name string, args ...string) string {
	b, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func report(w io.Writer, out string) error {
	fmt.Fprintf(w, "## Machine\n\n")
	fmt.Fprintf(w, "| | |\n|---|---|\n")
	fmt.Fprintf(w, "| date | %s |\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "| CPU | %s, %d cores (nproc) |\n", cpuModel(), runtime.NumCPU())
	fmt.Fprintf(w, "| kernel | %s |\n", cmdOut("uname", "-sr"))
	fmt.Fprintf(w, "| go | %s |\n", cmdOut("go", "version"))
	fmt.Fprintf(w, "| hyperfine | %s |\n", cmdOut("hyperfine", "--version"))
	fmt.Fprintf(w, "| mise | %s |\n", cmdOut(filepath.Join(out, "mise/package/bin/mise"), "--version"))
	fmt.Fprintf(w, "| tool binary | %s |\n", readTrim(filepath.Join(out, "noop.kind")))
	fmt.Fprintf(w, "| load average (1/5/15 min), CLI figures | before %s, after %s |\n",
		readTrim(filepath.Join(out, "load-cli-before.txt")), readTrim(filepath.Join(out, "load-cli-after.txt")))
	fmt.Fprintf(w, "| load average (1/5/15 min), runtime figures | before %s, after %s |\n\n",
		readTrim(filepath.Join(out, "load-runtime-before.txt")), readTrim(filepath.Join(out, "load-runtime-after.txt")))

	var errs []error
	if err := launchTable(w, out); err != nil {
		errs = append(errs, err)
	}
	if err := queryTable(w, out); err != nil {
		errs = append(errs, err)
	}
	if err := breakdownTable(w, out); err != nil {
		errs = append(errs, err)
	}
	if err := runtimeTable(w, out); err != nil {
		errs = append(errs, err)
	}
	compareTable(w, out)
	if len(errs) == 4 {
		return errors.Join(errs...)
	}
	for _, err := range errs {
		fmt.Fprintf(w, "_missing: %v_\n\n", err)
	}
	return nil
}

func launchTable(w io.Writer, out string) error {
	r, order, err := readHyperfine(filepath.Join(out, "launch.json"))
	if err != nil {
		return err
	}
	direct, shim, run := r["direct"], r["tote-shim"], r["tote run"]
	mshim, mx := r["mise-shim"], r["mise x"]
	fmt.Fprintf(w, "## Launching an installed tool\n\n")
	fmt.Fprintf(w, "One hyperfine run (`%s`), %d runs each. The hot path was checked with: %s.\n\n",
		"bash bench/run.sh cli", len(direct.Times), readTrim(filepath.Join(out, "hotpath.kind")))
	fmt.Fprintf(w, "| command | mean ± σ | median | min | user + sys |\n|---|---|---|---|---|\n")
	for _, name := range order {
		x := r[name]
		fmt.Fprintf(w, "| %s | %s ± %s | %s | %s | %s |\n", name, ms(x.Mean), ms(x.Stddev), ms(x.Median), ms(x.Min), ms(x.User+x.System))
	}
	fmt.Fprintf(w, "\n| figure | value (median; mean) | target | |\n|---|---|---|---|\n")
	shimOver := shim.Median - direct.Median
	fmt.Fprintf(w, "| shim over direct exec | %s; %s | ≤ 2 ms | %s |\n", ms(shimOver), ms(shim.Mean-direct.Mean), verdict(shimOver <= 0.002))
	fmt.Fprintf(w, "| `tote run` absolute | %s; %s | ≤ 10 ms | %s |\n", ms(run.Median), ms(run.Mean), verdict(run.Median <= 0.010))
	runOver := run.Median - direct.Median
	fmt.Fprintf(w, "| `tote run` over direct exec | %s; %s | ≤ 10 ms | %s |\n", ms(runOver), ms(run.Mean-direct.Mean), verdict(runOver <= 0.010))
	if st, ok := r["tote-shim (CGO_ENABLED=0)"]; ok {
		fmt.Fprintf(w, "| shim over direct exec, built with CGO_ENABLED=0 | %s; %s | ≤ 2 ms | %s |\n", ms(st.Median-direct.Median), ms(st.Mean-direct.Mean), verdict(st.Median-direct.Median <= 0.002))
	}
	if sr, ok := r["tote run (CGO_ENABLED=0)"]; ok {
		fmt.Fprintf(w, "| `tote run` absolute, built with CGO_ENABLED=0 | %s; %s | ≤ 10 ms | %s |\n", ms(sr.Median), ms(sr.Mean), verdict(sr.Median <= 0.010))
	}
	if mshim.Median > 0 && shim.Median > 0 {
		fmt.Fprintf(w, "| mise shim ÷ tote shim | %.1f×; %.1f× | (ratio) | |\n", mshim.Median/shim.Median, mshim.Mean/shim.Mean)
		fmt.Fprintf(w, "| overhead: mise shim ÷ tote shim | %.1f×; %.1f× | (ratio) | |\n",
			(mshim.Median-direct.Median)/shimOver, (mshim.Mean-direct.Mean)/(shim.Mean-direct.Mean))
	}
	if mx.Median > 0 && run.Median > 0 {
		fmt.Fprintf(w, "| `mise x` ÷ `tote run` | %.1f×; %.1f× | (ratio) | |\n", mx.Median/run.Median, mx.Mean/run.Mean)
	}
	fmt.Fprintln(w)
	return nil
}

func queryTable(w io.Writer, out string) error {
	r, order, err := readHyperfine(filepath.Join(out, "query.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "## With 21 tools pinned and installed (demo, t01..t20)\n\n")
	fmt.Fprintf(w, "| command | mean ± σ | median | min |\n|---|---|---|---|\n")
	for _, name := range order {
		x := r[name]
		fmt.Fprintf(w, "| %s | %s ± %s | %s | %s |\n", name, ms(x.Mean), ms(x.Stddev), ms(x.Median), ms(x.Min))
	}
	fmt.Fprintln(w)
	return nil
}

func runtimeTable(w io.Writer, out string) error {
	b20, err := readGoBench(filepath.Join(out, "runtime-20x.txt"))
	if err != nil {
		return err
	}
	b2000, _ := readGoBench(filepath.Join(out, "runtime-2000x.txt"))
	type row struct {
		name, bench string
		runs        map[string][]float64
		benchtime   string
		target      float64
		targetText  string
	}
	rows := []row{
		{"cold load (compile, no cache)", "BenchmarkLoadCold", b20, "20x", 0, ""},
		{"warm load (disk cache)", "BenchmarkLoadWarm", b20, "20x", 0, ""},
		{"warm load + first call", "BenchmarkWarmLoadFirstCall", b20, "20x", 60e6, "≤ 60 ms"},
		{"new instance (after a trap)", "BenchmarkNewInstance", b20, "20x", 0, ""},
		// 20 calls of ~0.1 ms are too few to judge by; 2000x is the figure.
		{"JSON call (register_tool)", "BenchmarkCallJSON", b20, "20x", 0, ""},
		{"JSON call (register_tool)", "BenchmarkCallJSON", b2000, "2000x", 100e3, "≤ 100 µs"},
	}
	fmt.Fprintf(w, "## Plugin runtime (hello fixture, Go guest)\n\n")
	fmt.Fprintf(w, "| figure | benchmark | -benchtime | runs (ns/op) | median | target | |\n|---|---|---|---|---|---|---|\n")
	for _, x := range rows {
		v := x.runs[x.bench]
		if len(v) == 0 {
			continue
		}
		var runs []string
		for _, n := range v {
			runs = append(runs, dur(n))
		}
		m := median(v)
		ok := ""
		if x.target > 0 {
			ok = verdict(m <= x.target)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", x.name, x.bench, x.benchtime, strings.Join(runs, ", "), dur(m), x.targetText, ok)
	}
	fmt.Fprintln(w)
	return nil
}

func breakdownTable(w io.Writer, out string) error {
	r, order, err := readHyperfine(filepath.Join(out, "breakdown.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "## Where the time goes\n\n")
	fmt.Fprintf(w, "| command | mean ± σ | median | min |\n|---|---|---|---|\n")
	for _, name := range order {
		x := r[name]
		fmt.Fprintf(w, "| %s | %s ± %s | %s | %s |\n", name, ms(x.Mean), ms(x.Stddev), ms(x.Median), ms(x.Min))
	}
	fmt.Fprintln(w)
	inits, runs, err := readInitTrace(filepath.Join(out, "shim-inittrace.txt"))
	if err != nil || runs == 0 {
		return nil
	}
	type pkg struct {
		name string
		ms   float64
	}
	var pkgs []pkg
	total := 0.0
	for name, v := range inits {
		pkgs = append(pkgs, pkg{name, v / float64(runs)})
		total += v / float64(runs)
	}
	slices.SortFunc(pkgs, func(a, b pkg) int { return cmp.Compare(b.ms, a.ms) })
	fmt.Fprintf(w, "Package initialisation in tote-shim (`GODEBUG=inittrace=1`, mean of %d runs): %.2f ms in all; the largest:\n\n", runs, total)
	fmt.Fprintf(w, "| package | init clock |\n|---|---|\n")
	for _, p := range pkgs[:min(5, len(pkgs))] {
		fmt.Fprintf(w, "| %s | %.3f ms |\n", p.name, p.ms)
	}
	fmt.Fprintln(w)
	return nil
}

// readInitTrace sums the "init PKG @T ms, D ms clock" lines of a
// GODEBUG=inittrace=1 log per package; runs counts the runtime's own line.
func readInitTrace(path string) (map[string]float64, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	sums, runs := map[string]float64{}, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 7 || fields[0] != "init" || fields[6] != "clock," {
			continue
		}
		d, err := strconv.ParseFloat(fields[4], 64)
		if err != nil {
			continue
		}
		if fields[1] == "runtime" {
			runs++
		}
		sums[fields[1]] += d
	}
	return sums, runs, sc.Err()
}

// compareTable prints the result of `bash bench/run.sh compare REV`, when
// there is one.
func compareTable(w io.Writer, out string) {
	r, order, err := readHyperfine(filepath.Join(out, "compare-shim.json"))
	if err != nil {
		return
	}
	direct := r["direct"]
	fmt.Fprintf(w, "## tote-shim before and after (`bash bench/run.sh compare REV`; load %s)\n\n",
		strings.ReplaceAll(readTrim(filepath.Join(out, "load-compare.txt")), "\n", " → "))
	fmt.Fprintf(w, "| command | mean ± σ | median | min | median over direct |\n|---|---|---|---|---|\n")
	for _, name := range order {
		x := r[name]
		fmt.Fprintf(w, "| %s | %s ± %s | %s | %s | %s |\n", name, ms(x.Mean), ms(x.Stddev), ms(x.Median), ms(x.Min), ms(x.Median-direct.Median))
	}
	fmt.Fprintln(w)
}
