// Command xzdec decodes an .xz file with one of the pure-Go decoders tote
// can use and prints the size and sha256 of the output (to check that they
// agree), for timing against `xz -d` (see bench/xzdec.sh).
//
// Usage: go run ./bench/xzdec ulikunitz|therootcompany FILE
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"os"

	rc "github.com/therootcompany/xz"
	uxz "github.com/ulikunitz/xz"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: xzdec ulikunitz|therootcompany FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var r io.Reader
	switch os.Args[1] {
	case "ulikunitz":
		r, err = uxz.NewReader(br)
	case "therootcompany":
		r, err = rc.NewReader(br, 0)
	default:
		err = fmt.Errorf("unknown decoder %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d %x\n", n, h.Sum(nil))
}
