// Command serve serves a directory on 127.0.0.1 for the install
// benchmarks (bench/install.sh), optionally throttled to a link speed, and
// prints its URL. Range requests are honoured (http.ServeContent). It runs
// until interrupted.
//
// Usage: go run ./bench/serve -dir DIR [-rate 20MB]
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	dir := flag.String("dir", ".", "directory to serve")
	rate := flag.String("rate", "0", "bytes per second per response (suffix KB or MB: 1000s); 0 is unthrottled")
	flag.Parse()
	bps, err := parseRate(*rate)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	files := http.FileServer(http.Dir(*dir))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bps > 0 {
			w = &throttled{ResponseWriter: w, bps: bps, start: time.Now()}
		}
		files.ServeHTTP(w, r)
	})
	if err := http.Serve(ln, h); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func parseRate(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "MB"):
		mult, s = 1_000_000, strings.TrimSuffix(s, "MB")
	case strings.HasSuffix(s, "KB"):
		mult, s = 1_000, strings.TrimSuffix(s, "KB")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad -rate %q", s)
	}
	return n * mult, nil
}

// throttled writes at most bps bytes per second on average since start,
// in pieces of 32 KiB.
type throttled struct {
	http.ResponseWriter
	bps   int64
	start time.Time
	sent  int64
}

func (t *throttled) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), 32<<10)
		due := t.start.Add(time.Duration(float64(t.sent+int64(n)) / float64(t.bps) * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		m, err := t.ResponseWriter.Write(p[:n])
		written += m
		t.sent += int64(m)
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}
