// Command ab runs commands alternately (A B C A B C …) and prints each one's
// median, mean and 10th percentile wall time: an interleaved comparison that
// the load of a shared machine affects equally, for when hyperfine's
// sequential runs would see the load change between commands.
//
// Usage: go run ./bench/ab -n 600 [-prepare SHELL-COMMAND] NAME=DIR:COMMAND ...
// (COMMAND is split at spaces; it is run without a shell). -prepare runs
// with sh in the command's DIR before every run of it, untimed (to empty a
// cache, say).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 500, "runs of each command (after -warmup rounds)")
	warmup := flag.Int("warmup", 10, "untimed rounds first")
	prepare := flag.String("prepare", "", "shell command run in DIR before every run, untimed")
	flag.Parse()
	type cmdSpec struct{ name, dir, bin string }
	var cmds []cmdSpec
	for _, a := range flag.Args() { // name=dir:command
		name, rest, _ := strings.Cut(a, "=")
		dir, bin, _ := strings.Cut(rest, ":")
		cmds = append(cmds, cmdSpec{name, dir, bin})
	}
	times := make([][]float64, len(cmds))
	for i := 0; i < *n+*warmup; i++ {
		for j, c := range cmds {
			if *prepare != "" {
				sh := exec.Command("sh", "-c", *prepare)
				sh.Dir, sh.Stdout, sh.Stderr = c.dir, os.Stderr, os.Stderr
				if err := sh.Run(); err != nil {
					fmt.Fprintln(os.Stderr, c.name, "prepare:", err)
					os.Exit(1)
				}
			}
			argv := strings.Fields(c.bin)
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Dir = c.dir
			cmd.Stdout, cmd.Stderr = nil, os.Stderr
			t := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, c.name, err)
				os.Exit(1)
			}
			if i >= *warmup {
				times[j] = append(times[j], float64(time.Since(t).Microseconds())/1000)
			}
		}
	}
	for j, c := range cmds {
		ts := times[j]
		sort.Float64s(ts)
		sum := 0.0
		for _, t := range ts {
			sum += t
		}
		fmt.Printf("%-28s median %.2f ms  mean %.2f ms  p10 %.2f ms  (n=%d)\n", c.name, ts[len(ts)/2], sum/float64(len(ts)), ts[len(ts)/10], len(ts))
	}
}
