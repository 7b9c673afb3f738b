package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Release is one entry of the release index (index.json). Only the fields
// the plugin uses are read; the index has more (date, files, npm, v8, …).
type Release struct {
	// Version is the version with its "v", such as "v20.11.1".
	Version string
	// LTS is the LTS codename, such as "Iron", or "" when the release is not
	// LTS (the index writes false).
	LTS string
}

// ParseIndex reads a release index (the body of index.json): a JSON array
// of objects, of which it keeps "version" and "lts".
//
// It is a small purpose-built JSON reader rather than encoding/json: it
// skips the fields it does not need without building them, which makes
// the WASM build read nodejs.org's full index (about 800 entries, 400 kB)
// in a few milliseconds instead of over a hundred. It accepts any valid
// JSON layout, not only nodejs.org's one entry a line.
func ParseIndex(body []byte) ([]Release, error) {
	s := &scanner{b: body}
	s.ws()
	if err := s.expect('['); err != nil {
		return nil, err
	}
	rel := make([]Release, 0, len(body)/400+1)
	s.ws()
	if s.peek() == ']' {
		s.i++
	} else {
		for {
			r, err := s.release()
			if err != nil {
				return nil, err
			}
			rel = append(rel, r)
			s.ws()
			c := s.peek()
			s.i++
			if c == ']' {
				break
			}
			if c != ',' {
				return nil, s.errorf(s.i-1, "want ',' or ']' after an entry")
			}
			s.ws()
		}
	}
	s.ws()
	if s.i != len(s.b) {
		return nil, s.errorf(s.i, "unexpected data after the index")
	}
	return rel, nil
}

// scanner reads JSON from b at i.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) errorf(at int, format string, args ...any) error {
	what := "end of input"
	if at < len(s.b) {
		what = strconv.QuoteRune(rune(s.b[at]))
	}
	return fmt.Errorf("offset %d (%s): %s", at, what, fmt.Sprintf(format, args...))
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.errorf(s.i, "want %q", c)
	}
	s.i++
	return nil
}

// The keys read from an index entry.
var keyVersion, keyLTS = []byte("version"), []byte("lts")

// release reads one index entry.
func (s *scanner) release() (Release, error) {
	var r Release
	if err := s.expect('{'); err != nil {
		return r, err
	}
	s.ws()
	if s.peek() == '}' {
		s.i++
		return r, nil
	}
	for {
		s.ws()
		keyStart := s.i
		key, escaped, err := s.rawStr()
		if err != nil {
			return r, err
		}
		if escaped || !utf8.Valid(key) {
			s.i = keyStart
			k, err := s.str()
			if err != nil {
				return r, err
			}
			key = []byte(k)
		}
		s.ws()
		if err := s.expect(':'); err != nil {
			return r, err
		}
		s.ws()
		// Keys match like encoding/json's: exactly, else case-insensitively
		// (the real index is all lower case).
		switch {
		case bytes.EqualFold(key, keyVersion):
			if s.peek() != '"' {
				return r, s.errorf(s.i, "version: want a string")
			}
			if r.Version, err = s.str(); err != nil {
				return r, err
			}
		case bytes.EqualFold(key, keyLTS):
			switch s.peek() {
			case '"':
				if r.LTS, err = s.str(); err != nil {
					return r, err
				}
			case 'f', 'n':
				start := s.i
				if err := s.skip(0); err != nil {
					return r, err
				}
				if lit := string(s.b[start:s.i]); lit != "false" && lit != "null" {
					return r, s.errorf(start, "lts: want false or a codename")
				}
			default:
				return r, s.errorf(s.i, "lts: want false or a codename")
			}
		default:
			if err := s.skip(0); err != nil {
				return r, err
			}
		}
		s.ws()
		c := s.peek()
		s.i++
		if c == '}' {
			return r, nil
		}
		if c != ',' {
			return r, s.errorf(s.i-1, "want ',' or '}' in an entry")
		}
	}
}

// str reads a string value; escapes and invalid UTF-8 (replaced by U+FFFD,
// as encoding/json does) are decoded by encoding/json (rare here).
func (s *scanner) str() (string, error) {
	start := s.i
	raw, escaped, err := s.rawStr()
	if err != nil || !escaped && utf8.Valid(raw) {
		return string(raw), err
	}
	var out string
	if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
		return "", s.errorf(start, "invalid string: %v", err)
	}
	return out, nil
}

// rawStr passes over a string and returns its bytes between the quotes,
// without allocating, and whether it has escapes.
func (s *scanner) rawStr() (raw []byte, escaped bool, err error) {
	start := s.i
	if err := s.expect('"'); err != nil {
		return nil, false, err
	}
	for {
		n := bytes.IndexByte(s.b[s.i:], '"')
		if n < 0 {
			return nil, false, s.errorf(start, "unterminated string")
		}
		seg := s.b[s.i : s.i+n]
		for _, c := range seg {
			if c < 0x20 {
				return nil, false, s.errorf(s.i, "control character in a string")
			}
		}
		s.i += n + 1
		if bytes.IndexByte(seg, '\\') < 0 {
			return s.b[start+1 : s.i-1], escaped, nil
		}
		escaped = true
		// The quote is escaped when an odd number of backslashes precede it.
		k := 0
		for j := s.i - 2; j > start && s.b[j] == '\\'; j-- {
			k++
		}
		if k%2 == 0 {
			raw := s.b[start+1 : s.i-1]
			if at := badEscape(raw); at >= 0 {
				return nil, false, s.errorf(start+1+at, "invalid escape in a string")
			}
			return raw, escaped, nil
		}
	}
}

// badEscape returns the offset of the first invalid escape sequence in the
// raw bytes of a JSON string, or -1 when every escape is valid: \" \\ \/
// \b \f \n \r \t, or \u and four hex digits.
func badEscape(raw []byte) int {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 >= len(raw) {
			return i
		}
		switch raw[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			if i+6 > len(raw) {
				return i
			}
			for _, c := range raw[i+2 : i+6] {
				if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
					return i
				}
			}
			i += 5
		default:
			return i
		}
	}
	return -1
}

// maxDepth bounds nesting in skipped values.
const maxDepth = 64

// skip passes over one JSON value of any kind.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return s.errorf(s.i, "nested too deeply")
	}
	switch c := s.peek(); {
	case c == '"':
		_, _, err := s.rawStr()
		return err
	case c == '[' || c == '{':
		end := byte(']')
		if c == '{' {
			end = '}'
		}
		s.i++
		s.ws()
		if s.peek() == end {
			s.i++
			return nil
		}
		for {
			s.ws()
			if c == '{' {
				if _, _, err := s.rawStr(); err != nil {
					return err
				}
				s.ws()
				if err := s.expect(':'); err != nil {
					return err
				}
				s.ws()
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.ws()
			next := s.peek()
			s.i++
			if next == end {
				return nil
			}
			if next != ',' {
				return s.errorf(s.i-1, "want ',' or %q", end)
			}
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				return nil
			}
		}
		return s.errorf(s.i, "invalid literal")
	case c == '-' || (c >= '0' && c <= '9'):
		start := s.i
		for s.i < len(s.b) && isNumberByte(s.b[s.i]) {
			s.i++
		}
		if !json.Valid(s.b[start:s.i]) {
			return s.errorf(start, "invalid number")
		}
		return nil
	}
	return s.errorf(s.i, "want a JSON value")
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
