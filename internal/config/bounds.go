package config

import (
	"errors"
	"fmt"

	"github.com/tote-dev/tote/internal/readlimit"
)

// Bounds on a .prototools file, checked before it is parsed: a hostile file
// (200 KB of nested inline tables, a 200 KB dotted key) made the TOML
// decoder use gigabytes. Real files are a few hundred bytes with a handful
// of keys; these limits are far above them.
const (
	// MaxFileSize is the largest .prototools tote reads. It leaves room for
	// proto's data:// locators, which inline a whole .wasm in base64.
	MaxFileSize = 64 << 20
	// MaxDepth is the deepest nesting of inline tables and arrays.
	MaxDepth = 32
	// MaxKeys bounds the key/value pairs and table headers of one file.
	MaxKeys = 10_000
	// MaxKeyParts bounds the parts of one dotted key (a.b.c has 3).
	MaxKeyParts = 32
	// MaxValues bounds the values of one file (array elements included).
	MaxValues = 100_000
)

// readConfig reads a configuration file with the size bound: a path that
// is not a regular file (/dev/zero) or a file over MaxFileSize is a
// *ParseError naming it.
func readConfig(path string) ([]byte, error) {
	data, err := readlimit.File(path, MaxFileSize, "configuration file")
	var tl *readlimit.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, &ParseError{Path: path, Msg: fmt.Sprintf("larger than %s, tote's limit for a .prototools file", readlimit.Size(MaxFileSize))}
	case errors.Is(err, readlimit.ErrNotRegular):
		return nil, &ParseError{Path: path, Msg: "not a regular file"}
	}
	return data, err
}

// prescan checks data against the bounds without parsing it. It is a
// small lexer that knows TOML's comments and four kinds of strings, and
// counts brackets, keys (=), values and the dots of keys. A file it passes
// may still be invalid TOML; the parser says so.
func prescan(path string, data []byte) error {
	if len(data) > MaxFileSize {
		return &ParseError{Path: path, Msg: fmt.Sprintf("larger than %s, tote's limit for a .prototools file", readlimit.Size(MaxFileSize))}
	}
	line := 1
	fail := func(format string, args ...any) error {
		return &ParseError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...) + " (tote's limit for a .prototools file)"}
	}
	var stack []byte // open '{' and '['
	keys, values, parts := 0, 0, 1
	keyMode, lineStart, inHeader := true, true, false
	n := len(data)
	for i := 0; i < n; i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
			lineStart = true
			if len(stack) == 0 {
				keyMode, parts, inHeader = true, 1, false
			}
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i+1 < n && data[i+1] != '\n' {
				i++
			}
			continue
		}
		atStart := lineStart
		lineStart = false
		switch c {
		case '"', '\'':
			end, lines, ok := skipString(data, i)
			line += lines
			if !ok {
				return nil // unterminated: the parser reports it with its position
			}
			i = end
			if !keyMode && !inHeader {
				values++
			}
		case '[':
			if atStart && len(stack) == 0 {
				// A table header: [a.b] or [[a.b]].
				keys++
				if keys > MaxKeys {
					return fail("more than %d keys", MaxKeys)
				}
				if i+1 < n && data[i+1] == '[' {
					i++
				}
				inHeader, keyMode, parts = true, true, 1
				continue
			}
			stack = append(stack, '[')
			if len(stack) > MaxDepth {
				return fail("nesting deeper than %d levels", MaxDepth)
			}
			keyMode = false
		case '{':
			stack = append(stack, '{')
			if len(stack) > MaxDepth {
				return fail("nesting deeper than %d levels", MaxDepth)
			}
			keyMode, parts = true, 1
		case ']':
			if inHeader {
				if i+1 < n && data[i+1] == ']' {
					i++
				}
				inHeader, keyMode = false, false
				continue
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			values++
		case '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			keyMode = false
			values++
		case '=':
			keys++
			if keys > MaxKeys {
				return fail("more than %d keys", MaxKeys)
			}
			keyMode = false
		case ',':
			values++
			if len(stack) > 0 && stack[len(stack)-1] == '{' {
				keyMode, parts = true, 1
			}
		case '.':
			if keyMode || inHeader {
				parts++
				if parts > MaxKeyParts {
					return fail("a dotted key of more than %d parts", MaxKeyParts)
				}
			}
		default:
			if !keyMode && !inHeader {
				// The first byte of a bare value (number, boolean, date):
				// skip the rest of it.
				for i+1 < n && !isValueEnd(data[i+1]) {
					i++
				}
				values++
			}
		}
		if values > MaxValues {
			return fail("more than %d values", MaxValues)
		}
	}
	return nil
}

func isValueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ']', '}', '#', '=':
		return true
	}
	return false
}

// skipString returns the index of the last byte of the string starting at
// data[i] (a quote), the newlines inside it, and false when it does not
// end.
func skipString(data []byte, i int) (end, lines int, ok bool) {
	q := data[i]
	n := len(data)
	if i+2 < n && data[i+1] == q && data[i+2] == q {
		// Multi-line: up to the closing triple quote (and up to two more
		// quotes just before it, which belong to the string).
		for j := i + 3; j < n; j++ {
			switch {
			case data[j] == '\n':
				lines++
			case q == '"' && data[j] == '\\':
				if j+1 < n && data[j+1] == '\n' {
					lines++
				}
				j++
			case data[j] == q && j+2 < n && data[j+1] == q && data[j+2] == q:
				k := j + 2
				for k+1 < n && data[k+1] == q && k-j < 4 {
					k++
				}
				return k, lines, true
			}
		}
		return n - 1, lines, false
	}
	for j := i + 1; j < n; j++ {
		switch {
		case data[j] == '\n':
			return j, lines, false
		case q == '"' && data[j] == '\\':
			j++
		case data[j] == q:
			return j, lines, true
		}
	}
	return n - 1, lines, false
}
