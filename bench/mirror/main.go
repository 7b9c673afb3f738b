// Command mirror serves the built-in plugins' upstream layouts on
// 127.0.0.1 for benchmarks, with node's index.json replaced by a full-size
// one (820 releases, as nodejs.org publishes), and writes a .prototools
// with the url-rewrites that point tote at it. It runs until interrupted.
//
// Usage:
//
//	go run ./bench/mirror -dir bench/out/mirror -prototools bench/out/home/.tote/.prototools
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/plugins/node/nodetest"
)

func main() {
	dir := flag.String("dir", "bench/out/mirror", "directory to write the mirror into")
	protofile := flag.String("prototools", "", "write url-rewrites for the mirror into this .prototools")
	flag.Parse()
	if err := run(*dir, *protofile); err != nil {
		fmt.Fprintln(os.Stderr, "mirror:", err)
		os.Exit(1)
	}
}

func run(dir, protofile string) error {
	ups, err := nodetest.Mirror(dir)
	if err != nil {
		return err
	}
	large := nodetest.LargeIndex(820)
	for _, sub := range []string{nodetest.DistPath, nodetest.DistAliasPath} {
		p := filepath.Join(dir, filepath.FromSlash(sub), "index.json")
		if _, err := os.Stat(p); err == nil {
			if err := os.WriteFile(p, large, 0o644); err != nil {
				return err
			}
		}
	}
	srv, err := mirror.Start(dir)
	if err != nil {
		return err
	}
	defer srv.Close()
	if protofile != "" {
		keys := make([]string, 0, len(ups))
		for k := range ups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var sb strings.Builder
		sb.WriteString("[settings.url-rewrites]\n")
		for _, k := range keys {
			fmt.Fprintf(&sb, "%q = %q\n", "^"+regexp.QuoteMeta(k), srv.URL+"/"+strings.TrimPrefix(ups[k], "/"))
		}
		if err := os.MkdirAll(filepath.Dir(protofile), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(protofile, []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	fmt.Println(srv.URL)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	return nil
}
