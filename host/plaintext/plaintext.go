// Package plaintext makes text that plugins provide safe to print on a
// terminal: error messages, log messages, deprecation warnings, names and
// descriptions. A plugin is untrusted; what it says must neither flood the
// terminal nor drive it (escape sequences can clear the screen, rewrite the
// title, hide text, plant hyperlinks or, on some terminals, answer back).
//
// Text caps the length and makes every control character visible, keeping
// newlines and tabs; Line does the same for text that must stay on one line.
// Control characters are C0 (including ESC and carriage return), DEL, C1,
// and the Unicode bidirectional overrides and isolates that reorder what is
// displayed. Each becomes a Go-style escape such as \x1b or \u202e;
// invalid UTF-8 bytes become \xNN. Backslashes are kept as they are, so
// cleaning twice changes nothing more.
package plaintext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Default caps, in bytes of input.
const (
	// MaxMessage is the cap for messages: errors, logs, warnings.
	MaxMessage = 8 << 10
	// MaxName is the cap for names and one-line descriptions.
	MaxName = 256
)

// Text returns s with at most max bytes of it kept (the cut is marked with
// "… [N more bytes]") and every control character but newline and tab
// escaped. max <= 0 means MaxMessage.
func Text(s string, max int) string { return clean(s, max, MaxMessage, true) }

// Line is Text for one line: newlines and tabs are escaped too. max <= 0
// means MaxName.
func Line(s string, max int) string { return clean(s, max, MaxName, false) }

func clean(s string, max, def int, multiline bool) string {
	if max <= 0 {
		max = def
	}
	rest := 0
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		rest = len(s) - cut
		s = s[:cut]
	}
	if safe(s, multiline) && rest == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case multiline && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case isHidden(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	if rest > 0 {
		fmt.Fprintf(&b, "… [%d more bytes]", rest)
	}
	return b.String()
}

// isHidden reports C1 controls and the bidirectional formatting characters.
func isHidden(r rune) bool {
	return r >= 0x80 && r <= 0x9f ||
		r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069 ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// safe reports whether s needs no escaping.
func safe(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return safeUnicode(s[i:], multiline)
		}
		if c < 0x20 && !(multiline && (c == '\n' || c == '\t')) || c == 0x7f {
			return false
		}
	}
	return true
}

func safeUnicode(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || isHidden(r) ||
			r < 0x20 && !(multiline && (r == '\n' || r == '\t')) || r == 0x7f {
			return false
		}
		i += size
	}
	return true
}
